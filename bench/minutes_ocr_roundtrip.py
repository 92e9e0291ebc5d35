"""Minutes read through OCR: the tune documents that have a text layer, turned into scans.

    python bench/minutes_ocr_roundtrip.py [--corpus ../shared/corpus] [--work DIR] [--degrade mild]
                                          [--only chemere] [--limit N] [--details]

The report side of ``greffier eval minutes`` is mostly scans (OCR text) while the tune side is
mostly text-layer PDFs, so rules written on tune were never tested on OCR text. This script makes
tune look like report without reading a report document: every tune gold document that is not a
scan is rendered page by page (pypdfium2, 300 dpi, grayscale), degraded like a photocopy scan
(``--degrade``: ``none``; ``mild``: grey ink, a slight rotation, blur and speckle, JPEG
quality 50; ``strong``: more of each, through 200 dpi, JPEG quality 35), and written as an
image-only PDF of the same name under ``--work`` (``<folder>/<file>.pdf``: the file name says
what it said). greffier then parses
it as any scan (no text layer over ink: OCR, ``greffier/extract/scan.py``), and the same gold is
scored on both readings with ``greffier.eval.minutes.evaluate_minutes``: one table, text layer
beside OCR, per issuer and pooled.

The images are drawn with a seed from the file name, so a second run writes the same PDFs and
takes every page from the OCR cache (``--work``/ocr-cache.sqlite; cold, OCR costs 1-3 CPU-s a
page). Only tune documents are read (``TUNE_FOLDERS``): never run this on the report split.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from greffier.eval.minutes import TUNE_FOLDERS, evaluate_minutes  # noqa: E402

DPI = 300
LEVELS = {
    # rotation (degrees, +/-), blur radius (px at 300 dpi), speckles per page, JPEG quality, darkest
    # ink (0-255: a photocopy's grey text), resolution the page went through (a 200 dpi scan)
    "none": (0.0, 0.0, 0, 95, 0, DPI),
    "mild": (0.6, 0.9, 400, 50, 60, DPI),
    "strong": (1.2, 1.0, 1500, 35, 80, 200),
}
COLUMNS = ("docs", "issuer_ok", "date_ok", "body_ok", "found", "precision", "vote_ok", "amounts_ok", "outcome_ok")


def degrade(image: Any, level: str, rng: random.Random) -> Any:
    """A grayscale page image as a photocopy scan would give it."""
    from PIL import ImageDraw, ImageFilter

    angle, blur, specks, _quality, ink, dpi = LEVELS[level]
    if ink:
        image = image.point(lambda v: ink + v * (255 - ink) // 255)
    if dpi != DPI:
        size = image.size
        image = image.resize((size[0] * dpi // DPI, size[1] * dpi // DPI), resample=2).resize(size, resample=2)
    if angle:
        image = image.rotate(rng.uniform(-angle, angle), resample=3, expand=False, fillcolor=255)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if specks:
        draw = ImageDraw.Draw(image)
        w, h = image.size
        for _ in range(specks):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((1, 1, 2, 3))
            draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(0, 120))
    return image


def make_scan(src: Path, dest: Path, level: str, max_pages: int | None) -> int:
    """Writes ``dest``, an image-only PDF of ``src``'s pages; returns its page count."""
    import pypdfium2 as pdfium

    rng = random.Random(hashlib.sha256(f"{src.name}|{level}".encode()).hexdigest())
    quality = LEVELS[level][3]
    images = []
    pdf = pdfium.PdfDocument(str(src))
    try:
        for i in range(len(pdf) if max_pages is None else min(max_pages, len(pdf))):
            image = pdf[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            images.append(degrade(image, level, rng))
    finally:
        pdf.close()
    dest.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=DPI, quality=quality)
    dest.write_bytes(out.getvalue())
    return len(images)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "tests/gold/minutes")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus")
    ap.add_argument("--work", type=Path, default=Path("/tmp/greffier-minutes-roundtrip"))
    ap.add_argument("--degrade", choices=sorted(LEVELS), default="mild")
    ap.add_argument("--only", action="append", default=[], help="tune folder(s) to keep (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="first N documents (a pinned subset)")
    ap.add_argument("--max-pages", type=int, default=None, help="render at most N pages per document")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--details", action="store_true", help="also the per-document rows of the OCR reading")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: nothing measured")
        return

    folders = tuple(args.only) or TUNE_FOLDERS
    if any(f not in TUNE_FOLDERS for f in folders):
        print(f"only tune folders may be read here: {', '.join(TUNE_FOLDERS)}")
        return
    work = args.work / args.degrade
    gold_dir = work / "gold"
    kept = []
    for f in sorted(args.gold.rglob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        if "source" not in data or data["source"].split("/", 1)[0] not in folders or data.get("scan"):
            continue
        if (args.corpus / data["source"]).is_file():
            kept.append((f, data))
    kept = kept[: args.limit] if args.limit else kept
    # the selected gold, copied as it is, so that both readings are scored on the same documents
    if gold_dir.exists():
        for old in gold_dir.rglob("*.json"):
            old.unlink()
    pages, made, started = 0, 0, time.process_time()
    for f, data in kept:
        copy = gold_dir / f.relative_to(args.gold)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        dest = work / "scans" / data["source"]
        if not dest.is_file():
            pages += make_scan(args.corpus / data["source"], dest, args.degrade, args.max_pages)
            made += 1
    print(
        f"{len(kept)} tune text-layer documents; {made} rendered as scans ({pages} pages,"
        f" {time.process_time() - started:.0f} CPU-s), degradation {args.degrade}"
    )

    cache = str(args.work / "ocr-cache.sqlite")
    readings = {}
    for name, root in (("text", args.corpus), ("ocr", work / "scans")):
        t0, c0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        rows, details = evaluate_minutes(gold_dir, root, "tune", workers=args.workers, cache=cache)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
        print(f"{name}: {time.monotonic() - t0:.0f} s wall, {cpu:.0f} CPU-s in the parse workers")
        readings[name] = ({r["issuer"]: r for r in rows if r["split"] == "tune"}, details)

    print()
    print(f"{'issuer':<30} {'reading':<7} " + " ".join(f"{c[:9]:>9}" for c in COLUMNS))
    for issuer in readings["text"][0]:
        for name in ("text", "ocr"):
            row = readings[name][0].get(issuer, {})
            cells = " ".join(f"{'' if row.get(c) is None else row.get(c):>9}" for c in COLUMNS)
            print(f"{issuer[:30]:<30} {name:<7} {cells}")
    if args.details:
        print()
        text_rows = {d["source"]: d for d in readings["text"][1]}
        for d in readings["ocr"][1]:
            t = text_rows.get(d["source"], {})
            print(
                f"{d['source']}\n  text: issuer={t.get('issuer')!r} date={t.get('date')} votes={t.get('vote_ok')}"
                f"/{t.get('found')}\n  ocr:  issuer={d['issuer']!r} date={d['date']} body={d['body']}"
                f" found={d['found']}/{d['items']} votes={d['vote_ok']} records={d['records']}"
                f" missed={d.get('missed')}"
            )
            for w in d.get("wrong_votes") or []:
                print(f"  vote: {w['title'][:70]!r} gold={w['gold']} read={w['read']}")


if __name__ == "__main__":
    main()
