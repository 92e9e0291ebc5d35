"""Which pages bear ink: a scan printed light is read by OCR, a blank scanned sheet is not."""

from __future__ import annotations

import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from greffier.extract.ink import ink_share, page_ink
from greffier.extract.plausibility import MIN_INK, ocr_reason

LINE = "Le Conseil municipal, après en avoir délibéré, à l'unanimité, décide d'approuver"


def _scan(tmp_path: Path, ink: int | None, seed: int = 1) -> pdfium.PdfPage:
    """An A4 page scanned at 300 dpi: 40 lines of 12-point text in grey ``ink`` (None: no text),
    on paper with a scanner's noise, saved as an image-only PDF."""
    rng = random.Random(seed)
    image = Image.new("L", (2480, 3508), 250)
    draw = ImageDraw.Draw(image)
    for _ in range(3000):  # dust and noise
        x, y = rng.randrange(2480), rng.randrange(3508)
        draw.point((x, y), fill=rng.randrange(225, 250))
    if ink is not None:
        font = ImageFont.load_default(size=42)
        for k in range(40):
            draw.text((250, 300 + k * 72), LINE, fill=ink, font=font)
    path = tmp_path / f"scan-{ink}.pdf"
    image.save(path, "PDF", resolution=300, quality=60)
    return pdfium.PdfDocument(str(path))[0]


def test_a_page_of_light_grey_print_is_a_scan(tmp_path: Path) -> None:
    page = _scan(tmp_path, ink=150)
    assert ink_share(page) < MIN_INK  # the fixed threshold took it for a blank sheet
    assert page_ink(page, "") >= MIN_INK
    assert ocr_reason("", page_ink(page, "")) == "no text layer"
    # under a legality stamp's text layer, too
    stamp = "Envoyé en préfecture le 03/03/2025\nReçu en préfecture le 03/03/2025"
    assert ocr_reason(stamp, page_ink(page, stamp)) is not None


def test_a_blank_scanned_sheet_is_not_read(tmp_path: Path) -> None:
    page = _scan(tmp_path, ink=None)
    assert page_ink(page, "") < MIN_INK
    assert ocr_reason("", page_ink(page, "")) is None


def test_black_print_is_ink_either_way(tmp_path: Path) -> None:
    page = _scan(tmp_path, ink=20)
    assert ink_share(page) >= MIN_INK
    assert page_ink(page, "") >= ink_share(page)
