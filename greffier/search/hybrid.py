"""Keyword, semantic and hybrid retrieval over the two indexes, before any store look-up.

Filters apply inside both retrievers (BM25 query filters; a row mask on the vectors), then the
two rankings are fused (:mod:`greffier.search.fusion`). The semantic side embeds the query
without its syntax (quotes, ``+``), and leaves out excluded (``-word``) clauses; a caller can
pass ``accept`` to drop semantic candidates that break the query's ``+``/``-`` constraints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from greffier.errors import UsageError
from greffier.index.embeddings import Embedder
from greffier.index.keyword import Filters, KeywordIndex
from greffier.search.fusion import DEFAULT_KEYWORD_WEIGHT, DEFAULT_RRF_K, DEFAULT_STRATEGY, Fused, fuse
from greffier.search.query import KeywordQuery

if TYPE_CHECKING:
    import numpy as np

    from greffier.index.vectors import VectorIndex

MODES = ("keyword", "semantic", "hybrid")
DEFAULT_MODE = "hybrid"
CANDIDATES = 50  # passages taken from each retriever before fusion


@dataclass(frozen=True)
class FusionParams:
    strategy: str = DEFAULT_STRATEGY
    keyword_weight: float = DEFAULT_KEYWORD_WEIGHT
    rrf_k: int = DEFAULT_RRF_K


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r} (choose from {', '.join(MODES)})")
    return mode


_EXCLUDED = re.compile(r'(?:(?<=\s)|^)-(?:"[^"]*"|\S+)')
_REQUIRED = re.compile(r"(?:(?<=\s)|^)\+(?=\S)")


# Interrogative words and inversions: a question is embedded as the statement it asks about
# (passages state facts; "combien", "quel", "a-t-il", "?" only pull the vector toward questions).
_QUESTION = re.compile(
    r"\b(?:combien|quel(?:le)?s?|lequel|laquelle|lesquel(?:le)?s|quand|comment|pourquoi|où|"
    r"est-ce qu(?:e|')|qu'est-ce qu(?:e|'))(?!\w)|-t-(?:il|elle|on)s?\b|-(?:il|elle)s?\b|\?",
    re.IGNORECASE,
)


def semantic_text(query: KeywordQuery) -> str:
    """The query as a statement: no excluded clauses, no ``+`` markers, no quotes, no
    interrogative words."""
    text = _EXCLUDED.sub(" ", query.raw)
    text = _REQUIRED.sub("", text).replace('"', " ")
    stated = re.sub(r"\s+", " ", _QUESTION.sub(" ", text)).strip()
    return stated or re.sub(r"\s+", " ", text).strip() or " ".join(query.positive_words)


def question_text(query: KeywordQuery) -> str:
    """The query as asked, without its syntax (excluded clauses, ``+``, quotes): for a model
    trained on questions (e5's ``query:`` side), which the interrogative words help (dev R@5,
    e5, semantic: paraphrased 0.643 -> 0.690; hybrid 0.840 -> 0.852)."""
    text = _REQUIRED.sub("", _EXCLUDED.sub(" ", query.raw)).replace('"', " ")
    return re.sub(r"\s+", " ", text).strip() or " ".join(query.positive_words)


def query_text(query: KeywordQuery, embedder: Embedder) -> str:
    """What the semantic side embeds for ``query`` with ``embedder``."""
    return question_text(query) if getattr(embedder, "asks_questions", False) else semantic_text(query)


def has_constraints(query: KeywordQuery) -> bool:
    return any(c.occur != "should" for c in query.clauses)


def satisfies(query: KeywordQuery, text: str, analyze: Callable[[str], list[str]]) -> bool:
    """Whether ``text`` meets the query's required and excluded clauses (as the analyzer sees
    words: stems, accents and case ignored; a phrase is its words in a row, stop words left out)."""
    tokens = analyze(text)
    joined = " " + " ".join(tokens) + " "
    for clause in query.clauses:
        if clause.occur == "should":
            continue
        words = analyze(clause.text)
        present = bool(words) and (" " + " ".join(words) + " ") in joined
        if clause.occur == "must" and not present:
            return False
        if clause.occur == "must_not" and present:
            return False
    return True


_embedder_thread: ThreadPoolExecutor | None = None


def _embedding_thread() -> ThreadPoolExecutor:
    global _embedder_thread
    if _embedder_thread is None:
        _embedder_thread = ThreadPoolExecutor(1, thread_name_prefix="greffier-query-embedding")
    return _embedder_thread


def retrieve(
    query: KeywordQuery,
    mode: str,
    filters: Filters,
    limit: int,
    keyword: KeywordIndex,
    vectors: VectorIndex | None = None,
    embedder: Embedder | None = None,
    fusion: FusionParams | None = None,
    accept: Callable[[list[str]], set[str]] | None = None,
    candidates: int = CANDIDATES,
) -> list[Fused]:
    """Ranked passages for ``query`` in ``mode``. ``accept`` (optional) gets the semantic
    candidates and returns those that may be kept. Semantic and hybrid need ``vectors`` and
    ``embedder``."""
    check_mode(mode)
    fusion = fusion or FusionParams()
    depth = max(limit, candidates) if mode == "hybrid" else limit
    if mode != "keyword" and (vectors is None or embedder is None):
        raise UsageError(f"{mode} search needs passage vectors and an embedding model")
    pending: Future[np.ndarray] | None = None
    if mode == "hybrid":
        # the query is embedded on another thread while BM25 runs on this one (the model's
        # products release the GIL: both CPUs work); the keyword index stays on the caller's thread
        assert embedder is not None
        pending = _embedding_thread().submit(embedder.embed_query, query_text(query, embedder))
    kw: list[tuple[str, float]] = []
    if mode != "semantic":
        try:
            kw = [(h.passage_id, h.score) for h in keyword.search(query, filters, depth)]
        except BaseException:
            if pending is not None:
                wait([pending])
            raise
    if mode == "keyword":
        return [Fused(pid, s, s, None) for pid, s in kw]
    assert vectors is not None and embedder is not None
    qvec = pending.result() if pending is not None else embedder.embed_query(query_text(query, embedder))
    want = depth if accept is None else max(depth, candidates) * 2
    sem = [(h.passage_id, h.score) for h in vectors.search(qvec, filters, want)]
    if accept is not None and sem:
        kept = accept([pid for pid, _ in sem])
        sem = [(pid, s) for pid, s in sem if pid in kept]
    sem = sem[:depth]
    if mode == "semantic":
        return [Fused(pid, s, None, s) for pid, s in sem]
    return fuse(kw, sem, fusion.strategy, fusion.keyword_weight, fusion.rrf_k)
