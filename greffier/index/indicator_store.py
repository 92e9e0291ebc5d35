"""The ``indicators`` table of the store (greffier.extract.indicators records).

Added with CREATE TABLE IF NOT EXISTS to store schema 3 (no version bump): an index built before
it simply has no indicator records until its documents are re-ingested (``ingest --force``).
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from typing import Any

from greffier.records import IndicatorRecord, ParsedDocument

SCHEMA = """
CREATE TABLE IF NOT EXISTS indicators (
    record_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    indicator TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    value REAL, unit TEXT NOT NULL, year INTEGER, as_of TEXT,
    issuer TEXT, commune TEXT, service TEXT,
    page INTEGER NOT NULL, evidence TEXT NOT NULL, from_table INTEGER NOT NULL,
    status TEXT NOT NULL, also TEXT NOT NULL, conflict INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS indicators_key ON indicators(indicator, year);
CREATE INDEX IF NOT EXISTS indicators_doc ON indicators(doc_id);
"""

_FIELDS = (
    "record_id",
    "doc_id",
    "indicator",
    "code",
    "name",
    "value",
    "unit",
    "year",
    "as_of",
    "issuer",
    "commune",
    "service",
    "page",
    "evidence",
    "from_table",
    "status",
    "also",
    "conflict",
)


def write_indicators(c: sqlite3.Connection, parsed: ParsedDocument) -> None:
    """A document's indicator records, inside its replace_document transaction."""

    def row(r: IndicatorRecord) -> tuple[Any, ...]:
        values = {f: getattr(r, f) for f in _FIELDS}
        values["also"] = json.dumps(list(r.also), ensure_ascii=False)
        values["from_table"] = int(r.from_table)
        values["conflict"] = int(r.conflict)
        return tuple(values[f] for f in _FIELDS)

    c.executemany(
        f"INSERT INTO indicators ({', '.join(_FIELDS)}) VALUES ({','.join('?' * len(_FIELDS))})",
        [row(r) for r in parsed.indicators],
    )


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def read_indicators(
    conn: sqlite3.Connection,
    indicator: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    doc_id: str | None = None,
) -> list[IndicatorRecord]:
    """Records, filtered by reference key, issuer or commune (accent-insensitive substring), year
    and document; a document whose issuer is unknown is matched on its title."""
    sql = "SELECT i.*, d.title AS doc_title FROM indicators i JOIN documents d USING (doc_id) WHERE 1=1"
    args: list[Any] = []
    if indicator:
        sql += " AND i.indicator = ?"
        args.append(indicator)
    if year is not None:
        sql += " AND i.year = ?"
        args.append(year)
    if doc_id:
        sql += " AND i.doc_id = ?"
        args.append(doc_id)
    sql += " ORDER BY i.indicator, i.year, i.doc_id, i.page"
    out = []
    for r in conn.execute(sql, args):
        if issuer and _fold(issuer) not in _fold(" ".join(filter(None, (r["issuer"], r["commune"], r["doc_title"])))):
            continue
        out.append(
            IndicatorRecord(
                **{f: r[f] for f in _FIELDS if f not in ("also", "from_table", "conflict")},
                from_table=bool(r["from_table"]),
                conflict=bool(r["conflict"]),
                also=tuple(json.loads(r["also"])),
            )
        )
    return out
