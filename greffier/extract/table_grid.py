"""Table grids: a pdfplumber table cleaned into a :class:`Grid` (merged cells resolved, empty rows
and columns dropped, cell text re-joined), why a grid is no table, and the explicit column and
row edges of the ``text`` strategy (the whitespace gutters of the words).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from greffier.extract.glyphs import CHECKED, UNCHECKED, normalize_glyphs
from greffier.extract.plumber import RawTable, Word
from greffier.extract.table_regions import BBox

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Grid:
    """A cleaned pdfplumber grid. ``ids[r][c]`` names the cell covering position (r, c): a
    merged cell covers several positions; ``texts`` holds each cell's text by id."""

    page: int
    bbox: BBox
    strategy: str
    ids: tuple[tuple[int, ...], ...]
    texts: tuple[str, ...]
    col_x: tuple[float, ...]  # left edge of each column
    row_pages: tuple[int, ...]  # the page of each row (tables joined over a page break)

    @property
    def n_rows(self) -> int:
        return len(self.ids)

    @property
    def n_cols(self) -> int:
        return len(self.ids[0]) if self.ids else 0

    def text(self, r: int, c: int) -> str:
        return self.texts[self.ids[r][c]]

    def is_origin(self, r: int, c: int) -> bool:
        """Whether (r, c) is the top-left position of its cell."""
        i = self.ids[r][c]
        return (c == 0 or self.ids[r][c - 1] != i) and (r == 0 or self.ids[r - 1][c] != i)

    def row_cells(self, r: int) -> list[tuple[int, str]]:
        """(column, text) of the cells that start in row r (a merged cell once)."""
        return [(c, self.text(r, c)) for c in range(self.n_cols) if self.is_origin(r, c)]


_SOFT_BREAK = re.compile(r"(?<=\w)[\u00ad\u0002]\s*\n\s*")  # "non\u00ad\nconformité": one word
_HYPHEN_BREAK = re.compile(r"(?<=\w)-\n(?=[a-zà-öø-ÿ])")  # "non-\nconformité": one compound word


def clean_text(text: str | None) -> str:
    """One line of cell text: glyphs normalized, broken words re-joined, spaces collapsed."""
    if not text:
        return ""
    text = _HYPHEN_BREAK.sub("-", _SOFT_BREAK.sub("", text))
    text = "\n".join(normalize_glyphs(line) for line in text.split("\n"))
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def to_grid(raw: RawTable) -> Grid | None:
    """The grid of a pdfplumber table, merged cells resolved, empty rows and columns dropped."""
    n_rows = len(raw.rows)
    n_cols = max((len(r) for r in raw.rows), default=0)
    if n_rows == 0 or n_cols == 0:
        return None
    boxes = [list(r) + [None] * (n_cols - len(r)) for r in raw.boxes]
    texts_in = [list(r) + [None] * (n_cols - len(r)) for r in raw.rows]
    col_left = [min((b[c][0] for b in boxes if b[c] is not None), default=math.nan) for c in range(n_cols)]
    row_top = [min((c[1] for c in row if c is not None), default=math.nan) for row in boxes]
    ids = [[-1] * n_cols for _ in range(n_rows)]
    texts: list[str] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if boxes[r][c] is not None:
                ids[r][c] = len(texts)
                texts.append(clean_text(texts_in[r][c]))
    for r in range(n_rows):
        for c in range(n_cols):
            if ids[r][c] >= 0:
                continue
            x = col_left[c] if not math.isnan(col_left[c]) else None
            y = row_top[r] if not math.isnan(row_top[r]) else None
            owner = _covering(boxes, ids, r, c, x, y)
            if owner is None:
                ids[r][c] = len(texts)
                texts.append("")
            else:
                ids[r][c] = owner
    # columns and rows where no cell starts with text go
    keep_cols = [
        c
        for c in range(n_cols)
        if any(ids[r][c] != (ids[r][c - 1] if c else -2) and texts[ids[r][c]] for r in range(n_rows))
    ]
    keep_rows = [r for r in range(n_rows) if any(texts[ids[r][c]] for c in keep_cols)]
    if not keep_cols or not keep_rows:
        return None
    new_ids = tuple(tuple(ids[r][c] for c in keep_cols) for r in keep_rows)
    x_of = [col_left[c] if not math.isnan(col_left[c]) else raw.bbox[0] for c in keep_cols]
    return Grid(
        page=raw.page,
        bbox=raw.bbox,
        strategy=raw.strategy,
        ids=new_ids,
        texts=tuple(texts),
        col_x=tuple(x_of),
        row_pages=tuple(raw.page for _ in keep_rows),
    )


def _covering(
    boxes: list[list[BBox | None]], ids: list[list[int]], r: int, c: int, x: float | None, y: float | None
) -> int | None:
    """The id of the merged cell that covers position (r, c): left in the row, else above."""
    for c2 in range(c - 1, -1, -1):
        b = boxes[r][c2]
        if b is not None:
            if x is None or b[2] > x + 1:
                return ids[r][c2]
            break
    for r2 in range(r - 1, -1, -1):
        for c2 in range(c, -1, -1):
            b = boxes[r2][c2]
            if b is None:
                continue
            inside_x = x is None or b[0] <= x + 1 < b[2]
            inside_y = y is None or b[3] > y + 1
            if inside_x and inside_y:
                return ids[r2][c2]
            if c2 == c:
                break
    return None


def grid_problem(grid: Grid) -> str | None:
    """Why a grid is no table (None when it is one)."""
    if grid.n_cols < 2 or grid.n_rows < 2:
        return f"{grid.n_rows}x{grid.n_cols} grid"
    # a note across the whole table ("Vote : Pour à l'unanimité") is no cell
    cells = [t for r in range(grid.n_rows) if len(set(grid.ids[r])) > 1 for _, t in grid.row_cells(r) if t]
    if len(cells) < 3:
        return "fewer than 3 filled cells"
    if sum(1 for t in cells if len(t.split()) > 25) > 0.5 * len(cells):
        return "prose, not cells"
    if not any(re.search(r"[A-Za-zÀ-ÿ]{3,}", t) for t in cells):
        return "no label (a chart's axis?)"
    if not any(_DIGIT.search(t) or t in (CHECKED, UNCHECKED) for t in cells):
        return "no figure"
    filled = sum(1 for r in range(grid.n_rows) for c in range(grid.n_cols) if grid.text(r, c))
    if filled < 0.3 * grid.n_rows * grid.n_cols:
        return "mostly empty"
    return None


def _gutters(phrases: list[tuple[float, float, int]], tol: int) -> list[tuple[float, float]]:
    """The gutters between the phrases: x ranges at least 4 points wide where at most ``tol``
    lines have ink."""
    points = sorted({p[0] for p in phrases} | {p[1] for p in phrases})
    out: list[tuple[float, float]] = []
    start: float | None = None
    for a, b in zip(points, points[1:]):
        mid = (a + b) / 2
        if len({i for x0, x1, i in phrases if x0 < mid < x1}) <= tol:
            start = a if start is None else start
            continue
        if start is not None and a - start >= 4.0:
            out.append((start, a))
        start = None
    return out


def text_edges(words: list[Word], rules: list[float] | None = None) -> tuple[list[float], list[float]]:
    """Column edges at the whitespace gutters of the words (and at ``rules``, the x of vertical
    ruling lines across the region) and row edges between their lines: the ``text``
    strategy's explicit edges."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if lines and abs(mid - (lines[-1][0].top + lines[-1][0].bottom) / 2) <= 0.35 * (w.bottom - w.top):
            lines[-1].append(w)
        else:
            lines.append([w])
    if len(lines) < 2:
        return [], []
    phrases: list[tuple[float, float, int]] = []
    for i, line in enumerate(lines):
        line.sort(key=lambda w: w.x0)
        # a gap wider than about three spaces separates two cells
        char = statistics.median((w.x1 - w.x0) / max(len(w.text), 1) for w in line)
        x0, x1 = line[0].x0, line[0].x1
        for w in line[1:]:
            if w.x0 - x1 > max(1.6 * char, 3.0):
                phrases.append((x0, x1, i))
                x0 = w.x0
            x1 = max(x1, w.x1)
        phrases.append((x0, x1, i))
    # gutters from the lines with figures (headers are often wider than their column), placed
    # so as not to cut a header word
    body = {i for x0, x1, i in phrases if any(_DIGIT.search(w.text) for w in lines[i][1:])}
    base = [p for p in phrases if p[2] in body] if len(body) >= 2 else phrases
    gutters = _gutters(base, 0)
    if not gutters and len({p[2] for p in base}) >= 8:
        gutters = _gutters(base, 1)  # one line (a title, a wide cell) may cross a gutter
    others = [p for p in phrases if p[2] not in body] if base is not phrases else []
    columns = [min(p[0] for p in phrases) - 1.0]
    for g0, g1 in gutters:
        mid = (g0 + g1) / 2
        spots = [mid, g0, g1] + [x for p in others for x in (p[0], p[1]) if g0 <= x <= g1]
        free = [x for x in spots if not any(p[0] < x < p[1] for p in others)]
        columns.append(min(free or [mid], key=lambda x: abs(x - mid)))
    columns.append(max(p[1] for p in phrases) + 1.0)
    for x in rules or []:
        if columns[0] < x < columns[-1]:
            inner = [c for c in columns[1:-1] if abs(c - x) > 6]
            columns = [columns[0], *sorted([*inner, x]), columns[-1]]
    rows = [min(w.top for w in lines[0]) - 1.0]
    for upper, lower in zip(lines, lines[1:]):
        rows.append((max(w.bottom for w in upper) + min(w.top for w in lower)) / 2)
    rows.append(max(w.bottom for w in lines[-1]) + 1.0)
    return columns, rows
