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
"""

from __future__ import annotations

import logging
import math
import os
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from greffier.extract import plumber
from greffier.extract.amounts import find_amounts
from greffier.extract.dates import MONTH_WORDS
from greffier.extract.glyphs import CHECKED, UNCHECKED, normalize_glyphs
from greffier.extract.headings import fold
from greffier.extract.numbers import parse_number
from greffier.extract.pdf import LayoutLine, PageLayout, read_page_objects
from greffier.extract.plumber import RawTable, Word
from greffier.extract.table_stack import stack
from greffier.records import Entity, Passage, Section, Table, TableCell

log = logging.getLogger(__name__)

ENV_TABLES = "GREFFIER_TABLES"  # "0"/"off": ingest without table extraction (benchmarks)

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom, in points from the top-left corner


def tables_enabled() -> bool:
    return os.environ.get(ENV_TABLES, "1").strip().lower() not in ("0", "off", "no", "false")


# -- 1. detection ------------------------------------------------------------------------------

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


# -- 2. grids ---------------------------------------------------------------------------------


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


# -- 3. records -------------------------------------------------------------------------------

_YEARISH = re.compile(r"^(?:[A-Za-zÀ-ÿ'’.\s]{0,30}\s)?(?:19|20)\d{2}(?:\s*[-/–]\s*(?:19|20)?\d{2})?(?:\s*[*()]{0,3})?$")
_DATEISH = re.compile(r"^(?:[A-Za-zÀ-ÿ'’.\s]{0,30}\s)?\d{1,2}/\d{1,2}/(?:19|20)?\d{2}$", re.IGNORECASE)
_N_MINUS = re.compile(r"\bN\s*[-+]\s*\d\b")
# a date in words heading a column: "1er janvier 2022", "Au 31 décembre 2023"
_WORD_DATEISH = re.compile(
    rf"^(?:[A-Za-zÀ-ÿ'’.\s]{{0,30}}\s)?(?:1\s?er|\d{{1,2}})\s+(?:{MONTH_WORDS})\s+(?:19|20)\d{{2}}$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_TEMPLATE = re.compile(r"^[\s_.…·%€-]*$")
_FOOTNOTE = re.compile(r"\s*[*¹²³]+$")
# the numbered totals of a budget maquette: "TOTAL | I 1 978 367 194,00 | II 1 564 898 658,00"
_ROMAN_LEAD = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)\s+(?=-?\d[\d\s\u00a0\u202f]*,\d{2}$)")


def header_like(text: str) -> bool:
    """Whether a cell reads as a header: a label, a year or a date ("2024", "Exercice 2024",
    "au 01/01/2025", "BUDG N-1"), not a figure."""
    t = text.strip()
    if t in (CHECKED, UNCHECKED, "-", "–", "—", "/"):
        return False  # a value, or the mark of no value
    if not _DIGIT.search(t):
        return True
    if _YEARISH.match(t) or _DATEISH.match(t) or _WORD_DATEISH.match(t) or _N_MINUS.search(t):
        return True
    letters = len(re.findall(r"[A-Za-zÀ-ÿ]", t))
    return letters >= 3 * len(_DIGIT.findall(t)) and not any(a.start <= 1 for a in find_amounts(t))


@dataclass(frozen=True)
class CellValue:
    text: str
    value: float | None = None
    unit: str | None = None
    tax: str | None = None


def _untemplated(text: str) -> str:
    t = text.strip()
    return "" if t and _TEMPLATE.match(t) and re.search(r"[_.…·]", t) else text


def parse_cell(text: str) -> CellValue:
    """The value of one cell with the entities' amount parser; template cells ("____%",
    "………") are empty and checkboxes are 1/0."""
    t = text.strip()
    if t and not _untemplated(t):
        return CellValue("")
    if t in (CHECKED, UNCHECKED):
        return CellValue(t, 1.0 if t == CHECKED else 0.0, "checkbox")
    if not _DIGIT.search(t):
        return CellValue(t)
    core = _ROMAN_LEAD.sub("", _FOOTNOTE.sub("", t))
    amounts = find_amounts(core)
    if amounts:
        a = amounts[0]
        rest = (core[: a.start] + core[a.end :]).strip(" :()+")
        mixed = _DIGIT.search(rest) and any(b.unit != a.unit or b.quantity_of != a.quantity_of for b in amounts[1:])
        if (len(amounts) == 1 and _DIGIT.search(rest)) or mixed:
            return CellValue(t)  # "4 abstentions 2 contre": no one value
        if a.start <= 2 or not _WORD.search(rest):
            return CellValue(t, a.value, a.unit, a.tax)
    counted = re.fullmatch(r"(\d+)\s+[a-zà-öø-ÿ]+", core)
    if counted:  # "1 contre" in a vote column: a count
        return CellValue(t, float(counted.group(1)), "count")
    number = re.fullmatch(r"([+\-−]?\s?[\d\s\u00a0\u202f.,]*\d)\s*(%?)", core)
    if number:
        value = parse_number(re.sub(r"(?<=[+\-−])\s", "", number.group(1)))
        if value is not None:
            return CellValue(t, value, "%" if number.group(2) else None)
    return CellValue(t)


_UNIT_WORDS = (
    (re.compile(r"%|\btaux\b|\bpourcentage", re.IGNORECASE), "%"),
    (re.compile(r"\b(?:ann[ée]es?|exercices?|dates?)\b", re.IGNORECASE), "year"),
    (
        re.compile(
            r"€|\beuros?\b|\bmontants?\b|\bprix\b|\btarifs?\b|\bco[uû]ts?\b|\bbudg|\bbp\b|\bcfu\b|\bca\b"
            r"|\bd[ée]penses\b|\brecettes\b|\bsubventions?\b|\bproduits?\b|\bcr[ée]dits\b|\bbases?\b"
            r"|\br[ée]alis|\bpr[ée]vu|\bpropos|\bvot[ée]es?\b|\bre[çc]ues?\b|\bdemand[ée]es?\b|\bper[çc]ues?\b",
            re.IGNORECASE,
        ),
        "EUR",
    ),
    (re.compile(r"\btonnages?\b|\btonnes?\b|\(t\)", re.IGNORECASE), "t"),
    (
        re.compile(
            r"\bnombre\b|\bnb\b|\beffectifs?\b|\bvisites\b|\babonn[ée]s\b|\bhabitants\b|\bagents\b", re.IGNORECASE
        ),
        "count",
    ),
)


def _unit_from(headers: Iterable[str], value: float) -> str | None:
    for text in headers:
        if not text:
            continue
        if re.search(r"/\s?(?:hab|an|m3|m³|t\b|tonne|jour|mois)", text, re.IGNORECASE) and "%" not in text:
            return "other"  # a rate: "Ratio kg/hab/an"
        for pattern, unit in _UNIT_WORDS:
            if pattern.search(text):
                if unit == "year" and not (value.is_integer() and 1900 <= value <= 2100):
                    continue
                return unit
    return None


_TAX_WORD = re.compile(r"\b(H\.?T\.?|T\.?T\.?C\.?)(?=\W|$)|hors taxes?|toutes taxes", re.IGNORECASE)


def _tax_from(headers: Iterable[str]) -> str | None:
    for text in headers:
        m = _TAX_WORD.search(text or "")
        if m:
            return "TTC" if m.group(0).upper().startswith(("T", "TOUTES")) else "HT"
    return None


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
        wordy = [t for t in texts if _WORD.search(t) and parse_cell(t).value is None and len(t.split()) <= 12]
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


def join_grids(upper: Grid, lower: Grid, lower_shape: Shape) -> Grid:
    """``lower`` (the next page's first table) appended to ``upper``, its repeated header dropped."""
    skip = lower_shape.headers
    shift = len(upper.texts)
    return Grid(
        page=upper.page,
        bbox=upper.bbox,
        strategy=upper.strategy,
        ids=upper.ids + tuple(tuple(i + shift for i in row) for row in lower.ids[skip:]),
        texts=upper.texts + lower.texts,
        col_x=upper.col_x,
        row_pages=upper.row_pages + lower.row_pages[skip:],
    )


def continues(upper: Grid, lower: Grid, upper_shape: Shape, lower_shape: Shape) -> bool:
    """Whether ``lower`` carries on ``upper`` over a page break: same columns, and no new header."""
    if upper.n_cols != lower.n_cols or lower.page != upper.row_pages[-1] + 1:
        return False
    if any(abs(a - b) > 8 for a, b in zip(upper.col_x, lower.col_x)):
        return False
    if lower_shape.headers:
        heads = [[fold(upper.text(r, c)) for c in range(upper.n_cols)] for r in range(upper_shape.headers)]
        again = [[fold(lower.text(r, c)) for c in range(lower.n_cols)] for r in range(lower_shape.headers)]
        return heads == again
    return True


def _column_headers(grid: Grid, sh: Shape) -> list[str]:
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


_NOTE = re.compile(r"^(?:vote|pour|contre|abstentions?|unanimit|monsieur|madame|mme|m\.)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]  # text at each column ("" where a merged cell started to the left)
    spans: tuple[int, ...]  # columns each cell covers (0 where covered)
    page: int
    group: bool  # a label alone, standing for the rows below it
    note: bool = False  # a sentence spread over the row ("Vote : Pour : 15 ..."): no group


def _rows(grid: Grid, sh: Shape) -> list[_Row]:
    out: list[_Row] = []
    for r in range(sh.headers, grid.n_rows):
        cells: list[str] = []
        spans: list[int] = []
        last = 0
        for c in range(grid.n_cols):
            if c and grid.ids[r][c] == grid.ids[r][c - 1]:
                cells.append("")
                spans.append(0)
                spans[last] += 1
                continue
            vertical = r > sh.headers and grid.ids[r][c] == grid.ids[r - 1][c]
            # a label merged over several rows labels each of them; a figure counts once
            cells.append("" if vertical and c >= sh.labels else grid.text(r, c))
            spans.append(1)
            last = c
        values = [t for c, t in enumerate(cells) if c >= sh.labels and t]
        label = " ".join(t for t in cells[: sh.labels] if t)
        if not values and not label:
            continue
        row = _Row(
            tuple(cells),
            tuple(spans),
            grid.row_pages[r],
            group=not values,
            note=not values and (len(label.split()) > 10 or bool(_NOTE.match(label))),
        )
        if (
            grid.strategy == "text"
            and not label
            and out
            and not out[-1].group
            and all(not out[-1].cells[c] for c, t in enumerate(cells) if t)
        ):  # a figure set between two lines (a cell merged over both): it goes with the first
            prev = out[-1]
            merged = [a or b for a, b in zip(prev.cells, cells)]
            out[-1] = _Row(tuple(merged), prev.spans, prev.page, False)
            continue
        if (
            grid.strategy == "text" and row.group and out and not out[-1].group and re.match(r"^[a-zà-öø-ÿ(]", label)
        ):  # the second line of the label above: "Absence aux" / "rendez vous"
            prev = out[-1]
            merged = list(prev.cells)
            merged[0] = f"{merged[0]} {label}".strip()
            out[-1] = _Row(tuple(merged), prev.spans, prev.page, False)
            continue
        out.append(row)
    return out


def build_table(grid: Grid, table_id: str, doc_id: str, caption: str, section: Section | None) -> Table:
    sh = shape(grid)
    col_headers = _column_headers(grid, sh)
    label_header = " ".join(h for h in col_headers[: sh.labels] if h)
    header_rows = tuple(tuple(grid.text(r, c) for c in range(grid.n_cols)) for r in range(sh.headers))
    rows = _rows(grid, sh)
    cells: list[TableCell] = []
    group: list[str] = []  # the labels of the group rows above, outermost first
    chain: list[str] = []  # the group rows just read
    for n, row in enumerate(rows, start=1):
        label = " ".join(t for t in row.cells[: sh.labels] if t)
        if row.note:
            pass
        elif row.group:
            chain.append(label)
            # "RECETTES" after "INVESTISSEMENT > DEPENSES" rows: a sibling of "DEPENSES"
            group = group[:-1] + chain if len(chain) == 1 and len(group) >= 2 else list(chain)
        else:
            chain = []
        group_text = " > ".join(group) if not row.group or row.note else " > ".join(group[:-1])
        for c, text in enumerate(row.cells):
            if not text or not row.spans[c]:
                continue
            # a cell merged over several columns takes their one header (an empty one says nothing)
            spanned = {col_headers[k] for k in range(c, c + row.spans[c]) if col_headers[k]}
            col_header = spanned.pop() if len(spanned) == 1 else ""
            cv = parse_cell(text)
            unit, tax = cv.unit, cv.tax
            if c < sh.labels:
                value, unit = None, None
            else:
                value = cv.value
                if value is not None and unit is None:
                    unit = _unit_from((col_header, label, label_header, group_text, caption), value) or (
                        "count" if value.is_integer() else "other"
                    )
                if unit == "EUR" and tax is None:  # "Coût aidé HT par tonne", "Montant TTC"
                    tax = _tax_from((col_header, label, group_text, caption))
            cells.append(
                TableCell(
                    table_id=table_id,
                    doc_id=doc_id,
                    page=row.page,
                    row=n,
                    col=c + 1,
                    text=cv.text,
                    value=value,
                    unit=unit,
                    tax=tax if c >= sh.labels else None,
                    row_header=label,
                    col_header=col_header,
                    group=group_text,
                )
            )
    return Table(
        table_id=table_id,
        doc_id=doc_id,
        page=grid.page,
        page_end=max(grid.row_pages),
        bbox=tuple(round(v, 1) for v in grid.bbox),  # type: ignore[arg-type]
        section_id=section.section_id if section else None,
        section_path=section.path if section else (),
        caption=caption,
        strategy=grid.strategy,
        header_rows=header_rows,
        rows=tuple(tuple(_untemplated(x) for x in r.cells) for r in rows),  # "____%" is an empty cell
        cells=tuple(cells),
        label_cols=sh.labels,
    )


# -- 4. the document's tables -----------------------------------------------------------------


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
        for grid in _joined(sorted(grids, key=lambda g: (g.page, g.bbox[1])), by_number):
            table_id = f"{doc_id}:t{len(out) + 1:03d}"
            caption = captions.get(id(grid)) or _caption(grid, by_number.get(grid.page), grids)
            boxes = [g.bbox for g in grids if g.page == grid.page]
            section = _section_for(grid, by_number.get(grid.page), boxes, caption, sections, paragraph_pages)
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
        labelled = (bool(_WORD.search(label)) and not re.match(r"\d", label)) or bool(_YEARISH.match(label))
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


def _wordy(line: LayoutLine) -> bool:
    return len(line.text.split()) > 3


def _joined(grids: list[Grid], layouts: dict[int, PageLayout]) -> list[Grid]:
    """Grids with the tables continued over a page break joined."""
    out: list[Grid] = []
    shapes: list[Shape] = []
    for grid in grids:
        sh = shape(grid)
        if out:
            upper = out[-1]
            last_page = upper.row_pages[-1]
            last_on_page = not any(g.page == last_page and g.bbox[1] > upper.bbox[1] for g in grids if g is not upper)
            first_on_page = not any(g.page == grid.page and g.bbox[1] < grid.bbox[1] for g in grids)
            if (
                last_on_page
                and first_on_page
                and continues(upper, grid, shapes[-1], sh)
                and not _text_between(upper, grid, layouts)
            ):
                out[-1] = join_grids(upper, grid, sh)
                continue
        out.append(grid)
        shapes.append(sh)
    return out


def _text_between(upper: Grid, lower: Grid, layouts: dict[int, PageLayout]) -> bool:
    """Whether text stands between a table's end and the next page's table."""
    up, low = layouts.get(upper.row_pages[-1]), layouts.get(lower.page)
    if up is None or low is None:
        return True
    bottom = max(upper.bbox[3], 0.0)
    if any(_wordy(ln) and ln.top > bottom + 2 and ln.bottom < 0.9 * up.height for ln in up.lines):
        return True
    return any(_wordy(ln) and ln.bottom < lower.bbox[1] - 2 and ln.top > 0.08 * low.height for ln in low.lines)


_LEAD = re.compile(r"^\s*(?:[-−–—•▪►➢✓*]|\d+[.)])?\s*")


def _caption(grid: Grid, layout: PageLayout | None, grids: list[Grid]) -> str:
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


def _section_for(
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


def row_label(table: Table, cell: TableCell) -> str:
    return f"{cell.group} > {cell.row_header}" if cell.group and cell.row_header else cell.row_header or cell.group


def table_passages(tables: Iterable[Table], sections: list[Section], first_ordinal: int) -> list[Passage]:
    """One passage per table row: "Prix du m³ TTC | 2023: 2,47 € | 2024: 2,61 €"."""
    out: list[Passage] = []
    fallback = sections[0].section_id if sections else ""
    ordinal = first_ordinal
    for t in tables:
        path = t.section_path + ((t.caption,) if t.caption else ())
        by_row: dict[int, list[TableCell]] = {}
        for cell in t.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for n, cells in sorted(by_row.items()):
            values = [c for c in cells if c.col > t.label_cols and c.text]
            if not values:
                continue  # a group label: it leads the rows below
            label = row_label(t, values[0])
            head = next((c.col_header for c in cells if c.col <= t.label_cols and c.col_header), "")
            if head and label and fold(head) not in fold(label):
                label = f"{head}: {label}"  # "Année: 2015 | Tonnages: 3 777,92"
            parts = [f"{c.col_header}: {c.text}" if c.col_header else c.text for c in values]
            ordinal += 1
            out.append(
                Passage(
                    passage_id=f"{t.table_id}r{n:03d}",
                    doc_id=t.doc_id,
                    section_id=t.section_id or fallback,
                    ordinal=ordinal,
                    page=values[0].page,
                    page_end=values[-1].page,
                    section_path=path,
                    start=0,
                    end=0,
                    text=" | ".join([label, *parts]) if label else " | ".join(parts),
                )
            )
    return out


def table_entities(tables: Iterable[Table], sections: list[Section]) -> list[Entity]:
    """An AMOUNT entity per figure, its sentence "row header | column header: text"."""
    out: list[Entity] = []
    fallback = sections[0].section_id if sections else ""
    for t in tables:
        for c in t.cells:
            if c.value is None or c.unit in ("checkbox", "year") or c.col <= t.label_cols:
                continue
            label = row_label(t, c)
            sentence = f"{label} | {c.col_header}: {c.text}" if c.col_header else f"{label}: {c.text}"
            quantity_of = None
            if c.unit == "count":
                quantity_of = c.row_header if _WORD.search(c.row_header) else (c.col_header or None)
            out.append(
                Entity(
                    entity_id=f"{t.table_id}r{c.row:03d}c{c.col:02d}",
                    type="AMOUNT",
                    text=c.text,
                    doc_id=t.doc_id,
                    page=c.page,
                    section_id=t.section_id or fallback,
                    start=0,
                    end=0,
                    sentence=sentence,
                    value=c.value,
                    unit=c.unit,
                    currency="EUR" if c.unit == "EUR" or "€" in c.text else None,  # "1,25 €/m3" too
                    tax=c.tax,
                    quantity_of=quantity_of,
                )
            )
    return out


def table_columns(table: Table) -> list[str]:
    """Column names for printing a table: its headers, else col1, col2..."""
    names: list[str] = []
    for c in range(len(table.rows[0]) if table.rows else len(table.header_rows[0]) if table.header_rows else 0):
        parts: list[str] = []
        for row in table.header_rows:
            if c < len(row) and row[c] and (not parts or parts[-1] != row[c]):
                parts.append(row[c])
        name = " / ".join(parts) or f"col{c + 1}"
        while name in names:
            name += "'"
        names.append(name)
    return names


def table_records(table: Table) -> list[dict[str, str]]:
    """The table's body rows as dicts keyed by column name (CSV of the table itself)."""
    names = table_columns(table)
    return [dict(zip(names, row)) for row in table.rows]
