"""Keyword index on tantivy: BM25 with a French analyzer (stop words, accent folding, stems)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import tantivy

from greffier.index.keyword import Filters, IndexedPassage, KeywordHit, keyword_damaged
from greffier.search.query import KeywordQuery

log = logging.getLogger(__name__)

ANALYZER = "fr_fold_stem"  # simple tokenizer, lowercase, French stop words, ASCII folding, French stemmer
_TEXT_FIELDS = ("text", "section_path", "title")
_BOOSTS = {"text": 1.0, "section_path": 0.6, "title": 0.3}


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("french"))
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("french"))
        .build()
    )


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    b.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    for name in _TEXT_FIELDS:
        b.add_text_field(name, stored=False, tokenizer_name=ANALYZER)
    b.add_text_field("issuer", stored=False, tokenizer_name="raw")
    b.add_text_field("kind", stored=False, tokenizer_name="raw")
    b.add_integer_field("year", stored=False, indexed=True, fast=True)
    b.add_integer_field("page", stored=True, indexed=False)
    return b.build()


class TantivyIndex:
    name = "tantivy"
    analyzer = ANALYZER

    def __init__(self, directory: Path, readonly: bool = False) -> None:
        self.readonly = readonly
        if readonly and not (directory / "meta.json").is_file():
            raise keyword_damaged(directory, "missing (no meta.json)")
        if not readonly:
            directory.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        try:
            self.index = tantivy.Index(self.schema, path=str(directory), reuse=True)
        except ValueError as exc:
            raise keyword_damaged(directory, f"unreadable ({exc})") from exc
        self._analyzer = _analyzer()
        self.index.register_tokenizer(ANALYZER, self._analyzer)
        self._writer: tantivy.IndexWriter | None = None

    def _w(self) -> tantivy.IndexWriter:
        if self.readonly:
            raise RuntimeError("a read-only keyword index has no writer")
        if self._writer is None:
            self._writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def add(self, passages: Iterable[IndexedPassage]) -> None:
        w = self._w()
        for p in passages:
            w.add_document(
                tantivy.Document(
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
            )

    def delete_doc(self, doc_id: str) -> None:
        self._w().delete_documents_by_term("doc_id", doc_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.index.reload()

    def analyze(self, text: str) -> list[str]:
        return list(self._analyzer.analyze(text))

    def _clause_query(self, text: str, phrase: bool) -> tantivy.Query | None:
        terms = self.analyze(text)
        if not terms:
            return None
        if phrase and len(terms) > 1:
            per_field = [
                tantivy.Query.boost_query(tantivy.Query.phrase_query(self.schema, f, terms), _BOOSTS[f])
                for f in _TEXT_FIELDS
            ]
        else:
            per_field = [
                tantivy.Query.boost_query(
                    tantivy.Query.boolean_query(
                        [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f, t)) for t in terms]
                    ),
                    _BOOSTS[f],
                )
                for f in _TEXT_FIELDS
            ]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_field])

    def _filter_queries(self, filters: Filters) -> list[tantivy.Query]:
        out = []
        if filters.year_from is not None or filters.year_to is not None:
            out.append(
                tantivy.Query.range_query(
                    self.schema, "year", tantivy.FieldType.Integer, filters.year_from, filters.year_to
                )
            )
        for field, values in (("issuer", filters.issuers), ("kind", filters.kinds), ("doc_id", filters.doc_ids)):
            if values:
                out.append(tantivy.Query.term_set_query(self.schema, field, list(values)))
        return out

    def search(self, query: KeywordQuery, filters: Filters, limit: int) -> list[KeywordHit]:
        occurs = {"should": tantivy.Occur.Should, "must": tantivy.Occur.Must, "must_not": tantivy.Occur.MustNot}
        subs: list[tuple[tantivy.Occur, tantivy.Query]] = []
        has_positive = False
        for c in query.clauses:
            q = self._clause_query(c.text, c.phrase)
            if q is None:
                continue  # a stop word alone
            subs.append((occurs[c.occur], q))
            has_positive |= c.occur != "must_not"
        if not has_positive:
            return []
        main = tantivy.Query.boolean_query(subs)
        parts = [(tantivy.Occur.Must, main)] + [(tantivy.Occur.Must, f) for f in self._filter_queries(filters)]
        final = tantivy.Query.boolean_query(parts) if len(parts) > 1 else main
        searcher = self.index.searcher()
        result = searcher.search(final, limit)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(KeywordHit(passage_id=doc["passage_id"][0], score=float(score)))
        return hits

    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def doc_freq(self, term: str) -> int:
        """How many passages hold the analyzed ``term`` in their text."""
        return int(self.index.searcher().doc_freq("text", term))

    def doc_ids(self) -> set[str]:
        searcher = self.index.searcher()
        n = searcher.num_docs
        if not n:
            return set()
        result = searcher.search(tantivy.Query.all_query(), n)
        return {searcher.doc(a)["doc_id"][0] for _, a in result.hits}

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None
