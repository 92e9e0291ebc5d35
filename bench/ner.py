"""What ORG/PERSON/PLACE extraction (spaCy) costs greffier's ingest, on the shared corpus.

    python bench/ner.py [--corpus ../shared/corpus] [--workers 2] [--repeat 2] [--models sm md]

Prints two tables:

* NER alone, single process, over the section texts of every parsed document: the model's
  load time, then tokens/s and pages/s of ``find_names`` with the pre-filter (only pieces that
  can hold a name go to spaCy) and without it (every piece), and the share of text sent.
* ``greffier ingest`` of the whole corpus into a fresh temporary index with ``GREFFIER_NER``
  off and each model, ``--workers`` parse processes (2: the target is for 2 cores), vectors off.
  pages/s is the median run's; CPU pages/s (2 cores) = pages / (CPU s / 2).
* The target: >= 25 pages/s with NER on, 2 cores.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TARGET_PAGES_PER_S = 25.0
MODELS = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child_ingest(corpus: Path, workers: int) -> None:
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-ner-") as tmp:
        g = Greffier(Settings(index_dir=Path(tmp), workers=workers, embedding_model="none"))
        try:
            cpu0, start = _cpu_s(), time.perf_counter()
            results = g.ingest([corpus])
            seconds = time.perf_counter() - start
            names = len(list(g.entities(None, ("ORG", "PERSON", "PLACE"), None, None, None, None)))
        finally:
            g.close()
        cpu = _cpu_s() - cpu0
    print(json.dumps({"pages": sum(r.pages for r in results), "seconds": seconds, "cpu": cpu, "names": names}))


def ingest_runs(corpus: Path, ner: str, workers: int, repeat: int) -> dict[str, Any] | str:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--workers", str(workers), "--child"]
    env = dict(os.environ, GREFFIER_NER=ner)
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        if proc.returncode != 0:
            return f"NER {ner}: ingest failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    pages = runs[0]["pages"]
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    return {
        "ner": ner,
        "pages": pages,
        "seconds": round(seconds, 1),
        "pages/s": round(pages / seconds, 1),
        "CPU s": round(cpu, 1),
        "CPU pages/s (2 cores)": round(pages / (cpu / 2), 1),
        "names": runs[0]["names"],
    }


def ner_alone(corpus: Path, models: list[str]) -> list[dict[str, Any]]:
    """find_names over every section text, single process, with and without the pre-filter."""
    from greffier.extract import ner
    from greffier.extract.pipeline import parse_file

    docs = []
    pages = 0
    for path in sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".pdf", ".txt")):
        try:
            parsed = parse_file(path, path.stem, ner=False)
        except Exception:  # a broken file is not this benchmark's business
            continue
        if parsed.sections:
            docs.append([s.text for s in parsed.sections])
            pages += parsed.document.pages
    rows = []
    for short in models:
        name = MODELS.get(short, short)
        t0 = time.perf_counter()
        nlp = ner.load_model(name)
        load = time.perf_counter() - t0
        total_chars = sum(len(t) for texts in docs for t in texts)
        tokens = sum(len(d) for d in nlp.tokenizer.pipe(t for texts in docs for t in texts))
        for prefilter in (True, False):
            original = ner.may_hold_names
            if not prefilter:
                ner.may_hold_names = lambda piece: True  # type: ignore[assignment]
            sent = sum(len(p) for texts in docs for t in texts for _, p in ner._chunks(t) if ner.may_hold_names(p))
            t0 = time.perf_counter()
            found = sum(len(x) for texts in docs for x in ner.find_names(texts, model=name))
            seconds = time.perf_counter() - t0
            ner.may_hold_names = original  # type: ignore[assignment]
            rows.append(
                {
                    "model": name,
                    "load s": round(load, 2),
                    "pre-filter": "on" if prefilter else "off",
                    "text sent": f"{100 * sent / total_chars:.0f}%",
                    "seconds": round(seconds, 1),
                    "tokens/s": round(tokens / seconds),
                    "pages/s (1 core)": round(pages / seconds, 1),
                    "names": found,
                }
            )
    print(f"{len(docs)} documents, {pages} pages, {tokens} tokens in section texts")
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    lines = ["  ".join(k.ljust(widths[k]) for k in keys)]
    lines += ["  ".join(str(r[k]).ljust(widths[k]) for k in keys) for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--models", nargs="+", default=["sm", "md"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child_ingest(args.corpus, args.workers)
        return
    print(_table(ner_alone(args.corpus, args.models)))
    print()
    rows = []
    for ner in ["off", *args.models]:
        r = ingest_runs(args.corpus, ner, args.workers, args.repeat)
        if isinstance(r, str):
            print(r)
        else:
            rows.append(r)
    if rows:
        print(_table(rows))
    print(f"\ntarget: >= {TARGET_PAGES_PER_S:g} pages/s with NER on, {args.workers} workers")


if __name__ == "__main__":
    main()
