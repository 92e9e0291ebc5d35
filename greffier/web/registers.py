"""The registers (deliberations, tables, indicators, directions): their filters, rows and exports.

A filter comes from the query string, bounded and validated here; an export applies the same
filters as the page that links to it. CSV cells that a spreadsheet would run as formulas are
quoted (:func:`greffier.web.text.csv_safe`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from greffier.extract.headings import fold
from greffier.records import Deliberation, Document, Table, to_dict
from greffier.web.text import csv_safe

VOTES = {
    "": "tous",
    "unanimite": "à l'unanimité",
    "contre": "avec des voix contre",
    "decompte": "avec un décompte des voix",
    "inconnu": "vote non relevé",
}
MAX_TEXT = 200


@dataclass(frozen=True)
class DelibFilters:
    issuer: str = ""
    year: int | None = None
    body: str = ""
    vote: str = ""
    amount_min: float | None = None
    amount_max: float | None = None
    text: str = ""

    def keep(self, d: Deliberation, doc: Document | None) -> bool:
        if self.issuer and (doc is None or fold(self.issuer) not in fold(doc.issuer or "")):
            return False
        if self.body and fold(self.body) != fold(d.body):
            return False
        if self.text and fold(self.text) not in fold(d.title):
            return False
        if self.vote and not _vote_matches(self.vote, d):
            return False
        if self.amount_min is not None or self.amount_max is not None:
            euros = [float(a["value"]) for a in d.amounts if a.get("unit") == "EUR" and a.get("value") is not None]
            lo = self.amount_min if self.amount_min is not None else float("-inf")
            hi = self.amount_max if self.amount_max is not None else float("inf")
            if not any(lo <= v <= hi for v in euros):
                return False
        return True


def _vote_matches(vote: str, d: Deliberation) -> bool:
    v = d.vote
    if vote == "inconnu":
        return v is None
    if v is None:
        return False
    if vote == "unanimite":
        return v.unanimite
    if vote == "contre":
        return bool(v.contre)
    if vote == "decompte":
        return v.pour is not None
    return True


def parse_amount(raw: str | None) -> float | None:
    """A bound typed by a person: "1 500", "1500,50", "2e3" are read; anything else is none."""
    if not raw:
        return None
    text = raw.strip()[:40].replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if abs(value) < 1e15 else None


def delib_row(d: Deliberation, doc: Document | None) -> dict[str, Any]:
    row = to_dict(d)
    row["issuer"] = doc.issuer if doc else None
    row["amounts"] = [{k: a.get(k) for k in ("value", "unit", "tax")} for a in d.amounts]
    return row


DELIB_COLUMNS = ["ref", "date", "issuer", "body", "title", "vote", "amounts", "doc_id", "page_start", "page_end"]


def table_row(t: Table, doc: Document | None) -> dict[str, Any]:
    return {
        "table_id": t.table_id,
        "doc_id": t.doc_id,
        "issuer": doc.issuer if doc else None,
        "year": doc.year if doc else None,
        "page": t.page,
        "page_end": t.page_end,
        "caption": t.caption,
        "section_path": list(t.section_path),
        "n_rows": len(t.rows),
        "n_cols": max((len(r) for r in t.rows), default=0),
        "strategy": t.strategy,
    }


TABLE_COLUMNS = ["table_id", "doc_id", "issuer", "year", "page", "page_end", "caption", "n_rows", "n_cols"]
DIRECTION_COLUMNS = ["canonical", "acronym", "parent", "mentions", "cited"]
INDICATOR_COLUMNS = [
    "indicator", "code", "value", "unit", "year", "as_of", "commune", "issuer", "status", "conflict", "doc_id", "page",
]  # fmt: skip


def keep_table(t: Table, doc: Document | None, issuer: str, year: int | None, text: str) -> bool:
    if issuer and (doc is None or fold(issuer) not in fold(doc.issuer or "")):
        return False
    if year is not None and (doc is None or doc.year != year):
        return False
    return not text or fold(text) in fold(" ".join([t.caption, *t.section_path]))


def to_csv(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([csv_safe(_cell(r.get(c))) for c in columns])
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1, default=str)


def table_grid(t: Table) -> list[list[str]]:
    """The table as the document shows it: its header rows, then its body rows."""
    return [list(r) for r in t.header_rows] + [list(r) for r in t.rows]
