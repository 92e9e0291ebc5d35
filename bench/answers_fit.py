"""Fit the answer model (greffier/search/confidence.py) and choose its threshold, leave-one-issuer-out.

Training questions: the blind3 questions of the TUNE issuers and the in-house sets (answers.jsonl,
heldout.jsonl, heldout2.jsonl), asked on a whole-corpus index. Each question is a row: the evidence
of ask's best candidate, labelled right when it is the gold value. For each issuer in turn, the model is fit on the
others and asked on that issuer's questions; the threshold is the lowest that keeps the pooled
held-out wrong-answer rate, averaged over issuers (each counting the same), at or under MAX_WRONG
when the model answers where ask's hand thresholds abstain (ask's rule). The final model is fit on all of them.

    python bench/answers_fit.py --index /tmp/fullidx2 [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from greffier.api import Greffier
from greffier.eval.answers import TUNE_ISSUERS, _same_value, load_questions
from greffier.search import ask as A
from greffier.search.confidence import FEATURES, Model, features
from greffier.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "questions"
MAX_WRONG = 0.05
L2 = 1.0
DEPTH = 30


def _group(r: dict) -> str:
    if r.get("issuer"):
        return r["issuer"]
    src = (r.get("answer") or {}).get("source") if isinstance(r.get("answer"), dict) else None
    return src.split("/", 1)[0] if src else f"unanswerable:{r['_file']}"


def training_rows(g: Greffier) -> list[dict]:
    rows = []
    for name in ("blind3", "answers", "heldout", "heldout2"):
        for r in load_questions(GOLD / f"{name}.jsonl"):
            if r["type"] not in ("figure", "date", "direction"):
                continue
            if name == "blind3" and r.get("issuer") not in TUNE_ISSUERS:
                continue  # report issuers: never trained on
            r["_file"] = name
            rows.append(r)
    return rows


def collect(g: Greffier, rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        q, issuer = A.understand(g, r["question"])
        if q.kind in ("open", "trend") or A.is_vote_question(r["question"]):
            continue
        if A.indicator_answer(g, r["question"], None, issuer) is not None:
            continue  # answered from indicator records, not by the model
        cands = A.ranked(g, q, issuer)[:DEPTH]
        gold = r.get("answer")
        right = bool(cands) and bool(gold) and _same_value(gold, A._answer_row(cands[0], q), r["type"])
        x = features(cands, q.kind, bool(q.unit or q.counted)) if cands else None
        out.append(
            {"id": r["id"], "group": _group(r), "x": x, "y": right, "answerable": gold is not None, "kind": q.kind}
        )
    return out


def fit(samples: list[dict]) -> Model:
    xs = [s["x"] for s in samples if s["x"] is not None]
    ys = [float(s["y"]) for s in samples if s["x"] is not None]
    if not xs:
        raise SystemExit("no training candidate")
    X = np.hstack([np.asarray(xs), np.ones((len(xs), 1))])
    y = np.asarray(ys)
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], L2)
    reg[-1] = 0.0
    for _ in range(50):  # Newton steps (IRLS)
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + reg * w
        H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg) + 1e-9 * np.eye(X.shape[1])
        step = np.linalg.solve(H, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return Model(tuple(float(v) for v in w[:-1]), float(w[-1]), 0.5)


def outcome(model: Model, s: dict, threshold: float) -> str:
    if s["x"] is None or model.probability(s["x"]) < threshold:
        return "abstained" if s["answerable"] else "right"
    return "right" if s["y"] else "wrong"


def hand_outcome(s: dict) -> str:
    """ask's hand rule before the model: the kind's score and margin thresholds."""
    if s["x"] is None:
        return "abstained" if s["answerable"] else "right"
    top = s["x"]
    kind = "org" if top[FEATURES.index("org")] else s["kind"]
    min_score, min_margin = A.THRESHOLDS.get(kind, A.THRESHOLDS["figure"])
    score, lead, overlap = top[0], top[FEATURES.index("lead")], top[FEATURES.index("overlap")]
    answered = score >= min_score and lead >= min_margin and overlap > 0
    if not answered and s["kind"] in A.LEAD_KINDS and overlap > 0:  # ask's second rule
        answered = score >= A.LEAD_SCORE and lead >= A.LEAD_SHARE * score
    if not answered:
        return "abstained" if s["answerable"] else "right"
    return "right" if s["y"] else "wrong"


def combined(model: Model, s: dict, threshold: float, kinds: tuple[str, ...]) -> str:
    """The hand thresholds answer; where they abstain, the model answers questions of ``kinds`` from
    ``threshold`` (what was measured before keeping the model out of answering)."""
    h = hand_outcome(s)
    if h == "wrong" or (h == "right" and s["answerable"]) or s["kind"] not in kinds:
        return h
    return outcome(model, s, threshold)


def macro(held: list[tuple[Model, dict]], t: float, kinds: tuple[str, ...]) -> tuple[float, float]:
    """Right and wrong rates of ask's rule averaged over issuers, each counting the same: a user's
    corpus is one more issuer, and the in-house sets must not outweigh the others by their size."""
    groups: dict[str, list[str]] = {}
    for m, s in held:
        groups.setdefault(s["group"], []).append(combined(m, s, t, kinds))
    rights = [o.count("right") / len(o) for o in groups.values()]
    wrongs = [o.count("wrong") / len(o) for o in groups.values()]
    return sum(rights) / len(rights), sum(wrongs) / len(wrongs)


def tally(pairs: list[tuple[Model, dict]], t: float) -> dict[str, float]:
    outs = [outcome(m, s, t) for m, s in pairs]
    n = len(outs) or 1
    return {k: round(outs.count(k) / n, 3) for k in ("right", "wrong", "abstained")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--write", action="store_true", help="write greffier/data/answer_model.json")
    ap.add_argument(
        "--kinds", default="figure,date", help="the kinds the model is measured answering (default: figure,date)"
    )
    args = ap.parse_args()
    kinds = tuple(k for k in args.kinds.split(",") if k)
    g = Greffier(Settings(index_dir=args.index, embedding_model=None))
    samples = collect(g, training_rows(g))
    groups = sorted({s["group"] for s in samples})
    print(f"{len(samples)} questions of {len(groups)} issuers", file=sys.stderr)
    hand = [hand_outcome(s) for s in samples]
    print("hand rule:", {k: round(hand.count(k) / len(hand), 3) for k in ("right", "wrong", "abstained")})
    held: list[tuple[Model, dict]] = []
    for grp in groups:
        m = fit([s for s in samples if s["group"] != grp])
        held += [(m, s) for s in samples if s["group"] == grp]
    thresholds = [round(t, 2) for t in np.arange(0.2, 0.96, 0.05)]
    print("threshold  model alone           hand rule, or the model where it abstains   (leave-one-issuer-out)")
    print("           right  wrong           right  wrong      averaged over issuers")
    chosen = None
    for t in thresholds:
        alone = tally(held, t)
        both = [combined(m, s, t, kinds) for m, s in held]
        r, w = both.count("right") / len(both), both.count("wrong") / len(both)
        macro_r, macro_w = macro(held, t, kinds)
        print(
            f"{t:9.2f}  {alone['right']:5.3f}  {alone['wrong']:5.3f}           {r:5.3f}  {w:5.3f}"
            f"      per issuer: {macro_r:5.3f}  {macro_w:5.3f}"
        )
        if chosen is None and macro_w <= MAX_WRONG:
            chosen = t
    chosen = chosen if chosen is not None else thresholds[-1]
    result = [combined(m, s, chosen, kinds) for m, s in held]
    summary = {k: round(result.count(k) / len(result), 3) for k in ("right", "wrong", "abstained")}
    print(f"chosen threshold {chosen}: LOIO {summary}")
    for grp in groups:
        part = [combined(m, s, chosen, kinds) for m, s in held if s["group"] == grp]
        print(f"  {grp:45s} n={len(part):3d}", {k: round(part.count(k) / len(part), 3) for k in ("right", "wrong")})
    final = fit(samples)
    final = Model(
        final.weights,
        final.bias,
        chosen,
        f"{len(samples)} questions of {len(groups)} issuers; LOIO {tally(held, chosen)}",
    )
    for name, w in zip(FEATURES, final.weights):
        print(f"  {name:15s} {w:+.3f}")
    if args.write:
        path = ROOT / "greffier" / "data" / "answer_model.json"
        path.write_text(json.dumps(final.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
