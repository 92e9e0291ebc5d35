"""Document-wide checks on heading candidates, after each line was judged on its own.

A line can look like a title and still not be one: the same line at the top of every page is a
running header, a style used by several lines of one page only labels a chart or a table, a
title page holds the document's title. A chapter divider page (a big number and a big title,
alone on their page) is one heading, whatever order the text layer gives its lines in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from greffier.extract.headings import KNOWN_TITLES, HeadingStyle, fold
from greffier.records import Line

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top left
_EDGE = 0.085  # the top/bottom band of a page where running lines live (as cleanup)
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
_MAX_DIVIDER_LINES = 8


@dataclass
class Cand:
    """One line of the document and what it was judged to be."""

    line: Line
    text: str  # stripped, glyph-normalized
    heading: HeadingStyle | None = None
    number: str = ""  # the heading's number, for the continuity of its numbering
    is_item: bool = False
    cont_of_heading: bool = False
    toc: bool = False
    confirmed: bool = False  # listed by the document's table of contents
    extra: list[Line] = field(default_factory=list)


def _in_edge(line: Line) -> bool:
    if line.top is None or not line.page_height:
        return False
    return line.top < _EDGE * line.page_height or (line.bottom or 0.0) > (1 - _EDGE) * line.page_height


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", fold(text))


def drop_running_titles(cands: list[Cand]) -> None:
    """A title-like line repeated in the top or bottom band of three pages or more is a running
    header or footer (a chapter's name over each of its pages), not a new section each time."""
    pages: dict[str, set[int]] = defaultdict(set)
    for c in cands:
        if _in_edge(c.line):
            pages[_key(c.text)].add(c.line.page)
    for c in cands:
        if c.heading is not None and not c.confirmed and _in_edge(c.line) and len(pages[_key(c.text)]) >= 3:
            c.heading = None


def drop_table_cells(cands: list[Cand]) -> None:
    """An unnumbered title that shares its row with another line of the page ("Variation" beside
    "2020" and "2021") is a table header cell: titles stand on a row of their own."""
    rows: dict[int, list[Line]] = defaultdict(list)
    for c in cands:
        rows[c.line.page].append(c.line)
    for c in cands:
        if c.heading is None or c.heading.kind != "font" or c.confirmed or c.line.top is None or c.line.x0 is None:
            continue
        tol = 0.3 * (c.line.size or 10.0)
        for other in rows[c.line.page]:
            if other is c.line or other.top is None or other.x0 is None:
                continue
            if abs(other.top - c.line.top) <= tol and abs(other.x0 - c.line.x0) > 20:
                if not _next_column(c.line, other, rows[c.line.page]):
                    c.heading = None
                    break


def _width(line: Line) -> float:
    """Rough width of a line in points (half an em per char)."""
    return 0.48 * len(line.text.strip()) * (line.size or 10.0)


def _next_column(line: Line, other: Line, page: list[Line]) -> bool:
    """Whether ``other`` stands in the next column of a page set in columns, not in the next cell
    of a table row: the text of the left one's column runs most of the way to the right one
    (a table's first column holds labels far shorter than the gap to the next)."""
    left, right = sorted((line, other), key=lambda ln: ln.x0 or 0.0)
    x0 = left.x0 or 0.0
    span = (right.x0 or 0.0) - x0
    widest = max(
        (_width(ln) for ln in page if ln.x0 is not None and x0 - 3 <= ln.x0 <= x0 + 0.15 * span and ln.size),
        default=0.0,
    )
    return 0.8 * span <= widest <= 1.15 * span  # (text running past it: a full-width page)


_LEADER = re.compile(r"(?:\.{2,}|…+|\s)\s*(?:p(?:age)?\.?\s*)?\d{0,3}\s*$", re.IGNORECASE)


def drop_unmarked_contents(cands: list[Cand]) -> None:
    """A table of contents the page test missed (no dot leaders, page numbers apart): a page
    near the front where three lines or more come back later as titles lists them."""

    def key(text: str) -> str:
        return fold(_LEADER.sub("", text))

    if not cands:
        return
    front = max(4, cands[-1].line.page // 5)  # a table of contents opens the document
    later: dict[str, int] = {}
    for c in cands:
        if c.heading is not None and c.line.page > cands[0].line.page:
            k = key(c.text)
            later[k] = max(later.get(k, 0), c.line.page)
    if not later:
        return
    keys = {id(c): key(c.text) for c in cands if c.line.page <= front and len(c.text) < 160}
    repeated: dict[int, int] = defaultdict(int)
    for c in cands:  # (entries may have been taken for list items: they count too)
        if id(c) in keys and later.get(keys[id(c)], 0) > c.line.page:
            repeated[c.line.page] += 1
    toc = {page for page, n in repeated.items() if n >= 3}
    for c in cands:  # (an agenda may share its page with the first item: that one stays)
        if c.line.page in toc and c.heading is not None and later.get(keys.get(id(c), ""), 0) > c.line.page:
            c.heading = None
            c.toc = True


def _style(c: Cand) -> tuple[float | None, bool, int | None]:
    return (c.line.size, c.line.bold, c.line.color)


def drop_label_styles(cands: list[Cand]) -> None:
    """Unnumbered titles in a style that several lines of one page use and no other page does
    label a chart, a table or an org chart ("Prévu", "Réalisé"; names), they do not open sections."""
    pages: dict[tuple, set[int]] = defaultdict(set)
    count: dict[tuple, int] = defaultdict(int)
    for c in cands:
        if c.heading is not None and c.heading.kind == "font":
            pages[_style(c)].add(c.line.page)
            count[_style(c)] += 1
    if len({c.line.page for c in cands if c.heading is not None}) < 3:
        return  # a short document may hold all its sections on one page
    labels = {s for s, p in pages.items() if len(p) == 1 and count[s] >= 2}
    for c in cands:
        # (bold lines of the body size may title two short sections of a page)
        if (
            c.heading is not None
            and c.heading.kind == "font"
            and c.heading.tier >= 1
            and _style(c) in labels
            and not c.confirmed
        ):
            c.heading = None


def merge_divider_pages(cands: list[Cand], body: float) -> list[Cand]:
    """A page holding nothing but big title lines and a big bare number ("02") is a chapter
    divider: its lines become one heading, number first ("02 SYSTÈME DE COLLECTE …")."""
    if not body:
        return cands
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_page[c.line.page].append(i)
    drop: set[int] = set()
    for idx in by_page.values():
        if len(idx) > _MAX_DIVIDER_LINES:
            continue
        lines = [cands[i] for i in idx]
        titles = [c for c in lines if c.heading is not None and c.heading.kind == "font" and c.heading.tier >= 2]
        numbers = [c for c in lines if _BARE_NUMBER.match(c.text) and (c.line.size or 0) >= body + 5]
        if not titles or len(numbers) > 1 or len(titles) + len(numbers) != len(lines):
            continue
        head = titles[0]
        text = " ".join(c.text for c in titles)
        head.text = f"{numbers[0].text} {text}" if numbers else text
        head.number = numbers[0].text if numbers else ""
        drop.update(i for i in idx if cands[i] is not head)
    return [c for i, c in enumerate(cands) if i not in drop] if drop else cands


def drop_front_titles(cands: list[Cand]) -> None:
    """On the first pages, before the first numbered heading, an unnumbered line set bigger
    than every heading from that one on is the document's title (a cover, a title page); on the
    first page, one as big as them too."""
    unnumbered = ("font", "caps", "named", "minutes-part", "lead")
    first = next((i for i, c in enumerate(cands) if c.heading is not None and c.heading.kind not in unnumbered), None)
    if first is None:
        return
    sizes = [c.line.size or 0.0 for c in cands[first:] if c.heading is not None]
    top = max(sizes) if sizes else 0.0
    for c in cands[:first]:
        # ("Préambule", "Introduction" set big are still sections)
        if c.heading is not None and c.heading.kind == "font" and c.line.page <= 3 and fold(c.text) not in KNOWN_TITLES:
            # (on the first page, a line as big as the chapters' titles before the first of them
            # is the cover's: "Exercice 2021", "Commune de Rully")
            cover = c.line.page == cands[0].line.page and c.line.page < cands[first].line.page
            if (c.line.size or 0) > top or (cover and (c.line.size or 0) >= top):
                c.heading = None


def in_table(line: Line, boxes: list[BBox] | None) -> bool:
    """Whether the line lies inside one of the page's table regions."""
    if not boxes or line.top is None or line.x0 is None:
        return False
    top, bottom, x0 = line.top, line.bottom or line.top, line.x0
    return any(b[0] - 1 <= x0 <= b[2] and b[1] - 1 <= top and bottom <= b[3] + 1 for b in boxes)


def drop_table_lines(cands: list[Cand], tables: dict[int, list[BBox]]) -> None:
    """A title-like line inside a region the table finder holds for a table (its header cells,
    its band rows: "PARTIE C : …", "Volumes facturés en 2021") is part of the table. Not in a
    document made of tables (a budget's maquette: most title-like lines inside regions), where the
    finder's regions hold the page titles too."""
    titled = [i for i, c in enumerate(cands) if c.heading is not None and not c.confirmed]
    inside = [i for i in titled if in_table(cands[i].line, tables.get(cands[i].line.page))]
    if len(inside) > 0.6 * len(titled):
        return
    for i in inside:
        if not _opens_text(cands, i):
            cands[i].heading = None


def _opens_text(cands: list[Cand], i: int) -> bool:
    """Whether two lines of running text follow the line, starting where it starts (a title over a
    column of text that the table finder took, with a list beside it, for a table)."""
    line = cands[i].line
    follow = cands[i + 1 : i + 3]
    return len(follow) == 2 and all(
        f.line.page == line.page
        and f.line.x0 is not None
        and line.x0 is not None
        and abs(f.line.x0 - line.x0) <= 15
        and len(f.text.split()) >= 6
        and not re.search(r"(?:\d|€|%)\s*$", f.text)
        for f in follow
    )
