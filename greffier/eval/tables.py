"""Table cells against hand-annotated gold: cell-level precision and recall.

A gold file describes one table: its ``source`` (relative to the corpus root), ``page`` (and
``page_end`` for a table continued over a page break) and its body ``cells``
(``row_header``, ``col_header``, ``text``, ``value``). Only value cells are scored, not the
label cells that make the row headers.

A found cell counts when its value, its row header and its column header are right: headers
are compared accent- and case-insensitively with whitespace collapsed; values within 1e-6
(a cell without a value must have none, and the same text). Each gold table is scored against
the found table on its page that matches it best; precision counts that table's cells on the
gold table's pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greffier.errors import NotFoundError
from greffier.extract.headings import fold
from greffier.extract.pipeline import parse_file
from greffier.records import Table, TableCell


def norm(text: str | None) -> str:
    """A header or text as compared: accents, case, apostrophes and spacing ignored."""
    return re.sub(r"\s+", " ", fold(text or "")).strip()


@dataclass(frozen=True)
class TableScore:
    source: str
    page: int
    gold: int
    found: int
    matched: int
    table_id: str | None
    strategy: str | None
    missed: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0


def _value_ok(gold: dict[str, Any], cell: TableCell) -> bool:
    gv = gold.get("value")
    if gv is None:
        return cell.value is None and norm(gold.get("text")) == norm(cell.text)
    return cell.value is not None and abs(float(gv) - cell.value) <= 1e-6 * max(1.0, abs(float(gv)))


def value_cells(table: Table, first: int, last: int) -> list[TableCell]:
    """The cells scored: filled cells outside the label columns, on pages first..last."""
    return [c for c in table.cells if c.col > table.label_cols and c.text and first <= c.page <= last]


def match(golds: list[dict[str, Any]], cells: list[TableCell]) -> tuple[int, list[str]]:
    """Matched cells, and the gold cells missed (as "row | col: text")."""
    free = list(cells)
    matched, missed = 0, []
    for g in golds:
        key = (norm(g.get("row_header")), norm(g.get("col_header")))
        hit = next((c for c in free if (norm(c.row_header), norm(c.col_header)) == key and _value_ok(g, c)), None)
        if hit is None:
            missed.append(f"{g.get('row_header')} | {g.get('col_header')}: {g.get('text')}")
        else:
            free.remove(hit)
            matched += 1
    return matched, missed


def score_table(gold: dict[str, Any], tables: list[Table]) -> TableScore:
    first = int(gold["page"])
    last = int(gold.get("page_end", first))
    golds = list(gold["cells"])
    best: tuple[int, int, Table | None, list[str]] = (-1, 0, None, [])
    for t in tables:
        if t.page > last or t.page_end < first:
            continue
        cells = value_cells(t, first, last)
        matched, missed = match(golds, cells)
        if matched > best[0]:
            best = (matched, len(cells), t, missed)
    matched, found, table, missed = best
    if table is None:
        return TableScore(
            gold["source"],
            first,
            len(golds),
            0,
            0,
            None,
            None,
            tuple(f"{g.get('row_header')} | {g.get('col_header')}: {g.get('text')}" for g in golds),
        )
    return TableScore(gold["source"], first, len(golds), found, matched, table.table_id, table.strategy, tuple(missed))


def evaluate_tables(gold_dir: Path, corpus_root: Path) -> list[TableScore]:
    """Score every gold table of ``gold_dir`` (or one gold file). Raises NotFoundError when a
    source is missing under ``corpus_root``."""
    files = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else [gold_dir]
    parsed: dict[str, list[Table]] = {}
    out = []
    for f in files:
        gold = json.loads(f.read_text(encoding="utf-8"))
        source = gold["source"]
        if source not in parsed:
            path = corpus_root / source
            if not path.exists():
                raise NotFoundError(f"{f.name}: source {source} not found under {corpus_root}")
            parsed[source] = list(parse_file(path, "eval").tables)
        out.append(score_table(gold, parsed[source]))
    return out


def totals(scores: list[TableScore]) -> dict[str, Any]:
    gold = sum(s.gold for s in scores)
    found = sum(s.found for s in scores)
    matched = sum(s.matched for s in scores)
    return {
        "tables": len(scores),
        "gold": gold,
        "found": found,
        "matched": matched,
        "precision": round(matched / found, 3) if found else 0.0,
        "recall": round(matched / gold, 3) if gold else 0.0,
    }
