"""Bodies a question names in capitals must be named by the answer's passage; a count's head noun."""

from __future__ import annotations

from greffier.search.acronyms import asked_names, names_found
from greffier.search.question import parse_question


def test_names_written_in_capitals() -> None:
    q = "Combien la commune de Pierrefonds a-t-elle versé en 2025 à l’association USP ?"
    assert asked_names(q, "Commune de Pierrefonds") == ("usp",)
    assert not names_found(
        ("usp",), "Il est donc proposé de verser une subvention de 400 € à l’Association Saint Louis Poissy."
    )
    assert names_found(("usp",), "Subvention exceptionnelle à l'U.S.P. : l'USP organise le tournoi")
    # tax bases and budget kinds are no names; the issuer's own name is left out
    assert asked_names("Combien a coûté (HT) la mission du PLU confiée par CHÉMÉRÉ ?", "Commune de Chéméré") == ("plu",)
    assert asked_names("Quel montant TTC au BP 2024 ?") == ()
    assert names_found((), "anything")


def test_a_population_is_a_count_whatever_follows() -> None:
    q = parse_question(
        "Quelle est la population totale de Pierrefonds au 1er janvier 2025 retenue pour la redevance électricité ?"
    )
    assert q.unit == "count"
    assert parse_question("Quel est le montant de la redevance électricité en 2025 ?").unit == "EUR"


def test_a_length_is_asked_in_km_or_linear_metres() -> None:
    from greffier.records import Entity
    from greffier.search.ask import _unit_ok

    q = parse_question("Quelle est la longueur totale du réseau d'assainissement en 2022 (en mètres linéaires) ?")
    assert q.unit == "km"

    def amount(text: str, unit: str) -> Entity:
        return Entity("e", "AMOUNT", text, "d", 1, "s", 0, len(text), text, value=1.0, unit=unit)

    assert _unit_ok(q, amount("15,25 km", "km")) and _unit_ok(q, amount("15 250 ml", "m"))
    assert not _unit_ok(q, amount("5 ans", "count"))


def test_which_meeting_asks_its_date() -> None:
    assert (
        parse_question("Le conseil municipal du 21 janvier 2026 approuve le procès-verbal de quelle séance ?").kind
        == "date"
    )
    assert parse_question("Lors de quelle séance le conseil a-t-il approuvé le rapport ?").kind == "date"


def test_what_soit_introduces_is_no_base_of_a_rate() -> None:
    from greffier.records import Entity
    from greffier.search.amount_ask import amount_asked, amount_factor
    from greffier.search.evidence import Weigher

    wg = Weigher(lambda w: [w.lower()], lambda s: 1, 100)
    ask = amount_asked(wg, parse_question("Quel montant HT a été retenu pour le matériel de cuisine ?"))
    s = "CORBE CUISINE PROFESSIONNELLE 11 218,55 € Remise de 5,00% sur le total soit 10 657,62 € H.T."
    e = Entity("e", "AMOUNT", "10 657,62 € H.T.", "d", 1, "s", 0, 16, s, value=10657.62, unit="EUR", tax="HT")
    assert amount_factor(1.0, wg, ask, e, s, s.find("10 657"), False) == 1.0
    base = "Subvention de la DRAC : (50 % de 245 517,80 €)"
    e2 = Entity("e", "AMOUNT", "245 517,80 €", "d", 1, "s", 0, 12, base, value=245517.8, unit="EUR")
    assert amount_factor(1.0, wg, ask, e2, base, base.find("245"), False) < 1.0


def test_a_total_line_weighs_less_when_no_total_is_asked() -> None:
    # Chéméré, CM 22 avril 2014 p. 5: the allowances' table ends with "Total mensuel 4 364,09 €"
    from greffier.records import Entity
    from greffier.search.amount_ask import amount_asked, amount_factor
    from greffier.search.evidence import Weigher

    wg = Weigher(lambda w: [w.lower()], lambda s: 1, 100)
    total = "Total mensuel 4 364,09 €"
    e = Entity("e", "AMOUNT", "4 364,09 €", "d", 5, "s", 14, 24, total, value=4364.09, unit="EUR")
    mayor = amount_asked(wg, parse_question("Quelle est l'indemnité mensuelle brute du maire ?"))
    all_of = amount_asked(wg, parse_question("Quelle est l'indemnité mensuelle brute totale des élus ?"))
    assert amount_factor(1.0, wg, mayor, e, total, total.find("4 364"), False) < amount_factor(
        1.0, wg, all_of, e, total, total.find("4 364"), False
    )
