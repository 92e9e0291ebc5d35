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
filters, best first. Up to ``ANN_MIN_ROWS`` live rows it is exact. From there on a full pass over
the float32 rows costs more than the whole hybrid query's budget (the matrix-vector product is
bound by memory bandwidth: ~35 ms of CPU for 100,000 x 512 on the 2-CPU development machine), so
the writer keeps an *inverted file* (IVF): at a commit it clusters the live rows (two-level
spherical k-means, ~``ANN_LIST_SIZE`` rows a list) and rewrites the matrix as a new generation
with each list's rows next to each other (a compaction that also drops dead rows), the rows
renumbered in the id table; ``ivf-<generation>.npz`` holds the lists' centroids and bounds. A
search scores the centroids, then scores exactly the rows of the best lists until it has seen
``ANN_SCAN_FRACTION`` of the rows it may return (live rows the filters keep; at least
``ANN_MIN_SCAN``), and every row appended since the lists were built (the *tail*): the scores
returned are exact cosines, the candidate set approximate (recall measured in bench/README.md).
The next commit rebuilds the lists once the tail passes ``ANN_TAIL_FRACTION`` of the clustered
rows. A reader maps the matrix and reads the id table from one SQLite snapshot, so a rebuild
(new generation, rows renumbered) never pairs a row with another passage.

The lists are derived data with their own format number: a reader uses them only when they
belong to the current generation, cover no more than the committed rows and match the matrix
(a fingerprint of sampled rows); otherwise it searches exactly (never from a stale quantizer),
and the next commit rebuilds them. Indexes written before (no lists, or an older ``sketch-*``
file) are read as they are; the matrix and id table formats are unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from greffier.errors import IndexMismatchError
from greffier.index import ann
from greffier.index.ann import Ivf as _Ivf
from greffier.index.ann import exact as _exact
from greffier.index.ann import fingerprint as _fingerprint
from greffier.index.ann import unit_rows as _unit_rows
from greffier.index.keyword import Filters
from greffier.index.sqlite_open import connect, damaged

log = logging.getLogger(__name__)

DB_NAME = "vectors.sqlite"
COMPACT_DEAD_FRACTION = 0.25
COMPACT_MIN_ROWS = 2_000
_DTYPE = np.float32
ANN_MIN_ROWS = 20_000  # live rows from which the writer keeps inverted lists (below: exact search)
ANN_LIST_SIZE = 32  # target rows per inverted list ...
ANN_LISTS_PER_SQRT = 10  # ... and at most 10 x sqrt(rows) lists (centroids scored per query)
ANN_SCAN_FRACTION = 0.05  # share of the clustered rows a search scans (kept rows, with filters)
ANN_MIN_SCAN = 4_000  # ... and at least this many rows
ANN_SCAN_PER_RESULT = 40  # ... and this many per result asked for
ANN_TAIL_FRACTION = 0.1  # rows appended since the lists were built, as a share: then rebuild
ANN_FORMAT = 1  # version of the ivf-<generation>.npz layout

_ROWS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    row INTEGER PRIMARY KEY,
    passage_id TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES docs(doc_id) ON DELETE CASCADE,
    key TEXT NOT NULL
);
"""
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL
);
"""
    + _ROWS_TABLE.format(name="rows")
    + """
CREATE INDEX IF NOT EXISTS rows_doc ON rows(doc_id);
"""
)


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

    def __init__(self, directory: Path, dim: int, readonly: bool = False) -> None:
        """``readonly``: a reader's index, that never creates, cuts or writes a file."""
        self.dir = directory
        self.dim = dim
        self.readonly = readonly
        try:
            self.conn = connect(directory / DB_NAME, readonly)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.executescript(_SCHEMA)
            saved_dim = self._meta("dim")
        except sqlite3.DatabaseError as exc:
            raise damaged(directory / DB_NAME, exc, "vector id table") from exc
        if saved_dim is None and readonly:
            raise damaged(directory / DB_NAME, ValueError("no dimension recorded"), "vector id table")
        if saved_dim is None:
            self._set_meta(self.conn, dim=dim, rows=0, generation=0)
        elif int(saved_dim) != dim:
            raise IndexMismatchError(f"{directory}: vectors have {saved_dim} dimensions, the model gives {dim}")
        self._staged: dict[str, _Staged | None] = {}  # doc_id -> new rows, or None: delete only
        self._appended = 0
        self._writer: BinaryIO | None = None
        self._matrix: np.ndarray | None = None
        self._matrix_generation = 0  # the generation _matrix belongs to
        self._table: _Table | None = None
        self._ivf: _Ivf | bool | None = None  # False: none usable (exact search)
        self._repaired = False  # a writer repairs before its first write; readers never touch the files
        self._short_by = 0  # committed rows the matrix file lacks (damage), as last mapped

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

    def _ivf_path(self, generation: int | None = None) -> Path:
        """The inverted lists of a generation (derived data: rebuilt when missing or stale)."""
        return self.dir / f"ivf-{self._generation if generation is None else generation}.npz"

    def _repair(self) -> None:
        """Before the first write: cut rows a killed run appended without committing, drop files
        of other generations (and the sketches of earlier versions), forget documents whose rows
        the file lacks (they are embedded again). Only a writer does this (a reader would cut rows
        that a running ingest is appending)."""
        if self._repaired:
            return
        if self.readonly:
            raise RuntimeError("a read-only vector index is never repaired")
        self._repaired = True
        current, lists = self._matrix_path(), self._ivf_path()
        for f in [*self.dir.glob("matrix-*.f32"), *self.dir.glob("ivf-*"), *self.dir.glob("sketch-*")]:
            if f not in (current, lists):
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
            lists.unlink(missing_ok=True)  # rows it covers may come back with other vectors
            with self._tx() as c:
                c.execute("DELETE FROM docs WHERE doc_id IN (SELECT doc_id FROM rows WHERE row >= ?)", (have,))
                self._set_meta(c, rows=have)
            if current.exists():
                with open(current, "r+b") as fh:
                    fh.truncate(have * row_bytes)
            self._invalidate()

    def repair(self) -> None:
        """A writer's check at open: the same as before its first write (see :meth:`_repair`)."""
        self._repair()

    def rows_on_disk(self) -> int:
        """Whole rows the current matrix file holds (the committed count when it is intact)."""
        path = self._matrix_path()
        size = path.stat().st_size if path.exists() else 0
        return size // (self.dim * np.dtype(_DTYPE).itemsize)

    def committed_rows(self) -> int:
        return self._committed_rows

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
        self._reorganize()

    def rollback(self) -> None:
        """Forget staged writes (the appended rows are cut on the next open)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._staged.clear()
        self._appended = 0
        self._repaired = False
        self._repair()

    def _reorganize(self) -> None:
        """After a commit: compact when dead rows are a quarter of the matrix; from
        ``ANN_MIN_ROWS`` live rows, (re)build the inverted lists when there are none usable or
        when the rows appended since they were built pass ``ANN_TAIL_FRACTION`` of them."""
        total = self._committed_rows
        live = self.count()
        dead_heavy = total >= COMPACT_MIN_ROWS and (total - live) >= COMPACT_DEAD_FRACTION * total
        try:
            if live >= ANN_MIN_ROWS:
                ivf = self._open_ivf()
                if dead_heavy or ivf is None or total - ivf.rows > ANN_TAIL_FRACTION * ivf.rows:
                    self.compact(cluster=True)
            elif dead_heavy:
                self.compact(cluster=False)
        except (OSError, MemoryError, sqlite3.Error):  # the commit itself is done: search stays right
            log.warning("vector index %s not reorganized (the next commit tries again)", self.dir, exc_info=True)
            self._invalidate()
            self._repaired = False  # the next write drops what the attempt left

    def compact(self, cluster: bool | None = None) -> None:
        """Rewrite the matrix without dead rows, as a new generation. With ``cluster`` (by
        default: from ``ANN_MIN_ROWS`` live rows) the rows are written list by list and the
        inverted lists are saved beside them."""
        old_gen = self._generation
        rows = np.array([r[0] for r in self.conn.execute("SELECT row FROM rows ORDER BY row")], dtype=np.int64)
        if cluster is None:
            cluster = rows.size >= ANN_MIN_ROWS
        cluster = cluster and rows.size > 0
        source = self._open_matrix()
        offsets = None
        if cluster:
            with _one_blas_thread():  # small products: a second thread only spins (twice the CPU time)
                order, offsets = _cluster(source, rows)
            rows = rows[order]
        new_path = self._matrix_path(old_gen + 1)
        with open(new_path, "wb") as fh:
            for i in range(0, len(rows), 8192):
                fh.write(np.ascontiguousarray(source[rows[i : i + 8192]]).tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        del source
        self._invalidate()
        if offsets is not None:
            self._save_ivf(old_gen + 1, new_path, offsets)
        # renumbered by writing the id table anew, in row order: far cheaper than updating
        # every row's key in place (measured: 2 s against 9 s for 100,000 rows)
        with self._tx() as c:
            records = {r[0]: r[1:] for r in c.execute("SELECT row, passage_id, doc_id, key FROM rows")}
            c.execute("DROP TABLE IF EXISTS rows_new")
            c.execute(_ROWS_TABLE.format(name="rows_new"))
            c.executemany(
                "INSERT INTO rows_new VALUES (?,?,?,?)", [(new, *records[int(old)]) for new, old in enumerate(rows)]
            )
            c.execute("DROP TABLE rows")
            c.execute("ALTER TABLE rows_new RENAME TO rows")
            c.execute("CREATE INDEX rows_doc ON rows(doc_id)")
            self._set_meta(c, rows=len(rows), generation=old_gen + 1)
        self._matrix_path(old_gen).unlink(missing_ok=True)
        self._ivf_path(old_gen).unlink(missing_ok=True)
        for f in self.dir.glob("sketch-*"):  # an earlier version's derived files
            f.unlink(missing_ok=True)
        if offsets is not None:
            log.info("vectors clustered: %d live rows in %d lists", len(rows), len(offsets) - 1)
        else:
            log.info("vectors compacted: %d live rows", len(rows))

    def _save_ivf(self, generation: int, matrix_path: Path, offsets: np.ndarray) -> None:
        """Centroids of the lists (from the rows as written) and what a reader checks them by."""
        n = int(offsets[-1])
        matrix = np.memmap(matrix_path, dtype=_DTYPE, mode="r", shape=(n, self.dim))
        centroids = np.empty((len(offsets) - 1, self.dim), dtype=_DTYPE)
        for i in range(len(offsets) - 1):
            centroids[i] = matrix[offsets[i] : offsets[i + 1]].sum(axis=0)
        centroids = _unit_rows(centroids)
        fingerprint = _fingerprint(matrix, n)
        del matrix
        path = self._ivf_path(generation)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                format=np.int64(ANN_FORMAT),
                dim=np.int64(self.dim),
                generation=np.int64(generation),
                rows=np.int64(n),
                offsets=offsets.astype(np.int64),
                centroids=centroids,
                fingerprint=np.array(fingerprint),
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def _open_ivf(self) -> _Ivf | None:
        """The inverted lists of the open matrix's generation when they are usable, else None
        (then search is exact)."""
        if self._ivf is None:
            matrix = self._open_matrix()
            self._ivf = False
            path = self._ivf_path(self._matrix_generation)
            if matrix.shape[0] and path.exists():
                try:
                    self._ivf = self._load_ivf(path, matrix) or False
                except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                    log.warning("%s is unreadable (%s): exact vector search until the next commit", path, exc)
        return self._ivf or None

    def _load_ivf(self, path: Path, matrix: np.ndarray) -> _Ivf | None:
        with np.load(path, allow_pickle=False) as data:
            fmt = int(data["format"])
            if fmt != ANN_FORMAT:
                log.warning(
                    "%s has inverted-list format %d, this greffier reads %d: exact vector search until "
                    "the next ingest rebuilds them",
                    path,
                    fmt,
                    ANN_FORMAT,
                )
                return None
            dim, generation, rows = int(data["dim"]), int(data["generation"]), int(data["rows"])
            offsets = np.asarray(data["offsets"], dtype=np.int64)
            centroids = np.ascontiguousarray(data["centroids"])
            fingerprint = str(data["fingerprint"])
        ok = (
            dim == self.dim
            and generation == self._matrix_generation
            and 0 < rows <= matrix.shape[0]
            and offsets.ndim == 1
            and offsets.size >= 2
            and offsets[0] == 0
            and offsets[-1] == rows
            and bool(np.all(np.diff(offsets) > 0))
            and centroids.shape == (offsets.size - 1, self.dim)
            and centroids.dtype == _DTYPE
            and fingerprint == _fingerprint(matrix, rows)
        )
        if not ok:
            log.warning("%s does not match the vectors (stale): exact vector search until the next commit", path)
            return None
        sizes = np.diff(offsets)
        return _Ivf(rows, offsets, centroids, sizes, np.repeat(np.arange(sizes.size, dtype=np.int32), sizes))

    # -- reads -------------------------------------------------------------------------
    def count(self) -> int:
        """Rows (a passage embedded in several windows has a row for each)."""
        return int(self.conn.execute("SELECT count(*) FROM rows").fetchone()[0])

    def passages(self) -> int:
        """Passages with at least one row."""
        return int(self.conn.execute("SELECT count(DISTINCT passage_id) FROM rows").fetchone()[0])

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
        rows = [(row, key) for row, key in rows if row < matrix.shape[0]]  # only rows the file holds
        return {key: np.array(matrix[row]) for row, key in rows}

    def _open_matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._load(with_table=False)
        assert self._matrix is not None
        return self._matrix

    def _rows_table(self) -> _Table:
        if self._table is None:
            self._load(with_table=True)
        assert self._table is not None
        return self._table

    def _load(self, with_table: bool) -> None:
        """Map the matrix (and read the id table) from one read snapshot of the id table: a
        writer's compaction renumbers the rows and replaces the file, and a table of another
        generation than the matrix would name the wrong passages."""
        for _ in range(3):
            with self._snapshot():
                generation, committed = self._generation, self._committed_rows
                if self._matrix is None or self._matrix_generation != generation:
                    matrix = self._map(generation, committed)
                    if matrix is None:  # replaced by a compaction since this snapshot: read again
                        continue
                    self._matrix, self._matrix_generation, self._ivf = matrix, generation, None
                if with_table:
                    self._table = _Table.load(self.conn, self._matrix.shape[0])
                return
        if not self._matrix_path().exists():  # not a compaction under way: the file is gone
            log.warning(
                "vector file %s is missing: no semantic results; run `greffier check --repair` or `greffier ingest` "
                "to embed the passages again",
                self._matrix_path(),
            )
            self._short_by = self._committed_rows
            self._matrix, self._matrix_generation, self._ivf = np.zeros((0, self.dim), dtype=_DTYPE), -1, None
            if with_table:
                self._table = _Table.load(self.conn, 0)
            return
        raise IndexMismatchError(f"{self.dir}: the vector matrix keeps changing under this reader; try again")

    def _map(self, generation: int, committed: int) -> np.ndarray | None:
        """The committed rows of a generation's matrix, memory-mapped (rows past the committed
        count are a writer's, not yet committed: never read); None when the file is gone."""
        path = self._matrix_path(generation)
        try:
            size = path.stat().st_size
            n = min(committed, size // (self.dim * np.dtype(_DTYPE).itemsize))
            self._short_by = committed - n
            if n < committed:
                log.warning(
                    "vector file %s holds %d of its %d committed rows (damaged): semantic results leave the "
                    "other passages out; run `greffier check --repair` or `greffier ingest` to embed them again",
                    path,
                    n,
                    committed,
                )
            if n == 0:
                return np.zeros((0, self.dim), dtype=_DTYPE)
            return np.memmap(path, dtype=_DTYPE, mode="r", shape=(n, self.dim))
        except FileNotFoundError:
            return None if committed else np.zeros((0, self.dim), dtype=_DTYPE)

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the id table (WAL: a read transaction)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def _invalidate(self) -> None:
        self._matrix = None
        self._table = None
        self._ivf = None

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
        data = np.asarray(matrix)  # a plain view of the map: cheaper slices
        ivf = self._open_ivf()
        clustered = ivf.rows if ivf is not None else 0
        parts = []
        if ivf is not None:
            parts.append(_scan_lists(ivf, data, q, keep[:clustered], not filters.empty, limit))
        if clustered < keep.size:  # the tail (or everything): exact
            parts.append(_exact(data, q, keep, clustered, keep.size))
        rows = np.concatenate([r for r, _ in parts])
        scores = np.concatenate([s for _, s in parts])
        if rows.size == 0:
            return []
        # a passage may have several rows (windows): its best one counts, the others make room
        want = limit
        while True:
            k = min(want, rows.size)
            top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
            top = top[np.lexsort((rows[top], -scores[top]))]
            hits: dict[str, VectorHit] = {}
            for i in top:
                pid = table.passage_ids[rows[i]]
                if pid not in hits:
                    hits[pid] = VectorHit(pid, float(scores[i]))
                    if len(hits) == limit:
                        return list(hits.values())
            if k == rows.size:
                return list(hits.values())
            want = 2 * want + 8

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._invalidate()
        self.conn.close()


def _scan_lists(
    ivf: _Ivf, data: np.ndarray, q: np.ndarray, keep: np.ndarray, filtered: bool, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ann.scan_lists` with this module's scan budget (read at call time)."""
    return ann.scan_lists(
        ivf,
        data,
        q,
        keep,
        filtered,
        limit,
        min_scan=ANN_MIN_SCAN,
        per_result=ANN_SCAN_PER_RESULT,
        fraction=ANN_SCAN_FRACTION,
    )


def _cluster(matrix: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ann.cluster` with this module's list sizes (read at call time)."""
    return ann.cluster(matrix, rows, list_size=ANN_LIST_SIZE, lists_per_sqrt=ANN_LISTS_PER_SQRT)


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
    doc_kind: np.ndarray  # int32 code (in ``kinds``) per document number
    doc_issuer: np.ndarray  # int32 code (in ``issuers``) per document number
    kinds: dict[str, int]
    issuers: dict[str, int]
    doc_numbers: dict[str, int]  # document number of each doc_id

    @staticmethod
    def load(conn: sqlite3.Connection, n_rows: int) -> _Table:
        docs = conn.execute("SELECT doc_id, year, kind, issuer FROM docs ORDER BY doc_id").fetchall()
        number = {d[0]: i for i, d in enumerate(docs)}
        kinds: dict[str, int] = {}
        issuers: dict[str, int] = {}
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
            doc_kind=np.array([kinds.setdefault(d[2], len(kinds)) for d in docs], dtype=np.int32),
            doc_issuer=np.array([issuers.setdefault(d[3], len(issuers)) for d in docs], dtype=np.int32),
            kinds=kinds,
            issuers=issuers,
            doc_numbers=number,
        )

    def mask(self, filters: Filters) -> np.ndarray:
        """Per row: live and kept by the filters."""
        live = self.row_doc >= 0
        if filters.empty or not live.any():
            return live
        keep_doc = np.ones(self.doc_year.size + 1, dtype=bool)  # the extra last one: dead rows (-1)
        keep_doc[-1] = False
        docs = keep_doc[:-1]
        if filters.year_from is not None:
            docs &= self.doc_year >= filters.year_from
        if filters.year_to is not None:
            docs &= self.doc_year <= filters.year_to
        if filters.year_from is not None or filters.year_to is not None:
            docs &= self.doc_year > 0
        if filters.kinds:
            docs &= np.isin(self.doc_kind, [self.kinds[k] for k in filters.kinds if k in self.kinds])
        if filters.issuers:
            docs &= np.isin(self.doc_issuer, [self.issuers[i] for i in filters.issuers if i in self.issuers])
        if filters.doc_ids:
            wanted = [self.doc_numbers[d] for d in filters.doc_ids if d in self.doc_numbers]
            docs &= np.isin(np.arange(docs.size), wanted)
        return keep_doc[self.row_doc]
