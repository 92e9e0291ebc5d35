"""Tables: detection, pdfplumber grids, cells, joins, passages, entities, store, CLI, gold."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.eval.tables import evaluate_tables, totals
from greffier.extract import plumber
from greffier.extract.pdf import read_pdf_lines
from greffier.extract.pipeline import parse_file
from greffier.extract.tables import ENV_TABLES, candidate_pages, parse_cell, table_columns, table_records
from greffier.records import Table
from greffier.settings import Settings

from .conftest import CORPUS, GOLD
from .pdfmaker import PdfPage, write_pdf

CR = CORPUS / "compte-rendu-17-11-2015.pdf"
SPANC = CORPUS / "spanc-rapport-annuel-2023.pdf"


@pytest.fixture(scope="module")
def minutes():
    return parse_file(CR, "cr")


@pytest.fixture(scope="module")
def spanc():
    return parse_file(SPANC, "spanc")


def _table(doc, page: int) -> Table:
    return next(t for t in doc.tables if t.page == page)


def _cell(table: Table, row_header: str, col_header: str):
    """The first value cell (not a label cell) with these headers."""
    return next(
        c for c in table.cells if c.col > table.label_cols and c.row_header == row_header and c.col_header == col_header
    )


# -- detection ----------------------------------------------------------------------------------


def test_only_pages_that_look_like_tables_go_to_pdfplumber() -> None:
    layouts: list = []
    read_pdf_lines(CR, layouts)
    pages = candidate_pages(layouts)
    assert {2, 3, 5, 7} <= set(pages)  # tariffs, Christmas bonus, SIVOC rates
    assert not {1, 4, 6, 8, 9, 10} & set(pages)  # agenda and prose
    assert len(pages) <= 6


# -- real tables --------------------------------------------------------------------------------


def test_tax_rate_table_of_the_minutes(minutes) -> None:
    t = _table(minutes, 7)
    assert t.strategy == "lines"
    assert t.header_rows == (("Taux pour l’année", "TH", "TFB", "TFNB"),)
    assert t.rows[:2] == (("2015", "0.383", "0.788", "1.84"), ("2014", "0.321", "0.661", "1.54"))
    assert _cell(t, "2015", "TH").value == pytest.approx(0.383)  # a decimal, not 383
    assert _cell(t, "2014", "TFNB").value == pytest.approx(1.54)
    spanning = next(c for c in t.cells if c.row_header == "Produit attendu 2015" and c.value)
    assert (spanning.value, spanning.col_header) == (26930, "")  # it spans TH, TFB and TFNB
    assert t.caption == "La contribution fiscalisée représente :"
    # the dash-led caption line is text of the item (the blind heading gold lists no such heading)
    assert t.section_path[-1] == "8. Contribution au SIVOC"


def test_tariff_table_continued_over_the_page_break_is_one_table(minutes) -> None:
    t = _table(minutes, 2)
    assert (t.page, t.page_end) == (2, 3)
    assert len([x for x in minutes.tables if x.page in (2, 3)]) == 1
    assert {c.page for c in t.cells} == {2, 3}
    eau = _cell(t, "Abonnement annuel (HT)", "")
    assert (eau.value, eau.unit, eau.tax, eau.group, eau.page) == (29, "EUR", "HT", "EAU", 2)
    assainissement = [c for c in t.cells if c.row_header == "Abonnement annuel (HT)" and c.value]
    assert [(c.group, c.value) for c in assainissement] == [("EAU", 29), ("ASSAINISSEMENT", 12)]
    # the groups carry over the break: "Tout le local..." (page 3) is still under FOYER NAPOLEON
    local = [c for c in t.cells if c.page == 3 and c.row_header == "Non pétrifontains" and c.value == 275]
    assert local and local[0].group == "FOYER NAPOLEON : > Tout le local hors week-end et fête"
    free = next(c for c in t.cells if c.text == "GRATUIT Une fois par an")
    assert free.value is None
    assert _cell(t, "TAXE D’AMENAGEMENT (%)", "").value == pytest.approx(2.3)
    assert t.section_path == ("1. Tarifications 2016",)


def test_rpqs_tariff_table_with_dated_columns(spanc) -> None:
    t = _table(spanc, 10)
    assert t.header_rows == (("Tarifs", "Au 01/01/2022", "Au 01/01/2023"),)
    cell = _cell(t, "Absence aux rendez vous", "Au 01/01/2023")
    assert (cell.value, cell.unit, cell.tax) == (110, "EUR", "TTC")
    assert t.caption == "Les tarifs applicables au 01/01/2023 sont les suivants :"
    assert t.section_path[-1] == "2.1 Modalités de tarification"
    counts = _table(spanc, 12)
    installed = next(c for c in counts.cells if c.value == 1059)
    assert (installed.unit, installed.col_header) == ("count", "Exercice 2023")


@pytest.mark.corpus
def test_columns_headed_by_dates_in_words_over_merged_cells(shared_corpus: Path) -> None:
    # RPQS template: "Facture type | 1er janvier 2021 | 1er janvier 2022", each figure in a cell
    # merged over two grid columns of which only one carries the header (regression: no header
    # row was found, so "244,20 €" did not say which year it was for)
    doc = parse_file(shared_corpus / "rpqs-narval" / "RPQS_Brillac_AC_2021.pdf", "brillac")
    bill = next(t for t in doc.tables if t.page == 6 and any(c.row_header == "Total TTC" for c in t.cells))
    cells = {(c.row_header, c.col_header): c for c in bill.cells if c.value is not None}
    assert cells[("Total TTC", "1er janvier 2022")].value == 244.2
    assert cells[("Total TTC", "1er janvier 2021")].value == 243.0
    prices = [e for e in doc.entities if e.doc_id == "brillac" and e.text == "1,25 €/m3"]
    assert prices and all(e.currency == "EUR" for e in prices)  # a price per m3 is a sum of money


# -- cells: templates and checkboxes --------------------------------------------------------------


def test_parse_cell_values() -> None:
    assert parse_cell("1 350 €*").value == 1350
    assert parse_cell("-5.9%").value == pytest.approx(-5.9)
    assert parse_cell("16 988").value == 16988
    assert parse_cell("0.383").value == pytest.approx(0.383)
    assert parse_cell("100 % du prix de base").unit == "%"
    assert parse_cell("GRATUIT").value is None
    assert parse_cell("-").value is None
    assert parse_cell("4 abstentions 2 contre").value is None
    assert parse_cell("1 contre").value == 1
    for template in ("____%", "………", "....", "__ €"):
        assert parse_cell(template).text == "" and parse_cell(template).value is None
    assert (parse_cell("☑").value, parse_cell("☐").value, parse_cell("☑").unit) == (1.0, 0.0, "checkbox")


def _checklist(path: Path) -> Path:
    page = PdfPage()
    page.text(72, 80, "1. Contrôles de l’année", 12)
    page.text(72, 110, "Le bilan des contrôles est le suivant :")
    page.table(
        72,
        130,
        [200, 60, 60, 100],
        [
            ["Contrôle", "Oui", "Non", "Taux"],
            ["Conception", "☑", "☐", "12 %"],
            ["Bonne exécution", "☐", "☑", "____%"],
            ["Vente", "☑", "☐", "………"],
            ["Périodique", "☑", "☐", "45,5 %"],
        ],
    )
    return write_pdf(path, [page])


def test_checkbox_and_template_cells(tmp_path: Path) -> None:
    doc = parse_file(_checklist(tmp_path / "checklist.pdf"), "chk")
    (t,) = doc.tables
    assert _cell(t, "Conception", "Oui").text == "☑" and _cell(t, "Conception", "Oui").value == 1.0
    assert _cell(t, "Conception", "Non").text == "☐" and _cell(t, "Conception", "Non").value == 0.0
    assert _cell(t, "Bonne exécution", "Non").unit == "checkbox"
    for row in ("Bonne exécution", "Vente"):
        template = _cell(t, row, "Taux")
        assert (template.text, template.value) == ("", None)
    assert t.rows[1] == ("Bonne exécution", "☐", "☑", "")
    assert _cell(t, "Périodique", "Taux").value == pytest.approx(45.5)
    amounts = [e for e in doc.entities if e.entity_id.startswith(t.table_id)]
    assert sorted(e.value for e in amounts) == [12.0, 45.5]  # boxes and templates are no amounts


def _budget_pages(path: Path, second_x: float = 72) -> Path:
    first = PdfPage()
    first.text(72, 80, "2. Budget primitif", 12)
    for i in range(25):  # enough prose to push the table to the bottom of the page
        first.text(72, 110 + 16 * i, "Le conseil examine les propositions budgétaires de la commune pour l’exercice.")
    first.text(72, 540, "Les crédits proposés sont les suivants :")
    first.table(
        72,
        560,
        [220, 100, 100],
        [
            ["Chapitre", "Budget 2024", "Budget 2025"],
            ["011 Charges à caractère général", "448 950,00 €", "418 300,00 €"],
            ["012 Charges de personnel", "657 200,00 €", "635 000,00 €"],
            ["014 Atténuations de produits", "114 500,00 €", "114 500,00 €"],
        ],
    )
    second = PdfPage()
    second.table(
        second_x,
        60,
        [220, 100, 100],
        [
            ["65 Autres charges de gestion courante", "118 150,00 €", "125 000,00 €"],
            ["66 Charges financières", "17 200,00 €", "20 000,00 €"],
            ["67 Charges exceptionnelles", "6 000,00 €", "1 000,00 €"],
        ],
    )
    second.text(72, 160, "Le budget est adopté à l’unanimité des membres présents.")
    return write_pdf(path, [first, second])


def test_a_table_continued_on_the_next_page_is_joined(tmp_path: Path) -> None:
    doc = parse_file(_budget_pages(tmp_path / "budget.pdf"), "bud")
    (t,) = doc.tables
    assert (t.page, t.page_end) == (1, 2)
    assert len(t.rows) == 6 and t.header_rows == (("Chapitre", "Budget 2024", "Budget 2025"),)
    cell = _cell(t, "66 Charges financières", "Budget 2025")
    assert (cell.value, cell.page) == (20000, 2)  # the second page's rows keep the first page's headers


def test_tables_whose_columns_differ_are_not_joined(tmp_path: Path) -> None:
    doc = parse_file(_budget_pages(tmp_path / "budget.pdf", second_x=140), "bud")
    assert [(t.page, t.page_end) for t in doc.tables] == [(1, 1), (2, 2)]


# -- passages, entities, failures ----------------------------------------------------------------


def test_each_row_is_a_passage_with_its_headers(minutes) -> None:
    t = _table(minutes, 7)
    rows = [p for p in minutes.passages if p.passage_id.startswith(t.table_id)]
    assert rows[0].passage_id == f"{t.table_id}r001"
    assert rows[0].text == "Taux pour l’année: 2015 | TH: 0.383 | TFB: 0.788 | TFNB: 1.84"
    assert rows[0].section_path == t.section_path + (t.caption,)
    assert rows[0].section_id == t.section_id and rows[0].page == 7
    ids = [p.passage_id for p in minutes.passages]
    assert len(ids) == len(set(ids))
    ordinals = [p.ordinal for p in minutes.passages]
    assert len(ordinals) == len(set(ordinals))
    tariffs = [p.text for p in minutes.passages if p.passage_id.startswith(_table(minutes, 2).table_id)]
    assert "EAU > Abonnement annuel (HT) | 29 €" in tariffs


def test_each_figure_is_an_amount_entity_with_its_headers(minutes, spanc) -> None:
    t = _table(minutes, 7)
    tfb = next(e for e in minutes.entities if e.entity_id == f"{t.table_id}r001c03")
    assert (tfb.type, tfb.value, tfb.page, tfb.sentence) == ("AMOUNT", pytest.approx(0.788), 7, "2015 | TFB: 0.788")
    counted = next(e for e in spanc.entities if e.entity_id.startswith("spanc:t") and e.value == 1059)
    assert counted.unit == "count"
    assert counted.quantity_of == "VP.167 - Nombre d’installations contrôlées depuis la création du service"


def test_a_page_whose_tables_fail_keeps_its_text(monkeypatch, caplog) -> None:
    real = plumber.ruled_tables

    def broken(page):
        if page.page_number == 7:
            raise RuntimeError("boom")
        return real(page)

    monkeypatch.setattr(plumber, "ruled_tables", broken)
    with caplog.at_level(logging.WARNING, logger="greffier.extract.tables"):
        doc = parse_file(CR, "cr")
    assert "page 7: tables not parsed" in caplog.text
    assert not any(t.page == 7 for t in doc.tables) and any(t.page == 2 for t in doc.tables)
    assert any(p.page == 7 and "TFNB" in p.text for p in doc.passages)  # the text layer still has it


def test_tables_can_be_switched_off(monkeypatch) -> None:
    monkeypatch.setenv(ENV_TABLES, "0")
    doc = parse_file(CR, "cr")
    assert doc.tables == () and not any(":t" in p.passage_id for p in doc.passages)


# -- store, API, search and CLI --------------------------------------------------------------------


def test_store_round_trip_and_replacement(tmp_path: Path, minutes) -> None:
    with Greffier(Settings(index_dir=tmp_path / "idx", workers=1, embedding_model="none")) as g:
        g.ingest([CR])
        stored = g.tables("compte-rendu-17-11-2015")
        assert [t.rows for t in stored] == [t.rows for t in minutes.tables]
        assert stored[2].cells == tuple(
            c.__class__(**{**c.__dict__, "table_id": stored[2].table_id, "doc_id": stored[2].doc_id})
            for c in minutes.tables[2].cells
        )
        assert [t.table_id for t in g.tables(page=3)] == ["compte-rendu-17-11-2015:t001"]
        g.ingest([CR], force=True)  # replaced, not doubled
        assert len(g.tables()) == len(minutes.tables)
        g.store.delete_document("compte-rendu-17-11-2015")
        assert g.tables() == []
        assert g.store.conn.execute("SELECT count(*) FROM table_cells").fetchone()[0] == 0


def test_keyword_search_finds_the_right_row(demo_index: Path) -> None:
    with Greffier(Settings(index_dir=demo_index, workers=1)) as g:
        hits = g.search("TFB 2015", limit=3, mode="keyword")
        assert hits[0].passage_id.startswith("compte-rendu-17-11-2015:t") and hits[0].page == 7
        assert "TFB: 0.788" in hits[0].text
        hits = g.search("bonne exécution 01/01/2023 tarif", limit=5, mode="keyword")
        assert any(h.passage_id.startswith("spanc-rapport-annuel-2023:t") and "200 € TTC" in h.text for h in hits)


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_tables_json_and_table_csv(demo_index: Path) -> None:
    idx = str(demo_index)
    r = _run("tables", "--doc", "compte-rendu-17-11-2015", "--page", "7", "--format", "json", "--index", idx)
    assert r.exit_code == 0, r.output
    (table,) = json.loads(r.output)
    assert table["strategy"] == "lines" and table["page"] == 7
    cell = next(c for c in table["cells"] if c["row_header"] == "2014" and c["col_header"] == "TFNB")
    assert cell["value"] == pytest.approx(1.54) and cell["text"] == "1.54"
    r = _run("table", table["table_id"], "--format", "csv", "--index", str(demo_index))
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.output)))
    assert rows[:3] == [
        ["Taux pour l’année", "TH", "TFB", "TFNB"],
        ["2015", "0.383", "0.788", "1.84"],
        ["2014", "0.321", "0.661", "1.54"],
    ]
    r = _run("tables", "--format", "csv", "--index", str(demo_index))
    listed = list(csv.DictReader(io.StringIO(r.output)))
    assert {"table_id", "page", "strategy", "caption"} <= set(listed[0]) and len(listed) >= 5
    r = _run("table", "nope:t001", "--index", str(demo_index))
    assert r.exit_code == 1 and "no table" in r.output


def test_cli_help_has_examples() -> None:
    for command in (["tables"], ["table"], ["eval", "tables"]):
        out = _run(*command, "--help").output
        assert "Example:" in out and "greffier " in out.split("Example:")[1]


def test_table_columns_are_unique() -> None:
    t = Table("d:t001", "d", 1, 1, (0, 0, 1, 1), None, (), "", "lines", (("A", "B", "B"),), (("x", "1", "2"),))
    assert table_columns(t) == ["A", "B", "B'"]
    assert table_records(t) == [{"A": "x", "B": "1", "B'": "2"}]


# -- gold (../shared/corpus) ---------------------------------------------------------------------


def test_gold_tables(shared_corpus: Path) -> None:
    scores = evaluate_tables(GOLD / "tables", shared_corpus)
    assert len(scores) >= 12
    total = totals(scores)
    assert total["precision"] >= 0.9 and total["recall"] >= 0.9, [s for s in scores if s.recall < 1]
    held = totals(evaluate_tables(GOLD / "tables_heldout", shared_corpus))
    assert held["precision"] >= 0.9 and held["recall"] >= 0.9, held


def test_cli_eval_tables(shared_corpus: Path) -> None:
    gold = GOLD / "tables" / "cr-2015-11-17-p07-sivoc.json"
    r = _run("eval", "tables", str(gold), "--corpus-root", str(shared_corpus), "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows[-1]["source"] == "TOTAL" and rows[-1]["recall"] == 1.0
