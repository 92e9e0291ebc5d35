"""The semantic side of an index directory: its embedding model and its passage vectors.

Kept apart from :mod:`greffier.api` so that the API only calls ``stage``, ``delete``, ``commit``
and ``for_search`` at the right moments. The model is loaded lazily: listing documents or a
keyword search never loads it. The index config records the model, its dimension and whether
rows are normalized once vectors are first written; another model is then refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from greffier.errors import ModelUnavailableError, NotFoundError
from greffier.index.config import IndexConfig
from greffier.index.embeddings import DEFAULT_MODEL, NO_MODEL, Embedder, open_embedder, passage_text
from greffier.index.vectors import DocMeta, VectorIndex, content_key
from greffier.records import Document, Passage

log = logging.getLogger(__name__)

VECTORS_DIR = "vectors"


class SemanticIndex:
    """Vectors of the passages of one index directory, and the model that made them."""

    def __init__(self, directory: Path, requested_model: str | None, config: IndexConfig) -> None:
        self.dir = directory
        self.requested = requested_model
        self.config = config
        if requested_model is not None and requested_model != NO_MODEL:
            config.check_embedding(requested_model, directory)
        self._embedder: Embedder | None = None
        self._unavailable: str | None = None  # why the model could not be loaded
        self._vectors: VectorIndex | None = None
        self._warned: set[str] = set()
        self._ready: tuple[VectorIndex, Embedder] | None = None  # what for_search found usable

    @property
    def model(self) -> str:
        """The model in effect: the requested one, else the index's own, else the default."""
        return self.requested or self.config.embedding_model or DEFAULT_MODEL

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
        return self._embedder

    def _vectors_for(self, dim: int) -> VectorIndex:
        if self._vectors is None:
            self._vectors = VectorIndex(self.dir / VECTORS_DIR, dim)
        return self._vectors

    def _existing_vectors(self) -> VectorIndex | None:
        """The vector index on disk (no model needed), if the index has one."""
        if self._vectors is None and self.config.embedding_dim and (self.dir / VECTORS_DIR).exists():
            self._vectors = VectorIndex(self.dir / VECTORS_DIR, self.config.embedding_dim)
        return self._vectors

    def _writer(self) -> tuple[Embedder, VectorIndex] | None:
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
        if self.config.embedding_model is None:
            self.config = self.config.with_embedding(embedder.name, embedder.dim, embedder.normalized)
            self.config.save(self.dir)
        return embedder, self._vectors_for(embedder.dim)

    # -- writes ------------------------------------------------------------------------
    def stage(self, doc: Document, passages: Sequence[Passage]) -> int:
        """Embed a document's passages (those whose text changed since the last commit only)
        and stage them until :meth:`commit`. Returns how many passages were embedded."""
        writer = self._writer()
        if writer is None:
            self.delete(doc.doc_id)  # no stale vectors for a re-ingested document
            return 0
        embedder, vectors = writer
        texts = [passage_text(p.section_path, p.text, doc.title) for p in passages]
        keys = [content_key(t) for t in texts]
        cached = vectors.cached(doc.doc_id, keys)
        todo = [i for i, k in enumerate(keys) if k not in cached]
        matrix = np.empty((len(texts), embedder.dim), dtype=np.float32)
        if todo:
            matrix[todo] = embedder.embed([texts[i] for i in todo])
        for i, k in enumerate(keys):
            if k in cached:
                matrix[i] = cached[k]
        meta = DocMeta(year=doc.year or 0, kind=doc.kind, issuer=doc.issuer or "")
        vectors.put(doc.doc_id, meta, [p.passage_id for p in passages], keys, matrix)
        return len(todo)

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
                "run `greffier ingest` again to embed them",
                len(lacking),
                lacking[0],
            )
        self._ready = (vectors, self._embedder)
        return self._ready

    def status(self) -> dict[str, Any]:
        vectors = self._existing_vectors()
        return {
            "embedding_model": self.config.embedding_model or (None if self.enabled else NO_MODEL),
            "embedding_dim": self.config.embedding_dim,
            "embedded_passages": vectors.count() if vectors is not None else 0,
        }

    def close(self) -> None:
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
