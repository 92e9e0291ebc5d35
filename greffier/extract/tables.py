"""Tables: pages that hold tables -> pdfplumber grids -> cited table records, one passage per
row and one AMOUNT entity per figure.

1. **Detection** (cheap, every page): from the pypdfium2 layer (:class:`PageLayout`), lines cut
   at wide gaps into two or more segments, with figures, whose segment edges line up from one
   line to the next, make a candidate region; ruling lines and cell boxes over the region
   strengthen it. Only pages with a candidate region go to pdfplumber's table finder (fed with
   PDFium's chars and path segments, see :mod:`greffier.extract.plumber`).
2. **Grids**: pdfplumber's table finder with the ``lines`` strategy (ruling lines and cell
   boxes) over the page, and the ``text`` strategy over each candidate region (column edges at
   the whitespace gutters of the words, row edges between text lines). A region keeps the
   ruled grid that covers it when that grid is a real table (two columns or more, no prose),
   else the text grid; the record says which strategy won.
3. **Records**: empty rows and columns dropped, header rows (labels, years, dates: "2024",
   "Exercice 2024", "au 01/01/2025") told from body rows, label columns from value columns,
   spanning label rows ("EAU", "DEPENSES") kept as the group of the rows below; each body cell
   gets its row and column headers and its value parsed with the entity amount parser. A table
   cut by a page break is joined with its continuation when the columns match.

A page whose tables cannot be parsed keeps its text passages: failures are logged, never raised.

The steps live in their own modules: :mod:`~greffier.extract.table_regions` (detection),
:mod:`~greffier.extract.table_grid` (grids, text edges), :mod:`~greffier.extract.table_cells`
(header cells, values), :mod:`~greffier.extract.table_shape` (header rows, label columns),
:mod:`~greffier.extract.table_build` (records), :mod:`~greffier.extract.table_join` (page
breaks), :mod:`~greffier.extract.table_place` (caption, section) and
:mod:`~greffier.extract.table_passages` (passages, entities, CSV rows). This module runs them
over a document and keeps the names other code imports.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from greffier.extract import plumber
from greffier.extract.pdf import PageLayout, read_page_objects
from greffier.extract.plumber import RawTable
from greffier.extract.table_build import build_table
from greffier.extract.table_cells import WORD, YEARISH, CellValue, header_like, parse_cell
from greffier.extract.table_grid import Grid, clean_text, grid_problem, text_edges, to_grid
from greffier.extract.table_join import continues, join_grids, join_pages
from greffier.extract.table_passages import row_label, table_columns, table_entities, table_passages, table_records
from greffier.extract.table_place import table_caption, table_section
from greffier.extract.table_regions import BBox, Region, candidate_pages, candidate_regions
from greffier.extract.table_shape import Shape, shape
from greffier.extract.table_stack import stack
from greffier.records import Section, Table

__all__ = [
    "ENV_TABLES",
    "CellValue",
    "Grid",
    "Region",
    "Shape",
    "build_table",
    "candidate_pages",
    "candidate_regions",
    "clean_text",
    "continues",
    "extract_tables",
    "grid_problem",
    "header_like",
    "join_grids",
    "parse_cell",
    "row_label",
    "shape",
    "table_columns",
    "table_entities",
    "table_passages",
    "table_records",
    "tables_enabled",
    "text_edges",
    "to_grid",
]

log = logging.getLogger(__name__)

ENV_TABLES = "GREFFIER_TABLES"  # "0"/"off": ingest without table extraction (benchmarks)


def tables_enabled() -> bool:
    return os.environ.get(ENV_TABLES, "1").strip().lower() not in ("0", "off", "no", "false")


def extract_tables(
    path: Path,
    doc_id: str,
    layouts: list[PageLayout],
    sections: list[Section],
    paragraph_pages: dict[str, list[tuple[int, int, int, int]]],
    source: str = "pdfium",
    scanned: Iterable[tuple[RawTable, str]] = (),
    regions: dict[int, list[Region]] | None = None,
) -> list[Table]:
    """The tables of a PDF whose layouts :func:`read_pdf_lines` gave, and those found in the
    images of its OCR pages (``scanned``: raw tables with their captions, see
    :mod:`greffier.extract.ocr_tables`). Never raises: a page whose tables cannot be parsed is
    logged and skipped. ``regions``: :func:`candidate_regions` of every layout, when the caller
    has them already."""
    if not tables_enabled():
        return []
    by_number = {lay.number: lay for lay in layouts}
    if regions is None:
        regions = {lay.number: candidate_regions(lay) for lay in layouts}
    pages = [n for n, found in regions.items() if found]
    grids: list[Grid] = []
    captions: dict[int, str] = {}  # id of an OCR grid -> its caption
    for raw, caption in scanned:
        grid = to_grid(raw)
        problem = grid_problem(grid) if grid else "empty"
        if problem:
            log.debug("page %d: OCR grid dropped: %s", raw.page, problem)
            continue
        grids.append(grid)  # type: ignore[arg-type]
        captions[id(grid)] = caption
    if not pages and not grids:
        return []
    try:
        objects = read_page_objects(path, pages) if source == "pdfium" and pages else {}
        pdfminer = plumber.PdfminerPages(path) if source == "pdfminer" else None
    except Exception as exc:  # a table must never stop ingestion (a broken page, a pdfminer error)
        log.warning("%s: tables not read (%s)", path.name, exc)
        return []
    try:
        for n in pages:
            try:
                page = pdfminer.page(n) if pdfminer is not None else plumber.ObjectsPage(objects[n])
                grids.extend(_page_grids(page, regions[n]))
            except Exception as exc:  # a table must never stop ingestion
                log.warning(
                    "%s: page %d: tables not parsed, the page keeps its text (%s: %s)",
                    path.name,
                    n,
                    type(exc).__name__,
                    exc,
                )
            finally:
                if pdfminer is not None:
                    pdfminer.release()
    finally:
        if pdfminer is not None:
            pdfminer.close()
    out: list[Table] = []
    try:
        for grid in join_pages(sorted(grids, key=lambda g: (g.page, g.bbox[1])), by_number):
            table_id = f"{doc_id}:t{len(out) + 1:03d}"
            caption = captions.get(id(grid)) or table_caption(grid, by_number.get(grid.page), grids)
            boxes = [g.bbox for g in grids if g.page == grid.page]
            section = table_section(grid, by_number.get(grid.page), boxes, caption, sections, paragraph_pages)
            out.append(build_table(grid, table_id, doc_id, caption, section))
    except Exception as exc:  # a table must never stop ingestion
        log.warning("%s: tables not built (%s: %s)", path.name, type(exc).__name__, exc)
        return []
    return out


def _page_grids(page: object, regions: list[Region]) -> list[Grid]:
    grids: list[Grid] = []
    # a table drawn as a header box and body boxes, stacked, is one table (extract/table_stack.py)
    for raw in stack(plumber.ruled_tables(page), lambda box: plumber.words(page, box), header_like):
        grid = to_grid(raw)
        problem = grid_problem(grid) if grid else "empty"
        if problem:
            log.debug("page %d: ruled grid at %s dropped: %s", raw.page, [round(v) for v in raw.bbox], problem)
            continue
        grids.append(grid)  # type: ignore[arg-type]
    for region in regions:
        if _covered(region.bbox, [g.bbox for g in grids]):
            continue  # the ruling lines won
        columns, rows = text_edges(plumber.words(page, region.bbox), plumber.vertical_rules(page, region.bbox))
        raw = plumber.text_table(page, columns, rows)
        grid = to_grid(raw) if raw else None
        problem = grid_problem(grid) if grid else "no grid"
        if grid and not problem:
            problem = _loose(grid)
        if problem:
            log.debug("page %d: text grid at %s dropped: %s", region.page, [round(v) for v in region.bbox], problem)
            continue
        grids.append(grid)  # type: ignore[arg-type]
    return grids


def _loose(grid: Grid) -> str | None:
    """Why a grid read from text alignment alone is no table (a map, an infographic, a table
    of contents): most of its rows must pair a label with a figure."""
    if grid.n_rows < 3:
        return "two lines are no table without ruling lines"
    good = counted = 0
    for r in range(grid.n_rows):
        texts = [grid.text(r, c) for c in range(grid.n_cols)]
        if all(header_like(t) for t in texts) or (
            len(" ".join(texts).split()) > 10 and not any(parse_cell(t).value is not None for t in texts[1:])
        ):
            continue  # a header line, or a note across the table
        counted += 1
        label = texts[0]
        labelled = (bool(WORD.search(label)) and not re.match(r"\d", label)) or bool(YEARISH.match(label))
        if labelled and any(parse_cell(t).value is not None for t in texts[1:]):
            good += 1
    if good < 2 or good < 0.5 * counted:
        return f"only {good} of {counted} lines pair a label with a figure"
    return None


def _covered(region: BBox, boxes: list[BBox]) -> bool:
    """Whether ruled grids cover at least half of the region's height."""
    spans = sorted(
        (max(b[1], region[1]), min(b[3], region[3]))
        for b in boxes
        if min(b[2], region[2]) > max(b[0], region[0]) and min(b[3], region[3]) > max(b[1], region[1])
    )
    covered, end = 0.0, region[1]
    for top, bottom in spans:
        covered += max(0.0, bottom - max(top, end))
        end = max(end, bottom)
    return covered >= 0.5 * (region[3] - region[1])
