"""Ruled tables on scanned pages: the grid found in the image, its cells read one by one, one
line per row, and the same table records as a text-layer table.

Hand-built pages are drawn with Pillow's own font, ASCII only (a ruled table with a merged header cell, an underlined
title and a boxed heading, which are no tables); the real page is the Pierrefonds list of
deliberations of 27 January 2026 (../shared/corpus, a scan of a ruled table; its lines are in
tests/gold/ocr/lines.jsonl).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from greffier.eval.ocr import align_page
from greffier.extract import ocr
from greffier.extract.ocr_grid import find_grids
from greffier.extract.pipeline import parse_file
from greffier.extract.scan import OcrOptions
from greffier.extract.tables import table_records

from .conftest import GOLD, SHARED

needs_tesseract = pytest.mark.skipif(ocr.unavailable() is not None, reason=f"no OCR here: {ocr.unavailable()}")
SCALE = 300 / 72
ROWS = [
    ("Chapitre", "Nature", "Montant"),
    ("011", "Achats et fournitures", "125 400,00"),
    ("012", "Charges de personnel", "310 250,50"),
    ("65", "Subventions aux associations", "18 000,00"),
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        pytest.skip("Pillow without FreeType: no scalable font to draw a page with")
    return font


def _page(skew: float = 0.0, rows: list[tuple[str, ...]] = ROWS) -> Image.Image:
    """An A4 page at 300 dpi: an underlined title, a boxed heading, a ruled 3-column table whose
    first row holds a title cell merged over the three columns, and a line of prose under it."""
    img = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(img)
    font = _font(42)
    d.text((300, 300), "BUDGET PRIMITIF 2025", font=font, fill=0)
    d.line([(300, 360), (1000, 360)], fill=0, width=4)  # an underline
    d.rectangle([300, 500, 2100, 620], outline=0, width=4)  # a box around a heading: one cell
    d.text((400, 535), "Section de fonctionnement", font=font, fill=0)
    d.text((300, 780), "Les montants sont les suivants :", font=font, fill=0)
    xs, top, h = [300, 650, 1650, 2150], 880, 110
    ys = [top + i * h for i in range(len(rows) + 2)]
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=4)
    d.line([(xs[0], ys[0]), (xs[0], ys[-1])], fill=0, width=4)
    d.line([(xs[-1], ys[0]), (xs[-1], ys[-1])], fill=0, width=4)
    for x in xs[1:-1]:
        d.line([(x, ys[1]), (x, ys[-1])], fill=0, width=4)  # the first row is one merged cell
    d.text((xs[0] + 30, ys[0] + 30), "SECTION DE FONCTIONNEMENT", font=font, fill=0)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            d.text((xs[c] + 30, ys[r + 1] + 30), text, font=font, fill=0)
    d.text((300, ys[-1] + 120), "Le conseil municipal adopte le budget a l'unanimite.", font=font, fill=0)
    return img.rotate(skew, fillcolor=255, resample=Image.Resampling.BICUBIC) if skew else img


def test_a_ruled_grid_is_found_in_the_image_and_titles_and_boxes_are_not() -> None:
    grids = find_grids(_page(), SCALE)
    assert len(grids) == 1
    g = grids[0]
    assert (g.n_rows, g.n_cols) == (5, 3)
    merged = [c for c in g.cells if c.cols > 1]
    assert len(merged) == 1 and (merged[0].row, merged[0].cols) == (0, 3)
    assert len(g.cells) == 1 + 4 * 3
    assert abs(g.bbox[0] - 300) < 6 and abs(g.bbox[1] - 880) < 6 and abs(g.bbox[2] - 2150) < 6


def test_a_slightly_skewed_grid_is_found_a_much_skewed_one_is_left_to_tesseract() -> None:
    assert [(g.n_rows, g.n_cols) for g in find_grids(_page(skew=0.4), SCALE)] == [(5, 3)]
    assert find_grids(_page(skew=3.0), SCALE) == []


def test_a_page_without_rules_has_no_grid() -> None:
    img = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(img).text((300, 300), "Le conseil municipal, apres en avoir delibere,", font=_font(42), fill=0)
    assert find_grids(img, SCALE) == []


@pytest.mark.ocr
@needs_tesseract
def test_a_scanned_ruled_table_is_read_by_cell_one_line_per_row(tmp_path: Path) -> None:
    page = ocr.recognize(_page(), SCALE, 300)
    assert len(page.tables) == 1
    table = page.tables[0]
    cells = {(c.row, c.col): c.text for c in table.cells}
    assert cells[(0, 0)] == "SECTION DE FONCTIONNEMENT"
    assert cells[(3, 1)] == "Charges de personnel" and cells[(3, 2)] == "310 250,50"
    texts = [ln.text for ln in page.lines]
    # one line per row, in reading order between the text above and below the table
    row = texts.index("012 Charges de personnel 310 250,50")
    assert texts.index("Les montants sont les suivants :") < row
    assert row < next(i for i, t in enumerate(texts) if t.startswith("Le conseil municipal adopte"))
    # the same records as a text-layer table, from a PDF holding only the image
    pdf = tmp_path / "scan.pdf"
    _page().convert("1").save(pdf, resolution=300)
    parsed = parse_file(pdf, "scan", ocr=OcrOptions("auto", str(tmp_path / "cache.sqlite")))
    assert parsed.document.ocr_pages == 1
    (t,) = parsed.tables
    assert t.strategy == "ocr" and t.page == 1 and t.caption == "Les montants sont les suivants :"
    assert ["012", "Charges de personnel", "310 250,50"] in [list(r.values()) for r in table_records(t)]
    amount = next(c for c in t.cells if c.value is not None and "Charges de personnel" in c.row_header)
    assert amount.value == pytest.approx(310250.5) and amount.group == "SECTION DE FONCTIONNEMENT"
    # cached with its tables: read again without Tesseract
    again = parse_file(pdf, "scan", ocr=OcrOptions("auto", str(tmp_path / "cache.sqlite")))
    assert [x.rows for x in again.tables] == [t.rows]


LISTE = "pierrefonds/LISTE-DELIBERATIONS-DU-27-janvier-2026.pdf"


@pytest.mark.ocr
@pytest.mark.corpus
@needs_tesseract
@pytest.mark.skipif(SHARED is None or not (SHARED / LISTE).is_file(), reason="needs ../shared/corpus")
def test_the_scanned_list_of_deliberations_is_read_row_by_row(tmp_path: Path) -> None:
    assert SHARED is not None
    parsed = parse_file(SHARED / LISTE, "liste", ocr=OcrOptions("auto", str(tmp_path / "cache.sqlite")))
    (t,) = parsed.tables
    assert t.strategy == "ocr" and len(t.rows) + len(t.header_rows) == 13
    by_object = {r[1]: r for r in t.rows}
    assert by_object["Subvention Parking Sabatier II"][2] == "Approuvée"
    assert by_object["Convention sur la gestion des hydrants"][2] == "Approuvée"
    gold = next(
        json.loads(line)["lines"]
        for line in (GOLD / "ocr" / "lines.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["source"] == LISTE
    )
    read = [ln for p in parsed.pages for ln in p.text.split("\n")]
    aligned = align_page(gold, read)
    assert sum(r[2] for r in aligned) / sum(len(r[0]) for r in aligned) < 0.03


# -- page-level parallelism: a long scan's pages are read by every worker ---------------------------
def _long_scan(path: Path, pages: int) -> None:
    font = _font(48)
    images = []
    for n in range(1, pages + 1):
        img = Image.new("L", (1240, 1754), 255)
        d = ImageDraw.Draw(img)
        d.text((150, 200), f"Page {n} du registre des deliberations", font=font, fill=0)
        d.text((150, 300), "Le conseil municipal approuve le compte administratif.", font=_font(30), fill=0)
        images.append(img)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=150)


def test_a_big_pdf_is_planned_with_one_warm_up_job_per_other_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from greffier.extract import ocr_prefetch
    from greffier.extract.ocr_prefetch import WARM, plan

    scan = tmp_path / "scan.pdf"
    _long_scan(scan, 5)
    _long_scan(tmp_path / "short.pdf", 1)
    # nothing of the files is read in the ingest process: their size decides
    monkeypatch.setattr(ocr_prefetch, "MIN_BYTES", scan.stat().st_size)
    assert (tmp_path / "short.pdf").stat().st_size < scan.stat().st_size
    opts = OcrOptions("auto", str(tmp_path / "c.sqlite"))
    jobs = [
        (str(tmp_path / "short.pdf"), "a", "sha-a", "off", None, opts),
        (str(scan), "b", "sha-b", "off", None, opts),
    ]
    planned = plan(jobs, 3, opts)
    assert [(j[1], j[3] if j[1] == WARM else None) for j in planned] == [("a", None), (WARM, 2), (WARM, 3), ("b", None)]
    assert [j[-1].warm_step for j in planned] == [1, 1, 1, 3]  # the parse job waits for the warm-up pages
    assert plan(jobs, 1, opts) == jobs and plan(jobs, 2, OcrOptions("never", opts.cache)) == jobs


@pytest.mark.ocr
@needs_tesseract
def test_warm_up_jobs_fill_the_cache_and_the_parse_reads_no_page_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from greffier.extract.ocr_cache import OcrCache
    from greffier.extract.ocr_prefetch import WARM, warm

    scan = tmp_path / "scan.pdf"
    _long_scan(scan, 4)
    opts = OcrOptions("auto", str(tmp_path / "c.sqlite"))
    assert warm((str(scan), WARM, "sha", 1, 2, opts)) == 2  # pages 1 and 3
    assert warm((str(scan), WARM, "sha", 2, 2, opts)) == 2
    assert warm((str(scan), WARM, "sha", 1, 2, opts)) == 0  # already cached
    assert sorted(OcrCache(Path(opts.cache)).pages("sha")) == [1, 2, 3, 4]

    def no_tesseract(*args: object, **kwargs: object) -> None:
        raise AssertionError("Tesseract ran although the page is cached")

    monkeypatch.setattr(ocr, "recognize", no_tesseract)
    parsed = parse_file(scan, "scan", "sha", ocr=opts)
    assert parsed.document.ocr_pages == 4 and "Page 3 du registre" in parsed.pages[2].text


@pytest.mark.ocr
@needs_tesseract
def test_the_parse_reads_its_own_pages_and_waits_for_the_warm_up_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time
    from dataclasses import replace

    from greffier.extract import scan as scan_module
    from greffier.extract.ocr_cache import OcrCache
    from greffier.extract.ocr_prefetch import WARM, warm

    pdf = tmp_path / "scan.pdf"
    _long_scan(pdf, 4)
    elsewhere = OcrOptions("auto", str(tmp_path / "elsewhere.sqlite"))
    assert warm((str(pdf), WARM, "sha", 2, 2, elsewhere)) == 2  # what the other worker will have read
    done = OcrCache(Path(elsewhere.cache)).pages("sha")
    opts = replace(OcrOptions("auto", str(tmp_path / "c.sqlite")), warm_step=2)

    def other_worker() -> None:  # its pages 2 and 4 reach the cache a little later
        cache = OcrCache(Path(opts.cache))
        cache.set_warm("sha", 2, "running")
        for n in (2, 4):
            time.sleep(0.6)
            cache.put("sha", n, done[n])
        cache.set_warm("sha", 2, "done")
        cache.close()

    read: list[int] = []
    real = ocr.recognize

    def counting(image: object, scale: float, dpi: int) -> ocr.OcrPage:
        read.append(1)
        return real(image, scale, dpi)

    monkeypatch.setattr(ocr, "recognize", counting)
    helper = threading.Thread(target=other_worker)
    helper.start()
    parsed = parse_file(pdf, "scan", "sha", ocr=opts)
    helper.join()
    assert parsed.document.ocr_pages == 4 and "Page 4 du registre" in parsed.pages[3].text
    assert len(read) == 2  # pages 1 and 3: 2 and 4 were waited for, not read twice
    # a warm-up job that never starts: the parse waits once, then reads the rest itself
    monkeypatch.setattr(scan_module, "WARM_START", 0.5)
    alone = parse_file(pdf, "scan", "other-sha", ocr=opts)
    assert alone.document.ocr_pages == 4 and len(read) == 6
