"""Opening the index's SQLite files, for writing or strictly for reading.

A reader opens with ``mode=ro``: it never creates, migrates or writes a file, so that an index in a
read-only directory (or one opened with ``--read-only``) can be searched. SQLite in WAL mode needs
a ``-shm`` file beside the database; when none can be made (a read-only directory without one) the
file is opened ``immutable``: nobody can write there either.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from greffier.errors import IndexDamagedError, NotFoundError


def connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (``isolation_level=None``)."""
    if not readonly:
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(str(path), isolation_level=None)
    if not path.exists():
        raise NotFoundError(f"{path} does not exist")
    uri = "file:" + quote(str(path.resolve()))
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
    return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None)


def damaged(path: Path, exc: BaseException, what: str) -> IndexDamagedError:
    """The error for an unreadable SQLite file of the index."""
    return IndexDamagedError(
        f"{path}: the {what} is damaged or not a greffier file ({exc}); run `greffier check --repair`, "
        "or re-ingest into a new --index directory"
    )
