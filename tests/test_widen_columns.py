"""Table headings (column unit, the previous budget's column), budget sides, and widening a
question's search beyond the collectivité it names, on rows as greffier stores them from the RPQS
and regional budgets of ../shared/corpus."""

from __future__ import annotations

from greffier.records import Entity, SearchHit
from greffier.search.amount_ask import _other_side, _sides_named
from greffier.search.candidate import Candidate
from greffier.search.columns import column, heading_unit, previous_column, with_heading_unit
from greffier.search.question import parse_question
from greffier.search.widen import margin, widened

ROW_2021 = "Total des volumes facturés aux abonnés (sur 365 j) | Volumes facturés en 2021 (m3): 10 712"
BUDGET = "Dépenses de fonctionnement – Total | Pour mémoire, budget précédent (1): 3 328 603 356,00"


def _amount(text: str, value: float, sentence: str, unit: str = "count", doc: str = "d", n: int = 0) -> Entity:
    return Entity(f"{doc}-e{n}", "AMOUNT", text, doc, 4, "s", 0, len(text), sentence, value=value, unit=unit)


def _cand(e: Entity, score: float, issuer: str, elsewhere: bool = False) -> Candidate:
    hit = SearchHit(0, 1.0, e.doc_id, "t", 2021, e.page, (), "", f"{e.entity_id}-p", e.sentence, issuer=issuer)
    return Candidate(e, hit, score, 0.4, 0.3, elsewhere=elsewhere)


def test_column_heading_and_its_unit() -> None:
    at = ROW_2021.rfind("10 712")
    assert column(ROW_2021, at).strip() == "Volumes facturés en 2021 (m3)"
    assert heading_unit(ROW_2021, at) == "m3"
    assert heading_unit("Linéaire de réseau | Total réseau (ml): 15 250", 40) == "m"
    assert column("Soit un linéaire de collecte total de 4,00 km", 40) == ""  # a sentence has no column
    e = with_heading_unit(_amount("10 712", 10712, ROW_2021))
    assert e.unit == "m3"
    # a count whose headings name no unit stays a count
    assert with_heading_unit(_amount("587", 587, "NOMBRE D'ABONNES > Abonnés domestiques: 587")).unit == "count"


def test_previous_budget_column() -> None:
    assert previous_column(column(BUDGET, BUDGET.rfind("3 328")))
    assert previous_column(" Pour mÈmoire, budget prÈcÈdent (1)")  # accents as some budgets' fonts give them
    assert previous_column("RAR N-1")
    assert not previous_column("TOTAL (Vote + RAR N-1)")
    assert not previous_column("Vote de l'assemblée")


def test_budget_sides() -> None:
    asked = _sides_named("À combien s'équilibre la section de fonctionnement du budget primitif 2012 ?")
    assert asked == ("fonctionnement",)
    assert _other_side(asked, "investissement :")
    assert not _other_side(asked, "- Commune fonctionnement :")
    # a label naming both sides is no other side ("en recettes comme en dépenses")
    assert not _other_side(_sides_named("le total des dépenses"), "(en recettes comme en dépenses) :")
    assert _other_side(_sides_named("le total des dépenses de fonctionnement"), "Recettes de fonctionnement – Total")


def test_price_per_cubic_metre_asks_money() -> None:
    q = parse_question("Quel était le prix TTC du mètre cube d'assainissement pour une facture de 120 m3 en 2022 ?")
    assert q.unit == "EUR"
    assert parse_question("Quel volume a été facturé aux abonnés en 2021 ?").unit == "m3"


def test_the_same_line_of_another_collectivite_is_no_rival() -> None:
    own = _cand(
        _amount("2 050 000,00", 2050000, "954 Produit des cessions d'immobilisations: 2 050 000,00", "EUR"), 0.48, "GE"
    )
    twin = _amount("120 000,00", 120000, "954 Produit des cessions d'immobilisations: 120 000,00", "EUR", "oc")
    other = _amount("3 480,00 €", 3480, "Cession – année 2024 / Terrain parcelle A162: 3 480,00 €", "EUR", "pv", 1)
    cands = widened([own], [_cand(twin, 0.47, "OC"), _cand(other, 0.40, "PV")], lambda c: c.hit.issuer == "GE", 0.9)
    assert [c.entity.doc_id for c in cands] == ["d", "oc", "pv"]
    assert cands[1].elsewhere and abs(cands[1].score - 0.423) < 1e-9
    # the twin row is skipped; the other collectivité's different line still counts
    assert abs(margin(cands) - (0.48 - 0.36)) < 1e-9
    # a best value from elsewhere competes with every value
    assert abs(margin(cands[1:]) - (0.423 - 0.36)) < 1e-9


def test_widening_keeps_the_named_documents_candidates() -> None:
    own = _cand(_amount("10 712", 10712, ROW_2021, "m3"), 0.37, "B")
    far = _cand(_amount("7 710", 7710, ROW_2021.replace("10 712", "7 710"), "m3", "a"), 0.4, "A")
    cands = widened([own], [far], lambda c: c.hit.issuer == "B", 0.9)
    assert {c.entity.doc_id for c in cands} == {"d", "a"}
    assert cands[0].entity.doc_id == "d"  # 0.37 against 0.4 x 0.9


def test_previous_budget_and_this_one_make_two_years() -> None:
    q = parse_question("Donnez les charges de personnel pour le budget précédent (2023) et pour le BP 2024.")
    assert (q.kind, q.year_from, q.year_to) == ("trend", 2023, 2024)
