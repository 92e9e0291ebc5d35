"""Keyword index on whoosh (whoosh-reloaded): BM25F with whoosh's French analyzer plus accent folding."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from greffier.index.french import STOP_WORDS
from greffier.index.keyword import Filters, IndexedPassage, KeywordHit, keyword_damaged
from greffier.search.query import KeywordQuery

log = logging.getLogger(__name__)

ANALYZER = "whoosh-fr-stop-fold-stem"  # regex words, lowercase, French stop words, accent folding, stemmer
_TEXT_FIELDS = ("text", "section_path", "title")
_BOOSTS = {"text": 1.0, "section_path": 0.6, "title": 0.3}


def _analyzer():  # type: ignore[no-untyped-def]
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | CharsetFilter(accent_map)
        | StemFilter(lang="fr")
    )


def _schema() -> Schema:
    a = _analyzer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=TEXT(analyzer=a),
        section_path=TEXT(analyzer=a),
        title=TEXT(analyzer=a),
        issuer=ID,
        kind=ID,
        year=NUMERIC(int, bits=32, signed=True),
        page=STORED,
    )


class WhooshIndex:
    name = "whoosh"
    analyzer = ANALYZER

    def __init__(self, directory: Path, readonly: bool = False) -> None:
        self.readonly = readonly
        if not readonly:
            directory.mkdir(parents=True, exist_ok=True)
        try:
            if windex.exists_in(str(directory)):
                self.index = windex.open_dir(str(directory), readonly=readonly)
            elif readonly:
                raise keyword_damaged(directory, "missing (no whoosh index there)")
            else:
                self.index = windex.create_in(str(directory), _schema())
        except (OSError, ValueError, EOFError, windex.IndexError) as exc:
            raise keyword_damaged(directory, f"unreadable ({type(exc).__name__}: {exc})") from exc
        self._analyzer = _analyzer()
        self._writer = None

    def _w(self):  # type: ignore[no-untyped-def]
        if self.readonly:
            raise RuntimeError("a read-only keyword index has no writer")
        if self._writer is None:
            self._writer = self.index.writer(limitmb=128)
        return self._writer

    def add(self, passages: Iterable[IndexedPassage]) -> None:
        w = self._w()
        for p in passages:
            w.add_document(
                passage_id=p.passage_id,
                doc_id=p.doc_id,
                text=p.text,
                section_path=p.section_path,
                title=p.title,
                issuer=p.issuer,
                kind=p.kind,
                year=p.year,
                page=p.page,
            )

    def delete_doc(self, doc_id: str) -> None:
        self._w().delete_by_term("doc_id", doc_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None

    def analyze(self, text: str) -> list[str]:
        return [t.text for t in self._analyzer(text)]

    def _clause_query(self, text: str, phrase: bool) -> wq.Query | None:
        terms = self.analyze(text)
        if not terms:
            return None
        per_field = []
        for f in _TEXT_FIELDS:
            if phrase and len(terms) > 1:
                q: wq.Query = wq.Phrase(f, terms, boost=_BOOSTS[f])
            else:
                q = wq.Or([wq.Term(f, t) for t in terms], boost=_BOOSTS[f])
            per_field.append(q)
        return wq.Or(per_field)

    def search(self, query: KeywordQuery, filters: Filters, limit: int) -> list[KeywordHit]:
        should, must, must_not = [], [], []
        for c in query.clauses:
            q = self._clause_query(c.text, c.phrase)
            if q is None:
                continue
            {"should": should, "must": must, "must_not": must_not}[c.occur].append(q)
        if not should and not must:
            return []
        main: wq.Query
        if must:  # required clauses match; the others only add to the score
            main = wq.AndMaybe(wq.And(must), wq.Or(should)) if should else wq.And(must)
        else:
            main = wq.Or(should)
        if must_not:
            main = wq.AndNot(main, wq.Or(must_not))
        conds: list[wq.Query] = []
        if filters.year_from is not None or filters.year_to is not None:
            conds.append(wq.NumericRange("year", filters.year_from, filters.year_to))
        if filters.issuers:
            conds.append(wq.Or([wq.Term("issuer", i) for i in filters.issuers]))
        if filters.kinds:
            conds.append(wq.Or([wq.Term("kind", k) for k in filters.kinds]))
        if filters.doc_ids:
            conds.append(wq.Or([wq.Term("doc_id", d) for d in filters.doc_ids]))
        with self.index.searcher() as s:
            results = s.search(main, limit=limit, filter=wq.And(conds) if conds else None)
            return [KeywordHit(passage_id=r["passage_id"], score=float(r.score)) for r in results]

    def count(self) -> int:
        return int(self.index.doc_count())

    def doc_freq(self, term: str) -> int:
        """How many passages hold the analyzed ``term`` in their text."""
        with self.index.searcher() as s:
            return int(s.doc_frequency("text", term))

    def doc_ids(self) -> set[str]:
        with self.index.searcher() as s:
            return {d["doc_id"] for d in s.all_stored_fields()}

    def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
