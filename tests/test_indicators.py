"""Indicator records: the reference table, the readers on hand-built text, the store, the CLI,
and pinned documents of the shared corpus (skipped when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.cli import main
from greffier.eval.indicators import score_file, split_of
from greffier.extract.indicator_prose import prose_candidates
from greffier.extract.indicator_ref import by_code, get, indicators, match_name, resolve, service_domain
from greffier.extract.indicator_values import clean, columns, figures, parse_cell
from greffier.extract.indicators import extract_indicators
from greffier.records import Document, IndicatorRecord, Page

AC = "assainissement_collectif"

RPQS_TEXT = """Commune de Valmont – Rapport annuel sur le prix et la qualité du service public
de l'assainissement collectif
Exercice 2021

Le service public d'assainissement collectif dessert 412 habitants au 31/12/2021 (405 au 31/12/2020).
Le service public d'assainissement collectif dessert 190 abonnés au 31/12/2021 (188 au 31/12/2020).
Pour l'exercice 2021, le taux de desserte par les réseaux d'eaux usées est de 96,5% des 197 abonnés
potentiels (95,9% pour 2020).
L'indice de connaissance et de gestion patrimoniale des réseaux du service est 80 pour l'exercice 2021 (75 pour 2020).
Taux d'impayés sur les factures d'eau de l'année précédente : non renseigné.
\f
Tableau récapitulatif des indicateurs
Exercice 2020 Exercice 2021
D204.0 Prix TTC du service au m³ pour 120 m³ [€/m³] 2,10 2,25
P201.1 Taux de desserte par des réseaux de collecte des eaux usées 95,9% 96,5%
P256.2 Durée d'extinction de la dette de la collectivité [ans] 3,5 4,0
P202.2B Indice de connaissance et de gestion patrimoniale des réseaux [points] 75 82
"""


def _doc(text: str, year: int = 2021, issuer: str | None = "Commune de Valmont") -> tuple[Document, list[Page]]:
    pages = [Page(doc_id="valmont", number=i, label=str(i), text=t.strip()) for i, t in enumerate(text.split("\f"), 1)]
    doc = Document(
        doc_id="valmont",
        path="valmont.txt",
        sha256="0",
        status="ingested",
        title="Commune de Valmont – RPQS 2021",
        issuer=issuer,
        kind="rpqs",
        year=year,
        date=None,
        pages=len(pages),
        source_type="text",
    )
    return doc, pages


def _by(records: list[IndicatorRecord], key: str) -> dict[int | None, list[IndicatorRecord]]:
    out: dict[int | None, list[IndicatorRecord]] = {}
    for r in records:
        if r.indicator == key:
            out.setdefault(r.year, []).append(r)
    return out


# -- reference table ----------------------------------------------------------------------------


def test_reference_table_has_the_official_codes_with_units() -> None:
    table = {i.key: i for i in indicators()}
    for code, unit in [("D102.0", "EUR/m3"), ("P104.3", "%"), ("D204.0", "EUR/m3"), ("P202.2B", "points")]:
        assert table[code].unit == unit and table[code].definition
    for code in ("P203.3", "P204.3", "P205.3", "P256.2", "P257.0", "D301.0", "D302.0", "P301.3"):
        assert code in table
    assert get("epargne_brute") is not None and get("epargne_brute").domain == "budget"


def test_codes_printed_for_another_service_or_misprinted_resolve_to_the_reports_own() -> None:
    assert by_code("P153.2", AC).key == "P256.2"  # a water code printed in a sewerage report
    assert by_code("P256.2", "eau_potable").key == "P153.2"
    assert by_code("D207.0", AC).key == "P207.0"
    assert by_code("D.202.0").key == "D202.0"
    assert by_code("VP.056").key == "abonnes"


def test_names_match_within_the_reports_service() -> None:
    assert match_name("Taux de desserte par le réseau", AC)[0].key == "P201.1"
    assert match_name("Taux de desserte par le réseau", "eau_potable") is None
    assert match_name("Rendement du réseau de distribution", "eau_potable")[0].key == "P104.3"
    assert resolve("prix du service au m3 pour 120 m3", AC).key == "D204.0"
    assert resolve("Dépenses réelles de fonctionnement").key == "depenses_reelles_fonctionnement"


def test_service_domain_of_a_report() -> None:
    assert service_domain(RPQS_TEXT) == AC
    assert service_domain("Rapport annuel du SPANC, assainissement non collectif") == "assainissement_non_collectif"
    assert service_domain("BALANCE GENERALE – DEPENSES Vote de l'assemblée") == "budget"


# -- values -------------------------------------------------------------------------------------


def test_cells_and_figures() -> None:
    assert parse_cell("2 863 554 063,00").value == 2863554063.0
    assert (parse_cell("1,5010 €").value, parse_cell("1,5010 €").unit) == (1.501, "EUR")
    assert parse_cell("- 4,3 %").value == -4.3
    assert parse_cell("NC") is None
    math_bold = clean("´ 100 = 𝟗𝟔, 𝟖 % (97,4 % en 2021)")
    assert [(f.value, f.unit) for f in figures(math_bold)] == [(100.0, None), (96.8, "%"), (97.4, "%")]
    assert [f.value for f in figures("dessert 1 419 habitants au 31/12/2022")] == [1419.0]
    assert columns("Au 01/01/2021 Au 01/01/2022") == [(2021, "2021-01-01", "date"), (2022, "2022-01-01", "date")]
    assert columns("Exercice 2020 Exercice 2021") == [(2020, None, "exercice"), (2021, None, "exercice")]


def test_sentences_give_the_value_its_date_and_the_bracketed_previous_year() -> None:
    cands = prose_candidates(
        3,
        "Le service public d'assainissement collectif dessert 275 habitants au 31/12/2021 (270 au 31/12/2020).",
        AC,
        2021,
    )
    got = sorted((c.ind.key, c.value, c.year) for c in cands)
    assert got == [("D201.0", 270.0, 2020), ("D201.0", 275.0, 2021)]


def test_formula_under_a_coded_heading() -> None:
    text = "A. Taux de desserte (indicateur P201.1)\nNombre d'abonnés desservis ´ 100 = 𝟗𝟔, 𝟖 % (97,4 % en 2021)"
    got = sorted((c.ind.key, c.value, c.year) for c in prose_candidates(7, text, AC, 2022))
    assert got == [("P201.1", 96.8, 2022), ("P201.1", 97.4, 2021)]


# -- records ------------------------------------------------------------------------------------


def test_records_from_text_and_summary_table() -> None:
    doc, pages = _doc(RPQS_TEXT)
    records = extract_indicators(doc, pages)
    assert all(r.commune == "Valmont" and r.service == AC for r in records)
    d201 = _by(records, "D201.0")
    assert d201[2021][0].value == 412 and d201[2020][0].value == 405
    assert d201[2021][0].as_of == "2021-12-31"
    # the summary's exercise-N price is the 1 January N+1 tariff
    price = _by(records, "D204.0")
    assert price[2021][0].value == 2.10 and price[2022][0].value == 2.25 and price[2022][0].as_of == "2022-01-01"
    # the same value in the text and the table: one record, both sources
    p201 = _by(records, "P201.1")[2021]
    assert len(p201) == 1 and p201[0].value == 96.5 and p201[0].also and not p201[0].conflict
    # two different values for the same indicator and year: both kept, flagged
    p202 = _by(records, "P202.2B")[2021]
    assert sorted(r.value for r in p202) == [80.0, 82.0] and all(r.conflict for r in p202)
    assert _by(records, "P256.2")[2021][0].unit == "years"


def test_not_given_is_a_record_without_a_value() -> None:
    doc, pages = _doc(RPQS_TEXT)
    unpaid = _by(extract_indicators(doc, pages), "P257.0")[2021]
    assert [(r.value, r.status) for r in unpaid] == [(None, "non renseigné")]


def test_a_document_without_indicators_gives_none() -> None:
    doc, pages = _doc("Le conseil municipal a délibéré sur la cantine scolaire.\nVote : unanimité.", issuer=None)
    assert extract_indicators(replace_kind(doc, "proces_verbal"), pages) == []


def replace_kind(doc: Document, kind: str) -> Document:
    from dataclasses import replace

    return replace(doc, kind=kind)


# -- eval ---------------------------------------------------------------------------------------


def test_score_file_counts_code_value_unit_year_and_commune() -> None:
    doc, pages = _doc(RPQS_TEXT)
    records = extract_indicators(doc, pages)
    gold = {
        "source": "x/RPQS_Valmont.pdf",
        "records": [
            {
                "indicator": "Prix",
                "code": "D204.0",
                "value": 2.25,
                "unit": "EUR/m3",
                "year": 2022,
                "commune": "Valmont",
            },
            {
                "indicator": "Nombre d'abonnés",
                "code": "",
                "value": 190,
                "unit": "count",
                "year": 2021,
                "commune": "Valmont",
            },
            {
                "indicator": "Prix",
                "code": "D204.0",
                "value": 9.99,
                "unit": "EUR/m3",
                "year": 2021,
                "commune": "Valmont",
            },
            {"indicator": "Impayés", "code": "P257.0", "value": None, "unit": "%", "year": 2021, "commune": "Valmont"},
        ],
    }
    score = score_file(gold, records, AC)
    assert (score.gold, score.right, score.nulls, score.nulls_right, score.invented) == (3, 2, 1, 1, 0)
    assert split_of("rpqs-narval/RPQS_Jons_AC_2022.pdf") == "tune"
    assert split_of("rpqs-narval/RPQS_Rully_AC_2021.pdf") == "report"


# -- store, CLI, ask ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valmont_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from greffier.api import Greffier
    from greffier.settings import Settings

    root = tmp_path_factory.mktemp("valmont")
    source = root / "rpqs-valmont-2021.txt"
    source.write_text(RPQS_TEXT, encoding="utf-8")
    index = root / "index"
    with Greffier(Settings(index_dir=index, workers=1)) as g:
        results = g.ingest([source])
    assert results[0].status == "ingested", results
    return index


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_indicators_and_compare(valmont_index: Path) -> None:
    rows = json.loads(_cli("indicators", "--code", "D204.0", "--index", str(valmont_index), "--format", "json"))
    assert sorted((r["year"], r["value"]) for r in rows) == [(2021, 2.1), (2022, 2.25)]
    assert all(r["commune"] == "Valmont" and r["page"] == 2 for r in rows)
    table = _cli("compare", "D204.0", "--index", str(valmont_index), "--format", "csv").splitlines()
    assert table[0] == "issuer,2021,2022"
    assert table[1].startswith("Valmont,2.1 EUR/m3 (") and "p.2)" in table[1]
    by_year = json.loads(_cli("compare", "P201.1", "--by", "year", "--index", str(valmont_index), "--format", "json"))
    assert [r["year"] for r in by_year] == [2020, 2021]


def test_unknown_indicator_is_a_usage_error(valmont_index: Path) -> None:
    result = CliRunner().invoke(main, ["compare", "Z999.9 inconnu", "--index", str(valmont_index)])
    assert result.exit_code == 2


def test_ask_and_trend_use_indicator_records(valmont_index: Path) -> None:
    from greffier.api import Greffier
    from greffier.settings import Settings

    with Greffier(Settings(index_dir=valmont_index, workers=1)) as g:
        answer = g.ask("Quel est le prix du service au m3 pour 120 m3 (D204.0) en 2022 ?")
        assert (answer["kind"], answer["value"], answer["code"], answer["page"]) == ("indicator", 2.25, "D204.0", 2)
        series = g.trend("taux de desserte P201.1")
        assert [(r["year"], r["value"]) for r in series["series"]] == [(2020, 95.9), (2021, 96.5)]


# -- shared corpus (pinned files) ---------------------------------------------------------------


@pytest.mark.corpus
def test_rpqs_abainville_summary_and_text(shared_corpus: Path) -> None:
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(shared_corpus / "rpqs-narval" / "RPQS_Abainville_AC_2021.pdf", "abainville")
    recs = list(parsed.indicators)
    assert {r.commune for r in recs} == {"Abainville"}
    assert [r.value for r in _by(recs, "D201.0")[2021]] == [275.0]
    assert [r.value for r in _by(recs, "D204.0")[2022]] == [1.62]
    assert [(r.value, r.status) for r in _by(recs, "P206.3")[2021]] == [(None, "empty")]
    assert [r.value for r in _by(recs, "volumes_factures")[2020]] == [10692.0]


@pytest.mark.corpus
def test_rpqs_jons_math_bold_formulas(shared_corpus: Path) -> None:
    from greffier.extract.pipeline import parse_file

    recs = list(parse_file(shared_corpus / "rpqs-narval" / "RPQS_Jons_AC_2022.pdf", "jons").indicators)
    assert [r.value for r in _by(recs, "P201.1")[2022]] == [96.8]
    assert [r.value for r in _by(recs, "P257.0")[2021]] == [2.92]
    assert [(r.value, r.status) for r in _by(recs, "P203.3")[2022]] == [(None, "non renseigné")]


@pytest.mark.corpus
def test_regional_budget_grand_est(shared_corpus: Path) -> None:
    from greffier.extract.pipeline import parse_file

    recs = list(parse_file(shared_corpus / "regions-bp2024" / "BP_2024_Grand Est_extracted.pdf", "ge").indicators)
    assert [r.value for r in _by(recs, "depenses_reelles_fonctionnement")[2024]] == [2520959783.0]
    assert [r.value for r in _by(recs, "depenses_reelles_fonctionnement")[2023]] == [2226674522.0]
    assert [r.value for r in _by(recs, "remboursement_dette")[2024]] == [228407435.11]
    assert [r.value for r in _by(recs, "autofinancement")[2024]] == [413468536.0]
    assert all(r.commune is None for r in recs)


def test_trend_keeps_to_the_issuer_the_question_names(tmp_path: Path) -> None:
    # two communes' reports of one template: `greffier trend "… de Valmont"` gives Valmont's series,
    # not a conflict between the two communes' values
    from greffier.api import Greffier
    from greffier.settings import Settings

    sources = []
    for name, rates in (("Valmont", ("95,9%", "96,5%")), ("Brocourt", ("88,0%", "89,5%"))):
        text = RPQS_TEXT.replace("Valmont", name).replace("95,9%", rates[0]).replace("96,5%", rates[1])
        source = tmp_path / f"rpqs-{name.lower()}-2021.txt"
        source.write_text(text, encoding="utf-8")
        sources.append(source)
    with Greffier(Settings(index_dir=tmp_path / "index", workers=1)) as g:
        g.ingest(sources)
        series = g.trend("taux de desserte P201.1 de Brocourt")
        assert [(r["year"], r["value"]) for r in series["series"]] == [(2020, 88.0), (2021, 89.5)]
        assert not any(r.get("conflicts") for r in series["series"])
