"""Fusion strategies on hand-written rankings."""

from __future__ import annotations

import pytest

from greffier.errors import UsageError
from greffier.search.fusion import fuse, min_max, reciprocal_rank_fusion, weighted_fusion

KEYWORD = [("a", 12.0), ("b", 9.0), ("c", 3.0)]  # BM25
SEMANTIC = [("c", 0.80), ("d", 0.60), ("a", 0.40)]  # cosine


def test_min_max() -> None:
    assert min_max(KEYWORD) == {"a": 1.0, "b": pytest.approx(6 / 9), "c": 0.0}
    assert min_max([("x", 5.0), ("y", 5.0)]) == {"x": 1.0, "y": 1.0}
    assert min_max([]) == {}


def test_weighted_fusion_by_hand() -> None:
    fused = weighted_fusion(KEYWORD, SEMANTIC, keyword_weight=0.25)
    # kw: a 1, b 2/3, c 0 | sem: c 1, d 0.5, a 0 | missing = 0
    expected = {"c": 0.75, "a": 0.25, "d": 0.375, "b": 0.25 * 2 / 3}
    assert [f.passage_id for f in fused] == ["c", "d", "a", "b"]
    assert {f.passage_id: f.score for f in fused} == pytest.approx(expected)
    by_id = {f.passage_id: f for f in fused}
    assert (by_id["a"].keyword_score, by_id["a"].semantic_score) == (12.0, 0.40)
    assert (by_id["b"].keyword_score, by_id["b"].semantic_score) == (9.0, None)
    assert (by_id["d"].keyword_score, by_id["d"].semantic_score) == (None, 0.60)


def test_weights_at_the_ends_give_one_ranking() -> None:
    assert [f.passage_id for f in weighted_fusion(KEYWORD, SEMANTIC, 1.0)][:3] == ["a", "b", "c"]
    assert [f.passage_id for f in weighted_fusion(KEYWORD, SEMANTIC, 0.0)][:3] == ["c", "d", "a"]


def test_reciprocal_rank_fusion_by_hand() -> None:
    fused = reciprocal_rank_fusion(KEYWORD, SEMANTIC, k=60)
    expected = {"a": 1 / 61 + 1 / 63, "c": 1 / 63 + 1 / 61, "b": 1 / 62, "d": 1 / 62}
    assert {f.passage_id: f.score for f in fused} == pytest.approx(expected)
    # a and c tie on score: both are first somewhere, so the id decides; b and d tie the same way
    assert [f.passage_id for f in fused] == ["a", "c", "b", "d"]


def test_rrf_with_small_k_rewards_the_top() -> None:
    fused = reciprocal_rank_fusion([("x", 1.0), ("y", 0.5)], [("y", 0.9), ("z", 0.1)], k=0)
    assert [f.passage_id for f in fused] == ["y", "x", "z"]  # y: 1/2 + 1/1 ; x: 1/1 ; z: 1/2


def test_one_empty_ranking() -> None:
    assert [f.passage_id for f in fuse([], SEMANTIC)] == ["c", "d", "a"]
    assert [f.passage_id for f in fuse(KEYWORD, [], "rrf")] == ["a", "b", "c"]
    assert fuse([], []) == []


def test_bad_parameters() -> None:
    with pytest.raises(UsageError):
        fuse(KEYWORD, SEMANTIC, "borda")
    with pytest.raises(UsageError):
        weighted_fusion(KEYWORD, SEMANTIC, 1.5)


# -- retrieve: the query is embedded beside the keyword search ---------------------------------
class _Keyword:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.thread: int | None = None

    def search(self, query, filters, limit):  # type: ignore[no-untyped-def]
        import threading

        from greffier.index.keyword import KeywordHit

        self.thread = threading.get_ident()
        if self.fail:
            raise RuntimeError("keyword index broken")
        return [KeywordHit("d:1", 3.0), KeywordHit("d:2", 1.0)]


class _Vectors:
    def search(self, qvec, filters, limit):  # type: ignore[no-untyped-def]
        from greffier.index.vectors import VectorHit

        return [VectorHit("d:2", 0.9), VectorHit("d:3", 0.5)][:limit]


class _Embedder:
    name = "fake"
    dim = 2
    normalized = True

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.texts: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        raise AssertionError("passages are not embedded at query time")

    def embed_query(self, text: str):  # type: ignore[no-untyped-def]
        import threading

        import numpy as np

        self.threads.append(threading.get_ident())
        self.texts.append(text)
        return np.array([1.0, 0.0], dtype=np.float32)


def test_hybrid_embeds_the_query_on_another_thread_than_the_keyword_search() -> None:
    import threading

    from greffier.index.keyword import Filters
    from greffier.search.hybrid import FusionParams, retrieve
    from greffier.search.query import parse_query

    kw, emb = _Keyword(), _Embedder()
    rrf = FusionParams("rrf", 0.0, 60)
    hits = retrieve(parse_query("tarif cantine"), "hybrid", Filters(), 10, kw, _Vectors(), emb, rrf)  # type: ignore[arg-type]
    assert [h.passage_id for h in hits][:1] == ["d:2"]  # in both rankings
    assert {h.passage_id for h in hits} == {"d:1", "d:2", "d:3"}
    assert kw.thread == threading.get_ident()  # the index stays on the caller's thread
    assert emb.threads and emb.threads[0] != threading.get_ident()
    assert emb.texts == ["tarif cantine"]
    # keyword mode never embeds; semantic mode embeds on the caller's thread
    emb2 = _Embedder()
    retrieve(parse_query("tarif cantine"), "keyword", Filters(), 10, kw, _Vectors(), emb2)  # type: ignore[arg-type]
    assert emb2.threads == []
    retrieve(parse_query("tarif cantine"), "semantic", Filters(), 10, kw, _Vectors(), emb2)  # type: ignore[arg-type]
    assert emb2.threads == [threading.get_ident()]


def test_a_failing_keyword_search_is_reported_not_masked() -> None:
    from greffier.index.keyword import Filters
    from greffier.search.hybrid import retrieve
    from greffier.search.query import parse_query

    with pytest.raises(RuntimeError, match="keyword index broken"):
        retrieve(parse_query("tarif"), "hybrid", Filters(), 10, _Keyword(fail=True), _Vectors(), _Embedder())  # type: ignore[arg-type]


def test_zscore_fusion_standardizes_each_ranking() -> None:
    from greffier.search.fusion import standardize, zscore_fusion

    z = standardize([("a", 12.0), ("b", 8.0), ("c", 4.0)])
    assert z["a"] == pytest.approx(1.2247, abs=1e-4) and z["b"] == 0.0 and z["c"] == pytest.approx(-1.2247, abs=1e-4)
    assert standardize([("a", 0.8), ("b", 0.8)]) == {"a": 0.0, "b": 0.0}
    assert standardize([]) == {}
    # BM25 with one clear winner; cosines bunched within 0.02 except one passage standing out
    keyword = [("kw-win", 20.0), ("x", 6.0), ("y", 5.5), ("z", 5.0)]
    semantic = [("sem-win", 0.90), ("x", 0.80), ("y", 0.795), ("z", 0.79), ("kw-win", 0.785)]
    order = [f.passage_id for f in zscore_fusion(keyword, semantic, 0.5)]
    assert order[:2] == ["kw-win", "sem-win"] or order[:2] == ["sem-win", "kw-win"]
    # min-max puts the bunched middle of the cosines on a par with the winners; z-scores do not
    mm = [f.passage_id for f in weighted_fusion(keyword, semantic, 0.5)]
    assert mm.index("sem-win") > order.index("sem-win")
    # a passage missing from a ranking gets that ranking's lowest standardized score
    fused = {f.passage_id: f.score for f in zscore_fusion([("a", 3.0), ("b", 1.0)], [("c", 0.9), ("a", 0.5)], 0.5)}
    assert fused["b"] == pytest.approx(0.5 * -1.0 + 0.5 * -1.0)
    assert [f.passage_id for f in fuse(keyword, semantic, "zscore", 1.0)][:3] == ["kw-win", "x", "y"]
    assert next(f.passage_id for f in fuse(keyword, semantic, "zscore", 0.0)) == "sem-win"
    with pytest.raises(UsageError):
        zscore_fusion(keyword, semantic, 1.5)
