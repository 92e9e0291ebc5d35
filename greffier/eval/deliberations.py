"""Deliberation records against hand-annotated gold.

Records are aligned by reference when both have one, else by title similarity. A record is
right when its reference, its date and its set of euro amounts all match the gold.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greffier.extract.headings import fold
from greffier.extract.pipeline import parse_file
from greffier.records import Deliberation


def _amount_set(amounts: Any) -> set[tuple[float, str | None]]:
    return {(round(float(a["value"]), 2), a.get("tax")) for a in amounts or [] if a.get("unit", "EUR") in ("EUR", None)}


def vote_ok(gold: dict[str, Any] | None, d: Deliberation) -> bool:
    if gold is None:
        return d.vote is None
    if d.vote is None:
        return False
    return all(gold.get(k) == getattr(d.vote, k) for k in ("pour", "contre", "abstention", "unanimite"))


def align(
    golds: list[dict[str, Any]],
    found: list[Deliberation],
    same_ref: Callable[[str | None, str | None], bool],
) -> list[tuple[dict[str, Any], Deliberation | None]]:
    """Gold records paired greedily with found ones: the same reference (``same_ref``) first,
    else the most similar title (ratio >= 0.6); each found record is used once."""
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], Deliberation | None]] = []
    for g in golds:
        best, best_score = None, 0.0
        for i, d in enumerate(found):
            if i in used:
                continue
            if same_ref(g.get("ref"), d.ref):
                best = i
                break
            score = difflib.SequenceMatcher(None, fold(g.get("title") or ""), fold(d.title)).ratio()
            if score > best_score and score >= 0.6:
                best, best_score = i, score
        if best is not None:
            used.add(best)
        pairs.append((g, found[best] if best is not None else None))
    return pairs


def _same_printed_ref(gold: str | None, found: str | None) -> bool:
    return bool(gold and found and gold.replace(" ", "") == found)


def evaluate_deliberations(gold: Path, corpus_root: Path) -> list[dict[str, Any]]:
    files = sorted(gold.glob("*.json")) if gold.is_dir() else [gold]
    rows = []
    total = {"gold": 0, "found": 0, "matched": 0, "ref_ok": 0, "date_ok": 0, "amounts_ok": 0, "vote_ok": 0, "all_ok": 0}
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        parsed = parse_file(corpus_root / data["source"], "eval")
        found = list(parsed.deliberations)
        row = {
            "source": data["source"],
            "gold": len(data["records"]),
            "found": len(found),
            "matched": 0,
            "ref_ok": 0,
            "date_ok": 0,
            "amounts_ok": 0,
            "vote_ok": 0,
            "all_ok": 0,
        }
        for g, d in align(data["records"], found, _same_printed_ref):
            if d is None:
                continue
            row["matched"] += 1
            ref_ok = (g.get("ref") or None) == (d.ref or None) or (
                g.get("ref") and d.ref and g["ref"].replace(" ", "") == d.ref
            )
            date_ok = g.get("date") == d.date
            amounts_ok = _amount_set(g.get("amounts")) == _amount_set(d.amounts)
            row["ref_ok"] += bool(ref_ok)
            row["date_ok"] += date_ok
            row["amounts_ok"] += amounts_ok
            row["vote_ok"] += vote_ok(g.get("vote"), d)
            row["all_ok"] += bool(ref_ok and date_ok and amounts_ok)
        rows.append(row)
        for k in total:
            total[k] += row[k]
    rows.append({"source": "ALL", **total})
    return rows
