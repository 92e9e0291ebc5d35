"""The PDF text layer through pypdfium2: lines with font size, weight and position.

This is the only module that imports pypdfium2. pdfplumber (much slower) is kept for
tables and layout checks, elsewhere.
"""

from __future__ import annotations

import ctypes
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from greffier.errors import InputError
from greffier.extract.ink import page_ink
from greffier.extract.underline import mark_underlined
from greffier.records import Line

log = logging.getLogger(__name__)

# FPDF_GetLastError codes returned when a document fails to load.
_LOAD_ERRORS = {
    0: "the PDF has no pages (empty page tree)",  # PDFium refuses such a file but reports success
    1: "damaged PDF (PDFium could not load it)",
    2: "file not found or could not be opened",
    3: "not a PDF or corrupted (data format error)",
    4: "encrypted: a password is required",
    5: "unsupported security scheme",
    6: "page error",
}


_EMPTY_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b|/Count\s+0\b[^>]*?/Type\s*/Pages\b", re.DOTALL)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, turning every PDFium failure into an :class:`InputError`."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    if not head:
        raise InputError(str(path), "empty file (0 bytes): not a PDF")
    if b"%PDF-" not in head:
        kind = "a ZIP container (.docx/.odt?)" if head.startswith(b"PK") else "not a PDF"
        raise InputError(str(path), f"{kind}: no %PDF- header")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        reason = _LOAD_ERRORS.get(1 if code is None else code, str(exc))
        if code in (0, 1, 3) and _EMPTY_PAGE_TREE.search(path.read_bytes()[-65536:]):
            reason = _LOAD_ERRORS[0]  # PDFium refuses a valid PDF whose page tree is empty
        raise InputError(str(path), reason) from exc
    if len(pdf) == 0:
        pdf.close()
        raise InputError(str(path), "the PDF has no pages")
    return pdf


_MATRIX = pdfium_c.FS_MATRIX()
_FLAGS = ctypes.c_int()
_RGBA = tuple(ctypes.c_uint() for _ in range(4))


def _color(textpage: pdfium.PdfTextPage, index: int) -> int | None:
    """Fill colour of one char as 0xRRGGBB, None when PDFium cannot tell."""
    r, g, b, a = _RGBA
    if not pdfium_c.FPDFText_GetFillColor(textpage.raw, index, r, g, b, a):
        return None
    return (r.value << 16) | (g.value << 8) | b.value


def _is_bold(textpage: pdfium.PdfTextPage, index: int, buf: ctypes.Array) -> bool:
    if int(pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)) >= 600:
        return True
    n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, len(buf), ctypes.byref(_FLAGS))
    if not n:
        return False
    name = buf.value.decode("latin-1", "replace").lower()
    return "bold" in name or "black" in name or "heavy" in name


def _font_info(textpage: pdfium.PdfTextPage, index: int, buf: ctypes.Array) -> tuple[float, float, bool]:
    """(size as printed, size of the font, bold) of one char. The printed size is the font size
    scaled by the char's transformation: designed brochures set 31pt text scaled by a third."""
    nominal = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
    size = nominal
    if pdfium_c.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(_MATRIX)):
        scale = (_MATRIX.c**2 + _MATRIX.d**2) ** 0.5
        if 0.05 < scale < 20:
            size *= scale
    return size, nominal, _is_bold(textpage, index, buf)


class PageReader(Protocol):
    """Decides, page by page, whether a page is read from its image (OCR) instead of its text
    layer: called with the page number, the text layer, the share of the page that is ink
    and a function rendering the page at a given dpi; returns the page's lines, or None to keep
    the text layer (:mod:`greffier.extract.scan`)."""

    def __call__(self, number: int, text: str, ink: float, render: Any, height: float) -> list[Line] | None: ...


_MAX_PIXELS = 40_000_000  # a large plan rendered at 300 dpi is scaled down to this


def _renderer(page: pdfium.PdfPage) -> Any:
    def render(dpi: int) -> tuple[Any, float]:
        width, height = page.get_size()
        scale = dpi / 72
        if width * height * scale * scale > _MAX_PIXELS:
            scale = (_MAX_PIXELS / (width * height)) ** 0.5
        return page.render(scale=scale, grayscale=True).to_pil(), scale

    return render


def page_renderer(page: pdfium.PdfPage) -> Any:
    """A function rendering ``page`` at a given dpi: (grayscale PIL image, its scale)."""
    return _renderer(page)


def render_page(path: Path, number: int, dpi: int) -> tuple[Any, float]:
    """One page as a grayscale PIL image at ``dpi`` (capped in pixels), with its scale."""
    pdf = open_pdf(path)
    try:
        if not 1 <= number <= len(pdf):
            raise InputError(str(path), f"no page {number} (the PDF has {len(pdf)})")
        return _renderer(pdf[number - 1])(dpi)
    finally:
        pdf.close()


def read_pdf_lines(
    path: Path, layouts: list[PageLayout] | None = None, reader: PageReader | None = None
) -> list[list[Line]]:
    """Lines of every page, in text-layer order. Raises :class:`InputError`.

    When ``layouts`` is a list, one :class:`PageLayout` per page is appended to it (the
    cheap table signals: lines cut at wide gaps, ruling lines and boxes). A ``reader`` may
    read a page from its image instead (OCR); such a page has an empty layout.
    """
    pdf = open_pdf(path)
    buf = ctypes.create_string_buffer(256)
    pages: list[list[Line]] = []
    try:
        for number in range(1, len(pdf) + 1):
            try:
                page = pdf[number - 1]
                height = float(page.get_height())
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                nchars = textpage.count_chars()
            except pdfium.PdfiumError as exc:
                raise InputError(str(path), f"page {number} cannot be read ({exc})") from exc
            if reader is not None:
                share = page_ink(page, text)
                read = reader(number, text.replace("\r\n", "\n"), share, _renderer(page), height)
                if read is not None:
                    pages.append(read)
                    if layouts is not None:
                        layouts.append(_empty_layout(page, number))
                    textpage.close()
                    page.close()
                    continue
            if _split_into_chars(text):
                # PDFium broke every glyph onto its own line (tight letter spacing): rebuild
                # the lines from the characters' positions.
                pages.append(_lines_from_chars(textpage, nchars, number, height, buf))
                if layouts is not None:
                    layouts.append(_empty_layout(page, number))
                textpage.close()
                page.close()
                continue
            lines: list[Line] = []
            # Char indices count UTF-16 units (a mathematical italic letter is two): they line
            # up with the text when its UTF-16 length matches the char count; otherwise fall
            # back to no layout.
            wide = len(text) != nchars
            aligned = not wide or _utf16_len(text) == nchars
            # a text layer that drops chars (control codes a glyph bullet is mapped to): each
            # char of the text found among the page's chars, so that its line keeps its fonts
            where = _char_map(textpage, text, nchars) if not aligned else None
            offset = 0
            layout_lines: list[LayoutLine] = []
            for raw_line in text.split("\r\n"):
                start = offset
                astral = aligned and wide and _utf16_len(raw_line) != len(raw_line)
                offset += (_utf16_len(raw_line) if astral else len(raw_line)) + 2
                if not raw_line.strip():
                    continue
                if where is not None:  # the line's chars must be consecutive chars of the page
                    start = _mapped_start(where, start, len(raw_line))
                if not aligned and start < 0:
                    lines.append(Line(text=raw_line, page=number, page_height=height))
                    continue
                lead = raw_line[: len(raw_line) - len(raw_line.lstrip())]
                first = start + (_utf16_len(lead) if astral else len(lead))
                _size, nominal, _bold = _font_info(textpage, first, buf)
                # a line led by a glyph ("➢", "•", a Wingdings bullet) is set in its text's font
                ink = first + _glyph_lead(raw_line.lstrip()) if not astral else first
                size, _nominal, bold = _font_info(textpage, ink, buf) if ink != first else (_size, nominal, _bold)
                # A line is bold only when its last visible char is bold too.
                last = start + (_utf16_len(raw_line.rstrip()) if astral else len(raw_line.rstrip())) - 1
                if bold and last > ink:
                    bold = _is_bold(textpage, last, buf)
                left, bottom, _right, top = textpage.get_charbox(first)
                lines.append(
                    Line(
                        text=raw_line,
                        page=number,
                        size=round(size * 2) / 2,
                        bold=bold,
                        top=height - top,
                        bottom=height - bottom,
                        x0=left,
                        page_height=height,
                        color=_color(textpage, ink),
                    )
                )
                if layouts is not None and (not wide or where is not None):  # (not on a page of formulas)
                    # (the table finder measures gaps in the font's own size, as it always has)
                    layout_lines.append(_layout_line(textpage, start, raw_line, lines[-1], round(nominal * 2) / 2))
            if layouts is not None:
                layouts.append(_page_layout(page, number, layout_lines))
                if not wide and aligned and layouts[-1].rules:
                    spans = [(ll.x0, ll.x1) for ll in layout_lines]
                    lines = mark_underlined(lines, spans, list(layouts[-1].rules))
            textpage.close()
            page.close()
            pages.append(lines)
    finally:
        pdf.close()
    return pages


def _glyph_lead(text: str) -> int:
    """Offset of the first letter or digit of a line that opens with a glyph and a space
    ("➢ DE-2015/28", "\uf0b7 Objet"), else 0: the glyph's own font tells nothing of the line's."""
    if not text or text[0].isalnum() or text[0] in "«\"'(":
        return 0
    for k, ch in enumerate(text[:4]):
        if ch.isalnum():
            return k if k and text[k - 1].isspace() else 0
    return 0


def _char_map(textpage: pdfium.PdfTextPage, text: str, nchars: int) -> list[int] | None:
    """The page char index of each char of ``text`` when the text layer left some chars out
    (``get_text_range`` drops control codes such as the 0x02 a Wingdings arrow is mapped to, so
    that the text is shorter than the page's char count); None when the two cannot be lined up
    (astral chars, or chars that differ rather than miss)."""
    spare = nchars - len(text)
    if spare <= 0 or spare > 64 or _utf16_len(text) != len(text):
        return None
    where: list[int] = []
    j = 0
    for ch in text:
        code = ord(ch)
        while j < nchars and pdfium_c.FPDFText_GetUnicode(textpage.raw, j) != code:
            j += 1
            if j - len(where) > spare:
                return None
        if j >= nchars:
            return None
        where.append(j)
        j += 1
    return where


def _mapped_start(where: list[int], start: int, length: int) -> int:
    """The page char index of a line starting at text offset ``start``, or -1 when a dropped char
    sits inside the line (its offsets would be off by one from there)."""
    first = where[start]
    return first if where[start + length - 1] - first == length - 1 else -1


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _split_into_chars(text: str) -> bool:
    lines = [ln for ln in text.split("\r\n") if ln.strip()]
    short = sum(1 for ln in lines if len(ln.strip()) <= 2)
    return short >= 10 and short >= 0.3 * len(lines)


def _lines_from_chars(
    textpage: pdfium.PdfTextPage, nchars: int, number: int, height: float, buf: ctypes.Array
) -> list[Line]:
    """Lines rebuilt from char boxes: same baseline and moving right = same line."""
    out: list[Line] = []
    chars: list[str] = []
    first = -1
    base = right = 0.0
    size = 0.0

    def flush() -> None:
        if chars and "".join(chars).strip():
            fsize, _nominal, bold = _font_info(textpage, first, buf)
            left, bottom, _r, top = textpage.get_charbox(first)
            out.append(
                Line(
                    text="".join(chars).strip(),
                    page=number,
                    size=round(fsize * 2) / 2,
                    bold=bold,
                    top=height - top,
                    bottom=height - bottom,
                    x0=left,
                    page_height=height,
                    color=_color(textpage, first),
                )
            )

    for i in range(nchars):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0x0D, 0x0A, 0xFFFE) or code == 0:
            continue
        ch = chr(code)
        left, bottom, rgt, _top = textpage.get_charbox(i)
        csize = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, i)) or 10.0
        if ch == " " and rgt <= left:  # generated space: keep one
            if chars and chars[-1] != " ":
                chars.append(" ")
            continue
        new_line = not chars or abs(bottom - base) > 0.6 * max(size, csize) or left < right - 2.5 * csize
        if new_line:
            flush()
            chars, first, base, size = [], i, bottom, csize
        elif left - right > 0.18 * csize and chars[-1] != " ":
            chars.append(" ")
        chars.append(ch)
        right = max(right, rgt) if not new_line else rgt
    flush()
    return out


# -- cheap table signals (greffier.extract.tables decides what they mean) ----------------------


@dataclass(frozen=True)
class Segment:
    """A run of a line's text between two wide gaps (a table cell, when the line is a row)."""

    x0: float
    x1: float
    text: str


@dataclass(frozen=True)
class LayoutLine:
    """One text-layer line cut into segments. Coordinates as pdfplumber's: points from the
    page's left and top edges."""

    top: float
    bottom: float
    size: float
    bold: bool
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1


@dataclass(frozen=True)
class PageLayout:
    """What pypdfium2 tells cheaply about one page: its lines cut at wide gaps, its thin
    path objects (ruling lines) and its boxes (cell borders and fills), as (x0, top, x1, bottom)."""

    number: int
    width: float
    height: float
    lines: tuple[LayoutLine, ...]
    rules: tuple[tuple[float, float, float, float], ...] = ()
    boxes: tuple[tuple[float, float, float, float], ...] = ()


_GAP = 1.2  # a gap wider than this many font sizes separates two cells
_FIGURE = re.compile("[0-9\uf0fe\uf078\uf0fd\uf06f\uf0a1]")  # a digit or a checkbox glyph
_RULE_THICKNESS = 2.5  # points: a path thinner than this is a ruling line
_MAX_PATHS = 4000  # pages drawn with more paths (maps, charts) are read no further
_MAX_SEGMENTS = 64  # a path with more segments draws no table border


def _empty_layout(page: pdfium.PdfPage, number: int) -> PageLayout:
    return PageLayout(number=number, width=float(page.get_width()), height=float(page.get_height()), lines=())


def _layout_line(textpage: pdfium.PdfTextPage, start: int, raw_line: str, line: Line, size: float) -> LayoutLine:
    """The line cut at its wide gaps: two char boxes per run of spaces, no more."""
    lead = len(raw_line) - len(raw_line.lstrip())
    end = len(raw_line.rstrip())
    size = size or 10.0
    box = _CharBox(textpage)
    segments: list[Segment] = []
    seg_start, seg_x0 = lead, line.x0 or 0.0
    if end - lead > 80 and not _FIGURE.search(raw_line):  # a line of prose: no cell to look for
        right = box.right(start + end - 1)
        return LayoutLine(
            top=line.top or 0.0,
            bottom=line.bottom or 0.0,
            size=size,
            bold=line.bold,
            segments=(Segment(seg_x0, max(right, seg_x0), raw_line[lead:end]),),
        )
    for m in re.finditer(r"[ \t\u00a0]+", raw_line[lead:end]):
        before, after = lead + m.start() - 1, lead + m.end()
        right = box.right(start + before)
        left = box.left(start + after)
        if left - right > _GAP * size:
            segments.append(Segment(seg_x0, right, raw_line[seg_start : before + 1]))
            seg_start, seg_x0 = after, left
    last_right = box.right(start + end - 1)
    segments.append(Segment(seg_x0, max(last_right, seg_x0), raw_line[seg_start:end]))
    return LayoutLine(
        top=line.top or 0.0, bottom=line.bottom or 0.0, size=size, bold=line.bold, segments=tuple(segments)
    )


class _CharBox:
    """FPDFText_GetCharBox without the per-call allocations of the pypdfium2 helper."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.l, self.r, self.b, self.t = (ctypes.c_double() for _ in range(4))

    def left(self, index: int) -> float:
        pdfium_c.FPDFText_GetCharBox(self.raw, index, self.l, self.r, self.b, self.t)
        return self.l.value

    def right(self, index: int) -> float:
        pdfium_c.FPDFText_GetCharBox(self.raw, index, self.l, self.r, self.b, self.t)
        return self.r.value


def _page_layout(page: pdfium.PdfPage, number: int, lines: list[LayoutLine]) -> PageLayout:
    width, height = float(page.get_width()), float(page.get_height())
    rules: list[tuple[float, float, float, float]] = []
    boxes: list[tuple[float, float, float, float]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    seen = 0

    def visit(count: int, get: Any) -> None:
        nonlocal seen
        for i in range(count):
            seen += 1
            if seen > _MAX_PATHS:
                return
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                visit(pdfium_c.FPDFFormObj_CountObjects(obj), lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j))
                continue
            if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            w, h = right.value - left.value, top.value - bottom.value
            if w > 0.9 * width and h > 0.9 * height:
                continue  # a page background
            box = (left.value, height - top.value, right.value, height - bottom.value)
            if min(w, h) <= _RULE_THICKNESS and max(w, h) >= 4:
                rules.append(box)
            elif w >= 4 and h >= 4:
                boxes.append(box)

    raw = page.raw
    visit(pdfium_c.FPDFPage_CountObjects(raw), lambda i: pdfium_c.FPDFPage_GetObject(raw, i))
    return PageLayout(
        number=number, width=width, height=height, lines=tuple(lines), rules=tuple(rules), boxes=tuple(boxes)
    )


Char = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom


@dataclass(frozen=True)
class PageObjects:
    """The chars and straight path segments of one page, for pdfplumber's table finder.

    Chars: (text, x0, top, x1, bottom) with loose (font-height) boxes, generated spaces left
    out. Edges: horizontal and vertical path segments as (x0, top, x1, bottom).
    Coordinates as :class:`PageLayout`'s.
    """

    number: int
    width: float
    height: float
    chars: tuple[Char, ...]
    edges: tuple[tuple[float, float, float, float], ...]


def read_page_objects(path: Path, numbers: list[int]) -> dict[int, PageObjects]:
    """Chars and ruling segments of the given pages (the pdfplumber objects, read by PDFium
    about seven times faster than pdfminer parses them). Raises :class:`InputError`."""
    pdf = open_pdf(path)
    out: dict[int, PageObjects] = {}
    try:
        for number in numbers:
            try:
                page = pdf[number - 1]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:
                raise InputError(str(path), f"page {number} cannot be read ({exc})") from exc
            try:
                height = float(page.get_height())
                out[number] = PageObjects(
                    number=number,
                    width=float(page.get_width()),
                    height=height,
                    chars=_chars(textpage, height),
                    edges=_edges(page, height),
                )
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    return out


def _chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[Char, ...]:
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    out = []
    count = textpage.count_chars()
    text = textpage.get_text_range()
    aligned = len(text) == count  # else (surrogate pairs) one char at a time
    generated, box = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetLooseCharBox
    for i in range(count):
        ch = text[i] if aligned else chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0xFFFE)
        if ch in "\r\n\x00\ufffe\uffff" or (ch == " " and generated(raw, i) == 1):
            continue
        if not box(raw, i, rect):
            continue
        out.append((ch, rect.left, height - rect.top, rect.right, height - rect.bottom))
    return tuple(out)


def _edges(page: pdfium.PdfPage, height: float) -> tuple[tuple[float, float, float, float], ...]:
    """Horizontal and vertical straight segments of the page's paths (form XObjects included)."""
    edges: list[tuple[float, float, float, float]] = []
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    seen = 0

    def visit(count: int, get: Any, outer: tuple[float, ...]) -> None:
        nonlocal seen
        for i in range(count):
            seen += 1
            if seen > _MAX_PATHS:
                return
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_PATH):
                continue
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                continue
            m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                visit(pdfium_c.FPDFFormObj_CountObjects(obj), lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), m)
                continue
            segments = pdfium_c.FPDFPath_CountSegments(obj)
            if segments > _MAX_SEGMENTS:
                continue  # a curve, a map or a chart: no ruling line
            start = prev = None
            for s in range(segments):
                seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
                if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
                    continue
                a, b, c, d, e, f = m
                point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
                kind_s = pdfium_c.FPDFPathSegment_GetType(seg)
                if kind_s == pdfium_c.FPDF_SEGMENT_MOVETO:
                    start = prev = point
                    continue
                if kind_s == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                    _add_edge(edges, prev, point, height)
                prev = point
                if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                    _add_edge(edges, point, start, height)
                    prev = start

    raw = page.raw
    visit(pdfium_c.FPDFPage_CountObjects(raw), lambda i: pdfium_c.FPDFPage_GetObject(raw, i), (1, 0, 0, 1, 0, 0))
    return tuple(edges)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _add_edge(
    edges: list[tuple[float, float, float, float]], p: tuple[float, float], q: tuple[float, float], height: float
) -> None:
    (x0, y0), (x1, y1) = p, q
    if (abs(y1 - y0) <= 0.5 and abs(x1 - x0) > 0.5) or (abs(x1 - x0) <= 0.5 and abs(y1 - y0) > 0.5):
        edges.append((min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1)))
