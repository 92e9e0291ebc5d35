"""Votes and outcomes as minutes write them: "adopté à l'unanimité", "Pour : 13 – Contre : 1",
"par 12 voix pour, 2 contre et 3 abstentions", "16 voix « Pour »", counts in words; adopted,
rejected, postponed, withdrawn, noted, ordered."""

from __future__ import annotations

import re

from greffier.extract.identity import words_value
from greffier.records import Vote

__all__ = ["outcome_of", "read_vote"]

_NAMES = re.compile(r"\b(?:M\.|Mme|Mmes|MM\.|Monsieur|Madame|Messieurs|Mesdames)\s")


_NUMBER_WORDS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente"
    "|quarante|cinquante|soixante|et"
)
_COUNT = rf"(\d{{1,3}}|(?:(?:{_NUMBER_WORDS})[\s-]+){{0,3}}(?:{_NUMBER_WORDS}))"
_Q = r"[«»\"“”\s]*"  # "16 voix « Pour »", "« Pour » : 15"
_VOICES = (
    (
        "pour",
        re.compile(
            rf"\b{_COUNT}\s*(?:(?i:voix|votes?){_Q}(?i:pour|favorables?)\b|[«\"“]\s*(?i:pour)\b|Pour\b|(?i:pour)(?=\s*[,;)]|\s+et\s+\d))"
        ),
    ),
    ("contre", re.compile(rf"\b{_COUNT}\s*(?:(?i:voix|votes?){_Q})?(?:[«\"“]\s*)?(?i:contre)\b")),
    ("abstention", re.compile(rf"\b{_COUNT}\s*(?:[«\"“]\s*)?(?i:abstentions?)\b")),
)


def _count(raw: str) -> int | None:
    raw = raw.strip(" -").lower()
    if raw.isdigit():
        return int(raw)
    words = [w for w in re.split(r"[\s-]+", raw) if w]
    try:
        return words_value(words)
    except KeyError:
        return None


def read_vote(text: str) -> Vote | None:
    low = text
    unanimous = bool(re.search(r"à l['’]unanimité|unanimement|\bunanimité\b", low, re.IGNORECASE))
    counts: dict[str, int | None] = {"pour": None, "contre": None, "abstention": None}
    for key, pattern in (
        ("pour", r"\bPour\s*[»\"”]?\s*:\s*(\d+)"),
        ("contre", r"\bContre\s*[»\"”]?\s*:\s*(\d+)"),
        ("abstention", r"\bAbstentions?\s*[»\"”]?\s*:\s*(\d+)"),
    ):
        m = re.search(pattern, low, re.IGNORECASE)
        if m:
            counts[key] = int(m.group(1))
    # "par 12 voix pour, 2 contre et 3 abstentions", "Vote : 9 voix pour", "quinze voix pour"
    lowered = low.lower()
    for key, pattern in _VOICES:
        if counts[key] is None and ("abstention" if key == "abstention" else key) in lowered:
            m = pattern.search(low)
            if m:
                counts[key] = _count(m.group(1))
    for key, pattern in (("contre", r"\bContre\s*:\s*([^\n]+)"), ("abstention", r"\bAbstentions?\s*:\s*([^\n]+)")):
        if counts[key] is None:
            m = re.search(pattern, low, re.IGNORECASE)
            if m and not re.match(r"\s*\d", m.group(1)):
                names = len(_NAMES.findall(m.group(1) + " "))
                counts[key] = names or None
    majority = re.search(r"à la majorité", low, re.IGNORECASE)
    if not unanimous and not majority and all(v is None for v in counts.values()):
        return None
    return Vote(pour=counts["pour"], contre=counts["contre"], abstention=counts["abstention"], unanimite=unanimous)


def outcome_of(text: str, kind: str = "", vote: Vote | None = None) -> str | None:
    """adopted | rejected | postponed | withdrawn | noted | ordered, from the item's own text;
    more votes against than for is a rejection whatever the words around it."""
    low = text.lower()
    if vote is not None and vote.pour is not None and vote.contre is not None and vote.contre > vote.pour:
        return "rejected"
    if re.search(r"retir[ée]e?\s+de\s+l['’]ordre\s+du\s+jour|est\s+retir[ée]", low):
        return "withdrawn"
    if re.search(r"\bajourn|report[ée]e?\s+(?:à|au|lors)|sursis\s+à\s+statuer", low):
        return "postponed"
    if re.search(r"\brejet(?:te|é|ée)\b|n['’]est\s+pas\s+adopt|n['’]adopte\s+pas|\bn['’]approuve\s+pas", low):
        return "rejected"
    if kind in ("arrete", "recueil") and re.search(r"\barr[êe]te\b", low):
        return "ordered"
    if re.search(r"d[ée]cide|adopt|approuv|unanimit|voix\s+pour|\bpour\s*:\s*\d|[ée]met\s+un\s+avis|autorise", low):
        return "adopted"
    if re.search(r"prend\s+acte|pris\s+acte", low):
        return "noted"
    return None
