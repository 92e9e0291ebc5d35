"""pdfplumber behind one small module: its table finder on one page's objects.

pdfplumber's :class:`~pdfplumber.table.TableFinder` (edge snapping and joining, intersections,
cells, tables) and ``Table.extract`` work on a page's ``chars`` and ``edges``. By default they are
given the objects PDFium reads (:func:`greffier.extract.pdf.read_page_objects`: chars with loose
boxes, straight path segments), which takes about 50 ms a page where pdfplumber parsing the page
itself with pdfminer takes about 350 ms on the shared corpus; that path is kept for comparison
(:class:`PdfminerPages`, ``bench/tables.py --compare-pdfminer``). Nothing else imports pdfplumber.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.table import TableFinder
from pdfplumber.utils import extract_text, extract_words

from greffier.extract.pdf import PageObjects
from greffier.extract.ruling import row_breaks

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class RawTable:
    """One grid found by pdfplumber's table finder: cell texts (None where a merged cell
    spans) and cell boxes, row by row."""

    page: int
    bbox: BBox
    strategy: str  # lines | text
    rows: tuple[tuple[str | None, ...], ...]
    boxes: tuple[tuple[BBox | None, ...], ...]


@dataclass(frozen=True)
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float


_LINES = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_EXTRACT = {"x_tolerance": 1.5, "y_tolerance": 5}  # loose boxes of a symbol font sit higher


class ObjectsPage:
    """What pdfplumber's table finder reads of a page, built from PDFium's objects."""

    def __init__(self, objects: PageObjects) -> None:
        self.page_number = objects.number
        self.bbox: BBox = (0.0, 0.0, objects.width, objects.height)
        # chars by the height of their centre, made pdfplumber dicts only when a box asks for them
        self._chars = sorted(objects.chars, key=lambda c: (c[2] + c[4]) / 2)
        self._mids = [(c[2] + c[4]) / 2 for c in self._chars]
        self.edges = []
        for x0, top, x1, bottom in objects.edges:
            horizontal = bottom - top <= x1 - x0
            self.edges.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "width": x1 - x0,
                    "height": bottom - top,
                    "orientation": "h" if horizontal else "v",
                    "object_type": "line",
                }
            )

    @property
    def chars(self) -> list[dict[str, Any]]:
        return self.chars_in(self.bbox)

    def chars_in(self, bbox: BBox) -> list[dict[str, Any]]:
        """The chars whose centre lies inside ``bbox``, as pdfplumber char dicts."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect.bisect_left(self._mids, top), bisect.bisect_right(self._mids, bottom)
        return [
            {
                "text": t,
                "x0": cx0,
                "x1": cx1,
                "top": ctop,
                "bottom": cbottom,
                "doctop": ctop,
                "upright": True,
                "size": cbottom - ctop,
                "width": cx1 - cx0,
                "height": cbottom - ctop,
                "fontname": "",
            }
            for t, cx0, ctop, cx1, cbottom in self._chars[lo:hi]
            if x0 <= (cx0 + cx1) / 2 <= x1
        ]

    def extract_words(self, **kwargs: Any) -> list[dict[str, Any]]:
        return list(extract_words(self.chars, **kwargs))


def _chars_in(page: Any, bbox: BBox) -> list[dict[str, Any]]:
    if isinstance(page, ObjectsPage):
        return page.chars_in(bbox)
    x0, top, x1, bottom = bbox
    return [
        c for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]


class PdfminerPages:
    """pdfplumber parsing the pages itself (pdfminer); one page is kept parsed at a time."""

    def __init__(self, path: Path) -> None:
        self._pdf = pdfplumber.open(str(path))
        self._page: Any = None

    def page(self, number: int) -> Any:
        if self._page is None or self._page.page_number != number:
            self.release()
            self._page = self._pdf.pages[number - 1]
        return self._page

    def release(self) -> None:
        if self._page is not None:
            self._page.close()
            self._page = None

    def close(self) -> None:
        self.release()
        self._pdf.close()


def ruled_tables(page: Any) -> list[RawTable]:
    """Tables drawn with ruling lines or cell boxes: the ``lines`` strategy."""
    # rows whose column borders break at the same height, with no rule drawn between them
    found = TableFinder(page, {**_LINES, "explicit_horizontal_lines": row_breaks(page.edges)}).tables
    # a box (a frame, a page border) is no table: skip the text extraction of one-cell grids
    return [_raw(page, t, "lines") for t in found if len(t.cells) >= 2]


def text_table(page: Any, columns: list[float], rows: list[float]) -> RawTable | None:
    """The table whose column and row edges the text's alignment gives: the ``text`` strategy
    with explicit edges (vertical at the whitespace gutters, horizontal between lines)."""
    if len(columns) < 3 or len(rows) < 3:
        return None
    settings = {
        "vertical_strategy": "explicit",
        "explicit_vertical_lines": columns,
        "horizontal_strategy": "explicit",
        "explicit_horizontal_lines": rows,
        "snap_tolerance": 0.5,
        "join_tolerance": 0.5,
        "intersection_tolerance": 0.5,
    }
    tables = TableFinder(page, settings).tables
    return _raw(page, max(tables, key=lambda t: len(t.cells)), "text") if tables else None


def vertical_rules(page: Any, bbox: BBox) -> list[float]:
    """The x of the vertical ruling lines that run over most of ``bbox``'s height."""
    x0, top, x1, bottom = bbox
    xs: list[float] = []
    for e in page.edges:
        if e["orientation"] != "v" or not x0 < e["x0"] < x1:
            continue
        if min(e["bottom"], bottom) - max(e["top"], top) >= 0.5 * (bottom - top):
            if all(abs(e["x0"] - x) > 3 for x in xs):
                xs.append(float(e["x0"]))
    return sorted(xs)


def words(page: Any, bbox: BBox) -> list[Word]:
    """The words whose centre lies inside ``bbox``."""
    x0, top, x1, bottom = bbox
    inside = _chars_in(page, (x0 - 5, top - 5, x1 + 5, bottom + 5))
    out = []
    for w in extract_words(inside, x_tolerance=1.5, y_tolerance=2, extra_attrs=["size"]):
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            out.append(
                Word(
                    float(w["x0"]),
                    float(w["x1"]),
                    float(w["top"]),
                    float(w["bottom"]),
                    w["text"],
                    float(w.get("size") or 10.0),
                )
            )
    return out


def _raw(page: Any, table: Any, strategy: str) -> RawTable:
    """The table's cell texts as ``Table.extract`` gives them (chars by centre, text by
    ``extract_text``), with each char looked at once rather than once per row."""
    rows = table.rows
    spans = [row.bbox for row in rows]
    cells = [list(row.cells) for row in rows]
    tops = [b[1] for b in spans]
    found: list[list[list[dict[str, Any]]]] = [[[] for _ in row] for row in cells]
    x0, top, x1, bottom = table.bbox
    for ch in _chars_in(page, (x0, top, x1, bottom)):
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx < x1 and top <= cy < bottom):
            continue
        i = bisect.bisect_right(tops, cy) - 1
        while i >= 0 and not (spans[i][1] <= cy < spans[i][3] and spans[i][0] <= cx < spans[i][2]):
            i -= 1  # rows are sorted by top; a tall row above may hold the point
        if i < 0:
            continue
        for j, cell in enumerate(cells[i]):
            if cell is not None and cell[0] <= cx < cell[2] and cell[1] <= cy < cell[3]:
                found[i][j].append(ch)
                break
    texts = tuple(
        tuple(
            None if cell is None else (extract_text(chars, **_EXTRACT) if chars else "")
            for cell, chars in zip(row, row_chars)
        )
        for row, row_chars in zip(cells, found)
    )
    return RawTable(
        page=int(page.page_number),
        bbox=(float(x0), float(top), float(x1), float(bottom)),
        strategy=strategy,
        rows=texts,
        boxes=tuple(tuple(tuple(float(v) for v in c) if c else None for c in row) for row in cells),
    )
