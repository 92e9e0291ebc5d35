"""greffier's library API. The CLI is one thin client of it."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from greffier.errors import GreffierError, NotFoundError, UsageError
from greffier.extract.headings import fold
from greffier.extract.identity import canonical_issuers
from greffier.index.check import heal_on_open, open_keyword_for_writer
from greffier.index.config import IndexConfig
from greffier.index.failures import read_failures
from greffier.index.keyword import Filters, KeywordIndex, make_snippet, open_keyword_index
from greffier.index.lock import WriterLock, writer_pid
from greffier.index.semantic import SemanticIndex
from greffier.index.store import SCHEMA_VERSION, Store
from greffier.ingest import IngestMixin, IngestResult
from greffier.records import (
    DOC_KINDS,
    ENTITY_TYPES,
    Deliberation,
    Document,
    Entity,
    IndicatorRecord,
    SearchHit,
    Section,
    Table,
)
from greffier.search.fusion import Fused
from greffier.search.hybrid import DEFAULT_MODE, FusionParams, check_mode, has_constraints, retrieve, satisfies
from greffier.search.query import KeywordQuery, parse_query
from greffier.settings import Settings
from greffier.textenc import check_text

if TYPE_CHECKING:  # the parsers (pdfplumber, pdfminer, table and entity extraction) load only to ingest
    pass

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".txt")  # as greffier.extract.pipeline reads them (checked in the tests)
STORE_NAME = "greffier.sqlite"
KEYWORD_DIR = "keyword"


class Greffier(IngestMixin):
    """A store and its indexes in one directory."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.dir = self.settings.index_dir
        saved = IndexConfig.load(self.dir)
        backend = self.settings.keyword_backend or (saved.keyword_backend if saved else "tantivy")
        self._backend_name = backend
        self._saved = saved
        self._store: Store | None = None
        self._keyword: KeywordIndex | None = None
        self._semantic: SemanticIndex | None = None
        self._lock = WriterLock(self.dir)
        self._writing = False  # opened as the writer (under the lock), else as a reader

    # -- lifecycle -------------------------------------------------------------------
    def _open(self, write: bool = False, wait: bool = False) -> None:
        """Open as a reader (read-only files, no lock, no recovery: the last committed state) or
        as the writer: under the single-writer lock, which a second writer waits for (``wait``)
        or is refused with :class:`WriterBusyError`; the writer completes what a killed run left."""
        if self._store is not None and (self._writing or not write):
            return
        if self._store is not None:  # a reader that is asked to write: open again, as the writer
            self.close()
        if write and self.settings.read_only:
            raise UsageError(f"index {self.dir} is opened read-only: it cannot be written")
        if not write and not (self.dir / STORE_NAME).exists():
            raise NotFoundError(f"no greffier index in {self.dir}: run `greffier ingest PATH` first (or pass --index)")
        if self._backend_name == "whoosh":  # only the backend in use is imported (whoosh: ~60 ms)
            from greffier.index.whoosh_backend import ANALYZER as analyzer
        else:
            from greffier.index.tantivy_backend import ANALYZER as analyzer
        wanted = IndexConfig(schema_version=SCHEMA_VERSION, keyword_backend=self._backend_name, analyzer=analyzer)
        if write:
            self._lock.acquire(wait=wait)
            self._saved = IndexConfig.load(self.dir)  # another writer may have written it meanwhile
        try:
            if self._saved is not None:
                self._saved.check(wanted, self.dir)
            readonly = not write
            semantic = SemanticIndex(self.dir, self.settings.embedding_model, self._saved or wanted, readonly)
            self._store = Store(self.dir / STORE_NAME, readonly=readonly)
            if write:
                open_keyword_for_writer(self)  # an unreadable one is rebuilt from the store
            else:
                self._keyword = open_keyword_index(self._backend_name, self.dir / KEYWORD_DIR, readonly=True)
            if write and self._saved is None:
                wanted.save(self.dir)
                self._saved = wanted
            self._semantic = semantic
            self._writing = write
            if write:
                self._recover()
            else:
                self._warn_pending()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._semantic is not None:
            self._semantic.close()
            self._semantic = None
        if self._keyword is not None:
            self._keyword.close()
            self._keyword = None
        if self._store is not None:
            self._store.close()
            self._store = None
        self._writing = False
        self._lock.release()

    def __enter__(self) -> Greffier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> Store:
        self._open()
        assert self._store is not None
        return self._store

    @property
    def keyword(self) -> KeywordIndex:
        self._open()
        assert self._keyword is not None
        return self._keyword

    @property
    def semantic(self) -> SemanticIndex:
        self._open()
        assert self._semantic is not None
        return self._semantic

    def _warn_pending(self) -> None:
        """A reader's cheap checks: it only says what an interrupted ingest left, or what is damaged
        (the next writer completes or rebuilds it). Nothing is said while an ingest runs."""
        assert self._store is not None and self._keyword is not None
        if writer_pid(self.dir) is not None:
            return
        pending = self._store.pending_documents()
        if pending:
            log.warning(
                "%d document(s) left pending by an interrupted ingest are not searchable yet: run `greffier ingest` "
                "(or `greffier check --repair`) to complete them",
                len(pending),
            )
            return
        done, count = self._store.counts()["passages"], self._keyword.count()
        if done != count:
            log.warning(
                "the keyword index has %d passages, the store %d (damaged?): run `greffier check --repair`",
                count,
                done,
            )

    def check(self, repair: bool = False, wait: bool = False) -> list[dict[str, Any]]:
        """Store <-> keyword index <-> vectors, checked read-only (:mod:`greffier.index.check`);
        with ``repair``, what is damaged is rebuilt from the store under the writer lock, then
        checked again. One row per check: part, check, status (ok, damaged, repaired), detail."""
        from greffier.index.check import check
        from greffier.index.check import repair as repair_index

        if not (self.dir / STORE_NAME).exists():
            raise NotFoundError(f"no greffier index in {self.dir}")
        self.close()  # the checks open each part themselves
        before = check(self)
        after = before
        if repair and not all(f.ok for f in before) and all(f.repairable for f in before if not f.ok):
            self._open(write=True, wait=wait)  # opening as the writer already heals what is cheap
            repair_index(self, before)
            self.close()
            after = check(self)
        was_bad = {(f.part, f.check) for f in before if not f.ok}
        rows = []
        for f in after:
            status = "ok" if f.ok else "damaged"
            if f.ok and (f.part, f.check) in was_bad:
                status = "repaired"
            detail = (
                f.detail
                if not f.ok
                else next((b.detail for b in before if (b.part, b.check) == (f.part, f.check) and not b.ok), f.detail)
            )
            if not f.ok and not f.repairable:
                detail += " (cannot be rebuilt: the store is the record; re-ingest into a new --index)"
            rows.append({"part": f.part, "check": f.check, "status": status, "detail": detail})
        return rows

    def _recover(self) -> None:
        """Under the writer lock: rebuild a missing or damaged index part from the store (see
        :mod:`greffier.index.check`), then re-index documents whose keyword entries or vectors a
        killed run left uncommitted."""
        assert self._store is not None and self._keyword is not None and self._semantic is not None
        self._semantic.repair({d.doc_id for d in self._store.documents()})
        pending = self._store.pending_documents()
        if not pending:
            heal_on_open(self)
            return
        log.info("re-indexing %d document(s) left pending by an interrupted run", len(pending))
        for doc_id in pending:
            self._keyword.delete_doc(doc_id)
            self._semantic.delete(doc_id)
            doc = self._store.document(doc_id)
            if doc is not None:
                passages = list(self._store.passages(doc_id))
                self._keyword.add(self._indexed(doc, passages))
                self._semantic.stage(doc, passages, defer=self._semantic.deferred)
        self._keyword.commit()
        self._semantic.commit()
        for doc_id in pending:
            self._store.mark_indexed(doc_id)
        heal_on_open(self)

    # -- reads -----------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return self.store.documents()

    def failures(self) -> list[dict[str, Any]]:
        """Files whose last ingest failed: ``{path, doc_id, error, at}`` (see index/failures.py)."""
        return read_failures(self.dir)

    def document(self, doc_id: str) -> Document:
        doc = self.store.document(doc_id)
        if doc is None:
            known = ", ".join(d.doc_id for d in self.store.documents()[:10])
            raise NotFoundError(f"no document {doc_id!r} in {self.dir} (known: {known or 'none'})")
        return doc

    def sections(self, doc_id: str) -> list[Section]:
        self.document(doc_id)
        return self.store.sections(doc_id)

    def status(self) -> dict[str, Any]:
        counts = self.store.counts()
        size = sum(f.stat().st_size for f in self.dir.rglob("*") if f.is_file())
        store_size = sum(
            (self.dir / n).stat().st_size for n in (STORE_NAME, STORE_NAME + "-wal") if (self.dir / n).exists()
        )
        return {
            "index_dir": str(self.dir),
            **counts,
            "keyword_backend": self.keyword.name,
            "analyzer": self.keyword.analyzer,
            "indexed_passages": self.keyword.count(),
            **self.semantic.status(
                [d.doc_id for d in self.store.documents()],
                (r[0] for r in self.store.conn.execute("SELECT passage_id FROM passages")),
            ),
            "schema_version": SCHEMA_VERSION,
            "store_bytes": store_size,
            "total_bytes": size,
        }

    # -- search ----------------------------------------------------------------------
    def filters(
        self,
        year: int | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        issuer: str | None = None,
        kind: str | None = None,
    ) -> Filters:
        if year is not None and (year_from is not None or year_to is not None):
            raise UsageError("give either a year or a year range, not both")
        if year is not None:
            year_from = year_to = year
        kinds: tuple[str, ...] = ()
        if kind:
            if kind not in DOC_KINDS:
                raise UsageError(f"unknown kind {kind!r} (choose from {', '.join(DOC_KINDS)})")
            kinds = (kind,)
        issuers: tuple[str, ...] = ()
        if issuer:
            check_text(issuer, "issuer")
            known = self.store.issuers()
            issuers = tuple(i for i in known if fold(issuer) in fold(i))
            if not issuers:
                raise NotFoundError(
                    f"no document from an issuer matching {issuer!r} (known: {', '.join(known) or 'none'})"
                )
        return Filters(year_from=year_from, year_to=year_to, issuers=issuers, kinds=kinds)

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        limit: int = 10,
        mode: str = DEFAULT_MODE,
        entity_types: tuple[str, ...] = (),
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Ranked passages. ``mode``: keyword (BM25), semantic (cosine of passage vectors) or
        hybrid (both, fused); hybrid falls back to keyword, with a warning, without vectors.
        ``entity_types`` keeps the passages that hold an entity of one of these types.
        ``snippets=False`` leaves each hit's snippet empty (ask reads the passage itself)."""
        if limit < 1:
            raise UsageError("limit must be at least 1")
        for t in entity_types:
            if t not in ENTITY_TYPES:
                raise UsageError(f"unknown entity type {t!r} (choose from {', '.join(ENTITY_TYPES)})")
        check_mode(mode)
        q = parse_query(check_text(query, "query"))
        # an entity-type filter is applied on a deeper ranking, then cut to the limit
        depth = limit * 20 if entity_types else limit
        mode, ranked = self.rank(q, mode, filters or Filters(), depth)
        if entity_types:
            holding = self.store.passages_holding(sorted({h.passage_id for h in ranked}), entity_types)
            ranked = [h for h in ranked if h.passage_id in holding]
        ranked = ranked[:limit]
        passages = self.store.passages_by_id([h.passage_id for h in ranked])
        docs: dict[str, Document] = {}
        out: list[SearchHit] = []
        ocr_pages = self.store.ocr_pages([(p.doc_id, p.page) for p in passages.values()])
        for h in ranked:
            p = passages.get(h.passage_id)
            if p is None:  # index ahead of the store: skip rather than cite nothing
                log.warning("passage %s is in the %s index but not in the store", h.passage_id, mode)
                continue
            if p.doc_id not in docs:
                docs[p.doc_id] = self.document(p.doc_id)
            d = docs[p.doc_id]
            out.append(
                SearchHit(
                    rank=len(out) + 1,
                    score=round(h.score, 4),
                    doc_id=p.doc_id,
                    title=d.title,
                    year=d.year,
                    page=p.page,
                    section_path=p.section_path,
                    snippet=make_snippet(p.text, q, self.keyword.analyze) if snippets else "",
                    passage_id=p.passage_id,
                    text=p.text,
                    kind=d.kind,
                    issuer=d.issuer,
                    keyword_score=None if h.keyword_score is None else round(h.keyword_score, 4),
                    semantic_score=None if h.semantic_score is None else round(h.semantic_score, 4),
                    mode=mode,
                    extra={"ocr": True, "ocr_conf": ocr_pages[(p.doc_id, p.page)]}
                    if (p.doc_id, p.page) in ocr_pages
                    else {},
                )
            )
        return out

    def rank(self, query: KeywordQuery, mode: str, filters: Filters, limit: int) -> tuple[str, list[Fused]]:
        """(the mode used, ranked passage ids with their scores): the retrieval step of
        :meth:`search`, without store look-ups. Hybrid without vectors becomes keyword."""
        check_mode(mode)
        semantic = None
        if mode != "keyword":
            semantic = self.semantic.for_search(lambda: [d.doc_id for d in self.store.documents()], mode == "semantic")
            if semantic is None:
                mode = "keyword"
        vectors, embedder = semantic if semantic is not None else (None, None)
        return mode, retrieve(
            query,
            mode,
            filters,
            limit,
            self.keyword,
            vectors,
            embedder,
            self.fusion(),
            accept=self._constraint_check(query) if has_constraints(query) else None,
        )

    def fusion(self) -> FusionParams:
        """Hybrid fusion in effect: Settings' explicit values, else the index's own tuning (for
        its model), else the model's built-in setting (:data:`greffier.settings.MODEL_FUSION`)."""
        from greffier.settings import FUSION_KEYWORD_WEIGHT, FUSION_RRF_K, FUSION_STRATEGY, MODEL_FUSION

        semantic, s = self.semantic, self.settings
        strategy, weight, k = MODEL_FUSION.get(semantic.model, (FUSION_STRATEGY, FUSION_KEYWORD_WEIGHT, FUSION_RRF_K))
        cfg = semantic.config
        if cfg.fusion_strategy is not None and cfg.embedding_model == semantic.model:
            strategy = cfg.fusion_strategy
            weight = cfg.fusion_keyword_weight if cfg.fusion_keyword_weight is not None else weight
            k = cfg.fusion_rrf_k if cfg.fusion_rrf_k is not None else k
        return FusionParams(
            s.fusion or strategy,
            weight if s.keyword_weight is None else s.keyword_weight,
            k if s.rrf_k is None else s.rrf_k,
        )

    def save_fusion(self, strategy: str, keyword_weight: float, rrf_k: int) -> None:
        """Record a tuned fusion in the index config (for the index's model)."""
        semantic = self.semantic
        semantic.config = semantic.config.with_fusion(strategy, keyword_weight, rrf_k)
        semantic.config.save(self.dir)

    def _constraint_check(self, query: KeywordQuery) -> Any:
        """For semantic candidates: keep those that meet the query's +required / -excluded words."""

        def accept(ids: list[str]) -> set[str]:
            passages = self.store.passages_by_id(ids)
            titles = {d.doc_id: d.title for d in self.store.documents()}
            return {
                pid
                for pid, p in passages.items()
                if satisfies(
                    query,
                    "\n".join([p.text, " ".join(p.section_path), titles.get(p.doc_id, "")]),
                    self.keyword.analyze,
                )
            }

        return accept

    # -- entities and deliberations --------------------------------------------------
    def entities(
        self,
        doc_id: str | None = None,
        types: tuple[str, ...] = (),
        year: int | None = None,
        unit: str | None = None,
        direction: str | None = None,
        limit: int | None = None,
    ) -> list[Entity]:
        for t in types:
            if t not in ENTITY_TYPES:
                raise UsageError(f"unknown entity type {t!r} (choose from {', '.join(ENTITY_TYPES)})")
        if doc_id:
            self.document(doc_id)
        return self.store.entities(doc_id=doc_id, types=types, year=year, unit=unit, direction=direction, limit=limit)

    def issuers(self) -> list[dict[str, Any]]:
        """One row per collectivité: its canonical name, the spellings seen (aliases), SIREN,
        document count, years and kinds; documents naming no issuer are counted apart."""
        docs = self.store.documents()
        canon = canonical_issuers([d.issuer for d in docs if d.issuer])
        rows: dict[str, dict[str, Any]] = {}
        for d in docs:
            name = canon.get(d.issuer or "", "") if d.issuer else ""
            row = rows.setdefault(
                name,
                {
                    "issuer": name or None,
                    "documents": 0,
                    "years": set(),
                    "kinds": set(),
                    "aliases": set(),
                    "siren": set(),
                },
            )
            row["documents"] += 1
            if d.year:
                row["years"].add(d.year)
            row["kinds"].add(d.kind)
            for alias in (d.issuer, d.issuer_printed):
                if alias and alias != name:
                    row["aliases"].add(re.sub(r"\s+", " ", alias))
            if d.siren:
                row["siren"].add(d.siren)
        out = []
        for row in sorted(rows.values(), key=lambda r: (r["issuer"] is None, -r["documents"], r["issuer"] or "")):
            years = sorted(row["years"])
            out.append(
                {
                    "issuer": row["issuer"],
                    "documents": row["documents"],
                    "years": f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else ""),
                    "kinds": sorted(row["kinds"]),
                    "siren": sorted(row["siren"]),
                    "aliases": sorted(row["aliases"]),
                }
            )
        return out

    def deliberations(self, doc_id: str | None = None, year: int | None = None) -> list[Deliberation]:
        if doc_id:
            self.document(doc_id)
        return self.store.deliberations(doc_id=doc_id, year=year)

    def directions(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        """Directions and services, one row per canonical name, with acronym, parent and
        where they are cited (first page of each document)."""
        rows: dict[str, dict[str, Any]] = {}
        for e in self.entities(doc_id=doc_id, types=("DIRECTION",)):
            key = fold(e.canonical or e.text)
            row = rows.setdefault(
                key,
                {"canonical": e.canonical, "acronym": None, "parent": None, "mentions": 0, "cited": {}},
            )
            row["mentions"] += 1
            row["acronym"] = row["acronym"] or e.acronym
            row["parent"] = row["parent"] or e.parent
            row["cited"].setdefault(e.doc_id, e.page)
        out = []
        for row in rows.values():
            row["cited"] = [f"{d} p.{p}" for d, p in row["cited"].items()]
            out.append(row)
        # parents first, then their children (a flat, readable tree)
        out.sort(key=lambda r: (fold(r["parent"] or r["canonical"]), r["parent"] is not None, fold(r["canonical"])))
        return out

    # -- tables ----------------------------------------------------------------------
    def tables(self, doc_id: str | None = None, page: int | None = None) -> list[Table]:
        """Tables with their cells (of one document, on one page)."""
        if page is not None and page < 1:
            raise UsageError("page must be at least 1")
        if doc_id:
            self.document(doc_id)
        return self.store.tables(doc_id=doc_id, page=page)

    def table(self, table_id: str) -> Table:
        found = self.store.table(table_id)
        if found is None:
            raise NotFoundError(f"no table {table_id!r} in {self.dir} (list them with `greffier tables`)")
        return found

    def indicators(
        self, code: str | None = None, issuer: str | None = None, year: int | None = None, doc_id: str | None = None
    ) -> list[IndicatorRecord]:
        """Indicator records (an indicator's code, key or name; an issuer or commune; a year)."""
        key = None
        if code:
            from greffier.extract.indicator_ref import resolve

            found = resolve(code)
            if found is None:
                raise UsageError(f"unknown indicator {code!r} (a SISPEA code such as D204.0, or a name)")
            key = found.key
        return self.store.indicators(indicator=key, issuer=issuer, year=year, doc_id=doc_id)

    def compare(self, code: str, by: str = "issuer", issuer: str | None = None) -> list[dict[str, Any]]:
        """One indicator side by side: a row per issuer and a column per year (or by year)."""
        from greffier.extract.indicator_ref import resolve
        from greffier.search.indicators import compare

        if by not in ("issuer", "year"):
            raise UsageError("--by is issuer or year")
        found = resolve(code)
        if found is None:
            raise UsageError(f"unknown indicator {code!r} (a SISPEA code such as D204.0, or a name)")
        return compare(self, found, by, issuer)

    # -- answers ---------------------------------------------------------------------
    def ask(
        self, question: str, year: int | None = None, issuer: str | None = None, min_confidence: float = 0.0
    ) -> dict[str, Any]:
        """The answer, or ``answer: None`` with the reason and the candidates. ``min_confidence``:
        an answer under it is withheld too (``greffier eval answers --curve`` shows the trade-off)."""
        from greffier.search.ask import ask
        from greffier.search.series import with_missing_years

        if not check_text(question, "question").strip():
            raise UsageError("empty question")
        if not 0.0 <= min_confidence <= 1.0:
            raise UsageError(f"min confidence {min_confidence} is not between 0 and 1")
        result = with_missing_years(ask(self, question, year=year, issuer=issuer))
        if min_confidence and result.get("answer") is not None and result.get("kind") != "trend":
            if (result.get("confidence") or 0.0) < min_confidence:
                candidate = {k: v for k, v in result.items() if k not in ("question", "kind", "years", "alternatives")}
                return {
                    "question": result.get("question"),
                    "kind": result.get("kind"),
                    "years": result.get("years"),
                    "answer": None,
                    "reason": f"the best answer's confidence {result.get('confidence')} is under {min_confidence}",
                    "candidates": [candidate, *result.get("alternatives", [])][:3],
                }
        return result

    def trend(
        self, what: str, year_from: int | None = None, year_to: int | None = None, issuer: str | None = None
    ) -> dict[str, Any]:
        from greffier.search.series import with_missing_years
        from greffier.search.trends import trend

        if not check_text(what, "query").strip():
            raise UsageError("say what to follow over the years")
        Filters(year_from=year_from, year_to=year_to)  # the same year checks as search
        return with_missing_years(trend(self, what, year_from, year_to, issuer))


__all__ = ["Greffier", "GreffierError", "IngestResult", "Settings"]
