"""A cited PDF page as a PNG (cached beside the index), and where a piece of text is on it.

Boxes are fractions of the page's width and height (0-1, from the top-left), so that the page
view lays them over the image at any size. A text-layer page is searched through PDFium's own
text (its characters and their rectangles); an OCR page through the word boxes in the OCR cache.
Matching ignores case, accents, spaces and punctuation, so that the cleaned text greffier cites
(lines re-joined, hyphenations undone, bullets normalized) is found again on the page; text that
is not on the page in one piece is found in the longest runs of words that are.
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

log = logging.getLogger(__name__)

MIN_RUN = 8  # shortest run of letters and digits highlighted on its own
MAX_NEEDLE = 2000  # characters of text looked for on one page
RENDER_SCALE = 1.5  # 108 dpi: an A4 page is 893 px wide


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def rect(self) -> dict[str, str]:
        """Its place over the page image, in thousandths of the page (an SVG overlay's units)."""
        return {
            "x": f"{self.x0 * 1000:.1f}",
            "y": f"{self.top * 1000:.1f}",
            "width": f"{(self.x1 - self.x0) * 1000:.1f}",
            "height": f"{(self.bottom - self.top) * 1000:.1f}",
        }


def _fold(c: str) -> str:
    """One character as it is compared: lower case, no accent, letters and digits only."""
    if c.isspace():
        return ""
    out = []
    for d in unicodedata.normalize("NFKD", c.casefold()):
        if d.isalnum() and not unicodedata.combining(d):
            out.append(d)
    return "".join(out).replace("œ", "oe").replace("æ", "ae")


def fold_text(text: str) -> str:
    return "".join(_fold(c) for c in text)


class Haystack:
    """A page's characters folded into one string, each folded character pointing back to the
    position (a char index, or a word) it came from."""

    def __init__(self, units: Iterable[tuple[str, object]]) -> None:
        chars: list[str] = []
        self.origin: list[object] = []
        for text, origin in units:
            for c in text:
                f = _fold(c)
                chars.append(f)
                self.origin.extend([origin] * len(f))
        self.text = "".join(chars)

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Spans [start, end) of the folded page text that hold the needle, or its longest runs of
        words (each at least :data:`MIN_RUN` folded characters)."""
        if not needle.strip() or not self.text:
            return []
        whole = fold_text(needle[:MAX_NEEDLE])
        if len(whole) >= 3:
            at = self.text.find(whole)
            if at >= 0:
                return [(at, at + len(whole))]
        words = [w for w in (fold_text(w) for w in needle[:MAX_NEEDLE].split()) if w]
        runs: list[tuple[str, list[int]]] = []  # each run of words found, with every place it is
        i = 0
        while i < len(words):
            run, end = "", i
            for j in range(i, len(words)):
                if self.text.find(run + words[j]) < 0:
                    break
                run, end = run + words[j], j + 1
            if len(run) >= MIN_RUN:
                runs.append((run, self._occurrences(run)))
                i = end
            else:
                i += 1
        if not runs:
            return []
        # the longest run anchors the passage; every other run is taken where it is nearest to it
        anchor = max(runs, key=lambda r: len(r[0]))[1][0]
        spans = []
        for run, places in runs:
            at = min(places, key=lambda p: abs(p - anchor))
            spans.append((at, at + len(run)))
        return spans

    def _occurrences(self, run: str, limit: int = 50) -> list[int]:
        out: list[int] = []
        at = self.text.find(run)
        while at >= 0 and len(out) < limit:
            out.append(at)
            at = self.text.find(run, at + 1)
        return out


def text_layer_boxes(pdf_path: Path, page_number: int, needles: list[str]) -> list[Box]:
    """Where the needles are on a page with a text layer (one box per line of text found)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        page = doc[page_number - 1]
        if page.get_rotation():
            return []
        width, height = page.get_size()
        tp = page.get_textpage()
        n = tp.count_chars()
        hay = Haystack((chr(raw.FPDFText_GetUnicode(tp.raw, i)), i) for i in range(n))
        boxes: list[Box] = []
        for needle in needles:
            for start, end in hay.find(needle):
                first, last = int(hay.origin[start]), int(hay.origin[end - 1])  # type: ignore[call-overload]
                for k in range(tp.count_rects(first, last - first + 1)):
                    left, bottom, right, top = tp.get_rect(k)
                    boxes.append(_box(left, height - top, right, height - bottom, width, height))
        return boxes
    finally:
        doc.close()


def ocr_boxes(lines: list[list[list[object]]], width: float, height: float, needles: list[str]) -> list[Box]:
    """Where the needles are on an OCR page, from its words ``[text, x0, top, x1, bottom, conf]``
    (PDF points from the top-left), one box per OCR line found."""
    units = []
    for li, words in enumerate(lines):
        for wi, w in enumerate(words):
            units.append((str(w[0]), (li, wi)))
    hay = Haystack(units)
    boxes: list[Box] = []
    for needle in needles:
        for start, end in hay.find(needle):
            by_line: dict[int, list[int]] = {}
            for li, wi in dict.fromkeys(hay.origin[start:end]):  # type: ignore[misc]
                by_line.setdefault(li, []).append(wi)
            for li, wis in by_line.items():
                ws = [lines[li][wi] for wi in wis]
                boxes.append(
                    _box(
                        min(float(w[1]) for w in ws),  # type: ignore[arg-type]
                        min(float(w[2]) for w in ws),  # type: ignore[arg-type]
                        max(float(w[3]) for w in ws),  # type: ignore[arg-type]
                        max(float(w[4]) for w in ws),  # type: ignore[arg-type]
                        width,
                        height,
                    )
                )
    return boxes


def _box(x0: float, top: float, x1: float, bottom: float, width: float, height: float) -> Box:
    def clamp(v: float) -> float:
        return min(1.0, max(0.0, v))

    pad = 1.5  # points around the glyphs
    return Box(
        clamp((x0 - pad) / width),
        clamp((top - pad) / height),
        clamp((x1 + pad) / width),
        clamp((bottom + pad) / height),
    )


def page_size(pdf_path: Path, page_number: int) -> tuple[float, float]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        width, height = doc[page_number - 1].get_size()
        return float(width), float(height)
    finally:
        doc.close()


def render_png(pdf_path: Path, page_number: int, cache_dir: Path, key: str, scale: float = RENDER_SCALE) -> Path:
    """The page as a PNG in ``cache_dir`` (rendered once; ``key`` names the file's content)."""
    out = cache_dir / f"{key}-p{page_number}-s{round(scale * 100)}.png"
    if out.exists():
        return out
    import pypdfium2 as pdfium

    cache_dir.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        image = doc[page_number - 1].render(scale=scale).to_pil()
    finally:
        doc.close()
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            image.save(fh, format="PNG", optimize=False, compress_level=3)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.debug("rendered %s page %d to %s", pdf_path, page_number, out)
    return out


def mark_text(text: str, needles: list[str]) -> Markup:
    """The page's text as HTML (escaped), the needles found in it wrapped in ``<mark>``."""
    hay = Haystack((c, i) for i, c in enumerate(text))
    ranges = sorted(
        (int(hay.origin[s]), int(hay.origin[e - 1]) + 1)  # type: ignore[call-overload]
        for needle in needles
        for s, e in hay.find(needle)
    )
    out: list[Markup] = []
    pos = 0
    for start, end in ranges:
        if start < pos:
            start = pos
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)
