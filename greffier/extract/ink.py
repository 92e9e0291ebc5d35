"""Does a page bear ink? A page with no text layer (or a stamp alone) is read by OCR only when it
shows something: measured on a 30 dpi rendering, cheap enough for every page of little text."""

from __future__ import annotations

import pypdfium2 as pdfium

from greffier.extract.plausibility import body_text


def ink_share(page: pdfium.PdfPage, faint: bool = False) -> float:
    """How much of the page is ink: the share of dark pixels of a 30 dpi rendering (text drawn
    as images or as outlines has no text layer but leaves ink; a blank page leaves none).
    ``faint``: a page with no text of its own, where light or grey print (a photocopy, a scan of
    small print) counts too: what is clearly darker than the paper (at 30 dpi such text averages
    out to a light grey, under the fixed threshold)."""
    try:
        bitmap = page.render(scale=30 / 72, grayscale=True)
        raw = bytes(bitmap.buffer)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    except pdfium.PdfiumError:
        return 0.0
    if not width or not height:
        return 0.0
    import numpy as np

    pixels = np.frombuffer(raw, dtype=np.uint8)[: stride * height].reshape(height, stride)[:, :width]
    dark = 160.0
    if faint:
        dark = max(dark, float(np.percentile(pixels, 90)) - FAINT_BELOW_PAPER)
    return float((pixels < dark).mean())


FAINT_BELOW_PAPER = 48  # grey levels under the paper's (JPEG noise and show-through stay within ~20)


def page_ink(page: pdfium.PdfPage, text: str) -> float:
    """The ink share that decides whether a page is a scan (:func:`ink_share`), measured only for
    pages of little text; faint print counts on a page with no text but a stamp."""
    if len(text.strip()) >= 600:
        return 0.0
    return ink_share(page, faint=not body_text(text).strip())
