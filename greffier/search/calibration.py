"""When an answer is too unsure to give, by kind of answer: the values fit on the tune questions,
and how they were measured.

A date, a body, a vote or a list of names is answered only when its evidence is about what the
question asks: the share of the question's subject words (:mod:`greffier.search.subject`: the words
left once question words, the kind asked and what every act writes are out) in the evidence (the
value's sentence, headings and passage; the decision's text; the words introducing the list) must
reach ``SUBJECT_MIN`` of the kind. Under it greffier abstains and shows the answer it had as a
candidate. Figures have their own model (:mod:`greffier.search.confidence`) and are not gated here.

Measured with ``bench/answers_calibrate.py`` (per-question rows of ``ask`` on the tune questions:
blind3's tune issuers, answers.jsonl, heldout.jsonl, heldout2.jsonl, tune5.jsonl), leave-one-issuer-out:
see the constants' comments.
"""

from __future__ import annotations

from typing import Any

# the smallest share of the question's subject weight in the evidence, per kind of answer. On the
# tune questions before tune5 (blind3 tune, in-house sets) every right answer of these kinds held
# 0.32 or more of it (lists 0.32, votes 0.38, bodies 0.46, dates 0.54), a share under 0.3 is an
# answer read beside another decision's words
SUBJECT_MIN = {"date": 0.3, "direction": 0.3, "vote": 0.3, "list": 0.3}
GATED = tuple(SUBJECT_MIN)


def unsure(result: dict[str, Any]) -> str | None:
    """Why an answer is too unsure to give (None when it may be given)."""
    if result.get("answer") is None:
        return None
    kind = result.get("kind")
    share = result.get("subject")
    if kind in SUBJECT_MIN and share is not None and share < SUBJECT_MIN[kind]:
        return f"its evidence holds {share:.2f} of what the question is about (under {SUBJECT_MIN[kind]} for a {kind})"
    return None


_ROW_KEYS = ("question", "kind", "years")


def calibrated(result: dict[str, Any]) -> dict[str, Any]:
    """``result``, or an abstention listing it as a candidate when :func:`unsure` says so."""
    why = unsure(result)
    if why is None:
        return result
    base = {k: result[k] for k in _ROW_KEYS if k in result}
    row = {k: v for k, v in result.items() if k not in (*_ROW_KEYS, "alternatives", "candidates")}
    alternatives = list(result.get("alternatives") or [])
    return {**base, "answer": None, "reason": f"no answer sure enough: {why}", "candidates": [row, *alternatives][:3]}
