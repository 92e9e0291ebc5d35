"""Ruled tables drawn in blocks: one table's header box and body boxes, stacked.

Generated statements (budget maquettes, comptes administratifs, many RPQS annexes) draw a table
as several boxes one under the other: the column header in a box of its own ("SECTION | Pour
mémoire, budget précédent | Restes à réaliser N-1 | Propositions nouvelles | Vote de l'assemblée
| TOTAL"), then one box per block of rows (AP/AE votées, then the sections), with a few points of
white between them. pdfplumber's ``lines`` strategy finds each box as a table of its own: the
header alone is a one-row grid (dropped), and the figures below lose their column headers.

:func:`stack` joins boxes that are one table: a box whose first row is a header (labels, years),
then a box of the same column borders right under it, with no header of its own and nothing
written between. A block set under a short title ("OPERATIONS D'ORDRE")
below a table of the same columns takes that table's header row instead (the title stays the
block's caption).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from greffier.extract.plumber import BBox, RawTable, Word

log = logging.getLogger(__name__)

_X = 3.0  # points: column borders this close are the same
JOIN_GAP = 25.0  # points of white at most between two boxes of one table
TITLE_GAP = 60.0  # points at most between a table and a block under a title with its columns
_TITLE_WORDS = 15  # a line between two blocks longer than this is prose, not a block title


def _borders(raw: RawTable) -> list[float]:
    """The left edge of each column, then the table's right edge."""
    n = max((len(r) for r in raw.boxes), default=0)
    lefts = []
    for c in range(n):
        xs = [row[c][0] for row in raw.boxes if c < len(row) and row[c] is not None]
        lefts.append(min(xs) if xs else float("nan"))
    return [*lefts, raw.bbox[2]]


def _same_columns(a: RawTable, b: RawTable) -> bool:
    ba, bb = _borders(a), _borders(b)
    return (
        len(ba) == len(bb)
        and abs(a.bbox[0] - b.bbox[0]) <= _X
        and all(abs(x - y) <= _X for x, y in zip(ba, bb))  # nan (a column without a cell) never matches
    )


def _lines(words: list[Word]) -> list[str]:
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if out and abs(mid - (out[-1][0].top + out[-1][0].bottom) / 2) <= 0.4 * (w.bottom - w.top):
            out[-1].append(w)
        else:
            out.append([w])
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in out]


def _header_row(raw: RawTable, header_like: Callable[[str], bool]) -> bool:
    """Whether the table's first row is a header: two cells or more, all labels or years."""
    if not raw.rows:
        return False
    cells = [t.strip() for t in raw.rows[0] if t and t.strip()]
    return len(cells) >= 2 and all(header_like(" ".join(t.split())) for t in cells)


def _join(upper: RawTable, lower: RawTable) -> RawTable:
    return RawTable(
        page=upper.page,
        bbox=(
            min(upper.bbox[0], lower.bbox[0]),
            upper.bbox[1],
            max(upper.bbox[2], lower.bbox[2]),
            lower.bbox[3],
        ),
        strategy=upper.strategy,
        rows=upper.rows + lower.rows,
        boxes=upper.boxes + lower.boxes,
    )


def _with_header(header: RawTable, lower: RawTable) -> RawTable:
    """``lower`` with ``header``'s first row set just above it."""
    top = lower.bbox[1]
    boxes = header.boxes[0]
    height = max((b[3] - b[1] for b in boxes if b is not None), default=10.0)
    moved = tuple(None if b is None else (b[0], top - height, b[2], top) for b in boxes)
    return RawTable(
        page=lower.page,
        bbox=(lower.bbox[0], top - height, lower.bbox[2], lower.bbox[3]),
        strategy=lower.strategy,
        rows=(header.rows[0], *lower.rows),
        boxes=(moved, *lower.boxes),
    )


def stack(
    raws: list[RawTable], words_in: Callable[[BBox], list[Word]], header_like: Callable[[str], bool]
) -> list[RawTable]:
    """The page's ruled tables with the boxes of one table joined, top to bottom.

    ``words_in`` gives the words written in a box of the page; ``header_like`` tells a header
    cell (a label, a year) from a figure.
    """
    out: list[RawTable] = []
    for raw in sorted(raws, key=lambda r: (r.bbox[1], r.bbox[0])):
        upper = out[-1] if out else None
        if upper is None or not _same_columns(upper, raw) or raw.bbox[1] < upper.bbox[3] - 1:
            out.append(raw)
            continue
        gap = raw.bbox[1] - upper.bbox[3]
        between = _lines(words_in((raw.bbox[0], upper.bbox[3] + 0.5, raw.bbox[2], raw.bbox[1] - 0.5)))
        headed = _header_row(upper, header_like)
        if gap <= JOIN_GAP and not between and headed and not _header_row(raw, header_like):
            log.debug("page %d: ruled boxes at %.0f and %.0f joined", raw.page, upper.bbox[1], raw.bbox[1])
            out[-1] = _join(upper, raw)
            continue
        if (
            gap <= TITLE_GAP
            and len(between) <= 2
            and all(len(t.split()) <= _TITLE_WORDS for t in between)
            and headed
            and not _header_row(raw, header_like)
        ):
            out.append(_with_header(upper, raw))
            continue
        out.append(raw)
    return out
