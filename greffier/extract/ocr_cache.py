"""OCR results cached by file content and page, beside the index and apart from its store.

A re-ingest, a ``--force`` or a store schema upgrade reads the page from here instead of running
Tesseract again. The key is (file sha256, page number, dpi, engine); one SQLite file that the
parse workers share (WAL, so each worker writes without blocking the others for long).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from greffier.extract.ocr import OcrPage

log = logging.getLogger(__name__)

CACHE_NAME = "ocr-cache.sqlite"


class OcrCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS ocr_pages (sha256 TEXT, page INTEGER, dpi INTEGER, engine TEXT,"
                    " data TEXT, PRIMARY KEY (sha256, page, dpi, engine))"
                )
                # warm-up jobs (greffier.extract.ocr_prefetch) say which pages they are reading
                db.execute(
                    "CREATE TABLE IF NOT EXISTS ocr_warm (sha256 TEXT, first INTEGER, state TEXT,"
                    " PRIMARY KEY (sha256, first))"
                )
                db.commit()
                self._db = db
            except sqlite3.Error as exc:  # a read-only index: OCR still runs, uncached
                log.warning("OCR cache %s unavailable (%s): pages will be read again next time", self.path, exc)
                return None
        return self._db

    def get(self, sha256: str, page: int, dpi: int, engine: str) -> OcrPage | None:
        db = self._conn()
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT data FROM ocr_pages WHERE sha256=? AND page=? AND dpi=? AND engine=?",
                (sha256, page, dpi, engine),
            ).fetchone()
        except sqlite3.Error as exc:
            log.warning("OCR cache %s unreadable (%s)", self.path, exc)
            return None
        return OcrPage.from_json(json.loads(row[0])) if row else None

    def put(self, sha256: str, page: int, result: OcrPage) -> None:
        db = self._conn()
        if db is None:
            return
        try:
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO ocr_pages VALUES (?, ?, ?, ?, ?)",
                    (sha256, page, result.dpi, result.engine, json.dumps(result.to_json(), ensure_ascii=False)),
                )
        except sqlite3.Error as exc:
            log.warning("OCR cache %s not written (%s)", self.path, exc)

    def set_warm(self, sha256: str, first: int, state: str) -> None:
        """A warm-up job reading pages first, first + step, ... is ``running`` or ``done``."""
        db = self._conn()
        if db is None:
            return
        try:
            with db:
                db.execute("INSERT OR REPLACE INTO ocr_warm VALUES (?, ?, ?)", (sha256, first, state))
        except sqlite3.Error as exc:
            log.debug("OCR cache %s: warm-up state not written (%s)", self.path, exc)

    def warm_state(self, sha256: str, first: int) -> str | None:
        db = self._conn()
        if db is None:
            return None
        try:
            row = db.execute("SELECT state FROM ocr_warm WHERE sha256=? AND first=?", (sha256, first)).fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row else None

    def pages(self, sha256: str) -> dict[int, OcrPage]:
        """Every cached page of one file (any dpi/engine: the latest written wins)."""
        db = self._conn()
        if db is None:
            return {}
        rows = db.execute("SELECT page, data FROM ocr_pages WHERE sha256=? ORDER BY rowid", (sha256,)).fetchall()
        return {int(p): OcrPage.from_json(json.loads(d)) for p, d in rows}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
