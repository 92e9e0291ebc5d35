"""Table detection, cheap, on every page: from the pypdfium2 layer (:class:`PageLayout`), lines
cut at wide gaps into two or more segments, with figures, whose segment edges line up from one
line to the next, make a candidate region; ruling lines and cell boxes over the region
strengthen it. Only pages with a candidate region go to pdfplumber's table finder (see
:mod:`greffier.extract.tables`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from greffier.extract.pdf import LayoutLine, PageLayout

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom, in points from the top-left corner

_BULLET = re.compile(r"^[-−–—•▪►➢✓o*\uf0a7\uf02d\uf0b7\uf0d8]$")
_DIGIT = re.compile(r"\d")
_VALUE = re.compile(r"[\d☑☐☒\uf0fe\uf078\uf0fd\uf06f\uf0a1]")  # a figure or a checkbox (raw text layer)
_ALIGN = 4.0  # points: two segment edges this close line up


@dataclass(frozen=True)
class Region:
    """Where a page's layout looks like a table."""

    page: int
    bbox: BBox
    rows: int  # lines cut into cells
    ruled: bool  # ruling lines or cell boxes over the region


def _cells(line: LayoutLine) -> tuple:
    segs = line.segments
    if len(segs) >= 2 and _BULLET.match(segs[0].text.strip()):
        segs = segs[1:]  # "- DÉCIDE ..." is a list item, not a row
    return segs


def _prose(text: str, words: int = 12) -> bool:
    """Many words, few of them figures: a sentence, not cells."""
    tokens = text.split()
    return len(tokens) > words and sum(1 for t in tokens if _DIGIT.search(t)) < 0.3 * len(tokens)


def _is_row(line: LayoutLine) -> bool:
    segs = _cells(line)
    if len(segs) < 2:
        return False
    values = [s for s in segs[1:] if _VALUE.search(s.text) or s.text.strip() in ("-", "–", "/")]
    if not values:
        return len(segs) >= 3 and all(len(s.text.split()) <= 4 for s in segs)  # a header row
    return not any(_prose(s.text, 14) for s in segs[1:])  # cells, not two columns of prose


def _values(line: LayoutLine) -> bool:
    return any(_VALUE.search(s.text) for s in _cells(line)[1:])


def _grid_drawn(layout: PageLayout) -> bool:
    """Whether ruling lines cross the page both ways (a table's borders)."""
    horizontal = sum(1 for r in layout.rules if r[2] - r[0] > r[3] - r[1])
    return horizontal >= 3 and len(layout.rules) - horizontal >= 2


def _aligned(rows: list[LayoutLine]) -> bool:
    """Whether the cell edges of these lines line up (a column), beyond the left margin."""
    edges: list[tuple[float, int]] = []
    for i, line in enumerate(rows):
        segs = _cells(line)
        for s in segs[1:]:
            edges.append((s.x0, i))
            edges.append((s.x1, i))
            edges.append(((s.x0 + s.x1) / 2, i))
    edges.sort()
    need = min(3, len(rows))
    end = 0
    for j, (x, _) in enumerate(edges):  # a window of _ALIGN points sliding over the sorted edges
        end = max(end, j)
        while end + 1 < len(edges) and edges[end + 1][0] - x <= _ALIGN:
            end += 1
        if len({i for _, i in edges[j : end + 1]}) >= need:
            return True
    return False


def _ruled(layout: PageLayout, bbox: BBox) -> bool:
    x0, top, x1, bottom = bbox
    horizontal = sum(
        1 for r in layout.rules + layout.boxes if r[2] > x0 and r[0] < x1 and r[3] >= top - 3 and r[1] <= bottom + 3
    )
    return horizontal >= 3


def _visual_lines(layout: PageLayout) -> list[LayoutLine]:
    """Text-layer lines on the same baseline merged: PDFium may give a table row cell by cell."""
    out: list[LayoutLine] = []
    for ln in sorted((ln for ln in layout.lines if ln.segments), key=lambda ln: (ln.top, ln.x0)):
        prev = out[-1] if out else None
        if (
            prev is not None
            and abs(ln.top - prev.top) <= 0.4 * min(ln.size, prev.size)
            and all(s.x0 >= p.x1 or s.x1 <= p.x0 for s in ln.segments for p in prev.segments)
        ):
            segments = tuple(sorted(prev.segments + ln.segments, key=lambda s: s.x0))
            out[-1] = LayoutLine(
                top=min(prev.top, ln.top),
                bottom=max(prev.bottom, ln.bottom),
                size=max(prev.size, ln.size),
                bold=prev.bold and ln.bold,
                segments=segments,
            )
        else:
            out.append(ln)
    return out


def candidate_regions(layout: PageLayout) -> list[Region]:
    """Regions of a page that look like tables, top to bottom."""
    lines = _visual_lines(layout)
    runs: list[list[int]] = []
    current: list[int] = []
    last_row = -1
    for i, line in enumerate(lines):
        if _is_row(line):
            if current and last_row >= 0:
                gap = line.top - lines[last_row].bottom
                between = lines[last_row + 1 : i]
                if gap > max(3.0 * line.size, 40.0) or any(_prose(b.text) for b in between):
                    runs.append(current)
                    current = []
            current.append(i)
            last_row = i
    if current:
        runs.append(current)
    out: list[Region] = []
    if not any(len([i for i in run if _values(lines[i])]) >= 2 for run in runs) and _grid_drawn(layout):
        # rows far apart (notes between them) in a drawn grid: pdfplumber's ruling lines will tell
        rows = [ln for ln in lines if _is_row(ln) and _values(ln)]
        if len(rows) >= 2:
            bbox = (
                min(ln.x0 for ln in rows) - 2,
                min(ln.top for ln in rows) - 2,
                max(ln.x1 for ln in rows) + 2,
                max(ln.bottom for ln in rows) + 2,
            )
            return [Region(page=layout.number, bbox=bbox, rows=len(rows), ruled=True)]
    for run in runs:
        rows = [lines[i] for i in run]
        with_values = [r for r in rows if _values(r)]
        if len(with_values) < 2 or not _aligned(rows):
            continue
        first, last = run[0], run[-1]
        # header lines just above the first row: cut into cells, or a piece of a header cell
        # over a value column (a title at the table's left edge is no header)
        left = min(ln.x0 for ln in rows)
        while first > 0 and run[0] - first < 4:
            above = lines[first - 1]
            if lines[first].top - above.bottom > 1.5 * above.size or len(above.text.split()) > 10:
                break
            if len(_cells(above)) < 2 and (above.x0 < left + 20 or len(above.text.split()) > 4):
                break
            first -= 1
        members = lines[first : last + 1]
        bbox = (
            min(ln.x0 for ln in members) - 2,
            min(ln.top for ln in members) - 2,
            max(ln.x1 for ln in members) + 2,
            max(ln.bottom for ln in members) + 2,
        )
        ruled = _ruled(layout, bbox)
        if len(rows) < 3 and not ruled:
            continue
        out.append(Region(page=layout.number, bbox=bbox, rows=len(rows), ruled=ruled))
    return out


def candidate_pages(layouts: Iterable[PageLayout]) -> list[int]:
    """Numbers of the pages that go to pdfplumber."""
    return [lay.number for lay in layouts if candidate_regions(lay)]
