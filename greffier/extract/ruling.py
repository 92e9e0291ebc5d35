"""Row borders a ruled table draws without a horizontal rule.

Generated financial statements (the M57/M71/M14 budget maquettes, comptes administratifs) often
draw each cell's side borders row by row and leave out the horizontal rule between rows of one
block (the chapters 011, 012, 014 … under "Sous total des opérations réelles"). pdfplumber's
``lines`` strategy then sees one tall cell per column holding every chapter, and the rows come
out merged. The rows are still in the drawing: every column border breaks at the same height
between two rows. :func:`row_breaks` turns such heights into horizontal edges for the table
finder (given as explicit lines next to the page's own ruling lines).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

_Y = 0.6  # points: segment ends this close are at the same height
_X = 2.5  # points: a border drawn as a thin rectangle (two sides this close) is one border
MIN_BORDERS = 4  # column borders (three columns) that must break at a height for it to be a row border


def _borders(xs: Iterable[float]) -> list[float]:
    """The distinct borders among x positions (sides of a thin rectangle count once)."""
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > _X:
            out.append(x)
    return out


def row_breaks(edges: Iterable[Mapping[str, Any]]) -> list[dict[str, float]]:
    """Horizontal edges where at least :data:`MIN_BORDERS` column borders of a grid break (one
    vertical segment ends and the next starts at the same height), spanning those borders.

    ``edges`` are pdfplumber edge dicts (``orientation``, ``x0``, ``x1``, ``top``, ``bottom``).
    A height that ends segments without others starting there (a table's bottom, a header's
    last line) is no break and gives nothing: its rule is drawn anyway. Nor is a height where
    some rule is drawn across the borders: the drawing says there which cells are split, and
    the cells without a rule are merged over both rows (a header cell over two lines).
    """
    ends: dict[int, list[float]] = defaultdict(list)
    heights: dict[int, list[float]] = defaultdict(list)
    starts: dict[int, list[float]] = defaultdict(list)
    drawn: dict[int, list[tuple[float, float]]] = defaultdict(list)  # horizontal rules by height
    for e in edges:
        if e.get("orientation") == "h" and e["x1"] - e["x0"] > 2 * _X:
            drawn[round(float(e["top"]) / _Y)].append((float(e["x0"]), float(e["x1"])))
            continue
        if e.get("orientation") != "v" or e["bottom"] - e["top"] < 2:
            continue
        x = float(e["x0"])
        ends[round(float(e["bottom"]) / _Y)].append(x)
        heights[round(float(e["bottom"]) / _Y)].append(float(e["bottom"]))
        starts[round(float(e["top"]) / _Y)].append(x)
    out: list[dict[str, float]] = []
    for key, xs in ends.items():
        started = [x for k in (key - 1, key, key + 1) for x in starts.get(k, ())]
        if not started:
            continue
        # a border breaks where a segment ends and another starts at the same x
        broken = [x for x in _borders(xs) if any(abs(x - s) <= _X for s in started)]
        if len(broken) < MIN_BORDERS:
            continue
        x0, x1 = broken[0], broken[-1]
        if any(a < x1 and b > x0 for k in (key - 1, key, key + 1) for a, b in drawn.get(k, ())):
            continue  # rules drawn at this height say which cells it splits: the others are merged
        y = sum(heights[key]) / len(heights[key])
        out.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "object_type": "line"})
    return sorted(out, key=lambda e: e["top"])
