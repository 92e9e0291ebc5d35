"""French dates: parsing helpers for metadata, and DATE entities. Never raise."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from greffier.extract.numbers import COUNTED_AFTER_YEAR

MONTHS = {
    "janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "decembre": 12, "décembre": 12, "janv": 1, "févr": 2, "fév": 2, "avr": 4, "juil": 7, "sept": 9,
    "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}  # fmt: skip
MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# the twelve months written in full, with and without their accents, for a regex alternation
MONTH_WORDS = "|".join(MONTH_NAMES) + "|fevrier|aout|decembre"
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_SP = r"[ \u00a0\u202f\t]+"
# "1er", "1ᵉʳ", and "1 er" (a text layer that sets the superscript apart)
_DAY = r"(?P<d>[0-3]?\d)(?:[ \u00a0]?(?:er|ER)|ᵉʳ)?"
TEXT_DATE = re.compile(rf"\b(\d{{1,2}})(?: ?(?:er|ER))?\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")


def make_date(year: int, month: int, day: int) -> str | None:
    """ISO date, or None when the parts do not form a real date."""
    try:
        return date(year, month, day).isoformat()
    except (ValueError, OverflowError):
        return None


def first_date(text: str) -> str | None:
    """The first full date (day, month, year) written in ``text``, as ISO."""
    found = [(d.start, d.iso) for d in find_dates(text) if d.precision == "day" and not d.implied_year]
    return min(found)[1] if found else None


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    iso: str  # YYYY, YYYY-MM or YYYY-MM-DD (the start of a range)
    precision: str  # year | month | day
    implied_year: bool
    end_iso: str | None = None  # the end of a range


_ONE = (
    rf"(?:(?:{_DAY}{_SP})?(?P<m>{_MONTH_RE})\.?(?:{_SP}(?P<y>(?:19|20)\d{{2}}))?)"
    r"|(?P<nd>[0-3]?\d)[/.-](?P<nm>[01]?\d)(?:[/.-](?P<ny>(?:19|20)?\d{2}))?(?![\d/])"
)
_SINGLE = re.compile(rf"(?<![\w/.-])(?:{_ONE})(?![\w])", re.IGNORECASE)
_TOKEN = (
    rf"(?:[0-3]?\d(?: ?er)?{_SP})?(?:{_MONTH_RE})\.?(?:{_SP}(?:19|20)\d{{2}})?"
    r"|[0-3]?\d[/.-][01]?\d(?:[/.-](?:19|20)?\d{2})?"
)
_RANGE = re.compile(
    rf"(?<![\w])(?:du|de){_SP}(?P<a>{_TOKEN}){_SP}(?:au|à){_SP}(?P<b>{_TOKEN})(?![\w/])",
    re.IGNORECASE,
)
# "du 18 au 22 mai 2026": the start day borrows the end's month and year
_DAY_RANGE = re.compile(
    rf"(?<![\w])(?:du|de){_SP}(?P<d1>[0-3]?\d)(?:er)?{_SP}(?:au|à){_SP}(?P<b>[0-3]?\d(?:er)?{_SP}(?:{_MONTH_RE})\.?"
    rf"(?:{_SP}(?:19|20)\d{{2}})?)(?![\w/])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\w/.,°-])(?P<y>(?:19|20)\d{2})(?![\w/]|[.,]\d|-\d|_)")
_YEAR_RANGE = re.compile(r"(?<![\w/.-])(?P<a>(?:19|20)\d{2})\s?(?:-|/|à)\s?(?P<b>(?:19|20)\d{2})(?![\w/-])")


def _parse_one(m: re.Match[str], doc_year: int | None) -> tuple[str, str, bool] | None:
    g = m.groupdict()
    if g.get("m"):
        month = MONTHS.get(g["m"].lower().rstrip("."))
        if month is None:
            return None
        year, implied = (int(g["y"]), False) if g.get("y") else (doc_year, True)
        if year is None:
            return None
        if g.get("d"):
            iso = make_date(year, month, int(g["d"]))
            return (iso, "day", implied) if iso else None
        if not g.get("y"):
            return None  # a month name alone ("mai") is too ambiguous
        return (f"{year:04d}-{month:02d}", "month", implied)
    if g.get("nd"):
        day, month = int(g["nd"]), int(g["nm"])
        if g.get("ny"):
            y = int(g["ny"])
            year, implied = (y + 2000 if y < 100 else y), False
        else:
            if doc_year is None:
                return None
            year, implied = doc_year, True
        iso = make_date(year, month, day)
        return (iso, "day", implied) if iso else None
    return None


def find_dates(text: str, doc_year: int | None = None) -> list[DateMatch]:
    """DATE entities of ``text``; a day or month without a year takes ``doc_year``."""
    try:
        return _find(text, doc_year)
    except Exception:  # never break ingestion
        return []


def _find(text: str, doc_year: int | None) -> list[DateMatch]:
    out: list[DateMatch] = []
    used = bytearray(len(text) + 1)

    def take(s: int, e: int) -> None:
        used[s:e] = b"\x01" * (e - s)

    def free(s: int, e: int) -> bool:
        return not any(used[s:e])

    # ranges "du 3 mars 2019 au 2 mars 2020": the end's year fills a missing start year
    for m in _RANGE.finditer(text):
        a = _SINGLE.fullmatch(m.group("a").strip())
        b = _SINGLE.fullmatch(m.group("b").strip())
        if not a or not b:
            continue
        pb = _parse_one(b, doc_year)
        if pb is None:
            continue
        year_b = int(pb[0][:4])
        pa = _parse_one(a, year_b)
        if pa is None:
            continue
        end = m.end("b")
        out.append(DateMatch(m.start(), end, text[m.start() : end], pa[0], pa[1], pb[2], pb[0]))
        take(m.start(), end)
    for m in _DAY_RANGE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        b = _SINGLE.fullmatch(m.group("b").strip())
        pb = _parse_one(b, doc_year) if b else None
        if pb is None or pb[1] != "day" or int(m.group("d1")) >= int(pb[0][8:10]):
            continue
        start_iso = f"{pb[0][:8]}{int(m.group('d1')):02d}"
        end = m.end("b")
        out.append(DateMatch(m.start(), end, text[m.start() : end], start_iso, "day", pb[2], pb[0]))
        take(m.start(), end)
    for m in _SINGLE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if re.search(r"(?:n°|article|art\.|[LRD]\.)\s*$", text[max(0, m.start() - 12) : m.start()], re.IGNORECASE):
            continue
        if (
            m.group("nd")
            and not m.group("ny")
            and not re.search(
                r"(?:le|du|au|depuis|jusqu'au|à partir du)\s*$", text[max(0, m.start() - 16) : m.start()], re.IGNORECASE
            )
        ):
            continue  # "12/04" alone is too ambiguous (scores, fractions) unless introduced as a date
        parsed = _parse_one(m, doc_year)
        if parsed is None:
            if m.group("d") and m.group("y"):
                take(m.start(), m.end())  # "31 février 2017": not a date, nor a bare year
            continue
        out.append(DateMatch(m.start(), m.end(), m.group(0), parsed[0], parsed[1], parsed[2]))
        take(m.start(), m.end())
    for m in _YEAR_RANGE.finditer(text):
        if free(m.start(), m.end()) and int(m.group("a")) < int(m.group("b")):
            out.append(DateMatch(m.start(), m.end(), m.group(0), m.group("a"), "year", False, m.group("b")))
            take(m.start(), m.end())
    for m in _YEAR.finditer(text):
        if not free(m.start(), m.end()):
            continue
        before = text[max(0, m.start() - 14) : m.start()]
        after = text[m.end() : m.end() + 16]
        if re.search(r"(?:n°|article|art\.|[LRD]\.|page|p\.|code|compte|lot|tél)\s*$", before, re.IGNORECASE):
            continue
        if re.match(r"\s?(?:€|euros?|%|m2|m²|m3|m³|ha\b|t\b|tonnes|kg)", after) or COUNTED_AFTER_YEAR.match(after):
            continue  # an amount, not a year: "2 088 €", "dessert 2088 habitants"
        out.append(DateMatch(m.start(), m.end(), m.group(0), m.group("y"), "year", False))
    return sorted(out, key=lambda d: d.start)
