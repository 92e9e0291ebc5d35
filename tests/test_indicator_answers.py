"""Which indicator record may answer a question that names the indicator (search/indicators.py)."""

from __future__ import annotations

from greffier.records import IndicatorRecord
from greffier.search.indicators import _evidence_names, named_indicators

QUESTION = (
    "Quelle est la valeur de l'indice de connaissance et de gestion patrimoniale des réseaux "
    "d'assainissement d'Abainville pour 2021 ?"
)


def _record(evidence: str) -> IndicatorRecord:
    return IndicatorRecord(
        record_id="d:i001", indicator="P202.2B", code="P202.2B", name="Indice", value=107.0, unit="points",
        year=2021, as_of=None, issuer="Commune d'Abainville", commune="Abainville",
        service="assainissement_collectif", doc_id="d", page=11, evidence=evidence, from_table=True,
    )  # fmt: skip


def test_a_record_whose_row_prints_the_code_answers_the_indicator_named_in_words() -> None:
    # tune6 t6-091 (RPQS Abainville 2021 p.11): the value's row is the table's total, labelled by code
    inds = named_indicators(QUESTION)
    assert [i.key for i in inds] == ["P202.2B"]
    assert _evidence_names(
        _record("TOTAL (indicateur P202.2B) 120 - 107 (1) l'existence de l'inventaire"), inds, QUESTION
    )


def test_a_record_naming_neither_the_indicator_nor_its_code_does_not() -> None:
    inds = named_indicators(QUESTION)
    assert not _evidence_names(_record("TOTAL 120 - 107 (1) l'existence de l'inventaire"), inds, QUESTION)
    assert not _evidence_names(_record("TOTAL (indicateur P201.1) 97,78 %"), inds, QUESTION)


def test_a_count_in_a_column_of_points_counts_points_not_the_rows_subject(shared_corpus) -> None:  # type: ignore[no-untyped-def]
    # tune6 t6-089 (RPQS Abainville 2021 p.11): "VP.257 Localisation et description des ouvrages annexes
    # (relèvement, refoulement, déversoirs d'orage, ...)" | "points potentiels: 10" is no count of
    # déversoirs d'orage
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(shared_corpus / "rpqs-narval" / "RPQS_Abainville_AC_2021.pdf", "abainville")
    cells = [e for e in parsed.entities if e.page == 11 and "VP.257" in (e.sentence or "") and e.unit == "count"]
    assert cells and all("déversoirs" not in (e.quantity_of or "") for e in cells)
    assert any((e.quantity_of or "").lower().startswith("points") for e in cells)


def test_the_rate_of_a_fee_is_money_not_a_percentage() -> None:
    from greffier.search.question import parse_question

    q = "Quel taux de redevance pour modernisation des réseaux de collecte s'applique à Abainville en 2022 ?"
    assert parse_question(q).unit == "EUR"
    assert parse_question("Quel est le taux de la taxe foncière sur le bâti voté en 2024 ?").unit == "%"


def test_a_name_spread_over_the_question_still_names_the_indicator() -> None:
    # tune6 t6-096: "le prix TTC du service d'assainissement collectif d'Alloue au m³ pour une facture de 120 m³"
    q = "Quel est le prix TTC du service d'assainissement collectif d'Alloue au m³ pour une facture de 120 m³ en 2021 ?"
    assert {"D102.0", "D204.0"} <= {i.key for i in named_indicators(q)}
    assert named_indicators("Quel est le prix du repas servi au restaurant scolaire pour un enfant en 2021 ?") == []


def test_another_name_of_the_indicator_in_the_evidence_is_evidence_enough() -> None:
    # tune6 t6-102 (RPQS Brillac 2021 p.10): the template writes "Indice de la collectivité … : 73"
    q = "Quelle valeur atteint l'indice de connaissance et de gestion patrimoniale des réseaux de Brillac en 2021 ?"
    inds = named_indicators(q)
    assert _evidence_names(_record("Indice de la collectivité pour l'année 2021 : 73"), inds, q)


def test_a_figure_without_a_code_needs_the_questions_own_name_in_its_evidence() -> None:
    # answers.jsonl a028: "la population totale … retenue pour la redevance" is not any record whose
    # evidence says "population municipale" (another minutes' figure, 1 888)
    from dataclasses import replace

    q = "Quelle est la population totale de Pierrefonds au 1er janvier 2025 retenue pour la redevance électricité ?"
    inds = named_indicators(q)
    assert "population" in {i.key for i in inds}
    record = replace(_record("la population municipale est de 1 888 habitants"), indicator="population", code="")
    assert not _evidence_names(record, inds, q)
    assert _evidence_names(replace(record, evidence="la population totale est de 2 040 habitants"), inds, q)
