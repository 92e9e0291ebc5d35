"""Ruled tables of scanned pages as the table finder's raw tables, so that they become the same
table records as those of text-layer pages (:mod:`greffier.extract.tables`).

:func:`greffier.extract.ocr.recognize` finds a ruled grid in the page image and reads it cell by
cell (:class:`~greffier.extract.ocr.OcrTable`); here each one becomes a
:class:`~greffier.extract.plumber.RawTable` (strategy ``ocr``): cell texts row by row, ``None``
where a merged cell spans, cell boxes in points; with its caption, the OCR line just above it.
"""

from __future__ import annotations

from greffier.extract.ocr import OcrPage, OcrTable
from greffier.extract.plumber import RawTable

_CAPTION_GAP = 60.0  # points: a caption stands this close above its table


def raw_table(page: int, table: OcrTable) -> RawTable:
    rows: list[list[str | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    boxes: list[list[tuple[float, float, float, float] | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row][cell.col] = cell.text
        boxes[cell.row][cell.col] = cell.box
    return RawTable(
        page=page,
        bbox=table.bbox,
        strategy="ocr",
        rows=tuple(tuple(r) for r in rows),
        boxes=tuple(tuple(b) for b in boxes),
    )


def caption(result: OcrPage, table: OcrTable) -> str:
    """The line just above the table (one that announces it, ending with ':', first)."""
    x0, top, x1, _ = table.bbox
    above = [
        ln
        for ln in result.lines
        if top - _CAPTION_GAP <= ln.bottom <= top + 2 and ln.x0 < x1 and max(w.x1 for w in ln.words) > x0
    ]
    above.sort(key=lambda ln: -ln.bottom)
    best = next((ln for ln in above if ln.text.rstrip().endswith(":")), above[0] if above else None)
    return best.text.strip() if best is not None else ""


def page_tables(page: int, result: OcrPage) -> list[tuple[RawTable, str]]:
    """The raw tables of one OCR page, each with its caption."""
    return [(raw_table(page, t), caption(result, t)) for t in result.tables]
