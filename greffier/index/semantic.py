"""The semantic side of an index directory: its embedding model and its passage vectors.

Kept apart from :mod:`greffier.api` so that the API only calls ``stage``, ``delete``, ``commit``
and ``for_search`` at the right moments. The model is loaded lazily: listing documents or a
keyword search never loads it. The index config records the model, its dimension and whether
rows are normalized once vectors are first written; another model is then refused.

During an ingest with parse workers, the workers embed the passages they parse
(:func:`embed_in_worker`, default model only) and ``stage`` takes those vectors: the ingest process
then never loads the model. Table rows get no vector (:func:`embeds`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from greffier.errors import ModelUnavailableError, NotFoundError
from greffier.index.config import IndexConfig
from greffier.index.embed_cache import CACHE_NAME, EmbeddingCache
from greffier.index.embeddings import (
    DEFAULT_MODEL,
    E5,
    NO_MODEL,
    USEM3,
    Embedder,
    normalize_spec,
    open_embedder,
    passage_text,
)
from greffier.index.units import passage_units, units_label
from greffier.index.vectors import DocMeta, VectorIndex, content_key
from greffier.records import Document, Passage

log = logging.getLogger(__name__)

VECTORS_DIR = "vectors"
EMBED_BATCH = 16  # passages per embed call in the vector stage (progress is reported after each)
COMMIT_EVERY = 16  # documents per commit in the vector stage (a killed run loses at most these)
_TABLE_ROW = re.compile(r":t\d+r\d+$")  # passage ids of table rows: "{doc_id}:t001r003"


def embeds(passage: Passage) -> bool:
    """Whether a passage gets a vector. Table rows do not: they are half the passages of the
    shared corpus (1,549 of 3,117) and a quarter of the embedded tokens, mostly figures that the
    model cannot tell apart; left out, semantic R@5 rose (test 0.519 -> 0.580, dev 0.556 -> 0.617)
    and hybrid R@5 stayed the same on both splits (bench/README.md). Keyword search still finds them."""
    return _TABLE_ROW.search(passage.passage_id) is None


@dataclass(frozen=True)
class EmbedReport:
    """What a vector stage did."""

    model: str
    documents: int  # documents that had no vectors
    passages: int  # their passages that get a vector
    embedded: int  # ... of which the model embedded (the others came from the cache)


Progress = Callable[[int, int], None]  # (passages done, passages to do)


@dataclass(frozen=True)
class Precomputed:
    """Vectors embedded elsewhere (in a parse worker), by content key, with what the index
    config records about their model."""

    model: str
    dim: int
    normalized: bool
    keys: tuple[str, ...]
    matrix: np.ndarray  # (len(keys), dim) float32


_worker_embedder: dict[str, Embedder | None] = {}  # per process: loaded once, or None when it cannot be


def worker_model(model: str) -> str | None:
    """The model a parse worker may embed with: only usem3 (numpy, ~125 MB and up to ~210 MB of
    token cache, loads in ~1.5 s, fast enough to keep up with parsing); e5 and sentence-transformers
    models embed in the ingest process, in the vector stage after the keyword commit."""
    return model if model == USEM3 else None


def embed_in_worker(model: str, doc: Document, passages: Sequence[Passage]) -> Precomputed | None:
    """In a parse worker: the vectors of a parsed document's passages, with one BLAS thread (the
    workers already use every CPU). None when the model cannot be loaded there: the ingest process
    then embeds them itself (and says why)."""
    if model not in _worker_embedder:
        try:
            if model != USEM3:
                raise ModelUnavailableError(f"{model} is not embedded in parse workers")
            from greffier.index.usem3_backend import Usem3Embedder

            _worker_embedder[model] = Usem3Embedder(parallel=1)
        except Exception:  # the ingest process falls back to embedding, with its own warning
            log.debug("no embedding in this worker", exc_info=True)
            _worker_embedder[model] = None
    embedder = _worker_embedder[model]
    if embedder is None:
        return None
    texts = [passage_text(p.section_path, p.text, doc.title) for p in passages if embeds(p)]
    try:
        matrix = embedder.embed(texts)
    except Exception:  # never fail the parse: the ingest process embeds them again and reports
        log.debug("embedding failed in this worker", exc_info=True)
        return None
    return Precomputed(embedder.name, embedder.dim, embedder.normalized, tuple(content_key(t) for t in texts), matrix)


class SemanticIndex:
    """Vectors of the passages of one index directory, and the model that made them."""

    def __init__(
        self, directory: Path, requested_model: str | None, config: IndexConfig, readonly: bool = False
    ) -> None:
        self.dir = directory
        self.readonly = readonly  # a reader: the vectors are opened read-only, never written
        self.requested = requested_model
        self.config = config
        if requested_model is not None and requested_model != NO_MODEL:
            config.check_embedding(requested_model, directory)
        self._embedder: Embedder | None = None
        self._unavailable: str | None = None  # why the model could not be loaded
        self._vectors: VectorIndex | None = None
        self._warned: set[str] = set()
        self._ready: tuple[VectorIndex, Embedder] | None = None  # what for_search found usable
        self._fallback: str | None = None  # the model used instead of a default that cannot load
        self.cache = EmbeddingCache(directory / CACHE_NAME)

    @property
    def model(self) -> str:
        """The model in effect: the requested one, else the index's own, else the default."""
        return self.requested or self.config.embedding_model or self._fallback or DEFAULT_MODEL

    @property
    def deferred(self) -> bool:
        """Whether ingest leaves the vectors to a stage of their own, after the keyword index is
        committed (:meth:`embed_missing`): every model but usem3, which the parse workers run
        alongside parsing at ingest speed."""
        return self.model != USEM3

    @property
    def enabled(self) -> bool:
        return self.model != NO_MODEL

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)

    # -- model and vectors ---------------------------------------------------------------
    def embedder(self) -> Embedder | None:
        """The model, loaded once; None (with a warning, once) when it is not installed."""
        if self._embedder is None and self._unavailable is None and self.enabled:
            try:
                self._embedder = open_embedder(self.model)
            except ModelUnavailableError as exc:
                self._unavailable = str(exc)
                if self.model == E5 and self.requested is None and self.config.embedding_model is None:
                    # a new index and the default model cannot load here: the other built-in one
                    log.warning("%s: embedding with usem3 instead (the index records it)", exc)
                    self._fallback, self._unavailable = USEM3, None
                    return self.embedder()
        return self._embedder

    def _vectors_for(self, dim: int) -> VectorIndex:
        if self._vectors is None:
            self._vectors = VectorIndex(self.dir / VECTORS_DIR, dim)
        return self._vectors

    def _existing_vectors(self) -> VectorIndex | None:
        """The vector index on disk (no model needed), if the index has one."""
        if self._vectors is None and self.config.embedding_dim and (self.dir / VECTORS_DIR).exists():
            self._vectors = VectorIndex(self.dir / VECTORS_DIR, self.config.embedding_dim, readonly=self.readonly)
        return self._vectors

    def repair(self, store_doc_ids: set[str]) -> None:
        """Under the writer lock: cut rows a killed run left, forget documents whose rows the
        matrix file lacks (damage) and those the store no longer has; the next ingest embeds
        what is missing."""
        vectors = self._existing_vectors()
        if vectors is None:
            return
        vectors.repair()
        stale = vectors.doc_ids() - store_doc_ids
        if stale:
            log.warning("%d document(s) have vectors but are not in the store: vectors dropped", len(stale))
            for doc_id in stale:
                vectors.delete_doc(doc_id)
            vectors.commit()

    def _writer(self, pre: Precomputed | None = None) -> tuple[Embedder | None, VectorIndex] | None:
        """The model (None when ``pre`` comes from it: it is then not loaded here) and the vectors."""
        embedder = None
        if pre is not None and pre.model == self.model:
            name, dim, normalized = pre.model, pre.dim, pre.normalized
        else:
            embedder = self.embedder()
            if embedder is None:
                if self.enabled:
                    self._warn_once(
                        "write",
                        "%s: documents are indexed for keyword search only; install the model, then run "
                        "`greffier ingest` again to embed them",
                        self._unavailable,
                    )
                return None
            name, dim, normalized = embedder.name, embedder.dim, embedder.normalized
        if self.config.embedding_model is None:
            self.config = self.config.with_embedding(name, dim, normalized, units_label(embedder))
            self.config.save(self.dir)
        return embedder, self._vectors_for(dim)

    # -- writes ------------------------------------------------------------------------
    def stage(
        self,
        doc: Document,
        passages: Sequence[Passage],
        pre: Precomputed | None = None,
        defer: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Embed a document's passages (those whose text the model never embedded here only:
        the others come from the index or the cache) and stage them until :meth:`commit`.
        ``pre``: vectors a parse worker already embedded (used for the texts they match).
        ``defer``: when some text needs the model, drop the document's vectors instead (the
        vector stage, :meth:`embed_missing`, embeds it). ``progress`` gets the count of passages
        done after each batch. Returns how many passages were embedded."""
        writer = self._writer(pre)
        if writer is None:
            self.delete(doc.doc_id)  # no stale vectors for a re-ingested document
            return 0
        embedder, vectors = writer
        passages = [p for p in passages if embeds(p)]
        count = getattr(embedder, "word_tokens", None) if embedder is not None else None
        units = [passage_units(p.section_path, p.text, doc.title, count) for p in passages]
        owners = [i for i, u in enumerate(units) for _ in u]  # the passage of each row
        texts = [t for u in units for t in u]
        keys = [content_key(t) for t in texts]
        cached = vectors.cached(doc.doc_id, keys)
        if pre is not None and pre.model == self.model:
            cached = {**dict(zip(pre.keys, pre.matrix)), **cached}
            self.cache.put(self.model, list(pre.keys), pre.matrix)
        if any(k not in cached for k in keys):
            cached.update(self.cache.get(self.model, [k for k in keys if k not in cached], vectors.dim))
        first: dict[str, int] = {}  # a text twice in a document is embedded once
        todo = [first.setdefault(k, i) for i, k in enumerate(keys) if k not in cached and k not in first]
        matrix = np.empty((len(texts), vectors.dim), dtype=np.float32)
        if todo and defer:
            self.delete(doc.doc_id)
            return 0

        def done(rows: int) -> int:  # passages done when ``rows`` of the rows are (in passages, not rows)
            return round(len(passages) * rows / max(1, len(texts)))

        if progress is not None:
            progress(done(len(texts) - len(todo)))
        if todo:
            if embedder is None:  # some texts the worker did not embed: the model is needed here
                loaded = self._writer()
                embedder = loaded[0] if loaded else None
            if embedder is None:
                self.delete(doc.doc_id)
                return 0
            for start in range(0, len(todo), EMBED_BATCH):
                batch = todo[start : start + EMBED_BATCH]
                matrix[batch] = embedder.embed([texts[i] for i in batch])
                self.cache.put(self.model, [keys[i] for i in batch], matrix[batch])
                cached.update((keys[i], matrix[i]) for i in batch)
                if progress is not None:
                    progress(done(len(texts) - len(todo) + start + len(batch)))
        for i, k in enumerate(keys):
            if k in cached:
                matrix[i] = cached[k]
        meta = DocMeta(year=doc.year or 0, kind=doc.kind, issuer=doc.issuer or "")
        vectors.put(doc.doc_id, meta, [passages[i].passage_id for i in owners], keys, matrix)
        return len({owners[i] for i in todo})

    def delete(self, doc_id: str) -> None:
        vectors = self._existing_vectors()
        if vectors is not None:
            vectors.delete_doc(doc_id)

    def commit(self) -> None:
        self._ready = None
        if self._vectors is not None:
            self._vectors.commit()

    def missing(self, doc_ids: Iterable[str]) -> list[str]:
        """Documents of the store that have no vectors (yet)."""
        vectors = self._existing_vectors()
        have = vectors.doc_ids() if vectors is not None else set()
        return [d for d in doc_ids if d not in have]

    # -- the vector stage ----------------------------------------------------------------
    def embed_missing(
        self,
        documents: Sequence[Document],
        passages_of: Callable[[str], Iterable[Passage]],
        progress: Progress | None = None,
        commit_every: int = COMMIT_EVERY,
    ) -> EmbedReport:
        """Give vectors to the documents that have none, committing every ``commit_every``
        documents: a killed run keeps what it committed (and the cache what it embedded), and
        the next run goes on from there. Raises ModelUnavailableError without the model."""
        if not self.enabled:
            raise ModelUnavailableError("embeddings are disabled (embedding model 'none')")
        if self.embedder() is None:
            raise ModelUnavailableError(f"cannot embed: {self._unavailable}")
        lacking = set(self.missing(d.doc_id for d in documents))
        work = [(d, [p for p in passages_of(d.doc_id) if embeds(p)]) for d in documents if d.doc_id in lacking]
        total = sum(len(ps) for _, ps in work)
        done = embedded = 0
        if progress is not None:
            progress(0, total)
        for i, (doc, passages) in enumerate(work, start=1):
            base = done
            tick = (lambda n, base=base: progress(base + n, total)) if progress is not None else None
            embedded += self.stage(doc, passages, progress=tick)
            done += len(passages)
            if i % commit_every == 0:
                self.commit()
        self.commit()
        return EmbedReport(self.model, len(work), total, embedded)

    def switch_model(self, model: str) -> bool:
        """Make ``model`` the index's model: its vectors are dropped (the cache keeps them) and
        the config records the new model (no tuned fusion yet). Loads the model first, so that
        an index is never left with a model that cannot load. False when it already is."""
        model = normalize_spec(model)
        if model == NO_MODEL:
            raise ModelUnavailableError("`greffier embed` needs a model, not 'none'")
        if model == self.config.embedding_model and model != E5:  # only e5 embeds windows
            return False
        embedder = open_embedder(model)
        if model == self.config.embedding_model and units_label(embedder) == self.config.units:
            return False  # (an index embedded with whole passages is re-embedded with windows)
        self.close()
        import shutil

        shutil.rmtree(self.dir / VECTORS_DIR, ignore_errors=True)
        self.config = self.config.for_model(embedder.name, embedder.dim, embedder.normalized, units_label(embedder))
        self.config.save(self.dir)
        self.requested, self._fallback, self._unavailable = None, None, None
        self._embedder, self._ready = embedder, None
        return True

    # -- reads -------------------------------------------------------------------------
    def for_search(
        self, store_doc_ids: Callable[[], Iterable[str]], required: bool
    ) -> tuple[VectorIndex, Embedder] | None:
        """The vectors and the model for a semantic query; None (after a warning) when the index
        has none and ``required`` is false; a clear error when it is true. Checked once, until
        the next commit."""
        if self._ready is not None:
            return self._ready
        vectors = self._existing_vectors() if self.enabled else None
        reason = None
        if not self.enabled:
            reason = "embeddings are disabled (embedding model 'none')"
        elif vectors is None or vectors.count() == 0:
            reason = f"index {self.dir} has no passage vectors (built before semantic search, or without a model)"
        elif self.embedder() is None:
            reason = self._unavailable
        if reason is not None:
            if required:
                raise (ModelUnavailableError if self._unavailable else NotFoundError)(
                    f"semantic search unavailable: {reason}; run `greffier ingest` with the model installed"
                )
            self._warn_once("fallback", "%s: hybrid search falls back to keyword search", reason)
            return None
        assert vectors is not None and self._embedder is not None
        lacking = self.missing(store_doc_ids())
        if lacking:
            self._warn_once(
                "partial",
                "%d document(s) have no passage vectors yet (e.g. %s): semantic results leave them out; "
                "run `greffier embed` to embed them",
                len(lacking),
                lacking[0],
            )
        self._ready = (vectors, self._embedder)
        return self._ready

    def status(self, doc_ids: Sequence[str] = (), passage_ids: Iterable[str] = ()) -> dict[str, Any]:
        """The model, and how far the vector stage is: passages with a vector out of those that
        get one (``passage_ids`` of the store), documents still without vectors."""
        vectors = self._existing_vectors()
        out: dict[str, Any] = {
            "embedding_model": self.config.embedding_model or (None if self.enabled else NO_MODEL),
            "embedding_dim": self.config.embedding_dim,
            "embedding_units": self.config.units if self.config.embedding_model else None,
            "embedded_passages": vectors.passages() if vectors is not None else 0,
            "embeddable_passages": sum(1 for pid in passage_ids if _TABLE_ROW.search(pid) is None),
            "documents_without_vectors": len(self.missing(doc_ids)) if self.enabled else 0,
        }
        if vectors is not None:
            missing = max(0, vectors.committed_rows() - vectors.rows_on_disk())
            if missing:  # damage: the id table names rows the file lacks
                out["vector_rows_missing"] = missing
        return out

    def close(self) -> None:
        self.cache.close()
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
