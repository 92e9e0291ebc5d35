"""How well the words around a value match a question.

An extractive answer is only as good as the evidence around it. For one candidate value, this
module measures, with each question word weighted by its rarity in the index (IDF):

* ``coverage``: the share of the question's weight found in a text (the sentence, the passage);
* ``proximity``: the same, each word discounted by its distance in words from the value, so that
  "la participation à 350 € par élève" beats a 350 € three clauses away from "participation";
* ``year_agreement``: whether the year written next to the value agrees with the year asked.

Everything here is a small pure function over token lists, except :class:`Weigher`, which reads
document frequencies from the keyword index once per word.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)
_YEAR = re.compile(r"(?<![\d,.])((?:19|20)\d{2})(?![\d,])")
PROXIMITY_SCALE = 6.0  # words: a question word 6 words from the value counts exp(-1) ≈ 0.37


@dataclass(frozen=True)
class Token:
    index: int  # position in words
    start: int  # character offsets in the text
    end: int
    stems: tuple[str, ...]


class Weigher:
    """Stems words with the index's own analyzer and weighs stems by IDF over its passages."""

    def __init__(self, analyze: Callable[[str], list[str]], doc_freq: Callable[[str], int], n_docs: int) -> None:
        self._analyze = lru_cache(maxsize=65536)(lambda w: tuple(analyze(w)))
        self._doc_freq = doc_freq
        self._n = max(1, n_docs)
        self._idf: dict[str, float] = {}

    def stems(self, word: str) -> tuple[str, ...]:
        return self._analyze(word.lower())

    def tokens(self, text: str) -> list[Token]:
        out = []
        for i, m in enumerate(_WORD.finditer(text)):
            out.append(Token(i, m.start(), m.end(), self.stems(m.group(0))))
        return out

    def idf(self, stem: str) -> float:
        w = self._idf.get(stem)
        if w is None:
            df = self._doc_freq(stem)
            w = math.log(1.0 + (self._n - df + 0.5) / (df + 0.5))
            self._idf[stem] = w
        return w

    def weights(self, text: str) -> dict[str, float]:
        """The question's stems and their weights."""
        return {s: self.idf(s) for t in self.tokens(text) for s in t.stems}


def same_stem(a: str, b: str) -> bool:
    """Equal stems, or one a prefix of the other when both are long (stemmers disagree on derived
    forms: "préparées" -> prepar, "préparation" -> prepar, "installée" -> install)."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a)))


def _positions(stem: str, tokens: list[Token]) -> list[int]:
    return [t.index for t in tokens if any(same_stem(stem, s) for s in t.stems)]


def coverage(weights: dict[str, float], tokens: list[Token]) -> float:
    """Share of the question's weight whose words occur in ``tokens``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for s, w in weights.items() if _positions(s, tokens)) / total


def span_of(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """Word positions covered by the characters [start, end)."""
    inside = [t.index for t in tokens if t.end > start and t.start < end]
    return (inside[0], inside[-1]) if inside else None


def proximity(weights: dict[str, float], tokens: list[Token], span: tuple[int, int]) -> float:
    """Share of the question's weight near the value: each word found counts exp(-distance/scale)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    lo, hi = span
    got = 0.0
    for s, w in weights.items():
        pos = [p for p in _positions(s, tokens) if not lo <= p <= hi]
        if pos:
            d = min(lo - p if p < lo else p - hi for p in pos)
            got += w * math.exp(-(d - 1) / PROXIMITY_SCALE)
    return min(1.0, got / total)


def nearest_year(text: str, start: int, end: int, window: int = 60) -> int | None:
    """The year written closest to the value at [start, end) within ``window`` characters, the
    value itself excluded ("pour 2020 (1.25 € pour 2021)": 1.25 € goes with 2021)."""
    best: tuple[int, int] | None = None
    for m in _YEAR.finditer(text):
        if m.start() < end and m.end() > start:
            continue
        d = start - m.end() if m.end() <= start else m.start() - end
        if d <= window and (best is None or d < best[0]):
            best = (d, int(m.group(1)))
    return best[1] if best else None


def year_agreement(asked: int | None, written: int | None) -> float:
    """1 when no year is asked or none is written near the value, more when they agree, less
    when they differ."""
    if asked is None or written is None:
        return 1.0
    return 1.1 if written == asked else 0.6
