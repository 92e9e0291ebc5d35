"""The keyword-index protocol and what every backend shares.

A backend indexes passages (text, section path, title, issuer, kind, year, page) with a
French analyzer (stemming, stop words, accent folding) and answers a :class:`KeywordQuery`
under :class:`Filters` with BM25 scores. Snippets are built here, from the backend's own
analyzer, so that every backend highlights the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from greffier.errors import IndexDamagedError, UsageError
from greffier.search.query import KeywordQuery

BACKENDS = ("tantivy", "whoosh")


@dataclass(frozen=True)
class IndexedPassage:
    passage_id: str
    doc_id: str
    text: str
    section_path: str
    title: str
    issuer: str
    kind: str
    year: int  # 0 when unknown
    page: int


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    issuers: tuple[str, ...] = ()  # exact issuer names (any of)
    kinds: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # only these documents (any of): a question's scope

    def __post_init__(self) -> None:
        for y in (self.year_from, self.year_to):
            if y is not None and not 1900 <= y <= 2200:
                raise UsageError(f"year {y} is out of range (1900-2200)")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise UsageError(f"empty year range: {self.year_from} > {self.year_to}")

    @property
    def empty(self) -> bool:
        return (
            self.year_from is None and self.year_to is None and not self.issuers and not self.kinds and not self.doc_ids
        )


@dataclass(frozen=True)
class KeywordHit:
    passage_id: str
    score: float


class KeywordIndex(Protocol):
    name: str
    analyzer: str

    def add(self, passages: Iterable[IndexedPassage]) -> None: ...
    def delete_doc(self, doc_id: str) -> None: ...
    def commit(self) -> None: ...
    def search(self, query: KeywordQuery, filters: Filters, limit: int) -> list[KeywordHit]: ...
    def analyze(self, text: str) -> list[str]: ...
    def count(self) -> int: ...
    # passages holding an analyzed term; deleted passages may count until segments merge (fine for IDF)
    def doc_freq(self, term: str) -> int: ...
    def doc_ids(self) -> set[str]: ...
    def close(self) -> None: ...


def open_keyword_index(backend: str, directory: Path, readonly: bool = False) -> KeywordIndex:
    """``readonly``: a reader's index, never created or written (a missing or unreadable index is
    an :class:`~greffier.errors.IndexDamagedError`, not an empty one)."""
    if backend == "tantivy":
        from greffier.index.tantivy_backend import TantivyIndex

        return TantivyIndex(directory, readonly)
    if backend == "whoosh":
        from greffier.index.whoosh_backend import WhooshIndex

        return WhooshIndex(directory, readonly)
    raise UsageError(f"unknown keyword backend {backend!r} (choose from {', '.join(BACKENDS)})")


_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
SNIPPET_WORDS = 36


def make_snippet(text: str, query: KeywordQuery, analyze: Callable[[str], list[str]]) -> str:
    """The densest window of ``text`` for the query, matched words wrapped in ``**``."""
    wanted = {t for w in query.positive_words for t in analyze(w)}
    words = list(_WORD.finditer(text))
    if not words:
        return text[:200]
    cache: dict[str, bool] = {}

    def hit(word: str) -> bool:
        if word not in cache:
            cache[word] = bool(wanted) and any(t in wanted for t in analyze(word))
        return cache[word]

    flags = [hit(m.group(0)) for m in words]
    best, best_score = 0, -1
    window = min(SNIPPET_WORDS, len(words))
    running = sum(flags[:window])
    for start in range(0, len(words) - window + 1):
        if start:
            running += flags[start + window - 1] - flags[start - 1]
        if running > best_score:
            best, best_score = start, running
    first, last = words[best], words[best + window - 1]
    out: list[str] = []
    pos = first.start()
    for m, flag in zip(words[best : best + window], flags[best : best + window]):
        if flag:
            out.append(text[pos : m.start()])
            out.append(f"**{m.group(0)}**")
            pos = m.end()
    out.append(text[pos : last.end()])
    snippet = re.sub(r"\s+", " ", "".join(out)).strip()
    prefix = "… " if first.start() > 0 else ""
    suffix = " …" if last.end() < len(text.rstrip()) else ""
    return prefix + snippet + suffix


def keyword_damaged(directory: Path, reason: str) -> IndexDamagedError:
    return IndexDamagedError(
        f"keyword index {directory}: {reason}; run `greffier check --repair` (or `greffier ingest`) to rebuild it "
        "from the store"
    )
