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
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
_YEAR = re.compile(r"(?<![\d,.])((?:19|20)\d{2})(?!\d|,\d)")
# a year introduced right after the value is its own: "29 530 € en 2016", "275 habitants au 31/12/2021"
# (the date a stock is counted at, as RPQS write it), "(270 au 31/12/2020)"
_BOUND_AFTER = re.compile(
    r"[\s€%]*(?:HT|TTC)?\s*(?:\w+\s+)?(?:(?:en|pour|au titre de|de l'année|année)\s+"
    r"|au\s+(?:\d{1,2}(?:er)?\s*/\s*\d{1,2}\s*/\s*|(?:1er|\d{1,2})\s+\w+\s+))",
    re.IGNORECASE,
)
_BOUND_TO_OTHER = re.compile(r"\d\s?(?:€|euros?|%)?\s*(?:HT|TTC)?\s*(?:en|pour)\s+$", re.IGNORECASE)
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
        self._df: dict[str, int] = {}
        self._tokens = lru_cache(maxsize=2048)(self._tokenize)

    def stems(self, word: str) -> tuple[str, ...]:
        return self._analyze(word.lower())

    def tokens(self, text: str) -> list[Token]:
        """The words of ``text`` with their stems (a negated word marked); the last texts are
        remembered, the same passages coming back from one question to the next."""
        return self._tokens(text)

    def _tokenize(self, text: str) -> list[Token]:
        out = []
        prev = ""
        for i, m in enumerate(_WORD.finditer(text)):
            stems = self.stems(m.group(0))
            if prev == "non":  # "non bâti" is not "bâti": a negated word only matches a negated word
                stems = tuple(f"non_{s}" for s in stems)
            out.append(Token(i, m.start(), m.end(), stems))
            prev = m.group(0).lower()
        return out

    def df(self, stem: str) -> int:
        n = self._df.get(stem)
        if n is None:
            n = self._df[stem] = self._doc_freq(stem)
        return n

    def idf(self, stem: str) -> float:
        df = self.df(stem)
        return math.log(1.0 + (self._n - df + 0.5) / (df + 0.5))

    def known(self, stem: str) -> bool:
        """Whether some passage of the index holds ``stem``."""
        return self.df(stem) > 0

    def weights(self, text: str) -> dict[str, float]:
        """The question's stems and their weights."""
        return {s: self.idf(s) for t in self.tokens(text) for s in t.stems}


# two words stand for two letters only where budgets always write them so (M57/M14 instructions):
# "autorisations de programme" AP, "autorisations d'engagement" AE, "crédits de paiement" CP. Any
# other pair ("zones d'activités" as "ZA") matched wrong passages (answers.jsonl a040, a093)
_TWO_WORD_ACRONYMS = frozenset({"ap", "ae", "cp"})
_LINK_WORDS = {"de", "des", "du", "d", "la", "le", "les", "l", "et", "en", "à", "au", "aux", "sur", "pour"}


class Weights(dict[str, float]):
    """A question's stems and their weights; ``aliases`` maps an acronym's stem to the stems of
    the words it stands for ("omr" -> ordur, menager, residuel): finding the acronym counts as
    finding those words."""

    aliases: dict[str, tuple[str, ...]]

    def __init__(self, weights: dict[str, float], aliases: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__(weights)
        self.aliases = aliases or {}


def question_weights(wg: Weigher, q: Any) -> Weights:
    """The question's stems and weights, and the acronyms of its word runs that the index knows."""
    weights = wg.weights(q.terms)
    aliases: dict[str, tuple[str, ...]] = {}
    words = [w for w in _WORD.findall(q.terms) if w.lower() not in _LINK_WORDS and not w.isdigit()]
    for i in range(len(words)):
        for n in range(2, 6):
            run = words[i : i + n]
            if len(run) < n:
                break
            acro = "".join(w[0] for w in run).lower()
            if n == 2 and acro not in _TWO_WORD_ACRONYMS:
                continue
            stems = wg.stems(acro)
            if len(stems) == 1 and stems[0] not in weights and wg.known(stems[0]):
                aliases[stems[0]] = tuple(t for w in run for t in wg.stems(w))
    return Weights(weights, aliases)


def matches(weights: dict[str, float], tokens: list[Token]) -> dict[str, list[int]]:
    """Positions of each question stem in ``tokens``, acronyms standing for their words (compute
    it once per text and pass it to :func:`coverage` and :func:`proximity`)."""
    by_stem: dict[str, list[int]] = {}  # each distinct stem of the text compared once
    by_prefix: dict[str, list[str]] = {}  # stems of 5+ letters by their first five (see same_stem)
    for t in tokens:
        for s in t.stems:
            if s not in by_stem:
                by_stem[s] = []
                if len(s) >= 5:
                    by_prefix.setdefault(_spelled(s)[:5], []).append(s)
            by_stem[s].append(t.index)

    def positions(stem: str) -> list[int]:
        near = by_prefix.get(_spelled(stem)[:5], []) if len(stem) >= 5 else ()
        pos = {i for s in near if same_stem(stem, s) for i in by_stem[s]}
        pos.update(by_stem.get(stem, ()))
        return sorted(pos)

    found = {s: positions(s) for s in weights}
    for acro, stems in getattr(weights, "aliases", {}).items():
        pos = positions(acro)
        if pos:
            for s in stems:
                found[s] = sorted(set(found.get(s, [])) | set(pos))
    return found


def _spelled(stem: str) -> str:
    """A stem with the verb's "qu" written as its noun's "c": convoquer / convocation, indiquer /
    indication, appliquer / application, communiquer / communication."""
    return stem.replace("qu", "c")


@lru_cache(maxsize=262144)
def same_stem(a: str, b: str) -> bool:
    """Equal stems, or one a prefix of the other when both are long (stemmers disagree on derived
    forms: "préparées" -> prepar, "préparation" -> prepar, "installée" -> install; "convoqués" ->
    convoqu, "convocation" -> convoc)."""
    if a == b:
        return True
    if len(a) < 5 or len(b) < 5:
        return False
    a, b = _spelled(a), _spelled(b)
    return a.startswith(b) or b.startswith(a)


def coverage(weights: dict[str, float], tokens: list[Token], found: dict[str, list[int]] | None = None) -> float:
    """Share of the question's weight whose words occur in ``tokens`` (``found``: their
    :func:`matches`, when already computed)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    found = matches(weights, tokens) if found is None else found
    return sum(w for s, w in weights.items() if found.get(s)) / total


def span_of(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """Word positions covered by the characters [start, end)."""
    inside = [t.index for t in tokens if t.end > start and t.start < end]
    return (inside[0], inside[-1]) if inside else None


def proximity(
    weights: dict[str, float],
    tokens: list[Token],
    span: tuple[int, int],
    found: dict[str, list[int]] | None = None,
    own_end: int | None = None,
) -> float:
    """Share of the question's weight near the value: each word found counts exp(-distance/scale).
    ``own_end``: the character offset from which the words after the value label the next figure
    (see :mod:`greffier.search.labels`)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    lo, hi = span
    got = 0.0
    found = matches(weights, tokens) if found is None else found
    others = {t.index for t in tokens if own_end is not None and t.start >= own_end and t.index > hi}
    for s, w in weights.items():
        pos = [p for p in found.get(s, []) if not lo <= p <= hi and p not in others]
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
        prev = re.search(r"((?:19|20)\d{2})\s?[/-]\s?$", text[max(0, m.start() - 7) : m.start()])
        if prev and int(prev.group(1)) + 1 == int(m.group(1)):
            continue  # "2025/2026": a school or budget year is the year it starts
        d = start - m.end() if m.end() <= start else m.start() - end
        if m.start() >= end and _BOUND_AFTER.fullmatch(text[end : m.start()]):
            d = -1  # "29 530 € en 2016": a year introduced right after the value is its own
        elif _BOUND_TO_OTHER.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # ... and not the year of another value
        if d <= window and (best is None or d < best[0]):
            best = (d, int(m.group(1)))
    return best[1] if best else None


def year_agreement(asked: int | None, written: int | None) -> float:
    """1 when no year is asked or none is written near the value, more when they agree, less
    when they differ."""
    if asked is None or written is None:
        return 1.0
    return 1.1 if written == asked else 0.6
