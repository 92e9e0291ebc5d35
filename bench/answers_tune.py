"""Tune ask's per-kind thresholds on some question splits and show what they give on the others.

    .venv/bin/python bench/answers_tune.py INDEX_DIR [--questions FILE ...] [--tune dev,test]

Defaults: the questions of tests/gold/questions/answers.jsonl and heldout.jsonl, tuned on the
splits dev and test together (89 questions; heldout.jsonl is the blind check, never chosen on).

INDEX_DIR: an index of ../shared/corpus (``GREFFIER_INDEX=DIR greffier ingest ../shared/corpus``).
For every (non-trend) question, ask's candidates are ranked once; then each (score, margin)
threshold pair is applied to the chosen splits: the pair kept per kind is the one with the most
right answers among those with at most WRONG_CAP wrong ones (an abstention is better than a wrong
figure); at equal merit, the larger margin and higher score. Margins start at 0.05: two different values
closer than that are a tie, and a tie is never answered. The other splits are printed beside it,
never used to choose. Prints only; exits 0.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from greffier.api import Greffier
from greffier.eval.answers import _same_value
from greffier.search import ask as A
from greffier.search.candidate import value_key
from greffier.settings import Settings

# at most this share of wrong answers on the questions chosen on (the target is <= 5 % on unseen ones)
WRONG_CAP = 0.03
SCORES = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]
MARGINS = [0.05, 0.08, 0.1, 0.12, 0.15, 0.2]


def _decide(rows: list[tuple[str, bool, list[tuple[float, Any, bool]]]], t: float, m: float) -> tuple[int, int, int]:
    right = wrong = 0
    for _, unanswerable, cands in rows:
        if not cands:
            right += unanswerable
            continue
        top_score, top_key, top_ok = cands[0]
        other = next((s for s, k, _ in cands[1:] if k != top_key), 0.0)
        if top_score >= t and top_score - other >= m:
            right += top_ok
            wrong += not top_ok
        else:
            right += unanswerable
    return right, wrong, len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("index", type=Path)
    ap.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="question file (repeatable; default: answers.jsonl and heldout.jsonl of tests/gold/questions)",
    )
    ap.add_argument("--tune", default="dev,test", help="comma-separated splits to choose on [dev,test]")
    args = ap.parse_args()
    gold_dir = Path("tests/gold/questions")
    files = args.questions or [f for f in (gold_dir / "answers.jsonl", gold_dir / "heldout.jsonl") if f.exists()]
    tune = set(args.tune.split(","))
    g = Greffier(Settings(index_dir=args.index))
    data: dict[tuple[str, str], list[tuple[str, bool, list[tuple[float, Any, bool]]]]] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["type"] == "trend":
                continue
            q, issuer = A.understand(g, r["question"])
            cands = [] if q.kind == "trend" else A.rank(g, q, issuer)
            gold = r.get("answer")
            scored = [
                (c.score, value_key(c.entity), bool(gold) and _same_value(gold, A._answer_row(c, q), r["type"]))
                for c in cands
            ]
            data.setdefault((r["type"], r["split"]), []).append((r["id"], gold is None, scored))
    others = sorted({split for _, split in data} - tune)
    print(f"chosen on {'+'.join(sorted(tune))}; right/wrong/n per split")
    print(f"{'kind':10} {'score':>5} {'margin':>6}  {'chosen':12} " + " ".join(f"{o:12}" for o in others) + "  current")
    for kind in ("figure", "date", "direction"):
        chosen = [row for split in tune for row in data.get((kind, split), [])]
        allowed = WRONG_CAP * len(chosen)
        best = max(
            ((t, m) for t in SCORES for m in MARGINS),
            key=lambda tm: (
                # within the cap, the most right; over it, the fewest wrong
                (lambda r: (r[1] <= allowed, r[0] if r[1] <= allowed else -r[1]))(_decide(chosen, *tm)),
                tm[1],  # at equal merit, the larger margin, then the higher score: the safer pair
                tm[0],
            ),
        )
        cur = A.THRESHOLDS[kind]
        beside = " ".join(f"{_decide(data.get((kind, o), []), *best)!s:12}" for o in others)
        now = " ".join(f"{o} {_decide(data.get((kind, o), []), *cur)}" for o in [*sorted(tune), *others])
        print(f"{kind:10} {best[0]:>5} {best[1]:>6}  {_decide(chosen, *best)!s:12} {beside}  {cur}: {now}")


if __name__ == "__main__":
    main()
