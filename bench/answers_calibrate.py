"""Fit ask's per-kind abstention (greffier/search/calibration.py) leave-one-issuer-out.

Training questions: every question of the tune issuers (blind3.jsonl's tune part, answers.jsonl,
heldout.jsonl, heldout2.jsonl and, when present, tune5.jsonl's tune part; trends left out), asked
on a whole-corpus index with the gate off. Each answer is a row: its kind (date, direction, vote,
list), its confidence, and its ``subject`` share (the question's subject words in its evidence),
labelled right or wrong against the gold; an abstention stays one whatever the thresholds.

For each kind, the floors are the least subject share and the least confidence of a right answer of
that kind, rounded down to 0.05 (an answer under either is withheld). Leave-one-issuer-out, each
issuer's floors come from the other issuers' right answers and are applied to its own. Also printed:
the pair (subject, confidence) with the most right answers minus PENALTY wrong ones on the other
issuers (a wrong answer costs PENALTY right ones), which on the tune issuers chooses no gate at all:
they have almost no wrong answer of these kinds to fit on.

    python bench/answers_calibrate.py --index /tmp/answers-idx
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from greffier.api import Greffier
from greffier.eval.answers import _same_value, in_part, load_questions
from greffier.search import ask as A
from greffier.search.calibration import CONFIDENCE_MIN, SUBJECT_MIN
from greffier.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "questions"
SETS = ("blind3", "answers", "heldout", "heldout2", "tune5")
KINDS = ("date", "direction", "vote", "list")
PENALTY = 3.0
SUBJECT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
CONFIDENCE_GRID = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8)


def _group(r: dict[str, Any], name: str) -> str:
    if r.get("issuer"):
        return r["issuer"]
    src = (r.get("answer") or {}).get("source") if isinstance(r.get("answer"), dict) else None
    return src.split("/", 1)[0] if src else f"unanswerable:{name}"


def collect(g: Greffier) -> list[dict[str, Any]]:
    rows = []
    for name in SETS:
        path = GOLD / f"{name}.jsonl"
        if not path.exists():
            print(f"({path.name} absent)", file=sys.stderr)
            continue
        for r in load_questions(path):
            if r["type"] == "trend" or (name in ("blind3", "tune5") and not in_part(r, "tune")):
                continue  # report issuers: never trained on
            got = A._answer(g, r["question"])  # the answer before the calibration gate
            gold = r.get("answer")
            answered = got.get("answer") is not None
            # the best candidate, answered or not: what a looser threshold would have answered
            top = got if answered else next(iter(got.get("candidates") or []), None)
            top_right = bool(top) and gold is not None and _same_value(gold, top, r["type"])
            rows.append(
                {
                    "group": _group(r, name),
                    "kind": got.get("kind"),
                    "answered": answered,
                    "right": answered and top_right,
                    "unanswerable": gold is None,
                    "subject": got.get("subject"),
                    "confidence": got.get("confidence") or 0.0,
                    "top": None
                    if top is None
                    else {
                        "right": top_right,
                        "confidence": top.get("confidence") or 0.0,
                        "subject": top.get("subject"),
                    },
                    "question": r["question"],
                }
            )
    return rows


def kept(row: dict[str, Any], subject_min: float, confidence_min: float) -> bool:
    share = row["subject"]
    return (share is None or share >= subject_min) and row["confidence"] >= confidence_min


def tally(rows: list[dict[str, Any]], pair: tuple[float, float]) -> tuple[int, int]:
    right = wrong = 0
    for r in rows:
        if r["answered"] and kept(r, *pair):
            right += r["right"]
            wrong += not r["right"]
    return right, wrong


def best_pair(rows: list[dict[str, Any]]) -> tuple[float, float]:
    scored = []
    for pair in itertools.product(SUBJECT_GRID, CONFIDENCE_GRID):
        right, wrong = tally(rows, pair)
        scored.append((right - PENALTY * wrong, -pair[0] - pair[1], pair))
    return max(scored)[2]


def floors(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """The least subject share and confidence of a right answer of ``rows``, rounded down to 0.05."""
    right = [r for r in rows if r["answered"] and r["right"]]
    shares = [r["subject"] for r in right if r["subject"] is not None]
    down = lambda x: math.floor(x * 20 + 1e-9) / 20  # noqa: E731
    return (down(min(shares)) if shares else 0.0, down(min(r["confidence"] for r in right)) if right else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--dump", type=Path, help="write the rows (JSON) for a closer look")
    args = ap.parse_args()
    g = Greffier(Settings(index_dir=args.index, embedding_model=None))
    rows = collect(g)
    if args.dump:
        args.dump.write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    groups = sorted({r["group"] for r in rows})
    print(f"{len(rows)} questions of {len(groups)} issuers and sets")
    print(
        "kind        answers  none: right wrong   calibration.py: right wrong   LOIO floors: right wrong"
        "   LOIO best pair: right wrong   floors on all"
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind in KINDS:
        of_kind = [r for r in rows if r["kind"] == kind]
        results = {
            "none": tally(of_kind, (0.0, 0.0)),
            "shipped": tally(of_kind, (SUBJECT_MIN.get(kind, 0.0), CONFIDENCE_MIN.get(kind, 0.0))),
            "floors": [0, 0],
            "pair": [0, 0],
        }
        for grp in groups:
            others = [r for r in of_kind if r["group"] != grp]
            own = [r for r in of_kind if r["group"] == grp]
            for key, pair in (("floors", floors(others)), ("pair", best_pair(others))):
                right, wrong = tally(own, pair)
                results[key][0] += right
                results[key][1] += wrong
        answers = sum(r["answered"] for r in of_kind)
        cells = "   ".join(f"{results[k][0]:5d} {results[k][1]:5d}" for k in ("none", "shipped", "floors", "pair"))
        low = floors(of_kind)
        print(f"{kind:10s}  {answers:7d}  {cells}   subject >= {low[0]}, confidence >= {low[1]}")
        for key, value in results.items():
            totals[key][0] += value[0]
            totals[key][1] += value[1]
    print("all gated   " + "   ".join(f"{k}: {v[0]} right, {v[1]} wrong" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
