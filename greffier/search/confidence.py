"""How likely ask's best candidate is the answer: a logistic model over its evidence, fit on questions
of several issuers and checked leave-one-issuer-out (bench/answers_fit.py writes
greffier/data/answer_model.json).

The hand score of :mod:`greffier.search.ask` (retrieval, coverage of the question's words in the
passage and sentence, proximity, year and unit agreement) still ranks the candidates; this model
turns the best one's evidence into a probability, with features that generalize across
collectivités: how far its value leads the best other value, how many values come close, whether
other passages give the same value, a table row, a zero in a table, the kind asked. That probability
is the answer's confidence, and ask answers only from the threshold chosen leave-one-issuer-out on
the training questions (a user sets a stricter one with ``ask --min-confidence``).

Measured and left out: the e5 similarity of the question and each candidate's sentence (computed at
question time) moved top-1 accuracy from 0.488 to 0.492 leave-one-issuer-out, for 2.6 s a question.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from greffier.search.candidate import Candidate, value_key

log = logging.getLogger(__name__)

FEATURES = (
    "score",  # the hand score of ask's best candidate
    "lead",  # its score minus the best score of another value
    "lead_share",  # the lead as a share of its score
    "overlap",  # the question's weighted words in its sentence
    "near",  # the same, discounted by distance from the value
    "passage_cov",  # ... in its passage and section path
    "retrieval",  # its passage's search score, relative to the best hit
    "log_factor",  # year, unit, meeting and debate agreement
    "support",  # how many other candidates give the same value (up to 3), / 3
    "zero",  # an amount of 0 (the empty cells of budget tables)
    "table_row",  # read from a table row, not a sentence
    "kind_date",
    "kind_direction",
    "org",  # a body named in the passage (not an extracted direction)
    "ocr",
    "unit_asked",  # the question names a unit or a counted noun
    "close_values",  # other values scoring at least 0.9 of it (up to 3), / 3
    "candidates",  # log(1 + number of candidates) / 3
)


def features(cands: Sequence[Candidate], kind: str, unit_asked: bool) -> list[float]:
    """The row of :data:`FEATURES` of the best candidate of ``cands`` (best first by hand score)."""
    top = cands[0]
    key = value_key(top.entity)
    best_other: dict[tuple[Any, ...], float] = {}
    same = 0
    for c in cands[1:]:
        k = value_key(c.entity)
        if k == key:
            same += 1
        elif k not in best_other:
            best_other[k] = c.score
    other = max(best_other.values(), default=0.0)
    close = sum(1 for s in best_other.values() if s >= 0.9 * top.score)
    lead = top.score - other
    e = top.entity
    return [
        top.score,
        lead,
        lead / top.score if top.score > 0 else 0.0,
        top.overlap,
        top.proximity,
        top.passage_cov,
        top.retrieval,
        max(-2.0, min(1.0, math.log(top.factor))) if top.factor > 0 else -2.0,
        min(same, 3) / 3,
        float(e.type == "AMOUNT" and not e.value),
        float(top.table_row),
        float(kind == "date"),
        float(kind == "direction"),
        float(e.type == "ORG"),
        float(bool(top.hit.extra.get("ocr"))),
        float(unit_asked),
        min(close, 3) / 3,
        math.log(1 + len(cands)) / 3,
    ]


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    bias: float
    threshold: float  # answer from this probability (chosen leave-one-issuer-out)
    trained_on: str = ""

    def probability(self, row: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 5) for w in self.weights],
            "bias": round(self.bias, 5),
            "threshold": self.threshold,
            "trained_on": self.trained_on,
        }


def model_from_json(data: dict[str, Any]) -> Model:
    if list(data.get("features", [])) != list(FEATURES):
        raise ValueError("answer model features differ from this version's")
    return Model(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        float(data["threshold"]),
        data.get("trained_on", ""),
    )


@lru_cache(maxsize=1)
def shipped_model() -> Model | None:
    """The model shipped in greffier/data (None, with a warning, when it is missing or stale)."""
    try:
        text = resources.files("greffier.data").joinpath("answer_model.json").read_text(encoding="utf-8")
        return model_from_json(json.loads(text))
    except (FileNotFoundError, ValueError, KeyError) as exc:
        log.warning("no usable answer model (%s): answers use the hand thresholds", exc)
        return None


def confidence(model: Model, cands: Sequence[Candidate], kind: str, unit_asked: bool) -> float:
    """The probability that the best candidate is the answer (0 without candidates)."""
    return model.probability(features(cands, kind, unit_asked)) if cands else 0.0
