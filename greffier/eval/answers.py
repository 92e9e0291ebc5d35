"""Answer evaluation: accuracy (exact value and unit), wrong-answer rate, abstention rate, and for
trends the share of series whose printed values are all right but that lack some years."""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import UsageError
from greffier.extract.headings import fold

if TYPE_CHECKING:
    from greffier.api import Greffier

_UNIT_ALIASES = {"EUR/m3": "other", "EUR/m²": "other", "EUR/m2": "other"}


def _same_value(gold: dict[str, Any], got: dict[str, Any], kind: str) -> bool:
    gv, pv = gold.get("value"), got.get("value")
    if gv is None or pv is None:
        return False
    if kind == "date":
        return str(pv).startswith(str(gv)) and len(str(pv)) == len(str(gv))
    if kind == "direction":
        a, b = fold(str(gv)), fold(str(pv))
        return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
    try:
        ok = abs(float(gv) - float(pv)) <= 1e-6 * max(1.0, abs(float(gv)))
    except (TypeError, ValueError):
        return False
    gu = _UNIT_ALIASES.get(gold.get("unit") or "", gold.get("unit"))
    return ok and (gu is None or gu == got.get("unit"))


def evaluate_answers(g: Greffier, questions: Path, split: str = "all") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    if split != "all":
        splits = sorted({str(r.get("split")) for r in rows})
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            raise UsageError(f"{questions}: no question of split {split!r} (its splits: {', '.join(splits)})")
    tally: dict[str, dict[str, int]] = defaultdict(
        lambda: {"n": 0, "right": 0, "wrong": 0, "abstained": 0, "incomplete": 0}
    )
    for r in rows:
        group = "trend" if r["type"] == "trend" else "ask"
        t = tally[group]
        t["n"] += 1
        if group == "trend":
            got = g.ask(r["question"])
            series = {s["year"]: s for s in got.get("series", [])} if got.get("kind") == "trend" else {}
            if not series:
                t["abstained"] += 1
                continue
            gold_years = {s["year"]: s for s in r["series"]}
            # a printed value that is wrong (or printed for a year the corpus has no value for,
            # or for a year outside the gold) makes the series wrong; right values with some
            # years reported missing make it incomplete; every year right makes it right
            printed_wrong = any(
                y not in gold_years or gold_years[y].get("value") is None or not _same_value(gold_years[y], p, "figure")
                for y, p in series.items()
            )
            lacking = any(s.get("value") is not None and s["year"] not in series for s in r["series"])
            t["wrong" if printed_wrong else "incomplete" if lacking else "right"] += 1
            continue
        got = g.ask(r["question"])
        gold = r.get("answer")
        if got.get("answer") is None:
            t["right" if gold is None else "abstained"] += 1
        elif gold is None:
            t["wrong"] += 1
        else:
            t["right" if _same_value(gold, got, r["type"]) else "wrong"] += 1
    out = []
    for group in ("ask", "trend"):
        t = tally[group]
        n = t["n"] or 1
        out.append(
            {
                "group": group,
                "split": split,
                "questions": t["n"],
                "accuracy": round(t["right"] / n, 3),
                "wrong_rate": round(t["wrong"] / n, 3),
                "abstention_rate": round(t["abstained"] / n, 3),
                "incomplete_rate": round(t["incomplete"] / n, 3),  # trends: right values, some years missing
            }
        )
    return out
