"""Store <-> keyword index <-> vectors: checks, and repairs from the store.

The store is the record; the keyword index and the vectors are derived from it. :func:`check`
compares them (counts, document ids, passage ids, the matrix file's size against the rows its id
table claims) without writing anything; :func:`repair` (under the writer lock) rebuilds what is
damaged from the store. :func:`heal_on_open` is the cheap part a writer runs every time it opens,
so that a missing or truncated index part is rebuilt by the next ingest instead of being reported
"unchanged".
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from greffier.errors import GreffierError
from greffier.index.embeddings import NO_MODEL
from greffier.index.keyword import open_keyword_index
from greffier.index.semantic import VECTORS_DIR, embeds
from greffier.index.store import Store
from greffier.index.vectors import VectorIndex

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    part: str  # store | keyword | vectors
    check: str
    ok: bool
    detail: str = ""
    repairable: bool = True


def _store_counts(store: Store) -> tuple[int, int, set[str], set[str]]:
    """(passages of indexed documents, pending documents, ids of indexed documents, all ids)."""
    c = store.conn
    done = c.execute(
        "SELECT count(*) FROM passages JOIN documents USING (doc_id) WHERE index_state = 'done'"
    ).fetchone()[0]
    pending = c.execute("SELECT count(*) FROM documents WHERE index_state != 'done'").fetchone()[0]
    indexed = {r[0] for r in c.execute("SELECT doc_id FROM documents WHERE index_state = 'done'")}
    every = {r[0] for r in c.execute("SELECT doc_id FROM documents")}
    return int(done), int(pending), indexed, every


def _embedded_ids(store: Store, doc_ids: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {d: set() for d in doc_ids}
    for p in store.passages():
        if p.doc_id in out and embeds(p):
            out[p.doc_id].add(p.passage_id)
    return out


def check(g: Greffier) -> list[Finding]:
    """Every check, read-only (no lock taken: a running ingest may show as pending documents)."""
    from greffier.api import KEYWORD_DIR, STORE_NAME

    findings: list[Finding] = []
    try:
        store = Store(g.dir / STORE_NAME, readonly=True)
    except GreffierError as exc:
        return [Finding("store", "open", False, str(exc), repairable=False)]
    try:
        try:
            verdict = store.conn.execute("PRAGMA quick_check").fetchone()[0]
            done, pending, indexed, every = _store_counts(store)
        except sqlite3.DatabaseError as exc:
            return [Finding("store", "integrity", False, f"{exc}: re-ingest into a new --index", repairable=False)]
        findings.append(
            Finding("store", "integrity", verdict == "ok", "" if verdict == "ok" else verdict, repairable=False)
        )
        findings.append(
            Finding(
                "store",
                "pending documents",
                pending == 0,
                f"{pending} document(s) not indexed yet (an interrupted or running ingest)" if pending else "",
            )
        )
        findings.extend(_check_keyword(g, g.dir / KEYWORD_DIR, done, indexed))
        findings.extend(_check_vectors(g, store, every))
    finally:
        store.close()
    return findings


def _check_keyword(g: Greffier, directory: Path, done: int, indexed: set[str]) -> list[Finding]:
    try:
        keyword = open_keyword_index(g._backend_name, directory, readonly=True)
    except GreffierError as exc:
        return [Finding("keyword", "open", False, str(exc))]
    try:
        count = keyword.count()
        ids = keyword.doc_ids()
    except Exception as exc:  # a damaged segment shows only when read
        return [Finding("keyword", "read", False, f"{type(exc).__name__}: {exc}")]
    finally:
        keyword.close()
    out = [
        Finding(
            "keyword",
            "passage count",
            count == done,
            "" if count == done else f"{count} passages indexed, the store has {done}",
        )
    ]
    missing, extra = indexed - ids, ids - indexed
    detail = []
    if missing:
        detail.append(f"{len(missing)} document(s) missing (e.g. {sorted(missing)[0]})")
    if extra:
        detail.append(f"{len(extra)} document(s) not in the store (e.g. {sorted(extra)[0]})")
    out.append(Finding("keyword", "document ids", not detail, "; ".join(detail)))
    return out


def _check_vectors(g: Greffier, store: Store, every: set[str]) -> list[Finding]:
    config = g._saved
    directory = g.dir / VECTORS_DIR
    if config is None or not config.embedding_dim or not directory.exists():
        return [Finding("vectors", "present", True, "no vectors in this index")]
    try:
        vectors = VectorIndex(directory, config.embedding_dim, readonly=True)
    except GreffierError as exc:
        return [Finding("vectors", "open", False, str(exc))]
    try:
        committed, on_disk = vectors.committed_rows(), vectors.rows_on_disk()
        have = {d: set(ids) for d, ids in _rows_by_doc(vectors.conn).items()}
    except sqlite3.DatabaseError as exc:
        return [Finding("vectors", "read", False, str(exc))]
    finally:
        vectors.close()
    out = [
        Finding(
            "vectors",
            "matrix file size",
            on_disk >= committed,
            "" if on_disk >= committed else f"the matrix file holds {on_disk} of the {committed} rows its table claims",
        )
    ]
    stale = set(have) - every
    wanted = _embedded_ids(store, set(have) & every)
    differ = sorted(d for d, ids in wanted.items() if ids != have[d])
    lacking = every - set(have)
    detail = []
    if stale:
        detail.append(f"{len(stale)} document(s) not in the store")
    if differ:
        detail.append(f"{len(differ)} document(s) whose rows are not their passages (e.g. {differ[0]})")
    out.append(Finding("vectors", "passage ids", not detail, "; ".join(detail)))
    if (g.settings.embedding_model or config.embedding_model) != NO_MODEL:
        out.append(
            Finding(
                "vectors",
                "documents embedded",
                not lacking,
                f"{len(lacking)} document(s) have no vectors (e.g. {sorted(lacking)[0]})" if lacking else "",
            )
        )
    return out


def _rows_by_doc(conn: sqlite3.Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in conn.execute("SELECT doc_id FROM docs"):
        out[d[0]] = []
    for pid, doc_id in conn.execute("SELECT passage_id, doc_id FROM rows"):
        out.setdefault(doc_id, []).append(pid)
    return out


# -- repairs (under the writer lock) ---------------------------------------------------------


def open_keyword_for_writer(g: Greffier) -> None:
    """The writer's keyword index; an unreadable one is moved aside and rebuilt from the store."""
    from greffier.api import KEYWORD_DIR

    directory = g.dir / KEYWORD_DIR
    try:
        g._keyword = open_keyword_index(g._backend_name, directory)
    except GreffierError as exc:
        log.warning("%s: rebuilding the keyword index from the store", exc)
        shutil.rmtree(directory, ignore_errors=True)
        g._keyword = open_keyword_index(g._backend_name, directory)


def heal_on_open(g: Greffier) -> None:
    """The cheap checks a writer runs when it opens: vector rows the file lacks (forgotten, to be
    embedded again), vectors of documents the store no longer has, and a keyword index whose
    passage count is not the store's (rebuilt from the store)."""
    store, keyword, semantic = g._store, g._keyword, g._semantic
    assert store is not None and keyword is not None and semantic is not None
    done, pending, _indexed, every = _store_counts(store)
    semantic.repair(every)
    if pending:
        return  # the pending documents are re-indexed first; the count is checked once they are
    count = keyword.count()
    if count != done:
        log.warning(
            "keyword index has %d passages, the store %d: rebuilding the keyword index from the store", count, done
        )
        rebuild_keyword(g)


def rebuild_keyword(g: Greffier) -> int:
    """Every passage of the store indexed again (the keyword index emptied first)."""
    store, keyword = g._store, g._keyword
    assert store is not None and keyword is not None
    for doc_id in keyword.doc_ids():
        keyword.delete_doc(doc_id)
    n = 0
    for doc in store.documents():
        passages = list(store.passages(doc.doc_id))
        keyword.delete_doc(doc.doc_id)
        keyword.add(g._indexed(doc, passages))
        n += len(passages)
    keyword.commit()
    return n


def repair(g: Greffier, findings: list[Finding]) -> None:
    """Rebuild what ``findings`` say is damaged. ``g`` holds the writer lock (its open already ran
    :func:`heal_on_open` and completed pending documents)."""
    assert g._store is not None and g._semantic is not None
    bad = {(f.part, f.check) for f in findings if not f.ok}
    if any(part == "keyword" for part, _ in bad):
        rebuild_keyword(g)
    if ("vectors", "passage ids") in bad:
        vectors = g._semantic._existing_vectors()
        if vectors is not None:
            wanted = _embedded_ids(g._store, vectors.doc_ids())
            have = _rows_by_doc(vectors.conn)
            for doc_id, ids in wanted.items():
                if set(have.get(doc_id, [])) != ids:
                    vectors.delete_doc(doc_id)
            vectors.commit()
    g._embed_missing()
