"""When an answer is too unsure to give, by kind of answer: the values fit on the tune questions,
and how they were measured.

A date, a body, a vote or a list of names is answered only when its evidence is about what the
question asks: the share of the question's subject words (:mod:`greffier.search.subject`: the words
left once question words, the kind asked and what every act writes are out) in the evidence (the
value's sentence, headings and passage; the decision's text; the words introducing the list) must
reach ``SUBJECT_MIN`` of the kind, and its confidence ``CONFIDENCE_MIN``. Under either greffier
abstains and shows the answer it had as a candidate. Figures have their own model
(:mod:`greffier.search.confidence`) and are not gated here.

Measured with ``bench/answers_calibrate.py`` (per-question rows of ``ask`` on the tune questions:
blind3's tune issuers, answers.jsonl, heldout.jsonl, heldout2.jsonl, tune5.jsonl), leave-one-issuer-out:
see the constants' comments.
"""

from __future__ import annotations

from typing import Any

from greffier.search.bodies import asks_person

# the smallest share of the question's subject weight in the evidence, per kind of answer: the least
# share of a right answer of that kind on the tune issuers, rounded down to 0.05 (bench/answers_calibrate.py,
# 372 questions of 15 issuers and sets, tune5 included; 2026-12-02). Right answers held at least: dates
# 0.48, bodies 0.46, votes 0.38, lists 0.32. Leave-one-issuer-out (each issuer's threshold from the
# others' right answers) this rule withholds 1 of 26 right dates, 1 of 23 bodies, 4 of 21 votes and 4 of
# 14 lists, and the one wrong answer of these kinds on the tune issuers (a date whose gold holds an hour)
# is kept: the tune issuers, where these readers were written, have almost no wrong answer to fit on,
# so the values are a floor under what a right answer looked like, not a fitted optimum.
SUBJECT_MIN = {"date": 0.45, "direction": 0.45, "vote": 0.35, "list": 0.3}
# the least confidence of a right answer, the same way, where it is more than the kind's own reader
# demands (votes and lists: their readers' MIN_SCORE already is): dates 0.57, bodies 0.62. Leave-one-
# issuer-out, both floors together withhold 2 of 26 right dates and 1 of 23 bodies
# (tenth session: bodies 0.6 -> 0.4 with the named-body lead rule of search/named.py: right bodies of the
# blind tune6/tune7 sets lead the next name clearly at 0.44-0.59; tune7 bodies 0.318 -> 0.409 right, no
# wrong one on any tune set, the ablation probe's false bodies unchanged at 1 of 24)
CONFIDENCE_MIN = {"date": 0.55, "direction": 0.4}


def unsure(result: dict[str, Any]) -> str | None:
    """Why an answer is too unsure to give (None when it may be given)."""
    if result.get("answer") is None:
        return None
    kind = result.get("kind")
    if kind == "direction" and asks_person(result.get("question") or ""):
        return "the question asks for a person, and the answer is a body"
    share = result.get("subject")
    if kind in SUBJECT_MIN and share is not None and share < SUBJECT_MIN[kind]:
        return f"its evidence holds {share:.2f} of what the question is about (under {SUBJECT_MIN[kind]} for a {kind})"
    confidence = result.get("confidence")
    if kind in CONFIDENCE_MIN and confidence is not None and confidence < CONFIDENCE_MIN[kind]:
        return f"its confidence {confidence} is under {CONFIDENCE_MIN[kind]} for a {kind}"
    return None


_ROW_KEYS = ("question", "kind", "years")


def calibrated(result: dict[str, Any], why: str | None = None) -> dict[str, Any]:
    """``result``, or an abstention listing it as a candidate when :func:`unsure` says so (or
    ``why``: another reason, as a premise of the question its document does not hold)."""
    why = unsure(result) or (why if result.get("answer") is not None else None)
    if why is None:
        return result
    base = {k: result[k] for k in _ROW_KEYS if k in result}
    row = {k: v for k, v in result.items() if k not in (*_ROW_KEYS, "alternatives", "candidates")}
    alternatives = list(result.get("alternatives") or [])
    return {**base, "answer": None, "reason": f"no answer sure enough: {why}", "candidates": [row, *alternatives][:3]}
