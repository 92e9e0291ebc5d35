"""Indicators a report says are not given or do not apply: records without a value, never an
invented one (formats of the SISPEA model and of consultants' reports)."""

from __future__ import annotations

from greffier.extract.indicator_prose import prose_candidates
from greffier.extract.indicators import extract_indicators
from greffier.records import Document, Page

AC = "assainissement_collectif"

CONFORMITY = """Conformités : collecte des effluents (P203.3), équipements des stations de traitement des eaux
usées (P204.3), performance des ouvrages d'épuration (P205.3)
Ces indicateurs ne concernent que les stations de traitement de plus de 2 000 EH.
Le service n'est pas concerné par ces indicateurs (station de 400 EH).
Taux de boues évacuées selon les filières conformes à la réglementation (P206.3)
La quantité de boues évacuées en 2021 est de 3,2 tMS."""


def test_a_heading_with_several_codes_then_not_concerned() -> None:
    got = sorted((c.ind.key, c.value, c.status, c.year) for c in prose_candidates(9, CONFORMITY, AC, 2021))
    nulls = [g for g in got if g[1] is None]
    assert nulls == [
        ("P203.3", None, "sans objet", 2021),
        ("P204.3", None, "sans objet", 2021),
        ("P205.3", None, "sans objet", 2021),
    ]
    # the next heading's figure is not touched by the statement
    assert ("P206.3", None, "sans objet", 2021) not in got


def test_a_statement_far_from_any_coded_heading_gives_nothing() -> None:
    text = (
        "Prix de l'eau (D204.0)\n"
        + "Le prix est fixé par délibération du conseil.\n" * 8
        + "Non communiqué par le délégataire."
    )
    assert [c for c in prose_candidates(4, text, AC, 2021) if c.value is None] == []


def test_not_given_inline_and_in_a_table_cell() -> None:
    text = "Durée d'extinction de la dette de la collectivité : non renseigné\n"
    text += "Tableau récapitulatif\nExercice 2020 Exercice 2021\n"
    text += "P257.0 Taux d'impayés sur les factures d'eau de l'année précédente NC NC\n"
    pages = [
        Page(
            doc_id="v", number=1, label="1", text="Commune de Valmont\nassainissement collectif\nExercice 2021\n" + text
        )
    ]
    doc = Document(
        doc_id="v", path="v.txt", sha256="0", status="ingested", title="Valmont 2021", issuer="Commune de Valmont",
        kind="rpqs", year=2021, date=None, pages=1, source_type="text",
    )  # fmt: skip
    recs = {(r.indicator, r.year): r for r in extract_indicators(doc, pages)}
    assert recs[("P256.2", 2021)].value is None and recs[("P256.2", 2021)].status == "non renseigné"
    assert recs[("P257.0", 2020)].value is None and recs[("P257.0", 2021)].value is None


def test_a_value_and_a_statement_for_the_same_year_are_both_kept_and_flagged() -> None:
    text = "Commune de Valmont\nassainissement collectif\nExercice 2021\n"
    text += "Durée d'extinction de la dette de la collectivité : non renseigné\n"
    text += "Exercice 2020 Exercice 2021\nP256.2 Durée d'extinction de la dette de la collectivité [ans] 3,5 4,0\n"
    pages = [Page(doc_id="v", number=1, label="1", text=text)]
    doc = Document(
        doc_id="v", path="v.txt", sha256="0", status="ingested", title="Valmont 2021", issuer=None,
        kind="rpqs", year=2021, date=None, pages=1, source_type="text",
    )  # fmt: skip
    debt = [r for r in extract_indicators(doc, pages) if r.indicator == "P256.2" and r.year == 2021]
    assert sorted((r.value is None, r.conflict) for r in debt) == [(False, True), (True, True)]


def test_the_precise_reading_of_a_value_printed_rounded_elsewhere_is_kept() -> None:
    text = "Rapport annuel sur le prix et la qualité du service public de gestion des déchets ménagers\nAnnée 2023\n"
    text += "Les ordures ménagères résiduelles collectées représentent 3 164 T en 2023.\n"
    text += "Exercice 2023\nTonnage d'ordures ménagères résiduelles 3 163,88\n"
    pages = [Page(doc_id="v", number=1, label="1", text=text)]
    doc = Document(
        doc_id="v", path="v.txt", sha256="0", status="ingested", title="Déchets 2023", issuer=None,
        kind="rpqs", year=2023, date=None, pages=1, source_type="text",
    )  # fmt: skip
    omr = [r for r in extract_indicators(doc, pages) if r.indicator == "tonnage_omr" and r.year == 2023]
    assert [r.value for r in omr] == [3163.88] and len(omr[0].also) == 1
