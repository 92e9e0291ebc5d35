"""Ruled tables in a page image: the ruling lines found in the pixels, the grid of cells they draw.

A scanned page has no path objects for pdfplumber to find a table's rules in, and Tesseract reads
a ruled table column by column or joins the cells of a row into wrong words ("rue Approuvée" ->
"rue Anprourée"). So the grid is found in the image itself, with numpy only:

1. the page is reduced to about 150 dpi (a 2x2 block is dark when any pixel of it is: thin rules
   survive) and thresholded;
2. **rules**: a horizontal rule is a run of dark pixels at least 0.4 inch long (a morphological
   opening, by running sums), followed over the rows it spans (a scan is a little skewed: a rule
   is a staircase of runs); a vertical rule likewise, at least 0.25 inch tall (taller than a
   capital letter of body text). Bars thicker than 0.08 inch are filled boxes, not rules;
3. **grids**: horizontal and vertical rules that cross make a connected set; a set with three
   horizontal and three vertical rules or more (two rows and two columns) is a table. Its column
   edges are the vertical rules' positions, its row edges the horizontal ones'; a cell whose
   right (or lower) edge has no rule over most of its length is merged with its neighbour.

Only clear grids are taken: an underlined title, a box around a heading (one cell) or a page
skewed by more than a degree give none, and the page is read as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

_WORK_DPI = 150.0
_DARK = 150  # grey level under which a pixel is ink
_H_MIN_IN = 0.4  # a horizontal rule is at least this long (inches)
_V_MIN_IN = 0.25  # a vertical rule at least this tall
_MAX_THICK_IN = 0.08  # thicker is a filled bar
_TOL_IN = 0.06  # two rules this close line up; a rule this near a crossing touches it
_COVER = 0.6  # share of a cell edge a rule must cover to separate two cells
_MIN_ROW_IN = 0.17  # median row height and column width of a table (a line of 10-point text and a word)
_MIN_COL_IN = 0.4
_MAX_SKEW = 0.018  # radians (about 1 degree): more skewed grids are left to Tesseract


@dataclass(frozen=True)
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one (pixels of the page image)
    start: float  # x0 of a horizontal rule, top of a vertical one
    end: float
    slope: float  # dy/dx of a horizontal rule, dx/dy of a vertical one


@dataclass(frozen=True)
class CellBox:
    row: int
    col: int
    rows: int  # rows spanned (a merged cell)
    cols: int
    box: tuple[float, float, float, float]  # x0, top, x1, bottom: the inside of the cell, in image pixels


@dataclass(frozen=True)
class ImageGrid:
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom in image pixels
    n_rows: int
    n_cols: int
    cells: tuple[CellBox, ...]  # one per cell, merged cells once, row by row


def _reduce(image: Any, dpi: float) -> tuple[np.ndarray, int]:
    gray = np.asarray(image.convert("L") if image.mode != "L" else image)
    f = max(1, round(dpi / _WORK_DPI))
    if f > 1:
        h, w = (gray.shape[0] // f) * f, (gray.shape[1] // f) * f
        gray = gray[:h, :w]
        small = gray[0::f, 0::f].copy()
        for dy in range(f):
            for dx in range(f):
                if dy or dx:
                    np.minimum(small, gray[dy::f, dx::f], out=small)
        gray = small
    return gray < _DARK, f


def _long_runs(dark: np.ndarray, k: int) -> np.ndarray:
    """Per row, where a run of at least ``k`` dark pixels starts a window of k (an erosion)."""
    c = np.zeros((dark.shape[0], dark.shape[1] + 1), dtype=np.int32)
    np.cumsum(dark, axis=1, dtype=np.int32, out=c[:, 1:])
    return (c[:, k:] - c[:, :-k]) == k


def _rules(dark: np.ndarray, k: int, max_thick: int) -> list[Rule]:
    """Rules along the rows of ``dark`` (transpose it for vertical ones), in its pixels."""
    full = _long_runs(dark, k)
    rows = np.flatnonzero(full.any(axis=1))
    open_: list[list[Any]] = []  # [first row, last row, x0, x1, [(row, x0, x1)...]]
    done: list[list[Any]] = []
    for y in rows:
        line = full[y]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], line.view(np.int8), [0]))))
        segs = [(int(a), int(b) + k - 1) for a, b in zip(edges[::2], edges[1::2])]
        still = []
        for rule in open_:
            if rule[1] < y - 2:
                done.append(rule)
            else:
                still.append(rule)
        open_ = still
        for a, b in segs:
            for rule in open_:
                if a <= rule[3] and b >= rule[2] and rule[1] >= y - 2:
                    rule[1], rule[2], rule[3] = y, min(rule[2], a), max(rule[3], b)
                    rule[4].append((y, a, b))
                    break
            else:
                open_.append([y, y, a, b, [(y, a, b)]])
    done.extend(open_)
    out = []
    for first, last, x0, x1, segs in done:
        if x1 - x0 < k:
            continue
        # a staircase: the slope from the mean row of the rule near each of its ends; the
        # thickness is how many rows one column of it spans, not last - first
        near_l, near_r = x0 + 0.1 * (x1 - x0), x1 - 0.1 * (x1 - x0)
        y_l = [y for y, a, b in segs if a <= near_l <= b]
        y_r = [y for y, a, b in segs if a <= near_r <= b]
        slope = (float(np.mean(y_r)) - float(np.mean(y_l))) / (near_r - near_l) if y_l and y_r else 0.0
        thick = max(len(y_l), len(y_r))
        if thick > max_thick:
            continue
        pos = (first + last) / 2
        out.append(Rule(pos, float(x0), float(x1), slope))
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.mean(g)) for g in out]


def _covered(rules: list[Rule], pos: float, a: float, b: float, tol: float) -> bool:
    """Whether rules at ``pos`` cover most of the span [a, b]."""
    spans = sorted(
        (max(r.start, a), min(r.end, b)) for r in rules if abs(r.pos - pos) <= tol and r.end > a and r.start < b
    )
    total, end = 0.0, a
    for s, e in spans:
        total += max(0.0, e - max(s, end))
        end = max(end, e)
    return total >= _COVER * (b - a)


def find_grids(image: Any, scale: float) -> list[ImageGrid]:
    """The ruled tables of a page image (PIL) rendered at ``scale`` pixels per point."""
    dpi = scale * 72
    dark, f = _reduce(image, dpi)
    work = dpi / f
    tol = _TOL_IN * work
    thick = max(2, int(_MAX_THICK_IN * work))
    hs = _rules(dark, max(8, int(_H_MIN_IN * work)), thick)
    if len(hs) < 3:  # most pages: no need to look for vertical rules
        return []
    vs = _rules(np.ascontiguousarray(dark.T), max(8, int(_V_MIN_IN * work)), thick)
    if len(vs) < 3:
        return []
    # rules that cross are linked; a table is a linked set
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i in range(n):
        g = groups.setdefault(find(i), ([], []))
        (g[0] if i < len(hs) else g[1]).append(hs[i] if i < len(hs) else vs[i - len(hs)])
    grids = []
    for hg, vg in groups.values():
        if len(hg) < 3 or len(vg) < 3:
            continue
        long = [r.slope for r in hg if r.end - r.start > 1.0 * work]  # an inch or more
        if long and abs(float(np.median(long))) > _MAX_SKEW:
            continue
        grid = _grid(hg, vg, tol, work)
        if grid is not None:
            grids.append(_scaled(grid, f))
    return sorted(grids, key=lambda g: g.bbox[1])


def _grid(hs: list[Rule], vs: list[Rule], tol: float, work: float) -> ImageGrid | None:
    ys = _cluster([r.pos for r in hs], tol)
    xs = _cluster([r.pos for r in vs], tol)
    if len(ys) < 3 or len(xs) < 3:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # cell (r, c) joins its right neighbour when no rule separates them, and its lower one likewise
    right = [[not _covered(vs, xs[c + 1], ys[r], ys[r + 1], tol) for c in range(n_cols - 1)] for r in range(n_rows)]
    down = [[not _covered(hs, ys[r + 1], xs[c], xs[c + 1], tol) for c in range(n_cols)] for r in range(n_rows - 1)]
    owner = [[-1] * n_cols for _ in range(n_rows)]
    cells: list[CellBox] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if owner[r][c] >= 0:
                continue
            w = 1
            while c + w < n_cols and right[r][c + w - 1] and owner[r][c + w] < 0:
                w += 1
            h = 1
            while r + h < n_rows and all(down[r + h - 1][c + i] for i in range(w)):
                h += 1
            for i in range(h):
                for j in range(w):
                    owner[r + i][c + j] = len(cells)
            cells.append(CellBox(r, c, h, w, (xs[c], ys[r], xs[c + w], ys[r + h])))
    # a grid of one merged cell per row is a list of boxes, not a table
    if all(cell.cols == n_cols for cell in cells) or all(cell.rows == n_rows for cell in cells):
        return None
    # cells too small to hold a line of text (checkboxes, a stamp's frame): no table
    if float(np.median(np.diff(ys))) < _MIN_ROW_IN * work or float(np.median(np.diff(xs))) < _MIN_COL_IN * work:
        return None
    return ImageGrid((xs[0], ys[0], xs[-1], ys[-1]), n_rows, n_cols, tuple(cells))


def _scaled(grid: ImageGrid, f: int) -> ImageGrid:
    def s(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] * f, b[1] * f, b[2] * f, b[3] * f)

    return ImageGrid(
        s(grid.bbox),
        grid.n_rows,
        grid.n_cols,
        tuple(CellBox(c.row, c.col, c.rows, c.cols, s(c.box)) for c in grid.cells),
    )
