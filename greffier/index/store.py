"""The SQLite record store: documents, pages, sections and passages.

One transaction per document: a document's records are all there or none are. The
``index_state`` column says whether the keyword index has the document's passages
committed too; a document left ``pending`` by a killed run is re-indexed on the next open.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from greffier.errors import IndexMismatchError
from greffier.index.indicator_store import SCHEMA as INDICATOR_SCHEMA
from greffier.index.indicator_store import read_indicators, write_indicators
from greffier.index.sqlite_open import connect, damaged
from greffier.records import (
    Deliberation,
    Document,
    Entity,
    IndicatorRecord,
    Page,
    ParsedDocument,
    Passage,
    Section,
    Table,
    TableCell,
    Vote,
)

SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT,
    kind TEXT NOT NULL,
    year INTEGER,
    date TEXT,
    pages INTEGER NOT NULL,
    source_type TEXT NOT NULL,
    stamps TEXT NOT NULL DEFAULT '[]',
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    body TEXT,
    issuer_printed TEXT,
    siren TEXT,
    index_state TEXT NOT NULL DEFAULT 'pending',
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    removed TEXT NOT NULL DEFAULT '[]',
    ocr INTEGER NOT NULL DEFAULT 0,
    ocr_conf REAL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS sections (
    section_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL,
    level INTEGER NOT NULL,
    path TEXT NOT NULL,
    parent_id TEXT,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sections_doc ON sections(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    section_id TEXT NOT NULL REFERENCES sections(section_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section_path TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    section_id TEXT NOT NULL,
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    value REAL, unit TEXT, currency TEXT, tax TEXT, quantity_of TEXT,
    iso TEXT, precision TEXT, implied_year INTEGER, end_iso TEXT,
    canonical TEXT, acronym TEXT, parent TEXT,
    ref TEXT, date TEXT, body TEXT
);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id, type);
CREATE INDEX IF NOT EXISTS entities_type ON entities(type, unit);
CREATE INDEX IF NOT EXISTS entities_section ON entities(section_id, type);
CREATE TABLE IF NOT EXISTS deliberations (
    delib_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ref TEXT, body TEXT NOT NULL, date TEXT, title TEXT NOT NULL,
    amounts TEXT NOT NULL, vote TEXT,
    page_start INTEGER NOT NULL, page_end INTEGER NOT NULL,
    section_id TEXT, outcome TEXT, pref_id TEXT, pref_date TEXT
);
CREATE INDEX IF NOT EXISTS deliberations_doc ON deliberations(doc_id);
CREATE TABLE IF NOT EXISTS tables (
    table_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, page_end INTEGER NOT NULL, bbox TEXT NOT NULL,
    section_id TEXT, section_path TEXT NOT NULL, caption TEXT NOT NULL, strategy TEXT NOT NULL,
    header_rows TEXT NOT NULL, "rows" TEXT NOT NULL, label_cols INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS tables_doc ON tables(doc_id, page);
CREATE TABLE IF NOT EXISTS table_cells (
    table_id TEXT NOT NULL REFERENCES tables(table_id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, "row" INTEGER NOT NULL, col INTEGER NOT NULL, text TEXT NOT NULL,
    value REAL, unit TEXT, tax TEXT, row_header TEXT NOT NULL, col_header TEXT NOT NULL, "group" TEXT NOT NULL,
    PRIMARY KEY (table_id, "row", col)
);
CREATE INDEX IF NOT EXISTS table_cells_doc ON table_cells(doc_id);
"""

_ENTITY_FIELDS = (
    "entity_id",
    "doc_id",
    "section_id",
    "type",
    "text",
    "page",
    "start",
    "end",
    "sentence",
    "value",
    "unit",
    "currency",
    "tax",
    "quantity_of",
    "iso",
    "precision",
    "implied_year",
    "end_iso",
    "canonical",
    "acronym",
    "parent",
    "ref",
    "date",
    "body",
)


class Store:
    """Records of every ingested document, in one SQLite file."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        """``readonly``: a reader's connection, that never creates or writes anything."""
        self.path = path
        self.readonly = readonly
        try:
            self.conn = connect(path, readonly)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if readonly:
                row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            else:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.executescript(_SCHEMA)
                self.conn.executescript(INDICATOR_SCHEMA)  # added to schema 3 with IF NOT EXISTS: no version bump
                self._add_transmission_columns()  # likewise: empty until a re-ingest fills them
                row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise damaged(path, exc, "record store") from exc
        if row is None and readonly:
            raise damaged(path, ValueError("no schema version"), "record store")
        if row is not None and row[0] == "2" and not readonly:
            self._upgrade_2_to_3()
            row = ("3",)
        if row is None:
            self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"{path}: store schema version {row[0]}, this greffier needs {SCHEMA_VERSION}; "
                "re-ingest into a new --index directory"
            )

    def _add_transmission_columns(self) -> None:
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(deliberations)")}
        for column in ("pref_id", "pref_date"):
            if column not in have:
                self.conn.execute(f"ALTER TABLE deliberations ADD COLUMN {column} TEXT")

    def _upgrade_2_to_3(self) -> None:
        """Version 3 adds OCR provenance (pages, documents) and the deciding body; nothing is lost:
        the new columns start empty and a re-ingest fills them (scans marked needs_ocr are read
        again when OCR is available)."""
        with self.transaction() as c:
            for table, column in (
                ("documents", "ocr_pages INTEGER NOT NULL DEFAULT 0"),
                ("documents", "body TEXT"),
                ("documents", "issuer_printed TEXT"),
                ("documents", "siren TEXT"),
                ("pages", "ocr INTEGER NOT NULL DEFAULT 0"),
                ("pages", "ocr_conf REAL"),
            ):
                c.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            c.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------
    def replace_document(self, parsed: ParsedDocument, old_doc_id: str | None = None) -> None:
        """Write one document's records, replacing what the same path had, atomically.

        The document is left with ``index_state = 'pending'`` until :meth:`mark_indexed`.
        """
        d = parsed.document
        with self.transaction() as c:
            c.execute("DELETE FROM documents WHERE path = ? OR doc_id = ?", (d.path, d.doc_id))
            if old_doc_id:
                c.execute("DELETE FROM documents WHERE doc_id = ?", (old_doc_id,))
            c.execute(
                "INSERT INTO documents (doc_id, path, sha256, status, title, issuer, kind, year, date, pages,"
                " source_type, stamps, ocr_pages, body, issuer_printed, siren, index_state)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, 'pending')",
                (
                    d.doc_id,
                    d.path,
                    d.sha256,
                    d.status,
                    d.title,
                    d.issuer,
                    d.kind,
                    d.year,
                    d.date,
                    d.pages,
                    d.source_type,
                    json.dumps(list(d.stamps), ensure_ascii=False),
                    d.ocr_pages,
                    d.body,
                    d.issuer_printed,
                    d.siren,
                ),
            )
            c.executemany(
                "INSERT INTO pages (doc_id, number, label, text, removed, ocr, ocr_conf) VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        p.doc_id,
                        p.number,
                        p.label,
                        p.text,
                        json.dumps(list(p.removed), ensure_ascii=False),
                        int(p.ocr),
                        p.ocr_conf,
                    )
                    for p in parsed.pages
                ],
            )
            c.executemany(
                "INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        s.section_id,
                        s.doc_id,
                        s.ordinal,
                        s.heading,
                        s.level,
                        json.dumps(list(s.path), ensure_ascii=False),
                        s.parent_id,
                        s.page_start,
                        s.page_end,
                        s.text,
                    )
                    for s in parsed.sections
                ],
            )
            c.executemany(
                "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        p.passage_id,
                        p.doc_id,
                        p.section_id,
                        p.ordinal,
                        p.page,
                        p.page_end,
                        json.dumps(list(p.section_path), ensure_ascii=False),
                        p.start,
                        p.end,
                        p.text,
                    )
                    for p in parsed.passages
                ],
            )
            self._write_entities(c, parsed)
            _write_tables(c, parsed)
            write_indicators(c, parsed)

    def _write_entities(self, c: sqlite3.Connection, parsed: ParsedDocument) -> None:
        cols = ", ".join(f'"{f}"' for f in _ENTITY_FIELDS)
        marks = ",".join("?" * len(_ENTITY_FIELDS))
        c.executemany(
            f"INSERT INTO entities ({cols}) VALUES ({marks})",
            [tuple(getattr(e, f) for f in _ENTITY_FIELDS) for e in parsed.entities],
        )
        c.executemany(
            "INSERT INTO deliberations (delib_id, doc_id, ref, body, date, title, amounts, vote, page_start,"
            " page_end, section_id, outcome, pref_id, pref_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    d.delib_id,
                    d.doc_id,
                    d.ref,
                    d.body,
                    d.date,
                    d.title,
                    json.dumps(list(d.amounts), ensure_ascii=False),
                    json.dumps(asdict(d.vote)) if d.vote else None,
                    d.page_start,
                    d.page_end,
                    d.section_id,
                    d.outcome,
                    d.pref_id,
                    d.pref_date,
                )
                for d in parsed.deliberations
            ],
        )

    def entities(
        self,
        doc_id: str | None = None,
        types: tuple[str, ...] = (),
        year: int | None = None,
        unit: str | None = None,
        direction: str | None = None,
        limit: int | None = None,
    ) -> list[Entity]:
        sql = "SELECT e.* FROM entities e JOIN documents d USING (doc_id) WHERE 1=1"
        args: list[Any] = []
        if doc_id:
            sql += " AND e.doc_id = ?"
            args.append(doc_id)
        if types:
            sql += f" AND e.type IN ({','.join('?' * len(types))})"
            args.extend(types)
        if year is not None:
            sql += " AND d.year = ?"
            args.append(year)
        if unit:
            sql += " AND e.unit = ?"
            args.append(unit)
        if direction:
            sql += " AND e.type = 'DIRECTION' AND (e.canonical LIKE ? OR e.acronym = ?)"
            args.extend([f"%{direction}%", direction])
        sql += " ORDER BY d.year, e.doc_id, e.entity_id"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        return [_entity(r) for r in self.conn.execute(sql, args)]

    def entities_of_sections(self, section_ids: list[str], types: tuple[str, ...] = ()) -> list[Entity]:
        out: list[Entity] = []
        for chunk, marks in _chunks(section_ids):
            sql = f"SELECT * FROM entities WHERE section_id IN ({marks})"
            args: list[Any] = list(chunk)
            if types:
                sql += f" AND type IN ({','.join('?' * len(types))})"
                args.extend(types)
            out.extend(_entity(r) for r in self.conn.execute(sql, args))
        return out

    def passages_holding(self, passage_ids: list[str], types: tuple[str, ...]) -> set[str]:
        """The passages (of ``passage_ids``) that hold an entity of one of ``types``: inside
        the passage's span, or, for a table row, one of its cells."""
        out: set[str] = set()
        for chunk, marks in _chunks(passage_ids):
            sql = (
                "SELECT DISTINCT p.passage_id FROM passages p JOIN entities e ON e.section_id = p.section_id "
                'AND ((p.start < p."end" AND e.start >= p.start AND e."end" <= p."end") '
                'OR (p.start = p."end" AND substr(e.entity_id, 1, length(p.passage_id)) = p.passage_id)) '
                f"WHERE p.passage_id IN ({marks}) AND e.type IN ({','.join('?' * len(types))})"
            )
            out.update(r[0] for r in self.conn.execute(sql, [*chunk, *types]))
        return out

    def ocr_pages(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], float | None]:
        """Of the given (doc_id, page) pairs, those read by OCR, with their mean word confidence."""
        out: dict[tuple[str, int], float | None] = {}
        wanted = set(keys)
        # one query per 400 documents (search and ask call this for every result list)
        for chunk, marks in _chunks(sorted({k[0] for k in wanted})):
            sql = f"SELECT doc_id, number, ocr_conf FROM pages WHERE ocr = 1 AND doc_id IN ({marks})"
            for doc_id, number, conf in self.conn.execute(sql, chunk):
                if (doc_id, number) in wanted:
                    out[(doc_id, number)] = conf
        return out

    def page_text(self, doc_id: str, number: int) -> str | None:
        row = self.conn.execute("SELECT text FROM pages WHERE doc_id = ? AND number = ?", (doc_id, number)).fetchone()
        return row[0] if row else None

    def deliberations(self, doc_id: str | None = None, year: int | None = None) -> list[Deliberation]:
        sql = "SELECT l.* FROM deliberations l JOIN documents d USING (doc_id) WHERE 1=1"
        args: list[Any] = []
        if doc_id:
            sql += " AND l.doc_id = ?"
            args.append(doc_id)
        if year is not None:
            sql += " AND (substr(l.date, 1, 4) = ? OR (l.date IS NULL AND d.year = ?))"
            args.extend([str(year), year])
        sql += " ORDER BY l.date, l.delib_id"
        return [
            Deliberation(
                delib_id=r["delib_id"],
                doc_id=r["doc_id"],
                ref=r["ref"],
                body=r["body"],
                date=r["date"],
                title=r["title"],
                amounts=tuple(json.loads(r["amounts"])),
                vote=Vote(**json.loads(r["vote"])) if r["vote"] else None,
                page_start=r["page_start"],
                page_end=r["page_end"],
                section_id=r["section_id"],
                outcome=r["outcome"],
                pref_id=r["pref_id"] if "pref_id" in r.keys() else None,  # a read-only store of before
                pref_date=r["pref_date"] if "pref_date" in r.keys() else None,
            )
            for r in self.conn.execute(sql, args)
        ]

    def mark_indexed(self, doc_id: str) -> None:
        self.conn.execute("UPDATE documents SET index_state = 'done' WHERE doc_id = ?", (doc_id,))

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    # -- reads ----------------------------------------------------------------------
    def document_by_path(self, path: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE path = ?", (path,)).fetchone()
        return _document(row) if row else None

    def document(self, doc_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def documents(self) -> list[Document]:
        rows = self.conn.execute("SELECT * FROM documents ORDER BY year, date, path").fetchall()
        return [_document(r) for r in rows]

    def doc_id_taken(self, doc_id: str, path: str) -> bool:
        row = self.conn.execute("SELECT path FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row is not None and row[0] != path

    def pending_documents(self) -> list[str]:
        rows = self.conn.execute("SELECT doc_id FROM documents WHERE index_state != 'done'").fetchall()
        return [r[0] for r in rows]

    def sections(self, doc_id: str) -> list[Section]:
        rows = self.conn.execute("SELECT * FROM sections WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
        return [
            Section(
                section_id=r["section_id"],
                doc_id=r["doc_id"],
                ordinal=r["ordinal"],
                heading=r["heading"],
                level=r["level"],
                path=tuple(json.loads(r["path"])),
                parent_id=r["parent_id"],
                page_start=r["page_start"],
                page_end=r["page_end"],
                text=r["text"],
            )
            for r in rows
        ]

    def section_texts(self, section_ids: list[str]) -> dict[str, str]:
        """The text of each of these sections, by id."""
        out: dict[str, str] = {}
        for chunk, marks in _chunks(section_ids):
            for r in self.conn.execute(f"SELECT section_id, text FROM sections WHERE section_id IN ({marks})", chunk):
                out[r["section_id"]] = r["text"]
        return out

    def pages(self, doc_id: str) -> list[Page]:
        rows = self.conn.execute("SELECT * FROM pages WHERE doc_id = ? ORDER BY number", (doc_id,)).fetchall()
        return [
            Page(
                doc_id=r["doc_id"],
                number=r["number"],
                label=r["label"],
                text=r["text"],
                removed=tuple(json.loads(r["removed"])),
                ocr=bool(r["ocr"]),
                ocr_conf=r["ocr_conf"],
            )
            for r in rows
        ]

    def passages(self, doc_id: str | None = None) -> Iterator[Passage]:
        sql = "SELECT * FROM passages" + (" WHERE doc_id = ?" if doc_id else "") + " ORDER BY doc_id, ordinal"
        for r in self.conn.execute(sql, (doc_id,) if doc_id else ()):
            yield _passage(r)

    def passages_by_id(self, ids: list[str]) -> dict[str, Passage]:
        out: dict[str, Passage] = {}
        for chunk, marks in _chunks(ids):
            for r in self.conn.execute(f"SELECT * FROM passages WHERE passage_id IN ({marks})", chunk):
                out[r["passage_id"]] = _passage(r)
        return out

    def issuers_by_siren(self) -> dict[str, str]:
        """SIREN -> the issuer most documents of that SIREN name."""
        rows = self.conn.execute(
            "SELECT siren, issuer, count(*) AS n FROM documents WHERE siren IS NOT NULL AND issuer IS NOT NULL"
            " GROUP BY siren, issuer ORDER BY n DESC"
        ).fetchall()
        out: dict[str, str] = {}
        for r in rows:
            out.setdefault(r["siren"], r["issuer"])
        return out

    def issuers(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT issuer FROM documents WHERE issuer IS NOT NULL")]

    def counts(self) -> dict[str, Any]:
        c = self.conn
        return {
            "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
            "needs_ocr": c.execute("SELECT count(*) FROM documents WHERE status = 'needs_ocr'").fetchone()[0],
            "pages": c.execute("SELECT count(*) FROM pages").fetchone()[0],
            "ocr_pages": c.execute("SELECT count(*) FROM pages WHERE ocr = 1").fetchone()[0],
            "sections": c.execute("SELECT count(*) FROM sections").fetchone()[0],
            "passages": c.execute("SELECT count(*) FROM passages").fetchone()[0],
            "tables": c.execute("SELECT count(*) FROM tables").fetchone()[0],
        }

    # -- indicators (greffier.extract.indicators) -----------------------------------
    def indicators(
        self,
        indicator: str | None = None,
        issuer: str | None = None,
        year: int | None = None,
        doc_id: str | None = None,
    ) -> list[IndicatorRecord]:
        try:
            return read_indicators(self.conn, indicator, issuer, year, doc_id)
        except sqlite3.OperationalError:  # opened read-only, built before indicators: none yet
            return []

    # -- tables (greffier.extract.tables) ---------------------------------------------
    def tables(self, doc_id: str | None = None, page: int | None = None) -> list[Table]:
        """Tables with their cells, in document and page order."""
        sql = "SELECT t.* FROM tables t JOIN documents d USING (doc_id) WHERE 1=1"
        args: list[Any] = []
        if doc_id:
            sql += " AND t.doc_id = ?"
            args.append(doc_id)
        if page is not None:
            sql += " AND t.page <= ? AND t.page_end >= ?"
            args.extend([page, page])
        rows = self.conn.execute(sql + " ORDER BY d.year, t.doc_id, t.table_id", args).fetchall()
        return [_table(r, self._cells(r["table_id"])) for r in rows]

    def table(self, table_id: str) -> Table | None:
        row = self.conn.execute("SELECT * FROM tables WHERE table_id = ?", (table_id,)).fetchone()
        return _table(row, self._cells(table_id)) if row else None

    def _cells(self, table_id: str) -> tuple[TableCell, ...]:
        rows = self.conn.execute('SELECT * FROM table_cells WHERE table_id = ? ORDER BY "row", col', (table_id,))
        return tuple(TableCell(**{f: r[f] for f in _CELL_FIELDS}) for r in rows)


def _chunks(ids: list[str], size: int = 400) -> Iterator[tuple[list[str], str]]:
    """``ids`` in slices small enough for one ``IN (...)`` (SQLite caps bound parameters), each
    with its ``?,?,...`` placeholders."""
    for i in range(0, len(ids), size):
        chunk = ids[i : i + size]
        yield chunk, ",".join("?" * len(chunk))


def _entity(r: sqlite3.Row) -> Entity:
    data = {f: r[f] for f in _ENTITY_FIELDS}
    if data["implied_year"] is not None:
        data["implied_year"] = bool(data["implied_year"])
    return Entity(**data)


def _document(r: sqlite3.Row) -> Document:
    return Document(
        doc_id=r["doc_id"],
        path=r["path"],
        sha256=r["sha256"],
        status=r["status"],
        title=r["title"],
        issuer=r["issuer"],
        kind=r["kind"],
        year=r["year"],
        date=r["date"],
        pages=r["pages"],
        source_type=r["source_type"],
        stamps=tuple(json.loads(r["stamps"])),
        ocr_pages=r["ocr_pages"],
        body=r["body"],
        issuer_printed=r["issuer_printed"],
        siren=r["siren"],
    )


def _passage(r: sqlite3.Row) -> Passage:
    return Passage(
        passage_id=r["passage_id"],
        doc_id=r["doc_id"],
        section_id=r["section_id"],
        ordinal=r["ordinal"],
        page=r["page"],
        page_end=r["page_end"],
        section_path=tuple(json.loads(r["section_path"])),
        start=r["start"],
        end=r["end"],
        text=r["text"],
    )


_CELL_FIELDS = (
    "table_id",
    "doc_id",
    "page",
    "row",
    "col",
    "text",
    "value",
    "unit",
    "tax",
    "row_header",
    "col_header",
    "group",
)


def _write_tables(c: sqlite3.Connection, parsed: ParsedDocument) -> None:
    """A document's tables and cells, inside its replace_document transaction."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    c.executemany(
        "INSERT INTO tables (table_id, doc_id, page, page_end, bbox, section_id, section_path, caption, strategy,"
        ' header_rows, "rows", label_cols) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
        [
            (
                t.table_id,
                t.doc_id,
                t.page,
                t.page_end,
                dumps(list(t.bbox)),
                t.section_id,
                dumps(list(t.section_path)),
                t.caption,
                t.strategy,
                dumps([list(r) for r in t.header_rows]),
                dumps([list(r) for r in t.rows]),
                t.label_cols,
            )
            for t in parsed.tables
        ],
    )
    cols = ", ".join(f'"{f}"' for f in _CELL_FIELDS)
    c.executemany(
        f"INSERT INTO table_cells ({cols}) VALUES ({','.join('?' * len(_CELL_FIELDS))})",
        [tuple(getattr(cell, f) for f in _CELL_FIELDS) for t in parsed.tables for cell in t.cells],
    )


def _table(r: sqlite3.Row, cells: tuple[TableCell, ...]) -> Table:
    return Table(
        table_id=r["table_id"],
        doc_id=r["doc_id"],
        page=r["page"],
        page_end=r["page_end"],
        bbox=tuple(json.loads(r["bbox"])),
        section_id=r["section_id"],
        section_path=tuple(json.loads(r["section_path"])),
        caption=r["caption"],
        strategy=r["strategy"],
        header_rows=tuple(tuple(x) for x in json.loads(r["header_rows"])),
        rows=tuple(tuple(x) for x in json.loads(r["rows"])),
        cells=cells,
        label_cols=r["label_cols"],
    )
