"""Year-by-year series read straight from a table whose columns (or rows) are years.

Annual service reports print their history as tables: "Année | Tonnages" rows for 2015 to 2023,
or one row per indicator with a column per year. When the question's measured thing names one
such row (or column), the whole series comes from one cited table, each value from its own cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greffier.records import Table, TableCell
from greffier.search.evidence import Weigher, coverage

if TYPE_CHECKING:
    from greffier.search.question import Question

_YEAR = re.compile(r"\s*((?:19|20)\d{2})\s*")
_TABLE_OF_ROW = re.compile(r"^(?P<table>.+:t\d+)r\d+$")


@dataclass(frozen=True)
class TableSeries:
    table: Table
    label: str  # the row (or column) header naming the measured thing
    cells: dict[int, TableCell]  # year -> cell
    score: float


def table_of_passage(passage_id: str) -> str | None:
    m = _TABLE_OF_ROW.match(passage_id)
    return m.group("table") if m else None


def _year(header: str) -> int | None:
    m = _YEAR.fullmatch(header or "")
    return int(m.group(1)) if m else None


def series_of_table(t: Table) -> list[tuple[str, dict[int, TableCell]]]:
    """Every series a table holds: one per row when its columns are years, one per column
    when its rows are years. Cells without a figure are left out."""
    out: list[tuple[str, dict[int, TableCell]]] = []
    year_cols = {c.col for c in t.cells if _year(c.col_header) is not None}
    year_rows = {c.row for c in t.cells if _year(c.row_header) is not None}
    if len(year_cols) >= 2:
        rows: dict[int, dict[int, TableCell]] = {}
        labels: dict[int, str] = {}
        for c in t.cells:
            y = _year(c.col_header)
            if y is not None and c.value is not None:
                rows.setdefault(c.row, {})[y] = c
                labels[c.row] = " ".join(x for x in (c.group, c.row_header) if x)
        out += [(labels[r], cells) for r, cells in rows.items() if len(cells) >= 2]
    if len(year_rows) >= 2:
        cols: dict[int, dict[int, TableCell]] = {}
        clabels: dict[int, str] = {}
        for c in t.cells:
            y = _year(c.row_header)
            if y is not None and c.value is not None and _year(c.text) != y:
                cols.setdefault(c.col, {})[y] = c
                clabels[c.col] = c.col_header
        out += [(clabels[k], cells) for k, cells in cols.items() if len(cells) >= 2]
    return out


def _unit_fits(q: Question, c: TableCell) -> bool:
    if q.unit is None:
        return c.unit not in ("checkbox",)
    if q.unit == "count":
        return c.unit in ("count", None)
    return c.unit == q.unit


def best_table_series(
    tables: list[tuple[Table, float]], q: Question, weights: dict[str, float], wg: Weigher
) -> list[TableSeries]:
    """The tables' series scored against the question, best first. ``tables`` pairs each table
    with the retrieval score (0..1) of its best row."""
    found: list[TableSeries] = []
    for t, retrieval in tables:
        context = wg.tokens(" ".join((*t.section_path, t.caption or "")))
        for label, cells in series_of_table(t):
            fits = sum(_unit_fits(q, c) for c in cells.values())
            if fits < 0.6 * len(cells):
                continue
            label_tokens = wg.tokens(label)
            label_cov = coverage(weights, label_tokens)
            both = coverage(weights, context + label_tokens)
            score = 0.45 * both + 0.35 * label_cov + 0.2 * retrieval
            found.append(TableSeries(t, label, cells, round(score, 4)))
    found.sort(key=lambda s: s.score, reverse=True)
    return found


def series_rows(s: TableSeries, lo: int, hi: int, title: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The series' points within [lo, hi] as trend rows, and the years of that range it lacks."""
    rows = []
    missing = []
    for y in range(lo, hi + 1):
        c = s.cells.get(y)
        if c is None:
            missing.append(y)
            continue
        rows.append(
            {
                "year": y,
                "answer": c.text,
                "value": c.value,
                "unit": c.unit,
                "tax": c.tax,
                "kind": "figure",
                "confidence": round(min(1.0, s.score), 3),
                "doc_id": c.doc_id,
                "title": title,
                "page": c.page,
                "section_path": list(s.table.section_path),
                "evidence": f"{s.label} | {y}: {c.text}",
                "table_id": s.table.table_id,
                "table_caption": s.table.caption,
            }
        )
    return rows, missing


def with_missing_years(result: dict[str, Any]) -> dict[str, Any]:
    """A trend answer as one object: ``{kind: "trend", series: [...], missing_years: [...]}``, the
    years of the range with no value listed (never filled)."""
    if result.get("kind") == "trend" and "missing_years" not in result:
        return {**result, "missing_years": list(result.get("missing") or [])}
    return result
