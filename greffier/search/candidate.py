"""A candidate answer: a value found in a retrieved passage, with the evidence that scores it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greffier.extract.headings import fold
from greffier.records import Entity, SearchHit

# weights of: retrieval score, passage coverage, sentence coverage, proximity (sum to 1)
WEIGHTS = (0.2, 0.3, 0.2, 0.3)


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    hit: SearchHit
    score: float
    overlap: float  # weighted share of the question's words in the value's sentence
    proximity: float  # the same, discounted by distance from the value
    retrieval: float = 0.0  # the passage's search score, relative to the best hit
    passage_cov: float = 0.0  # weighted share of the question's words in the passage and its path
    factor: float = 1.0  # year agreement and date precision
    kinds: tuple[str, ...] = ()  # a body's kind, for ORG candidates ("service", "departemental")
    table_row: bool = False  # read from a table row, not a sentence
    elsewhere: bool = False  # outside the issuer or documents the question names (see widen.py)


def value_key(e: Entity) -> tuple[Any, ...]:
    """What makes two candidates the same value: an amount and its unit, a date, a folded name."""
    if e.type == "AMOUNT":
        return ("AMOUNT", round(e.value or 0.0, 4), e.unit)
    if e.type == "DATE":
        return ("DATE", e.iso)
    return (e.type, fold(e.canonical or e.text))
