"""OCR throughput, peak memory and cache reuse of greffier ingest on scanned PDFs.

    python bench/ocr.py [--corpus ../shared/corpus] [--workers 2]

Ingests the scanned documents of the shared corpus (Corte minutes, Audierne deliberations and
orders, prefectoral orders; image-only PDFs, listed below) into a fresh temporary index with an
empty OCR cache, in a subprocess started while this process is still small, and prints:

* OCR pages, wall time, pages/s (the target: >= 1 page/s on 2 cores);
* the peak RSS of the ingest process and of its largest parse worker (target <= 1.5 GB);
* the same ingest again with --force: every page comes from the cache (pages/s then, and the
  count of pages OCRed afresh, which must be 0);
* one long scan alone (``--single``, default the 8-page Corte minutes of 2023-07-24), cold: with
  page-level parallelism both workers read its pages, so its wall time should be about half its
  CPU time on 2 free cores.

CPU seconds (user + sys of the ingest process and its workers) are printed beside wall time: on a
shared machine they vary much less than wall time.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = [
    "corte/mairie-corte_proces-verbal_2023-03-20_downloads-1593.pdf",
    "corte/mairie-corte_proces-verbal_2023-04-11_downloads-1594.pdf",
    "corte/mairie-corte_proces-verbal_2023-07-24_downloads-1604.pdf",
    "corte/mairie-corte_proces-verbal_2024-03-25_downloads-1715.pdf",
    "corte/mairie-corte_proces-verbal_2024-04-08_downloads-1713.pdf",
    "corte/mairie-corte_proces-verbal_2024-09-23_downloads-1771.pdf",
    "corte/mairie-corte_proces-verbal_2024-10-28_downloads-1928.pdf",
    "corte/mairie-corte_proces-verbal_2025-04-08_downloads-1920.pdf",
    "audierne/DE2022-141_plu_prescription_modification_1-tampon.pdf",
    "audierne/DE2024-090_ouverture_urbanisation_zone_2aul_camping_kerivoas-tampon-2.pdf",
    "audierne/DE2025-073_approbation_modification2_plu-tampon.pdf",
    "audierne/DG2025-002.pdf",
    "prefectures/SANTENY Modificatif.pdf",
    "prefectures/Ablon sur Seine.pdf",
]

_CHILD = r"""
import json, resource, sys, time
from greffier.api import Greffier
from greffier.settings import Settings
index, workers, force, *files = sys.argv[1:]
g = Greffier(Settings(index_dir=index, workers=int(workers), embedding_model="none"))
t = time.monotonic()
with g:
    results = g.ingest(files, force=force == "1")
wall = time.monotonic() - t
hwm = next((int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")), 0)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
    "wall": wall,
    "pages": sum(r.pages for r in results),
    "ocr_pages": sum(r.ocr_pages for r in results),
    "failed": [r.error for r in results if r.status == "failed"],
    "self_mb": hwm / 1024,
    "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def _run(index: Path, workers: int, force: bool, files: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(index), str(workers), "1" if force else "0", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cached_pages(index: Path) -> int:
    import sqlite3

    db = sqlite3.connect(index / "ocr-cache.sqlite")
    try:
        return db.execute("SELECT count(*) FROM ocr_pages").fetchone()[0]
    finally:
        db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--single", default="corte/mairie-corte_proces-verbal_2023-07-24_downloads-1604.pdf")
    args = ap.parse_args()
    files = [str(args.corpus / f) for f in FILES if (args.corpus / f).is_file()]
    if not files:
        print(f"no scanned file found under {args.corpus}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        t = time.monotonic()
        first = _run(index, args.workers, False, files)
        cached = _cached_pages(index)
        again = _run(index, args.workers, True, files)
        fresh = _cached_pages(index) - cached
        single = None
        if (args.corpus / args.single).is_file():
            single = _run(Path(tmp) / "single", args.workers, False, [str(args.corpus / args.single)])
        total = time.monotonic() - t
    print(f"files: {len(files)}  workers: {args.workers}  (whole bench {total:.0f} s)")
    print(f"{'run':<22}{'pages':>7}{'ocr':>6}{'wall s':>9}{'cpu s':>8}{'pages/s':>9}{'self MB':>9}{'worker MB':>11}")
    runs = [("cold (empty cache)", first), ("--force (cached)", again)]
    if single is not None:
        runs.append(("one long scan, cold", single))
    for name, r in runs:
        rate = r["pages"] / r["wall"] if r["wall"] else 0.0
        print(
            f"{name:<22}{r['pages']:>7}{r['ocr_pages']:>6}{r['wall']:>9.1f}{r.get('cpu', 0.0):>8.1f}{rate:>9.2f}"
            f"{r['self_mb']:>9.0f}{r['children_mb']:>11.0f}"
        )
    print(f"pages in the cache after the first run: {cached}; OCRed afresh by --force: {fresh}")
    if first["failed"] or again["failed"]:
        print("failed:", first["failed"] + again["failed"])
    print("targets: >= 1 page/s on 2 cores, peak <= 1.5 GB")


if __name__ == "__main__":
    main()
