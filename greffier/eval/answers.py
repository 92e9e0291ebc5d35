"""Answer evaluation: accuracy (exact value and unit), wrong-answer rate, abstention rate, and for
trends the share of series whose printed values are all right but that lack some years."""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import InputError, UsageError
from greffier.extract.dates import NUMERIC_DATE, find_dates, make_date
from greffier.extract.headings import fold
from greffier.extract.numbers import parse_number

if TYPE_CHECKING:
    from greffier.api import Greffier

# a question file written by someone else may spell units, types and values its own way (the unit
# aliases are looked up folded: "m³" as "m3", "EUR/m²" as "eur/m2")
_UNIT_ALIASES = {
    "eur/m3": "other", "eur/m2": "other",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "€ ht": "EUR", "€ ttc": "EUR", "eur ht": "EUR",
    "eur ttc": "EUR", "pourcent": "%", "pourcentage": "%", "percent": "%", "pct": "%",
    "tonne": "t", "tonnes": "t", "m3": "m3", "metres cubes": "m3", "hectare": "ha", "hectares": "ha",
    "kilometre": "km", "kilometres": "km", "m2": "m2", "metres carres": "m2", "nombre": "count", "number": "count",
}  # fmt: skip
_KNOWN_UNITS = {"EUR", "%", "t", "m3", "ha", "km", "m2", "count", "kg", "h", "other"}
_TYPE_ALIASES = {
    "amount": "figure", "montant": "figure", "number": "figure", "nombre": "figure", "value": "figure",
    "org": "direction", "organisation": "direction", "organization": "direction", "organisme": "direction",
    "body": "direction", "service": "direction", "series": "trend", "evolution": "trend",
}  # fmt: skip


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of a JSON-lines file, each with a ``type`` (figure, date, direction, trend: read
    from the row, or from its answer when it has none). Raises :class:`InputError` naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read ({exc})") from exc
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}", f"not a JSON object ({exc.msg})") from exc
        if not isinstance(r, dict) or not isinstance(r.get("question"), str) or not r["question"].strip():
            raise InputError(f"{path}:{n}", "no question")
        if "series" not in r and "answer" not in r:
            raise InputError(f"{path}:{n}", 'neither an "answer" (null when the corpus has none) nor a "series"')
        r["type"] = _type_of(r)
        if r["type"] == "trend":
            try:
                r["series"] = [{**y, "year": int(y["year"])} for y in r.get("series") or []]
            except (TypeError, KeyError, ValueError) as exc:
                raise InputError(f"{path}:{n}", "a series point without a year") from exc
        rows.append(r)
    if not rows:
        raise InputError(str(path), "no question")
    return rows


def _type_of(r: dict[str, Any]) -> str:
    t = str(r.get("type") or "").strip().lower()
    t = _TYPE_ALIASES.get(t, t)
    if t in ("figure", "date", "direction", "trend"):
        return t
    if isinstance(r.get("series"), list):
        return "trend"
    value = (r.get("answer") or {}).get("value") if isinstance(r.get("answer"), dict) else None
    if isinstance(value, str) and (_iso(value) or NUMERIC_DATE.fullmatch(value.strip())):
        return "date"
    if isinstance(value, str) and parse_number(value) is None:
        return "direction"
    return "figure"


def _iso(value: str) -> str | None:
    """A date written ISO (2013-10-31, 2013-10), French numeric (31/10/2013) or in words."""
    v = value.strip()
    if len(v) in (7, 10) and v[:4].isdigit() and v[4] == "-":
        return v
    m = NUMERIC_DATE.fullmatch(v)
    if m and len(m.group(3)) == 4:
        return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    found = find_dates(v)
    return found[0].iso if len(found) == 1 else None


def _gold_unit(unit: Any) -> str | None:
    if unit is None:
        return None
    u = str(unit).strip()
    if u in _KNOWN_UNITS:
        return u
    alias = _UNIT_ALIASES.get(fold(u))
    if alias:
        return alias
    return "count" if u and u.isalpha() else u  # "habitants", "délibérations": a count of them


def _same_value(gold: dict[str, Any], got: dict[str, Any], kind: str) -> bool:
    gv, pv = gold.get("value"), got.get("value")
    if gv is None or pv is None:
        return False
    if kind == "date":
        gv = _iso(str(gv)) or str(gv)
        return str(pv).startswith(gv) and len(str(pv)) == len(gv)
    if kind == "direction":
        a, b = fold(str(gv)), fold(str(pv))
        return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
    if isinstance(gv, str):
        gv = parse_number(gv)  # "1 234,56"
    try:
        ok = abs(float(gv) - float(pv)) <= 1e-6 * max(1.0, abs(float(gv)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    gu = _gold_unit(gold.get("unit"))
    return ok and (gu is None or gu == got.get("unit"))


def evaluate_answers(g: Greffier, questions: Path, split: str = "all") -> list[dict[str, Any]]:
    rows = load_questions(questions)
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
