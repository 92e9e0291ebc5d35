"""How a table grid reads: its header rows (labels, years, dates: "2024", "Exercice 2024",
"au 01/01/2025") told from body rows, its label columns told from value columns, and the
header of each column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.table_cells import WORD, header_like, parse_cell
from greffier.extract.table_grid import Grid

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Shape:
    """How a grid reads: its header rows and its leading label columns."""

    headers: int
    labels: int


def shape(grid: Grid) -> Shape:
    headers = 0
    for r in range(min(grid.n_rows - 1, 6 if grid.strategy == "text" else 4)):
        cells = [t for _, t in grid.row_cells(r) if t]
        # a label alone in the first column heads the rows below (a group), not the columns
        beyond = any(grid.text(r, c) and grid.ids[r][c] != grid.ids[r][0] for c in range(1, grid.n_cols))
        if not cells or not beyond or not all(header_like(t) and _header_size(t, r, grid.strategy) for t in cells):
            break
        headers = r + 1
    if headers and not any(
        parse_cell(grid.text(r, c)).value is not None
        for r in range(headers, grid.n_rows)
        for c in range(1, grid.n_cols)
    ):
        headers = 0
    labels = 1
    for c in range(1, grid.n_cols - 1):
        texts = [grid.text(r, c) for r in range(headers, grid.n_rows) if grid.is_origin(r, c) and grid.text(r, c)]
        wordy = [t for t in texts if WORD.search(t) and parse_cell(t).value is None and len(t.split()) <= 12]
        if not texts or len(wordy) < 0.6 * len(texts):
            break
        labels = c + 1
    return Shape(headers, labels)


def _header_size(text: str, row: int, strategy: str) -> bool:
    """Whether a cell is short enough for a header: ten words; up to fourteen in a ruled table's
    first row ("DONT Fonction 4 Santé et action sociale (hors APA et RSA)"), unless it holds two
    figures (a sentence: "La commune distribue l'eau à 867 abonnés et dessert 2088 habitants.")."""
    words = text.split()
    if len(words) <= 10:
        return True
    return row == 0 and strategy != "text" and len(words) <= 14 and sum(1 for w in words if _DIGIT.search(w)) <= 1


def column_headers(grid: Grid, sh: Shape) -> list[str]:
    sep = " " if grid.strategy == "text" else " / "
    out = []
    for c in range(grid.n_cols):
        parts: list[str] = []
        for r in range(sh.headers):
            t = grid.text(r, c)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        out.append(sep.join(parts))
    # a header drawn one column off its figures (a grid that pdfplumber cut unevenly)
    empty = [
        not any(grid.text(r, c) and grid.is_origin(r, c) for r in range(sh.headers, grid.n_rows))
        for c in range(grid.n_cols)
    ]
    for c in range(sh.labels, grid.n_cols):
        if out[c] or empty[c]:
            continue
        for d in (c + 1, c - 1):
            if sh.labels <= d < grid.n_cols and out[d] and empty[d]:
                out[c], out[d] = out[d], ""
                break
    return out
