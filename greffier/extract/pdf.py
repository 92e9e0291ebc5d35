"""The PDF text layer through pypdfium2: lines with font size, weight and position.

This is the only module that imports pypdfium2. pdfplumber (much slower) is kept for
tables and layout checks, elsewhere.
"""

from __future__ import annotations

import ctypes
import logging
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from greffier.errors import InputError
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
        head = path.read_bytes()[:1024]
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
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


def _font_info(textpage: pdfium.PdfTextPage, index: int, buf: ctypes.Array) -> tuple[float, bool]:
    size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
    weight = int(pdfium_c.FPDFText_GetFontWeight(textpage.raw, index))
    bold = weight >= 600
    if not bold:
        flags = ctypes.c_int()
        n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, len(buf), ctypes.byref(flags))
        if n:
            name = buf.value.decode("latin-1", "replace").lower()
            bold = "bold" in name or "black" in name or "heavy" in name
    return size, bold


def read_pdf_lines(path: Path) -> list[list[Line]]:
    """Lines of every page, in text-layer order. Raises :class:`InputError`."""
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
            if _split_into_chars(text):
                # PDFium broke every glyph onto its own line (tight letter spacing): rebuild
                # the lines from the characters' positions.
                pages.append(_lines_from_chars(textpage, nchars, number, height, buf))
                textpage.close()
                page.close()
                continue
            lines: list[Line] = []
            # Char indices line up with the text when its length matches the char count
            # (it does for text without surrogate pairs); otherwise fall back to no layout.
            aligned = len(text) == nchars
            offset = 0
            for raw_line in text.split("\r\n"):
                start = offset
                offset += len(raw_line) + 2
                if not raw_line.strip():
                    continue
                if not aligned:
                    lines.append(Line(text=raw_line, page=number, page_height=height))
                    continue
                first = start + (len(raw_line) - len(raw_line.lstrip()))
                size, bold = _font_info(textpage, first, buf)
                # A line is bold only when its last visible char is bold too.
                last = start + len(raw_line.rstrip()) - 1
                if bold and last > first:
                    bold = _font_info(textpage, last, buf)[1]
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
                    )
                )
            textpage.close()
            page.close()
            pages.append(lines)
    finally:
        pdf.close()
    return pages


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
            fsize, bold = _font_info(textpage, first, buf)
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
