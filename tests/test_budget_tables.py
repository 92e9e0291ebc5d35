"""Budget maquettes read as tables: rows whose column borders break without a rule
(extract/ruling.py), header boxes stacked over body boxes (extract/table_stack.py), the
numbered totals of the D1/D2 pages. Edge and box coordinates are those of the M57 maquette of
a regional budget (Région Bretagne, BP 2024, page 11) and of a Pierrefonds subsidies table."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.plumber import RawTable, Word
from greffier.extract.ruling import row_breaks
from greffier.extract.table_stack import stack
from greffier.extract.tables import header_like, parse_cell


def _v(x: float, top: float, bottom: float) -> dict:
    return {"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def _h(x0: float, x1: float, y: float) -> dict:
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


# the column borders of a balance générale: thin rectangles (two sides 0.7-1 pt apart) drawn row by
# row, the rectangles' 1-pt caps the only horizontal strokes between chapter rows
BORDERS = (40.9, 41.6, 301.8, 302.8, 401.3, 402.3, 501.0, 502.0)
ROWS = (140.6, 151.6, 161.6, 171.6, 191.7, 201.7)


def _maquette_edges() -> list[dict]:
    edges = []
    for top, bottom in zip(ROWS, ROWS[1:]):
        for x in BORDERS:
            edges.append(_v(x, top, bottom))
        for a, b in zip(BORDERS[::2], BORDERS[1::2]):
            edges += [_h(a, b, top), _h(a, b, bottom)]
    edges.append(_h(40.9, 502.0, 140.6))  # the rule over the block
    return edges


def test_row_borders_where_the_column_borders_break() -> None:
    breaks = row_breaks(_maquette_edges())
    # 151.6, 161.6, 171.6, 191.7 are row borders; 140.6 has its rule, 201.7 ends the block
    assert [round(e["top"]) for e in breaks] == [152, 162, 172, 192]
    assert all(e["x0"] < 41 and e["x1"] > 500 for e in breaks)


def test_no_row_border_under_a_merged_header_cell() -> None:
    # Pierrefonds 2025 subsidies: "2024 / Perçues" split by a drawn rule, "Subventions votées" one
    # cell over both lines although its borders are drawn line by line
    edges = []
    for x in (196.1, 242.6, 305.9, 363.3, 427.8, 524.4):
        edges += [_v(x, 107.8, 122.8), _v(x, 123.3, 138.3)]
    edges += [_h(196.6, 242.6, 122.8), _h(243.1, 305.9, 122.8), _h(306.4, 363.3, 122.8)]
    assert row_breaks(edges) == []


def test_a_table_end_is_no_row_border() -> None:
    edges = [_v(x, 100.0, 150.0) for x in (40.0, 200.0, 300.0, 400.0)]
    assert row_breaks(edges) == []


def _raw(top: float, bottom: float, rows: list[tuple[str, ...]]) -> RawTable:
    xs = (41.8, 297.7, 397.7, 498.3, 599.0, 699.5, 800.1)
    height = (bottom - top) / len(rows)
    boxes = tuple(
        tuple((x0, top + i * height, x1, top + (i + 1) * height) for x0, x1 in zip(xs, xs[1:]))
        for i in range(len(rows))
    )
    return RawTable(page=1, bbox=(41.8, top, 800.1, bottom), strategy="lines", rows=tuple(rows), boxes=boxes)


HEADER = (
    "SECTION",
    "Pour mémoire, budget\nprécédent (1)",
    "Restes à réaliser N-1",
    "Propositions nouvelles",
    "Vote de l'assemblée",
    "TOTAL\n(RAR N-1 + VOTE)",
)
AP = ("AP VOTEES", "768 033 350,00", "", "650 174 200,00", "650 174 200,00", "650 174 200,00")
SECTION = ("DEPENSES D’INVESTISSEMENT", "0,00", "0,00", "1 277 068 100,00", "1 277 068 100,00", "1 277 068 100,00")


def test_header_box_and_body_boxes_are_one_table() -> None:
    # page 1 of a BP (récapitulation par groupes fonctionnels): the column header in a box of its
    # own, then the AP/AE box, then the sections' box, 14-15 points apart, nothing written between
    raws = [_raw(191.2, 509.4, [SECTION]), _raw(80.5, 102.5, [HEADER]), _raw(116.8, 176.6, [AP])]
    out = stack(raws, lambda box: [], header_like)
    assert len(out) == 1
    assert [r[0] for r in out[0].rows] == ["SECTION", "AP VOTEES", "DEPENSES D’INVESTISSEMENT"]
    assert out[0].bbox[1] == 80.5 and out[0].bbox[3] == 509.4


def test_boxes_without_a_header_stay_apart() -> None:
    # two tariff boxes of the same columns one under the other (Pierrefonds 2024 tariffs): two tables
    raws = [_raw(100.0, 200.0, [AP]), _raw(210.0, 300.0, [SECTION])]
    assert len(stack(raws, lambda box: [], header_like)) == 2


def test_a_block_under_a_title_takes_the_header_above() -> None:
    title = [Word(300.0, 400.0, 395.0, 403.0, "OPERATIONS", 8.0), Word(402.0, 440.0, 395.0, 403.0, "D’ORDRE", 8.0)]
    raws = [_raw(92.0, 386.0, [HEADER, AP]), _raw(410.0, 466.0, [SECTION])]
    out = stack(raws, lambda box: title if box[1] < 400 < box[3] else [], header_like)
    assert len(out) == 2
    assert out[1].rows[0] == HEADER and out[1].rows[1] == SECTION
    assert out[1].bbox[1] < 410.0


def test_numbered_totals_of_the_equilibre_pages() -> None:
    assert parse_cell("I 1 978 367 194,00").value == 1978367194.0
    assert parse_cell("VII 0,00").value == 0.0
    assert parse_cell("II 3").value is None  # not a maquette total


def test_balance_generale_rows_and_headers(shared_corpus: Path) -> None:
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(shared_corpus / "regions-bp2024" / "BP_2024_Bretagne_extracted.pdf", "bretagne")
    cells = [c for t in parsed.tables if t.page == 11 for c in t.cells if c.value is not None]
    personnel = [c for c in cells if c.row_header.startswith("012") or "Charges de personnel" in c.row_header]
    assert {c.col_header for c in personnel} >= {"Propositions nouvelles (2)", "TOTAL (Vote + RAR N-1)"}
    assert {c.value for c in personnel if c.col_header.startswith("TOTAL")} == {203003820.99}
    # page 1: the AP/AE and section rows under the header box
    first = [c for t in parsed.tables if t.page == 1 for c in t.cells if c.value is not None]
    ae = {c.value for c in first if c.row_header == "AE VOTEES" and c.col_header == "TOTAL (RAR N-1 + VOTE)"}
    assert ae == {857130880.0}


# -- budget lines and the questions they answer -------------------------------------------------


def _cell(row: int, col: int, text: str, header: str, value: float | None = None):
    from greffier.records import TableCell

    return TableCell(
        table_id="bp:t001", doc_id="bp", page=11, row=row, col=col, text=text, value=value,
        unit="EUR" if value is not None else None, tax=None, row_header="", col_header=header, group="",
    )  # fmt: skip


def _balance_generale():
    """The top of a balance générale – dépenses (E1), fonctionnement, as the table finder reads it."""
    from greffier.records import Table

    heads = ["", "FONCTIONNEMENT", "Pour mémoire, budget précédent (1)", "RAR N-1", "Propositions nouvelles (2)",
             "Vote de l'assemblée", "TOTAL (Vote + RAR N-1)"]  # fmt: skip
    rows = [
        ("Dépenses de fonctionnement – Total", "", [3328603356.0, 0.0, 3657428319.0, 3657428319.0, 3657428319.0]),
        ("012", "Charges de personnel et frais assimilés (hors 016 et 017)",
         [339842265.87, 0.0, 366772985.0, 366772985.0, 366772985.0]),
        ("66", "Charges financières", [63880687.52, 0.0, 82375959.74, 82375959.74, 82375959.74]),
    ]  # fmt: skip
    cells = []
    for r, (a, b, values) in enumerate(rows, start=1):
        cells += [_cell(r, 1, a, heads[0]), *([_cell(r, 2, b, heads[1])] if b else [])]
        cells += [_cell(r, 3 + i, f"{v:,.2f}", heads[2 + i], v) for i, v in enumerate(values)]
    return Table(
        table_id="bp:t001", doc_id="bp", page=11, page_end=11, bbox=(41.8, 97.2, 800.0, 335.6), section_id=None,
        section_path=("II – PRESENTATION GENERALE DU BUDGET II", "BALANCE GENERALE – DEPENSES E1"), caption="",
        strategy="lines", header_rows=(tuple(heads),), rows=(), cells=tuple(cells), label_cols=2,
    )  # fmt: skip


def test_budget_lines_read_direction_section_and_columns() -> None:
    from greffier.extract.budget_lines import budget_lines

    lines = {ln.code or ln.label: ln for ln in budget_lines(_balance_generale(), 2024)}
    personnel = lines["012"]
    assert (personnel.sens, personnel.section) == ("depenses", "fonctionnement")
    assert personnel.label.startswith("Charges de personnel")
    assert personnel.value_for(2024, 2024).value == 366772985.0  # the vote's total
    assert personnel.value_for(2023, 2024).value == 339842265.87  # "pour mémoire"
    assert personnel.value_for(2021, 2024) is None
    assert lines["Dépenses de fonctionnement – Total"].value_for(None, 2024).value == 3657428319.0


def test_function_columns_give_no_line() -> None:
    from greffier.extract.budget_lines import budget_lines
    from greffier.records import Table

    t = Table(
        table_id="bp:t003", doc_id="bp", page=2, page_end=3, bbox=(0, 0, 1, 1), section_id=None, section_path=(),
        caption="", strategy="lines", header_rows=(), rows=(),
        cells=(_cell(1, 1, "AP VOTEES", "SECTION"), _cell(1, 2, "36 746 600,00", "DONT Fonction 0 Services généraux",
               36746600.0)),
    )  # fmt: skip
    assert budget_lines(t, 2024) == []


def test_question_words_for_budget_lines() -> None:
    from greffier.search.budget_ask import _asked_section, _asked_sens, _label_words, _question_text, _words

    q = _question_text("Quel montant la Région consacre-t-elle à la masse salariale (chapitre 012) ?")
    assert _label_words("Charges de personnel et frais assimilés (hors 016 et 017)") <= _words(q) | {"frai", "assimil"}
    assert _label_words("AE VOTEES") <= _words(_question_text("les autorisations d'engagement votées en 2024"))
    assert _asked_sens("quel montant de recettes d'emprunt") == "recettes"
    assert _asked_sens("combien la Région consacre-t-elle") == "depenses"
    assert _asked_section("le total des dépenses de fonctionnement") == "fonctionnement"


@pytest.fixture(scope="module")
def budgets_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from greffier.api import Greffier
    from greffier.settings import Settings

    from .conftest import SHARED

    if SHARED is None:
        pytest.skip("../shared/corpus is not here (a user's clone): integration test skipped")
    directory = tmp_path_factory.mktemp("budgets")
    folder = SHARED / "regions-bp2024"
    with Greffier(Settings(index_dir=directory, workers=1)) as g:
        g.ingest([folder / "BP_2024_Bretagne_extracted.pdf", folder / "BP_2024_Grand Est_extracted.pdf"])
    return directory


def _ask(index: Path, question: str) -> dict:
    from greffier.api import Greffier
    from greffier.settings import Settings

    with Greffier(Settings(index_dir=index)) as g:
        return g.ask(question)


def test_ask_reads_a_chapter_of_the_balance_generale(budgets_index: Path) -> None:
    got = _ask(
        budgets_index, "Quel montant la Région Bretagne consacre-t-elle à la masse salariale (chapitre 012) en 2024 ?"
    )
    assert got["value"] == 203003820.99 and got["page"] == 11 and got["issuer"] == "Région Bretagne"
    got = _ask(
        budgets_index, "Quel montant de recettes d'emprunt (chapitre 16) la Région Bretagne inscrit-elle au BP 2024 ?"
    )
    assert got["value"] == 361750000.0  # chapter 16 in recettes, not the 94 900 000 repaid


def test_ask_reads_the_vote_column_not_the_previous_budget(budgets_index: Path) -> None:
    got = _ask(
        budgets_index, "Quel volume d'autorisations de programme la Région Grand Est a-t-elle ouvert pour 2024 ?"
    )
    assert got["value"] == 1913152574.0  # 3 029 749 977 is the previous budget's


def test_ask_two_years_of_a_budget_line_is_a_series(budgets_index: Path) -> None:
    got = _ask(budgets_index, "Donnez les charges de personnel (chapitre 012) de la Région Grand Est pour le budget "
               "précédent (2023) et pour le BP 2024.")  # fmt: skip
    assert got["kind"] == "trend"
    assert [(r["year"], r["value"]) for r in got["series"]] == [(2023, 339842265.87), (2024, 366772985.0)]


def test_no_budget_line_for_what_a_budget_does_not_print(budgets_index: Path) -> None:
    for question in (
        "Quel est l'encours de la dette de la Région Bretagne au 1er janvier 2024 ?",
        "Quel est le montant du budget annexe des transports de la Région Grand Est pour 2024 ?",
    ):
        assert _ask(budgets_index, question).get("source") != "budget"


def test_a_function_line_before_its_section_total(budgets_index: Path) -> None:
    # "dépenses d'investissement pour les transports": the D1 line 908 Transports, not the section's total
    q = "Combien la Région Grand Est prévoit-elle de dépenses d'investissement pour les transports ?"
    got = _ask(budgets_index, q)
    assert got.get("source") == "budget" and got["value"] == 591495777.0 and got["page"] == 6


def test_label_abbreviations_and_asked_columns() -> None:
    from greffier.search.budget_ask import _asked_role, _hits, _label_words, _question_text, _words

    label = _label_words("Reprises amort., dépréciations, prov. (semi-budgét.)")
    assert "amort*" in label and "prov*" in label  # the maquette's abbreviations match the words they begin
    q = _words(_question_text("les reprises sur amortissements et provisions"))
    assert {"amort*", "prov*", "reprise"} <= _hits(label, q)
    assert _asked_role("Quel montant le président a-t-il proposé pour le chapitre 011 ?") == "proposed"
    assert _asked_role("Quel montant l'assemblée a-t-elle voté pour le chapitre 011 ?") == "voted"
    assert _asked_role("les autorisations d'engagement (AE) votées") is None  # the line's name, not a column
    assert _asked_role("le total des dépenses de fonctionnement") is None


def test_two_column_cells_wrapped_line_by_line_stay_one_row() -> None:
    # Lisières 2025 décision modificative: "Compte 023 : + 5 000 €" over "Virement à la Section
    # d'investissement" in one cell, the three borders drawn line by line
    edges = [_v(x, top, bottom) for x in (71.2, 308.0, 545.3) for top, bottom in ((300.0, 311.0), (311.0, 322.0))]
    assert row_breaks(edges) == []


def test_long_header_cells_only_in_a_ruled_first_row() -> None:
    from greffier.extract.table_shape import _header_size

    assert _header_size("DONT Fonction 4 Santé et action sociale (hors APA et RSA)", 0, "lines")
    assert not _header_size("DONT Fonction 4 Santé et action sociale (hors APA et RSA)", 1, "lines")
    assert not _header_size("DONT Fonction 4 Santé et action sociale (hors APA et RSA)", 0, "text")
    # a sentence with its figures in a ruled first row is no header
    assert not _header_size("La commune distribue l’eau à 867 abonnés et dessert 2088 habitants.", 0, "lines")


def test_regions_named_in_questions() -> None:
    from greffier.search.understand import issuer_in_question

    regions = ["Région Auvergne-Rhône-Alpes", "Région Hauts-de-France", "Région Île-de-France", "Région Grand Est"]
    assert issuer_in_question("Les AE votées par la Région Île-de-France ?", regions)[0] == "Région Île-de-France"
    assert issuer_in_question("Le budget de la Région Hauts-de-France ?", regions)[0] == "Région Hauts-de-France"
    # a region the index does not know is not another one that shares a word of its name
    assert issuer_in_question("Les AE votées par la Région Provence-Alpes-Côte d'Azur ?", regions)[0] is None
    assert issuer_in_question("Les AE votées par la Région Auvergne-Rhône-Alpes ?", regions)[0] == regions[0]


def test_a_part_of_a_line_another_table_splits_is_not_the_whole_line(budgets_index: Path) -> None:
    # tune6 t6-117: "AP VOTEES" of the récapitulation (650 174 200) is every function's; the question
    # asks the transports' (281 961 800, the same line of the function table): never the whole
    got = _ask(
        budgets_index,
        "Quel montant d'autorisations de programme la Région Bretagne a-t-elle votées pour les transports en 2024 ?",
    )
    assert got.get("source") != "budget" and got.get("value") != 650174200.0
    # the whole line is still read when the question asks it
    got = _ask(
        budgets_index, "Quel montant d'autorisations de programme la Région Bretagne a-t-elle votées au BP 2024 ?"
    )
    assert got.get("value") == 650174200.0
