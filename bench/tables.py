"""What table extraction costs greffier's ingest, on the shared corpus.

    python bench/tables.py [--corpus ../shared/corpus] [--workers 2] [--repeat 3]
                           [--embeddings] [--compare-pdfminer]

Prints one table:

* ``greffier ingest`` of the whole corpus into a fresh temporary index, with table extraction
  off (``GREFFIER_TABLES=0``) and on, ``--workers`` parse processes (2 by default: the target
  is for 2 cores). Each run is a fresh interpreter; pages/s is the median run's. Vectors are
  off (``embedding_model="none"``) unless ``--embeddings``: this measures parsing and the
  keyword index, where tables cost; with vectors, the extra row passages are embedded too.
* CPU s: user + system time of the ingest process and its workers. On a shared machine wall
  time depends on the other load; ``CPU pages/s (2 cores)`` = pages / (CPU s / 2) is what two
  otherwise idle cores would give.
* How many pages went to pdfplumber's table finder (the pages whose pypdfium2 layout looks
  like a table), and the time of table extraction alone on them, single process; with
  ``--compare-pdfminer``, also with pdfplumber parsing those pages itself (pdfminer) instead
  of reading PDFium's objects.
* The target: >= 25 pages/s with tables, 2 cores.

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


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child_ingest(corpus: Path, workers: int, embeddings: bool) -> None:
    """Runs in the measured subprocess (GREFFIER_TABLES set by the parent): one ingest."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-tables-") as tmp:
        kwargs: dict[str, Any] = {"index_dir": Path(tmp), "keyword_backend": "tantivy", "workers": workers}
        if not embeddings:
            kwargs["embedding_model"] = "none"
        g = Greffier(Settings(**kwargs))
        try:
            cpu0, start = _cpu_s(), time.perf_counter()
            results = g.ingest([corpus])
            seconds = time.perf_counter() - start
            counts = g.store.counts()
        finally:
            g.close()
        cpu = _cpu_s() - cpu0
    print(
        json.dumps(
            {
                "pages": sum(r.pages for r in results),
                "files": len(results),
                "seconds": seconds,
                "cpu": cpu,
                "tables": counts.get("tables", 0),
                "passages": counts["passages"],
            }
        )
    )


def measured(corpus: Path, tables: bool, workers: int, repeat: int, embeddings: bool) -> dict[str, Any] | str:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--corpus",
        str(corpus),
        "--workers",
        str(workers),
        "--child",
    ] + (["--embeddings"] if embeddings else [])
    env = dict(os.environ, GREFFIER_TABLES="1" if tables else "0")
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        if proc.returncode != 0:
            return f"tables {'on' if tables else 'off'}: ingest failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    seconds = [r["seconds"] for r in runs]
    median = statistics.median(seconds)
    first = runs[0]
    return {
        "label": f"ingest, tables {'on' if tables else 'off'}",
        "pages": first["pages"],
        "seconds": median,
        "range": f"{first['pages'] / max(seconds):.1f}-{first['pages'] / min(seconds):.1f}",
        "cpu": statistics.median(r["cpu"] for r in runs),
        "tables": first["tables"],
        "passages": first["passages"],
    }


def table_pages(corpus: Path, compare_pdfminer: bool) -> dict[str, Any]:
    """Pages sent to pdfplumber and the time of table extraction alone, single process."""
    from greffier.extract.pdf import read_pdf_lines
    from greffier.extract.pipeline import parse_file
    from greffier.extract.tables import candidate_pages, extract_tables

    pdfs = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    total = sent = 0
    seconds = {"pdfium": 0.0, "pdfminer": 0.0}
    for path in pdfs:
        layouts: list[Any] = []
        try:
            read_pdf_lines(path, layouts)
        except Exception:  # a broken file is not this benchmark's business
            continue
        total += len(layouts)
        pages = candidate_pages(layouts)
        sent += len(pages)
        if not pages:
            continue
        parsed = parse_file(path, "bench")  # the sections the tables are placed in
        sections = list(parsed.sections)
        for source in ("pdfium", "pdfminer") if compare_pdfminer else ("pdfium",):
            start = time.perf_counter()
            extract_tables(path, "bench", layouts, sections, {}, source=source)
            seconds[source] += time.perf_counter() - start
    return {"pdf_pages": total, "sent": sent, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--workers", type=int, default=2, help="parse processes (default 2: the target's cores)")
    parser.add_argument("--repeat", type=int, default=3, help="ingests of each kind; the median is shown")
    parser.add_argument("--embeddings", action="store_true", help="also embed the passages (the index's model)")
    parser.add_argument("--compare-pdfminer", action="store_true", help="also time pdfplumber parsing pages itself")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.expanduser().resolve()
    if args.child:
        _child_ingest(corpus, args.workers, args.embeddings)
        return 0
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to measure (pass --corpus PATH)")
        return 0
    repeat = max(1, args.repeat)
    print(f"corpus: {corpus}")
    print(
        f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; workers={args.workers}; "
        f"vectors {'on' if args.embeddings else 'off'}; {repeat} run(s) each"
    )
    print()
    runs = []
    for tables in (False, True):
        run = measured(corpus, tables, args.workers, repeat, args.embeddings)
        if isinstance(run, str):
            print(run)
            continue
        runs.append(run)
    header = f"{'run':<20} {'pages':>5} {'median s':>8} {'pages/s':>7} {'range':>9} {'CPU s':>6} "
    header += f"{'CPU pages/s (2 cores)':>21} {'tables':>6} {'passages':>8}"
    print(header)
    print("-" * len(header))
    for r in runs:
        cpu_rate = r["pages"] / (r["cpu"] / 2) if r["cpu"] else 0.0
        print(
            f"{r['label']:<20} {r['pages']:>5} {r['seconds']:>8.2f} {r['pages'] / r['seconds']:>7.1f} "
            f"{r['range']:>9} {r['cpu']:>6.1f} {cpu_rate:>21.1f} {r['tables']:>6} {r['passages']:>8}"
        )
    print()
    found = table_pages(corpus, args.compare_pdfminer)
    share = found["sent"] / found["pdf_pages"] if found["pdf_pages"] else 0.0
    print(f"pages sent to pdfplumber's table finder: {found['sent']} of {found['pdf_pages']} PDF pages ({share:.0%})")
    for source, seconds in found["seconds"].items():
        if source == "pdfminer" and not args.compare_pdfminer:
            continue
        per_page = 1000 * seconds / found["sent"] if found["sent"] else 0.0
        how = "PDFium's objects" if source == "pdfium" else "pdfplumber parsing the pages (pdfminer)"
        print(f"table extraction alone, {how}: {seconds:.1f} s ({per_page:.0f} ms per page sent), single process")
    print()
    on = next((r for r in runs if r["label"].endswith("on")), None)
    if on:
        wall = on["pages"] / on["seconds"]
        cpu_rate = on["pages"] / (on["cpu"] / 2) if on["cpu"] else 0.0
        verdict = "OK" if wall >= TARGET_PAGES_PER_S else "MISSED"
        print(
            f"target: >= {TARGET_PAGES_PER_S:.0f} pages/s with tables on {args.workers} workers: "
            f"{wall:.1f} pages/s wall ({verdict}), {cpu_rate:.1f} pages/s from CPU time "
            f"({'OK' if cpu_rate >= TARGET_PAGES_PER_S else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement script: report and exit 0
        print(f"benchmark aborted: {type(exc).__name__}: {exc}")
    sys.exit(0)
