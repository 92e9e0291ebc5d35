"""Where a table stands in its document: its caption (the line that announces it, a heading, the
line above) and the section it sits in.
"""

from __future__ import annotations

import re

from greffier.extract.glyphs import normalize_glyphs
from greffier.extract.headings import fold
from greffier.extract.pdf import LayoutLine, PageLayout
from greffier.extract.table_grid import Grid
from greffier.extract.table_regions import BBox
from greffier.records import Section

_LEAD = re.compile(r"^\s*(?:[-−–—•▪►➢✓*]|\d+[.)])?\s*")


def table_caption(grid: Grid, layout: PageLayout | None, grids: list[Grid]) -> str:
    """The heading or line just above the table (within 60 points)."""
    if layout is None:
        return ""
    x0, top, x1, _ = grid.bbox
    others = [g.bbox for g in grids if g is not grid and g.page == grid.page]
    above: list[LayoutLine] = []
    for ln in layout.lines:
        if ln.bottom > top + 2 or ln.bottom < top - 100 or ln.x1 < x0 - 60 or ln.x0 > x1 + 60:
            continue
        if any(b[1] - 1 <= ln.top <= b[3] + 1 and b[0] - 1 <= ln.x0 <= b[2] + 1 for b in others):
            continue  # a row of the table above
        above.append(ln)
    above.sort(key=lambda ln: -ln.bottom)
    near = [ln for ln in above if ln.bottom >= top - 60]
    # a line that announces the table ("... sont les suivants :"), else a heading, else the line above
    best = next((ln for ln in near if ln.text.rstrip().endswith(":")), None)
    if best is None and near and near[0].text.rstrip().endswith("."):
        best = next((ln for ln in above if ln.bold and len(ln.text.split()) <= 15), None)
    if best is None:
        best = near[0] if near else None
    if best is None:
        return ""
    text = normalize_glyphs(best.text).replace("\u00ad", "")
    return re.sub(r"\s+", " ", _LEAD.sub("", text)).strip()


def table_section(
    grid: Grid,
    layout: PageLayout | None,
    tables: list[BBox],
    caption: str,
    sections: list[Section],
    paragraph_pages: dict[str, list[tuple[int, int, int, int]]],
) -> Section | None:
    """The section the table sits in: the last one whose heading stands above the table on its
    page; else the one holding its caption; else the one open at the end of the page before."""
    page = grid.page
    here = [s for s in sections if s.page_start <= page <= s.page_end]
    if layout is not None:
        above = [
            fold(_LEAD.sub("", ln.text))
            for ln in layout.lines
            if ln.bottom <= grid.bbox[1] + 2
            and not any(b[1] - 1 <= ln.top <= b[3] + 1 and b[0] - 1 <= ln.x0 <= b[2] + 1 for b in tables)
        ]  # a table row taken for a heading does not count
        found = None
        for s in here:
            head = fold(_LEAD.sub("", s.heading))[:25]
            if s.page_start == page and len(head) >= 3 and any(line.startswith(head) for line in above):
                found = s
        if found is not None:
            return found
    key = fold(caption)[:50]
    if len(key) >= 4:
        for s in here:
            for a, b, p, pe in paragraph_pages.get(s.section_id, []):
                if p <= page <= pe and key in fold(s.text[a:b]):
                    return s
    open_before = [s for s in here if s.page_start < page]
    if open_before:
        return open_before[-1]
    before = [s for s in sections if s.page_start <= page]
    return before[-1] if before else (sections[0] if sections else None)
