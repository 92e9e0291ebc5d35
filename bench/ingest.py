"""Ingest throughput and peak memory of greffier on the shared corpus.

    python bench/ingest.py [--corpus ../shared/corpus] [--workers N] [--repeat 3]

Prints, in one table (each run repeated ``--repeat`` times; pages/s is the median run's, the
range column gives the slowest and fastest run):

* the reference: pypdfium2 raw text extraction (open each PDF, ``get_textpage().get_text_range()``
  on every page), single process, over all PDFs of the corpus;
* greffier ingest of the whole corpus (PDFs and .txt) into a fresh temporary index, with the
  default number of workers (or ``--workers N``) and with ``workers=1``; pages are the sum of
  ``IngestResult.pages``;
* the peak RSS of each ingest, measured in a subprocess that does nothing else
  (``ru_maxrss`` of RUSAGE_SELF and RUSAGE_CHILDREN, the parse workers being children);
* the targets: >= 100 pages/s and <= 1 GB peak.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TARGET_PAGES_PER_S = 100.0
TARGET_PEAK_MB = 1024.0


@dataclass(frozen=True)
class Run:
    label: str
    files: int
    pages: int
    seconds: tuple[float, ...]  # one per repetition
    rss_self_mb: float | None = None  # max over repetitions
    rss_children_mb: float | None = None
    workers: int | None = None

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def pages_per_s(self) -> float:
        """Pages per second of the median repetition."""
        return self.pages / self.median_s if self.median_s > 0 else 0.0

    @property
    def speed_range(self) -> str:
        rates = sorted(self.pages / s for s in self.seconds if s > 0)
        return f"{rates[0]:.0f}-{rates[-1]:.0f}" if rates else "-"

    @property
    def peak_mb(self) -> float | None:
        if self.rss_self_mb is None:
            return None
        return max(self.rss_self_mb, self.rss_children_mb or 0.0)


def _maxrss_mb(who: int) -> float:
    """``ru_maxrss`` in MB (Linux reports kilobytes, macOS bytes)."""
    raw = resource.getrusage(who).ru_maxrss
    return raw / (1024 * 1024) if sys.platform == "darwin" else raw / 1024


def _extract_all(pdfs: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in pdfs:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue  # greffier reports such a file as failed; the reference just skips it
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return pages


def reference_extraction(pdfs: list[Path], repeat: int) -> Run:
    """pypdfium2 raw text of every page of every PDF, single process: the floor greffier builds on."""
    seconds: list[float] = []
    pages = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = _extract_all(pdfs)
        seconds.append(time.perf_counter() - start)
    return Run("pypdfium2 raw text (reference)", len(pdfs), pages, tuple(seconds), workers=1)


def _child_ingest(corpus: Path, workers: int) -> None:
    """Runs in the measured subprocess: one ingest into a fresh index, figures as JSON on stdout."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-ingest-") as tmp:
        g = Greffier(Settings(index_dir=Path(tmp), keyword_backend="tantivy", workers=workers))
        try:
            start = time.perf_counter()
            results = g.ingest([corpus])
            seconds = time.perf_counter() - start
        finally:
            g.close()
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    print(
        json.dumps(
            {
                "files": len(results),
                "pages": sum(r.pages for r in results),
                "seconds": seconds,
                "statuses": statuses,
                "rss_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
                "rss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
            }
        )
    )


def measured_ingest(corpus: Path, workers: int, label: str, repeat: int) -> tuple[Run | None, str]:
    """Ingest ``repeat`` times, each in a fresh interpreter so that its peak RSS is its own."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--child-ingest", str(workers)]
    runs: list[dict[str, Any]] = []
    for _ in range(repeat):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return None, f"{label}: ingest subprocess failed (exit {proc.returncode}):\n{proc.stderr.strip()[-2000:]}"
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    first = runs[0]
    run = Run(
        label,
        files=first["files"],
        pages=first["pages"],
        seconds=tuple(r["seconds"] for r in runs),
        rss_self_mb=max(r["rss_self_mb"] for r in runs),
        rss_children_mb=max(r["rss_children_mb"] for r in runs),
        workers=workers,
    )
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(first["statuses"].items()))
    return run, f"{label}: {statuses}"


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def print_table(runs: list[Run]) -> None:
    header = f"{'run':<38} {'workers':>7} {'files':>5} {'pages':>6} {'median s':>8} {'pages/s':>8} {'range':>8} "
    header += f"{'RSS self MB':>11} {'RSS child MB':>12} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for r in runs:
        rss = (
            f"{r.rss_self_mb:>11.0f} {r.rss_children_mb or 0:>12.0f} {r.peak_mb:>8.0f}"
            if r.rss_self_mb is not None
            else f"{'-':>11} {'-':>12} {'-':>8}"
        )
        speed = f"{r.pages:>6} {r.median_s:>8.2f} {r.pages_per_s:>8.1f} {r.speed_range:>8}"
        print(f"{r.label:<38} {r.workers or '-':>7} {r.files:>5} {speed} {rss}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--workers", type=int, default=None, help="workers of the main run (default: greffier's)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each run; the median is shown")
    parser.add_argument("--child-ingest", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.expanduser().resolve()

    if args.child_ingest is not None:
        _child_ingest(corpus, args.child_ingest)
        return 0

    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to measure (pass --corpus PATH)")
        return 0
    from greffier.settings import Settings

    default_workers = args.workers or Settings(index_dir=Path(tempfile.gettempdir())).workers
    pdfs = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    texts = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
    print(f"corpus: {corpus} ({len(pdfs)} PDF, {len(texts)} .txt)")
    print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.platform}")
    print()

    repeat = max(1, args.repeat)
    runs: list[Run] = [reference_extraction(pdfs, repeat)]
    notes: list[str] = []
    wanted = [(default_workers, f"greffier ingest (workers={default_workers})")]
    if default_workers != 1:
        wanted.append((1, "greffier ingest (workers=1)"))
    for workers, label in wanted:
        run, note = measured_ingest(corpus, workers, label, repeat)
        notes.append(note)
        if run is not None:
            runs.append(run)

    print_table(runs)
    print()
    for note in notes:
        print(note)
    print()
    print("targets:")
    for r in runs[1:]:
        peak = r.peak_mb or 0.0
        print(
            f"  {r.label:<36} {r.pages_per_s:7.1f} pages/s (target >= {TARGET_PAGES_PER_S:.0f}) "
            f"{_verdict(r.pages_per_s >= TARGET_PAGES_PER_S):<6}  "
            f"peak {peak:5.0f} MB (target <= {TARGET_PEAK_MB:.0f}) {_verdict(peak <= TARGET_PEAK_MB)}"
        )
    if runs[1:] and runs[0].pages_per_s:
        best = max(runs[1:], key=lambda r: r.pages_per_s)
        print(f"  greffier's best run is {best.pages_per_s / runs[0].pages_per_s:.1%} of the reference's pages/s")
    print()
    print(
        "peak MB is the largest single process (the ingest process or its largest parse worker); with N workers\n"
        "the machine-wide footprint can reach RSS self + N x RSS child (shared pages counted twice)."
    )
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement script: report and exit 0
        print(f"benchmark aborted: {type(exc).__name__}: {exc}")
    sys.exit(0)
