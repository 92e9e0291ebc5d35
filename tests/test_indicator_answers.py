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
