"""Query expansion experiments for hybrid search (issue 5): NEGATIVE RESULT, nothing shipped.

    GREFFIER_INDEX=/tmp/gi9 python bench/expansion.py [--split dev] [--corpus ../shared/corpus]

Tune on dev only. For each setting, hybrid R@5 / MRR@10 on keyword-like and paraphrased questions
(the keyword ranking, possibly expanded, fused with the semantic one, weighted fusion ``w``):

* thesaurus (``bench/thesaurus_fr.txt``, hand-written, not from the questions): the query words'
  group members run as a second keyword query, its BM25 added at weight ``b`` < 1;
* keyword pseudo-relevance feedback (RM3-like): the ``m`` top tf·idf stems (idf from the keyword
  index) of the top ``k`` keyword hits, as a second keyword query, weight ``b``;
* both;
* semantic side: the thesaurus words appended to the embedded text; Rocchio (query vector
  ``a·q + (1-a)·mean`` of the top ``k`` hits' stored vectors, hits from the keyword, semantic or
  hybrid ranking).

Also times the extra work per query (second keyword query; Rocchio's second vector search).
Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from greffier.api import Greffier
from greffier.eval.retrieval import CANDIDATES, GROUPS, _Resolver, first_hit, load_questions, score, select
from greffier.index.keyword import Filters
from greffier.search.fusion import fuse
from greffier.search.hybrid import semantic_text
from greffier.search.query import parse_query
from greffier.settings import Settings

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent / "tests" / "gold" / "questions" / "retrieval.jsonl"
THESAURUS = HERE / "thesaurus_fr.txt"
Analyze = Callable[[str], list[str]]
Ranking = list[tuple[str, float]]


def parse_thesaurus(text: str) -> list[tuple[str, ...]]:
    """Groups of words: one group a line, comma-separated; ``#`` starts a comment."""
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        words = tuple(w.strip() for w in line.split(",") if w.strip())
        if len(words) > 1:
            groups.append(words)
    return groups


def default_thesaurus() -> tuple[tuple[str, ...], ...]:
    return tuple(parse_thesaurus(THESAURUS.read_text(encoding="utf-8")))


def thesaurus_terms(words: Sequence[str], groups: Iterable[Sequence[str]], analyze: Analyze) -> list[str]:
    """Words of the groups that hold one of ``words`` (compared as stems; a multi-word entry
    matches when all its stems are in the query), without those already in the query. Order:
    groups in file order, words in group order, no duplicates."""
    query_stems = {t for w in words for t in analyze(w)}
    out: list[str] = []
    seen = set(query_stems)
    for group in groups:
        stems = [analyze(w) for w in group]
        if not any(s and set(s) <= query_stems for s in stems):
            continue
        for w, s in zip(group, stems, strict=True):
            new = [t for t in s if t not in seen]
            if new:
                out.append(w)
                seen.update(new)
    return out


def feedback_terms(
    texts: Sequence[str],
    query_stems: Iterable[str],
    analyze: Analyze,
    doc_freq: Callable[[str], int],
    n_docs: int,
    n_terms: int,
) -> list[str]:
    """The ``n_terms`` stems of ``texts`` (the top hits) with the highest summed tf·idf, the
    query's own stems left out; ties by stem. idf = log(1 + n_docs / (1 + df))."""
    if n_terms <= 0 or not texts:
        return []
    skip = set(query_stems)
    weight: Counter[str] = Counter()
    for text in texts:
        tf = Counter(t for t in analyze(text) if t not in skip and len(t) > 2 and not t.isdigit())
        total = sum(tf.values()) or 1
        for term, n in tf.items():
            weight[term] += n / total
    scored = {t: w * math.log(1 + n_docs / (1 + doc_freq(t))) for t, w in weight.items()}
    return [t for t, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n_terms]]


def combine(
    original: Sequence[tuple[str, float]], expanded: Sequence[tuple[str, float]], weight: float, limit: int
) -> list[tuple[str, float]]:
    """One ranking: original score + ``weight`` × expansion score, best first (ties by id)."""
    scores: dict[str, float] = {pid: s for pid, s in original}
    for pid, s in expanded:
        scores[pid] = scores.get(pid, 0.0) + weight * s
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _fused(kw: Ranking, sem: Ranking, w: float) -> Ranking:
    return [(f.passage_id, f.score) for f in fuse(kw, sem, "weighted", w)]


def _ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"p50 {statistics.median(xs) * 1000:.1f} ms, p95 {xs[int(0.95 * (len(xs) - 1))] * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--corpus", default=str(HERE.parents[1] / "shared" / "corpus"))
    args = ap.parse_args()
    g = Greffier(Settings())
    qs = select(load_questions(GOLD), args.split)
    resolve = _Resolver(g, Path(args.corpus))
    kwi = g.keyword
    n_docs = kwi.count()
    groups = default_thesaurus()
    found = g.semantic.for_search(lambda: [d.doc_id for d in g.store.documents()], True)
    assert found is not None, "the index has no vectors"
    vecs, emb = found
    matrix = vecs._open_matrix()
    row = {p: i for i, p in enumerate(vecs._rows_table().passage_ids) if p}

    def kw_search(words: Sequence[str]) -> Ranking:
        if not words:
            return []
        return [(h.passage_id, h.score) for h in kwi.search(parse_query(" ".join(words)), Filters(), CANDIDATES)]

    cache = []
    extra_kw: list[float] = []
    expanded = 0
    for q in qs:
        pq = parse_query(q.question)
        kw = [(h.passage_id, h.score) for h in kwi.search(pq, Filters(), CANDIDATES)]
        qv = emb.embed_query(semantic_text(pq))
        qv = qv / np.linalg.norm(qv)
        sem = [(h.passage_id, h.score) for h in vecs.search(qv, Filters(), CANDIDATES)]
        words = pq.positive_words
        t0 = time.perf_counter()
        th = thesaurus_terms(words, groups, kwi.analyze)
        th_kw = kw_search(th)
        extra_kw.append(time.perf_counter() - t0)
        expanded += bool(th)
        sem_th = sem
        if th:
            v2 = emb.embed_query(semantic_text(pq) + " " + " ".join(th))
            sem_th = [(h.passage_id, h.score) for h in vecs.search(v2, Filters(), CANDIDATES)]
        stems = {t for w in words for t in kwi.analyze(w)}
        texts = g.store.passages_by_id([pid for pid, _ in kw[:10]])
        ordered = [texts[pid].text for pid, _ in kw[:10] if pid in texts]
        prf = {
            (k, m): kw_search(feedback_terms(ordered[:k], stems, kwi.analyze, kwi.doc_freq, n_docs, m))
            for k, m in itertools.product((3, 5, 10), (5, 10, 20))
        }
        cache.append((q, kw, sem, th_kw, prf, qv, sem_th))
    print(f"{len(qs)} {args.split} questions, {expanded} with a thesaurus expansion")
    print(f"thesaurus look-up + second keyword query: {_ms(extra_kw)} per query")

    def evaluate(label: str, fn: Callable[..., Ranking]) -> None:
        hits = []
        for q, *rest in cache:
            ranking = fn(*rest)
            hits.append((q, first_hit(resolve([p for p, _ in ranking[:10]]), q, "either")))
        cells = []
        for group in GROUPS[1:]:
            s = score(args.split, group, "hybrid", [r for q, r in hits if q.style == group])
            cells.append(f"{s.recall_at_5:.3f}/{s.mrr_at_10:.3f}")
        print(f"{label:45s} keyword-like {cells[0]}  paraphrased {cells[1]}", flush=True)

    for w in (0.7, 0.8, 0.9):
        evaluate(f"baseline w={w}", lambda kw, sem, t, p, qv, st, w=w: _fused(kw, sem, w))
    for b, w in itertools.product((0.1, 0.2, 0.3, 0.5), (0.6, 0.7, 0.8, 0.9)):
        evaluate(
            f"thesaurus b={b} w={w}",
            lambda kw, sem, t, p, qv, st, b=b, w=w: _fused(combine(kw, t, b, CANDIDATES), sem, w),
        )
    for (k, m), b, w in itertools.product(itertools.product((3, 5, 10), (5, 10, 20)), (0.1, 0.2, 0.3), (0.7, 0.8)):
        evaluate(
            f"prf k={k} m={m} b={b} w={w}",
            lambda kw, sem, t, p, qv, st, k=k, m=m, b=b, w=w: _fused(combine(kw, p[(k, m)], b, CANDIDATES), sem, w),
        )
    for b, b2, w in itertools.product((0.2, 0.3), (0.1, 0.2), (0.7, 0.8)):
        evaluate(
            f"thesaurus b={b} + prf k=5 m=10 b={b2} w={w}",
            lambda kw, sem, t, p, qv, st, b=b, b2=b2, w=w: _fused(
                combine(combine(kw, t, b, 2 * CANDIDATES), p[(5, 10)], b2, CANDIDATES), sem, w
            ),
        )
    for w in (0.7, 0.8):
        evaluate(f"thesaurus in the embedded text w={w}", lambda kw, sem, t, p, qv, st, w=w: _fused(kw, st, w))
    rocchio_t: list[float] = []
    for src, k, a, w in itertools.product(("keyword", "hybrid", "semantic"), (3, 5), (0.5, 0.7), (0.6, 0.7, 0.8)):

        def rocchio(kw: Ranking, sem: Ranking, t, p, qv, st, src=src, k=k, a=a, w=w) -> Ranking:
            t0 = time.perf_counter()
            base = {"keyword": kw, "semantic": sem, "hybrid": _fused(kw, sem, 0.8)}[src]
            ids = sorted(row[pid] for pid, _ in base[:k] if pid in row)
            if not ids:
                return _fused(kw, sem, w)
            v = a * qv + (1 - a) * np.asarray(matrix[ids]).mean(axis=0)
            sem2 = [(h.passage_id, h.score) for h in vecs.search(v, Filters(), CANDIDATES)]
            rocchio_t.append(time.perf_counter() - t0)
            return _fused(kw, sem2, w)

        evaluate(f"rocchio from {src} k={k} a={a} w={w}", rocchio)
    print(f"rocchio second vector search: {_ms(rocchio_t)} per query")


if __name__ == "__main__":
    main()
