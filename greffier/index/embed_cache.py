"""Passage vectors by text: a model never embeds the same text twice.

``embed-cache.sqlite`` beside the index holds, for each model, the vector of every text it has
embedded there, keyed by the text's content hash (:func:`greffier.index.vectors.content_key`).
It outlives the vector index: a re-ingested document whose passages did not change, a run killed
before its vectors were committed, or an index switched to another model and back
(``greffier embed --model``) take their vectors from here. Rows are float32 (exactly what the
model gave); one write transaction per call, so what was embedded survives a killed run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CACHE_NAME = "embed-cache.sqlite"
_CHUNK = 500  # keys per SELECT (SQLite's variable limit)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID;
"""


class EmbeddingCache:
    """Vectors by (model, content key). Unreadable or unwritable: it just misses (logged)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._broken:
            try:
                self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
                self._conn.executescript(_SCHEMA)
            except sqlite3.Error as exc:
                log.warning("embedding cache %s unusable (%s): texts are embedded again", self.path, exc)
                self._broken = True
                self._conn = None
        return self._conn

    def get(self, model: str, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        db = self._db()
        if db is None or not keys:
            return {}
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for i in range(0, len(unique), _CHUNK):
                chunk = unique[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
                ):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        out[key] = vec
        except sqlite3.Error as exc:
            log.warning("embedding cache %s unreadable (%s)", self.path, exc)
        return out

    def put(self, model: str, keys: Sequence[str], matrix: np.ndarray) -> None:
        db = self._db()
        if db is None or not keys:
            return
        rows = np.ascontiguousarray(matrix, dtype=np.float32)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, k, rows[i].tobytes()) for i, k in enumerate(keys)],
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.warning("embedding cache %s not written (%s)", self.path, exc)
            if db.in_transaction:
                db.execute("ROLLBACK")

    def count(self, model: str) -> int:
        db = self._db()
        if db is None:
            return 0
        return int(db.execute("SELECT count(*) FROM vectors WHERE model = ?", (model,)).fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
