"""Indicator records against hand-made gold (``tests/gold/indicators/``): precision and recall.

A gold file lists the records of one document (``source`` relative to the corpus root). A gold
record with a value is found when a record of the document has the same code (SISPEA code, or ""
for a figure without one), value (within 1e-6 relative), unit, year and commune (accents, case,
spaces and hyphens ignored). For a gold record without a code, the indicator must be the one its
gold name resolves to in the reference table; a gold name the table does not know is matched on
code "", value, unit, year and commune alone and counted as ``loose``. A gold record without a
value ("non renseigné", "sans objet", blank) is found when a record of the same indicator and year
has no value; a record with a value there is ``invented``. Precision is over the found records
that have a value.

``table_cells`` measures the table finder on the service reports of the same gold (budgets aside):
the share of the gold values printed in a table (``from_table``) that a table found on their page
holds as a cell (the value, sign aside).

The files are split by issuer before tuning (``tune``: the issuers extraction was developed on;
``report``: the held-out ones, whose errors are not looked at while developing).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from greffier.errors import NotFoundError
from greffier.extract.headings import fold
from greffier.extract.indicator_ref import resolve, service_domain
from greffier.extract.pipeline import parse_file
from greffier.records import IndicatorRecord, Table

TUNE = ("Abainville", "Alloue", "Brillac", "Jons", "RPQS-OM", "Bretagne", "Grand Est")
SPLITS = ("tune", "report", "all")


@dataclass(frozen=True)
class FileScore:
    source: str
    split: str
    gold: int  # gold records with a value
    found: int  # extracted records with a value
    right: int  # gold records with a value found
    loose: int  # of which matched without a known indicator name
    nulls: int  # gold records without a value
    nulls_right: int
    invented: int  # gold "no value" records for which a value was extracted
    precise: int  # extracted records with a value that match a gold record
    in_tables: int = 0  # gold values printed in a table (from_table)
    as_cells: int = 0  # of which a table found on their page holds as a cell
    missed: tuple[str, ...] = field(default=())
    spurious: tuple[str, ...] = field(default=())

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.precise / self.found if self.found else 0.0


def split_of(source: str) -> str:
    return "tune" if any(t in source for t in TUNE) else "report"


def _commune(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text or ""))


def _unit(unit: str, value: float | None) -> tuple[str, float | None]:
    unit = unit.split(" (")[0].strip()
    if unit == "million EUR":
        return "EUR", None if value is None else value * 1e6
    return unit, value


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


def score_file(gold: dict[str, Any], records: list[IndicatorRecord], domain: str | None) -> FileScore:
    gold_recs = gold.get("records", [])
    used: set[str] = set()
    right = loose = nulls = nulls_right = invented = 0
    missed = []
    for g in gold_recs:
        code = g.get("code") or ""
        key = None if code else (lambda d: d.key if d else None)(resolve(g["indicator"], domain))
        same_ind = [
            r
            for r in records
            if r.code == code and (code or key is None or r.indicator == key) and r.year == g.get("year")
        ]
        if g.get("value") is None:
            nulls += 1
            if any(r.value is None for r in same_ind):
                nulls_right += 1
            elif any(r.value is not None for r in same_ind):
                invented += 1
            continue
        unit, value = _unit(g["unit"], float(g["value"]))
        hits = [
            r
            for r in same_ind
            if r.value is not None
            and _close(value, r.value)
            and r.unit == unit
            and _commune(r.commune) == _commune(g.get("commune"))
        ]
        if hits:
            right += 1
            loose += int(not code and key is None)
            used.update(r.record_id for r in hits)
        else:
            missed.append(f"{code or g['indicator']} {g['value']} {g['unit']} {g.get('year')} p{g.get('page')}")
    valued = [r for r in records if r.value is not None]
    spurious = [f"{r.indicator} {r.value} {r.unit} {r.year} p{r.page}" for r in valued if r.record_id not in used]
    return FileScore(
        source=gold["source"],
        split=split_of(gold["source"]),
        gold=sum(1 for g in gold_recs if g.get("value") is not None),
        found=len(valued),
        right=right,
        loose=loose,
        nulls=nulls,
        nulls_right=nulls_right,
        invented=invented,
        precise=len(valued) - len(spurious),
        missed=tuple(missed),
        spurious=tuple(spurious),
    )


def table_coverage(gold: dict[str, Any], tables: list[Table]) -> tuple[int, int]:
    """(gold values printed in a table, of which a cell of a table found on their page)."""
    cells: dict[int, list[float]] = {}
    for t in tables:
        for c in t.cells:
            if c.value is not None:
                cells.setdefault(c.page, []).append(abs(c.value))
    total = hit = 0
    for g in gold.get("records", []):
        if g.get("value") is None or not g.get("from_table"):
            continue
        total += 1
        value = abs(float(g["value"]))
        pages = [g.get("page"), *g.get("also_pages", [])]
        hit += any(_close(value, x) for p in pages for x in cells.get(p, []))
    return total, hit


def evaluate_indicators(gold_dir: Path, corpus_root: Path, split: str = "all") -> list[FileScore]:
    """One score per gold file of the split. Raises :class:`NotFoundError` for a missing gold
    directory or source document."""
    files = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []
    if not files:
        raise NotFoundError(f"no gold indicator files in {gold_dir}")
    scores = []
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        if split != "all" and split_of(gold["source"]) != split:
            continue
        source = corpus_root / gold["source"]
        if not source.exists():
            raise NotFoundError(f"gold source {source} is not there (check --corpus-root)")
        parsed = parse_file(source, path.stem[:40])
        domain = service_domain(parsed.document.title + "\n" + "\n".join(p.text for p in parsed.pages[:3]))
        score = score_file(gold, list(parsed.indicators), domain)
        total, hit = table_coverage(gold, list(parsed.tables)) if domain != "budget" else (0, 0)
        scores.append(replace(score, in_tables=total, as_cells=hit))
    return scores


def summary(scores: list[FileScore]) -> list[dict[str, Any]]:
    """One row per file, then one per split present and overall."""
    rows = [_row(s.source, s.split, [s]) for s in scores]
    for name in ("tune", "report"):
        part = [s for s in scores if s.split == name]
        if part:
            rows.append(_row(f"[{name}]", name, part))
    rows.append(_row("[all]", "all", scores))
    return rows


def _row(source: str, split: str, scores: list[FileScore]) -> dict[str, Any]:
    gold = sum(s.gold for s in scores)
    found = sum(s.found for s in scores)
    right = sum(s.right for s in scores)
    precise = sum(s.precise for s in scores)
    nulls = sum(s.nulls for s in scores)
    return {
        "source": source,
        "split": split,
        "gold": gold,
        "found": found,
        "right": right,
        "recall": round(right / gold, 3) if gold else None,
        "precision": round(precise / found, 3) if found else None,
        "loose": sum(s.loose for s in scores),
        "no_value_gold": nulls,
        "no_value_right": sum(s.nulls_right for s in scores),
        "invented": sum(s.invented for s in scores),
        "table_cells": _share(sum(s.as_cells for s in scores), sum(s.in_tables for s in scores)),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
