"""Keyword-index build time, query latency and search-process memory at ~100,000 passages.

    python bench/keyword_query.py [--passages 100000] [--backend tantivy|whoosh|both]
                                  [--corpus ../shared/corpus] [--queries 300] [--whoosh-budget 240]

1. Ingests the shared corpus into a temporary greffier index and reads its real passages back.
2. Replicates them into ``--passages`` synthetic passages: each copy gets its own doc_id and
   passage_id, a year spread over 2010-2026, a kind and an issuer cycled per synthetic document,
   and a text made different from the original (a few adjacent words swapped, and/or a sentence
   from another passage appended). The first copy of each passage is the original text.
3. Indexes them into each backend directly through ``open_keyword_index`` (one ``add`` of the
   whole batch, one ``commit``) and times it. whoosh is pure Python: a short calibration run
   estimates its speed, and when 100,000 passages would not fit in ``--whoosh-budget`` seconds
   it is measured at the largest round size that fits, printed clearly.
4. Runs ~300 French queries (20 fixed analyst questions plus 2-5 content words sampled from
   random passages; about a third with a year-range and/or kind filter) in a separate
   *search-only* subprocess that opens the built index, runs 20 warm-up queries, times every
   query (``parse_query`` + ``KeywordIndex.search``, limit 10) and reports its own peak RSS
   (``ru_maxrss``, and VmHWM from /proc/self/status as a cross-check on Linux).

Steps 1-3 run in a build subprocess, so that this process stays small: Linux carries
``ru_maxrss`` over ``exec``, and a search process started by the process that held 100,000
passages in memory would report that process's peak instead of its own.

Latency is the keyword index alone: no store look-up and no snippet (``Greffier.search`` adds those).
Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from greffier.index.keyword import Filters, IndexedPassage, open_keyword_index
from greffier.records import DOC_KINDS
from greffier.search.query import parse_query

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TARGET_TANTIVY_P95_MS = 10.0
TARGET_SEARCH_RSS_MB = 300.0
WARMUP = 20
YEARS = (2010, 2026)
CALIBRATION_PASSAGES = 2_000

ANALYST_QUESTIONS = (
    "taux taxe foncière bâti",
    "tarif restauration scolaire",
    "éclairage public dépenses",
    "subvention association",
    "assainissement non collectif contrôles",
    "budget primitif vote",
    "compte administratif excédent de fonctionnement",
    "tonnage ordures ménagères collecte",
    "redevance spanc montant",
    "travaux voirie marché attribution",
    "recrutement agent contractuel",
    "indemnités des élus",
    "plan local d'urbanisme modification",
    "déchèterie horaires fréquentation",
    "emprunt taux durée",
    "tarifs salle des fêtes location",
    "défense extérieure contre l'incendie",
    "transport scolaire",
    "dotation globale de fonctionnement",
    "rapport annuel prix qualité service",
)

# Function words never sampled as query words (they are stop words of both analyzers anyway).
_STOP = set(
    """
    avec dans pour sans sous sur vers chez entre depuis pendant avant après contre selon
    cette ces ceux celle celles celui cela ceci leur leurs notre nos votre vos mais donc
    car ainsi aussi alors comme quand lors dont elle elles ils nous vous sont sera seront
    était étaient être avoir ayant fait faire été tout tous toute toutes autre autres même
    plus moins très bien peut doit afin tant soit était qui que quoi quel quelle quels
    quelles chaque plusieurs encore déjà ensuite également notamment concernant madame
    monsieur messieurs mesdames présent présents conseil point points
    """.split()
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+")


# -- corpus ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BasePassage:
    passage_id: str
    doc_id: str
    text: str
    section_path: str
    title: str
    issuer: str
    page: int


def load_base_passages(corpus: Path) -> tuple[list[BasePassage], list[str], float]:
    """The real passages of the corpus (ingested into a throwaway index), its issuers, the ingest time."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-kq-") as tmp:
        kwargs: dict[str, Any] = {"index_dir": Path(tmp), "keyword_backend": "tantivy"}
        if "embedding_model" in {f.name for f in fields(Settings)}:
            kwargs["embedding_model"] = "none"  # only the passages are needed: no vectors
        g = Greffier(Settings(**kwargs))
        try:
            start = time.perf_counter()
            g.ingest([corpus])
            seconds = time.perf_counter() - start
            docs = {d.doc_id: d for d in g.documents()}
            base = [
                BasePassage(
                    passage_id=p.passage_id,
                    doc_id=p.doc_id,
                    text=p.text,
                    section_path=" > ".join(p.section_path),
                    title=docs[p.doc_id].title,
                    issuer=docs[p.doc_id].issuer or "",
                    page=p.page,
                )
                for p in g.store.passages()
            ]
        finally:
            g.close()
    issuers = sorted({d.issuer for d in docs.values() if d.issuer})
    return base, issuers, seconds


def _vary(text: str, rng: random.Random, sentences: list[str]) -> str:
    """A text close to ``text`` but not identical: swapped words and/or a sentence from elsewhere."""
    roll = rng.random()
    if roll < 0.6:
        words = text.split(" ")
        for _ in range(max(1, len(words) // 12)):
            i = rng.randrange(len(words) - 1) if len(words) > 1 else 0
            if i + 1 < len(words):
                words[i], words[i + 1] = words[i + 1], words[i]
        text = " ".join(words)
    if roll >= 0.4 and sentences:
        text = f"{text}\n{rng.choice(sentences)}"
    return text


def synthesize(base: list[BasePassage], issuers: list[str], n: int, seed: int) -> list[IndexedPassage]:
    """``n`` passages replicated from ``base`` with varied ids, years, kinds, issuers and texts."""
    rng = random.Random(seed)
    sentences = [s.strip() for p in base for s in _SENTENCE_SPLIT.split(p.text) if 40 <= len(s.strip()) <= 300]
    issuers = [*issuers, "Commune de Compiègne", "Commune de Crépy-en-Valois", "Syndicat mixte du Valois"]
    doc_index = {d: i for i, d in enumerate(dict.fromkeys(p.doc_id for p in base))}
    span = YEARS[1] - YEARS[0] + 1
    out: list[IndexedPassage] = []
    for i in range(n):
        copy, j = divmod(i, len(base))
        p = base[j]
        d = doc_index[p.doc_id] + copy * len(doc_index)  # one synthetic document per (document, copy)
        suffix = f"~{copy:03d}" if copy else ""
        out.append(
            IndexedPassage(
                passage_id=p.passage_id + suffix,
                doc_id=p.doc_id + suffix,
                text=_vary(p.text, rng, sentences) if copy else p.text,
                section_path=p.section_path,
                title=p.title,
                issuer=issuers[d % len(issuers)],
                kind=DOC_KINDS[d % len(DOC_KINDS)],
                year=YEARS[0] + (d * 7) % span,
                page=p.page,
            )
        )
    return out


# -- queries ---------------------------------------------------------------------------------
def _content_words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP]


def _random_filter(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.67:
        return {}
    spec: dict[str, Any] = {}
    if roll < 0.89:
        start = rng.randint(YEARS[0], YEARS[1])
        spec["year_from"], spec["year_to"] = start, min(YEARS[1], start + rng.randint(0, 4))
    if roll >= 0.78:
        spec["kind"] = rng.choice(DOC_KINDS)
    return spec


def make_queries(base: list[BasePassage], count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(warm-up queries, measured queries): dicts with ``q`` and optional year_from/year_to/kind."""
    rng = random.Random(seed + 1)

    def sampled() -> str:
        while True:
            words = list(dict.fromkeys(_content_words(rng.choice(base).text)))
            if len(words) >= 2:
                return " ".join(rng.sample(words, min(len(words), rng.randint(2, 5))))

    warmup = [{"q": sampled(), **_random_filter(rng)} for _ in range(WARMUP)]
    measured = [{"q": q, **_random_filter(rng)} for q in ANALYST_QUESTIONS[:count]]
    measured += [{"q": sampled(), **_random_filter(rng)} for _ in range(max(0, count - len(ANALYST_QUESTIONS)))]
    rng.shuffle(measured)
    return warmup, measured


# -- measurements ----------------------------------------------------------------------------
@dataclass
class BackendResult:
    backend: str
    passages: int
    add_s: float
    commit_s: float
    index_mb: float
    search: dict[str, Any] | None = None
    note: str = ""

    @property
    def index_s(self) -> float:
        return self.add_s + self.commit_s


def _dir_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / (1024 * 1024)


def build_index(backend: str, passages: list[IndexedPassage], directory: Path) -> BackendResult:
    index = open_keyword_index(backend, directory)
    try:
        start = time.perf_counter()
        index.add(passages)
        added = time.perf_counter()
        index.commit()
        committed = time.perf_counter()
    finally:
        index.close()
    return BackendResult(backend, len(passages), added - start, committed - added, _dir_mb(directory))


def whoosh_size_for_budget(passages: list[IndexedPassage], budget_s: float, wanted: int) -> tuple[int, float]:
    """The largest round number of passages whoosh should index in ``budget_s``, and its calibration rate.

    whoosh slows down as the index grows (its commit merges sorted runs): 40,000 passages went
    at about two thirds of the 2,000-passage rate on the reference machine, hence the margin.
    """
    sample = passages[: min(CALIBRATION_PASSAGES, len(passages))]
    with tempfile.TemporaryDirectory(prefix="greffier-bench-whoosh-cal-") as tmp:
        r = build_index("whoosh", sample, Path(tmp))
    rate = len(sample) / r.index_s
    margin = 1.6
    if rate * budget_s >= wanted * margin:
        return wanted, rate
    fits = int(rate * budget_s / margin)
    step = 10_000 if fits >= 50_000 else 5_000 if fits >= 10_000 else 1_000
    return max(step, fits // step * step), rate


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _child_search(backend: str, directory: Path, queries_file: Path) -> None:
    """Runs in the search-only subprocess: open the index, warm up, time every query, report RSS."""
    spec = json.loads(queries_file.read_text(encoding="utf-8"))
    index = open_keyword_index(backend, directory)

    def run(q: dict[str, Any]) -> tuple[float, float, int]:
        kinds = (q["kind"],) if "kind" in q else ()
        filters = Filters(year_from=q.get("year_from"), year_to=q.get("year_to"), kinds=kinds)
        start, cpu_start = time.perf_counter(), time.process_time()
        hits = index.search(parse_query(q["q"]), filters, 10)
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000, len(hits)

    for q in spec["warmup"]:
        run(q)
    plain: list[float] = []
    filtered: list[float] = []
    cpu: list[float] = []
    empty = 0
    for q in spec["queries"]:
        ms, cpu_ms, n = run(q)
        (filtered if len(q) > 1 else plain).append(ms)
        cpu.append(cpu_ms)
        empty += n == 0
    indexed = index.count()
    index.close()
    raw = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm = None
    if os.path.exists("/proc/self/status"):
        with open("/proc/self/status", encoding="ascii") as fh:
            hwm = next((int(ln.split()[1]) / 1024 for ln in fh if ln.startswith("VmHWM:")), None)
    print(
        json.dumps(
            {
                "indexed": indexed,
                "plain_ms": plain,
                "filtered_ms": filtered,
                "cpu_ms": cpu,
                "no_hit": empty,
                "rss_mb": raw / (1024 * 1024) if sys.platform == "darwin" else raw / 1024,
                "hwm_mb": hwm,
            }
        )
    )


def measure_search(backend: str, directory: Path, queries_file: Path) -> dict[str, Any] | str:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-search", backend, str(directory), str(queries_file)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return f"search subprocess failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- report ----------------------------------------------------------------------------------
def _p50_p95(values: list[float]) -> str:
    return f"{_percentile(values, 50):.2f}/{_percentile(values, 95):.2f}" if values else "-"


def _load() -> str:
    try:
        loads = os.getloadavg()
    except OSError:
        return "load average unknown"
    busy = " (more runnable processes than CPUs: timings are inflated)" if loads[0] > (os.cpu_count() or 1) else ""
    return "load average " + " ".join(f"{x:.2f}" for x in loads) + busy


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def print_report(results: list[BackendResult], n_queries: int) -> None:
    print()
    head = f"{'backend':<8} {'passages':>9} {'index s':>8} {'(add':>7} {'+commit)':>9} {'pass/s':>8} {'disk MB':>8}"
    print("indexing (one add of the whole batch, one commit)")
    print(head)
    print("-" * len(head))
    for r in results:
        rate = r.passages / r.index_s if r.index_s else 0.0
        print(
            f"{r.backend:<8} {r.passages:>9,} {r.index_s:>8.1f} {r.add_s:>7.1f} {r.commit_s:>9.1f} "
            f"{rate:>8.0f} {r.index_mb:>8.1f}"
        )
    print()
    print(f"search: {n_queries} queries after {WARMUP} warm-up, limit 10, in a search-only subprocess")
    head = (
        f"{'backend':<8} {'passages':>9} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} "
        f"{'unfilt. p50/p95':>16} {'filtered p50/p95':>17} {'CPU-ms p50/p95':>15} {'no hit':>6} "
        f"{'RSS MB':>7} {'VmHWM MB':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        s = r.search
        if s is None:
            continue
        every = s["plain_ms"] + s["filtered_ms"]
        pf, ff, cf = _p50_p95(s["plain_ms"]), _p50_p95(s["filtered_ms"]), _p50_p95(s["cpu_ms"])
        hwm = f"{s['hwm_mb']:.0f}" if s.get("hwm_mb") is not None else "-"
        print(
            f"{r.backend:<8} {s['indexed']:>9,} {statistics.median(every):>9.2f} {_percentile(every, 95):>8.2f} "
            f"{max(every):>8.2f} {pf:>16} {ff:>17} {cf:>15} {s['no_hit']:>6} {s['rss_mb']:>7.0f} {hwm:>8}"
        )
    print()
    print("targets:")
    for r in results:
        s = r.search
        if s is None:
            continue
        every = s["plain_ms"] + s["filtered_ms"]
        p95, rss = _percentile(every, 95), s["rss_mb"]
        at = f"at {r.passages:,} passages"
        if r.backend == "tantivy":
            print(
                f"  tantivy p95 {p95:.2f} ms (target <= {TARGET_TANTIVY_P95_MS:.0f} ms) "
                f"{'OK' if p95 <= TARGET_TANTIVY_P95_MS else 'MISSED'} {at}"
            )
        print(
            f"  {r.backend} search process peak RSS {rss:.0f} MB (target <= {TARGET_SEARCH_RSS_MB:.0f} MB) "
            f"{'OK' if rss <= TARGET_SEARCH_RSS_MB else 'MISSED'} {at}"
        )
    for r in results:
        if r.note:
            print(f"note: {r.note}")


def _child_build(
    work: Path, corpus: Path, n: int, backends: list[str], n_queries: int, budget: float, seed: int
) -> None:
    """Runs in the build subprocess: corpus, queries and indexes into ``work``; figures to build.json."""
    start = time.perf_counter()
    base, issuers, ingest_s = load_base_passages(corpus)
    if not base:
        print(f"no passage in {corpus}: nothing to measure")
        return
    print(f"corpus: {corpus}: {len(base):,} real passages (ingest {ingest_s:.1f} s)")
    passages = synthesize(base, issuers, n, seed)
    chars = sum(len(p.text) for p in passages)
    print(
        f"synthetic corpus: {len(passages):,} passages, {len({p.doc_id for p in passages}):,} documents, "
        f"{chars / len(passages):.0f} chars/passage on average, years {YEARS[0]}-{YEARS[1]}, "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    warmup, queries = make_queries(base, n_queries, seed)
    n_filtered = sum(1 for q in queries if len(q) > 1)
    print(
        f"queries: {len(queries)} measured ({min(n_queries, len(ANALYST_QUESTIONS))} analyst questions, "
        f"{n_filtered} with a year and/or kind filter) + {WARMUP} warm-up"
    )
    (work / "queries.json").write_text(json.dumps({"warmup": warmup, "queries": queries}, ensure_ascii=False), "utf-8")
    results: list[dict[str, Any]] = []
    for backend in backends:
        subset, note = passages, ""
        if backend == "whoosh":
            size, rate = whoosh_size_for_budget(passages, budget, len(passages))
            if size < len(passages):
                subset = passages[:size]
                note = (
                    f"whoosh indexed ~{rate:.0f} passages/s in a {CALIBRATION_PASSAGES:,}-passage calibration run: "
                    f"{len(passages):,} passages would take over {_duration(len(passages) / rate)}, so whoosh is "
                    f"measured at {size:,} passages (the largest round size expected to fit in {budget:.0f} s)"
                )
                print(f"WHOOSH MEASURED AT {size:,} PASSAGES, NOT {len(passages):,}: {note}")
        print(f"indexing {len(subset):,} passages with {backend} ...", flush=True)
        result = build_index(backend, subset, work / backend)
        result.note = note
        print(f"  {result.index_s:.1f} s", flush=True)
        results.append(asdict(result))
    (work / "build.json").write_text(json.dumps(results), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000, help="synthetic passages to index (default 100000)")
    parser.add_argument("--backend", choices=("tantivy", "whoosh", "both"), default="both")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--queries", type=int, default=300, help="measured queries (default 300)")
    parser.add_argument("--whoosh-budget", type=float, default=240.0, help="seconds allowed for whoosh indexing")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--child-build", type=Path, metavar="WORK", help=argparse.SUPPRESS)
    parser.add_argument("--child-search", nargs=3, metavar=("BACKEND", "DIR", "QUERIES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    backends = ["tantivy", "whoosh"] if args.backend == "both" else [args.backend]
    corpus: Path = args.corpus.expanduser().resolve()

    if args.child_search:
        backend, directory, queries_file = args.child_search
        _child_search(backend, Path(directory), Path(queries_file))
        return 0
    if args.child_build:
        n = max(1, args.passages)
        _child_build(args.child_build, corpus, n, backends, args.queries, args.whoosh_budget, args.seed)
        return 0

    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to measure (pass --corpus PATH)")
        return 0
    print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.platform}")
    print(f"before: {_load()}", flush=True)
    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="greffier-bench-kq-"))
    try:
        # Build in a subprocess: this process stays small, so the search subprocesses it starts
        # report their own peak RSS (Linux carries ru_maxrss over exec from the parent).
        script = str(Path(__file__).resolve())
        cmd = [sys.executable, script, "--child-build", str(work), "--corpus", str(corpus)]
        cmd += ["--passages", str(args.passages), "--backend", args.backend, "--queries", str(args.queries)]
        cmd += ["--whoosh-budget", str(args.whoosh_budget), "--seed", str(args.seed)]
        proc = subprocess.run(cmd, check=False)
        if proc.returncode != 0 or not (work / "build.json").exists():
            print(f"build subprocess failed (exit {proc.returncode}): nothing to report")
            return 0
        results = [BackendResult(**r) for r in json.loads((work / "build.json").read_text("utf-8"))]
        for result in results:
            print(f"searching {result.backend} ...", flush=True)
            measured = measure_search(result.backend, work / result.backend, work / "queries.json")
            if isinstance(measured, str):
                result.note = (result.note + "; " if result.note else "") + measured
            else:
                result.search = measured
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n_queries = args.queries
    print(f"after:  {_load()}")
    print_report(results, n_queries)
    print(f"\ntotal time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement script: report and exit 0
        print(f"benchmark aborted: {type(exc).__name__}: {exc}")
    sys.exit(0)
