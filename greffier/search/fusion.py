"""Fusion of a keyword ranking and a semantic ranking into one (pure functions).

Each input is a ranking: ``(passage_id, score)`` pairs, best first. Strategies:

* ``weighted`` (default): each ranking's scores are min-max normalized to [0, 1] (a passage
  missing from a ranking gets 0 there), then ``keyword_weight * kw + (1 - keyword_weight) * sem``.
* ``rrf``: reciprocal rank fusion, ``sum(1 / (k + rank))`` over the rankings a passage is in
  (ranks from 1, ``k`` = 60 by default).
* ``zscore``: as ``weighted``, but each ranking's scores are standardized (minus their mean,
  over their standard deviation: Montague & Aslam's ZMUV normalization for metasearch); a passage
  missing from a ranking gets that ranking's lowest standardized score. Min-max stretches the
  candidates' spread to [0, 1] whatever it is: a BM25 ranking with one clear winner and a cosine
  ranking where the top 50 lie within 0.05 weigh alike. Standardized scores keep how far a
  passage stands out from its own list.

Ties are broken by the best rank in either list, then by passage id, so results are stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from greffier.errors import UsageError

STRATEGIES = ("weighted", "rrf", "zscore")
DEFAULT_STRATEGY = "weighted"
DEFAULT_KEYWORD_WEIGHT = 0.8
DEFAULT_RRF_K = 60

Ranking = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class Fused:
    passage_id: str
    score: float
    keyword_score: float | None  # the retriever's own score (BM25), None when not retrieved by it
    semantic_score: float | None  # cosine similarity, None when not retrieved by it


def min_max(ranking: Ranking) -> dict[str, float]:
    """Scores mapped to [0, 1]; when all scores are equal every passage gets 1."""
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    lo, hi = min(scores), max(scores)
    if hi - lo <= 1e-12:
        return {pid: 1.0 for pid, _ in ranking}
    return {pid: (s - lo) / (hi - lo) for pid, s in ranking}


def _ranks(ranking: Ranking) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, (pid, _) in enumerate(ranking, start=1):
        out.setdefault(pid, i)
    return out


def _assemble(keyword: Ranking, semantic: Ranking, fused: dict[str, float]) -> list[Fused]:
    kw_raw, sem_raw = dict(keyword), dict(semantic)
    kw_rank, sem_rank = _ranks(keyword), _ranks(semantic)
    worst = len(keyword) + len(semantic) + 1

    def order(pid: str) -> tuple[float, int, str]:
        return (-fused[pid], min(kw_rank.get(pid, worst), sem_rank.get(pid, worst)), pid)

    return [Fused(pid, fused[pid], kw_raw.get(pid), sem_raw.get(pid)) for pid in sorted(fused, key=order)]


def weighted_fusion(keyword: Ranking, semantic: Ranking, keyword_weight: float = DEFAULT_KEYWORD_WEIGHT) -> list[Fused]:
    if not 0.0 <= keyword_weight <= 1.0:
        raise UsageError(f"keyword weight {keyword_weight} is not between 0 and 1")
    kw, sem = min_max(keyword), min_max(semantic)
    fused = {
        pid: keyword_weight * kw.get(pid, 0.0) + (1.0 - keyword_weight) * sem.get(pid, 0.0)
        for pid in dict.fromkeys([*kw, *sem])
    }
    return _assemble(keyword, semantic, fused)


def standardize(ranking: Ranking) -> dict[str, float]:
    """Scores minus their mean, over their standard deviation; all 0 when they are equal."""
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    mean = sum(scores) / len(scores)
    sd = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5
    if sd <= 1e-12:
        return {pid: 0.0 for pid, _ in ranking}
    return {pid: (s - mean) / sd for pid, s in ranking}


def zscore_fusion(keyword: Ranking, semantic: Ranking, keyword_weight: float = DEFAULT_KEYWORD_WEIGHT) -> list[Fused]:
    if not 0.0 <= keyword_weight <= 1.0:
        raise UsageError(f"keyword weight {keyword_weight} is not between 0 and 1")
    kw, sem = standardize(keyword), standardize(semantic)
    kw_floor, sem_floor = min(kw.values(), default=0.0), min(sem.values(), default=0.0)
    fused = {
        pid: keyword_weight * kw.get(pid, kw_floor) + (1.0 - keyword_weight) * sem.get(pid, sem_floor)
        for pid in dict.fromkeys([*kw, *sem])
    }
    return _assemble(keyword, semantic, fused)


def reciprocal_rank_fusion(keyword: Ranking, semantic: Ranking, k: int = DEFAULT_RRF_K) -> list[Fused]:
    if k < 0:
        raise UsageError(f"rrf k must not be negative (got {k})")
    fused: dict[str, float] = {}
    for ranking in (keyword, semantic):
        for pid, rank in _ranks(ranking).items():
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return _assemble(keyword, semantic, fused)


def fuse(
    keyword: Ranking,
    semantic: Ranking,
    strategy: str = DEFAULT_STRATEGY,
    keyword_weight: float = DEFAULT_KEYWORD_WEIGHT,
    rrf_k: int = DEFAULT_RRF_K,
) -> list[Fused]:
    """One ranking from two, with the named strategy."""
    if strategy == "weighted":
        return weighted_fusion(keyword, semantic, keyword_weight)
    if strategy == "rrf":
        return reciprocal_rank_fusion(keyword, semantic, rrf_k)
    if strategy == "zscore":
        return zscore_fusion(keyword, semantic, keyword_weight)
    raise UsageError(f"unknown fusion strategy {strategy!r} (choose from {', '.join(STRATEGIES)})")
