"""Parsing cost in CPU-seconds per page, on text-layer minutes, for this checkout and optionally
another one (a baseline commit checked out elsewhere), in the same run.

    python bench/parse_cpu.py [--corpus ../shared/corpus] [--baseline DIR]

Parses, one process each and one after the other, the text-layer PDFs of four folders (pinned:
pierrefonds, lisieres-oise, chemere, montpellier), OCR off (``GREFFIER_OCR=never`` in the
child, ignored by a checkout that has no OCR), and prints pages, CPU seconds (user + system of
the child) and CPU-seconds per page for each checkout. ``--baseline`` takes another checkout's
directory (``git worktree add /tmp/base <commit>``): its own ``greffier`` package is imported there.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

FOLDERS = ("pierrefonds", "lisieres-oise", "chemere", "montpellier")

_CHILD = r"""
import json, sys, time
from pathlib import Path
from greffier.extract.pipeline import parse_file
pages = 0
for f in sys.argv[1:]:
    try:
        pages += parse_file(Path(f), "bench").document.pages
    except Exception as exc:
        print(f"{f}: {exc}", file=sys.stderr)
print(json.dumps({"pages": pages}))
"""


def _run(checkout: Path, files: list[str]) -> tuple[int, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(checkout), "GREFFIER_OCR": "never", "GREFFIER_NER": "off"}
    out = subprocess.run([sys.executable, "-c", _CHILD, *files], capture_output=True, text=True, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])["pages"], cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "corpus")
    ap.add_argument("--baseline", type=Path, help="another checkout to measure beside this one")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}")
        return
    import pypdfium2 as pdfium

    files = []
    for folder in FOLDERS:
        for f in sorted((args.corpus / folder).glob("*.pdf")):
            pdf = pdfium.PdfDocument(str(f))
            chars = sum(len(pdf[i].get_textpage().get_text_range().strip()) for i in range(len(pdf)))
            if chars >= 25 * len(pdf):  # text layers only: the same work for every checkout
                files.append(str(f))
            pdf.close()
    print(f"load average before: {os.getloadavg()[0]:.2f}; {len(files)} text-layer PDFs of {', '.join(FOLDERS)}")
    print(f"{'checkout':<40}{'pages':>7}{'CPU s':>9}{'CPU s/page':>12}")
    checkouts = [Path(__file__).resolve().parents[1]] + ([args.baseline.resolve()] if args.baseline else [])
    for checkout in checkouts:
        pages, cpu = _run(checkout, files)
        print(f"{str(checkout)[-40:]:<40}{pages:>7}{cpu:>9.1f}{cpu / max(pages, 1):>12.4f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
