"""Figures, units, years and "not given" statements as indicator reports print them.

Shared by the table-row and the sentence readers of :mod:`greffier.extract.indicators`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from greffier.extract.dates import MONTH_WORDS, MONTHS

_NUM = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[,.]\d+)?|\d+(?:[,.]\d+)?"
_UNIT = (
    r"(?:u|nb|unit[ée]s?|points?)\s*(?:/|pour)\s*100\s*km|pour\s+100\s*km"
    r"|(?:u|nb)\s*/\s*1\s?000\s*(?:hab\w*|abonn\w*|ab\b\.?)|pour\s+1\s?000\s+(?:hab\w*|abonn\w*)"
    r"|t\.?\s*m\.?s\.?(?!\w)|tonnes?\s+(?:de\s+)?m\.?s\.?(?!\w)|pts\b|an\(s\)|hab\.(?!\w)|hab\b(?!\s*/)"
    r"|%|‰|€\s*(?:h\.?t\.?|ttc)?\s*/\s*m3|€\s*/\s*hab\w*|€\s*/\s*t\b|k€|m€|€|euros?|km|ml|m3|tms"
    r"|tonnes? de mati\w+ s\w+"
    r"|t\b|tonnes?|kg\s*par\s+an\s+et\s+par\s+habitant|kg\s*/\s*hab\.?(?:\s*/\s*an)?|kg\s*/\s*hab\w*|habitants?\b(?!\s*/)|abonn\w+\b(?!\s*/)|installations?|points?|/\s*1[24]0|/\s*100\b|ans?\b|ann\w+es?\b|jours?"
)
CELL = re.compile(
    rf"^(?P<sign>[-−+]\s?)?(?P<num>{_NUM})\s*\*?\s*(?P<unit>{_UNIT})?\s*(?:ht|ttc)?\s*\.?(?:\s*\*+|\s*\(\d\))?$",
    re.IGNORECASE,
)
NUMBER = re.compile(
    rf"(?<![\w,.\-/])(?P<sign>[-−]\s?)?(?P<num>{_NUM})(?:\s*\*?\s*(?P<unit>{_UNIT})|(?![\w/]|[,.]\d))", re.IGNORECASE
)
STATUS = re.compile(
    r"^(?:nc|n\.c\.?|non communiqu\w*|non renseign\w*|sans objet|s\.o\.?|n[ée]ant|non concern\w*|nd|n\.d\.?"
    r"|nr|n\.r\.?|n/a|na|non applicable|pas concern\w*|non disponible)"
    r"(?:\s*\*+|\s*\(\d\)|\s*[(\[][^)\]]{1,40}[)\]])?$",  # "Sans objet (STEP < 2 000 EH)", "NC (1)"
    re.IGNORECASE,
)
TEMPLATE = re.compile(r"^_{2,}\s*%?$|^\.{3,}$|^…+$")
PLACEHOLDER = re.compile(r"^[/\-–—]$")
NOT_GIVEN = re.compile(
    r"non renseign|non communiqu|pas été communiqu|n'a pas fourni|pas d'information|sans objet|n'est pas concern"
    r"|ne sont pas concern|pas concerné par ce|non concern|non applicable|pas applicable|n'est pas applicable"
    r"|\bn[ée]ant\b|\bnc\b",
    re.IGNORECASE,
)
# a statement that the indicator does not apply to the service (rather than a figure not given)
NOT_APPLICABLE = re.compile(
    r"sans objet|pas concern|non concern|non applicable|pas applicable|\bn[ée]ant\b|\bs\.o\b|^n/?a$", re.IGNORECASE
)
_MONTHS = MONTH_WORDS
DATE = re.compile(rf"\b(\d{{1,2}})(?:er)?(?:/(\d{{1,2}})/|\s+({_MONTHS})\s+)(\d{{4}}|\d{{2}})\b", re.IGNORECASE)
YEAR = re.compile(r"(?<![\d/,.])(19[89]\d|20[0-4]\d)(?![\d/,.])")


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str | None  # normalized: %, ‰, EUR/m3, EUR, km, m, m3, tMS, t, kg/hab, count, points, years ...
    noun: str | None  # habitants / abonnés / installations when printed after the figure
    decimals: int
    start: int = 0
    end: int = 0


def clean(text: str) -> str:
    """NFKC (mathematical bold digits become digits), French quotes and spaces, '96, 8 %' -> '96,8 %'."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\ufffe", "").replace("m³", "m3")
    text = re.sub(r"(?<=/)m&", "m3", text)
    text = re.sub(r"(\d), (\d+)(?=\s*(?:%|‰|€|an\b))", r"\1,\2", text)
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text).strip()


def _unit(raw: str | None) -> tuple[str | None, str | None, float]:
    """(unit, noun, scale) of a printed unit."""
    if not raw:
        return None, None, 1.0
    u = re.sub(r"\s+", "", raw.lower())
    if u.endswith("100km"):
        return "per 100 km", None, 1.0
    if re.search(r"1000(?:hab|ab)", u):
        return "‰", None, 1.0
    if re.fullmatch(r"t\.?m\.?s\.?|tonnes?(?:de)?m\.?s\.?", u):
        return "tMS", None, 1.0
    if u == "pts":
        return "points", None, 1.0
    if u == "an(s)":
        return "years", None, 1.0
    if u in ("hab.", "hab"):
        return "count", "habitant", 1.0
    if u == "%":
        return "%", None, 1.0
    if u == "‰":
        return "‰", None, 1.0
    if u.startswith("€") and u.endswith("m3"):
        return "EUR/m3", None, 1.0
    if u.startswith("€") and "/hab" in u:
        return "EUR/hab", None, 1.0
    if u.startswith("€") and u.endswith("/t"):
        return "EUR/t", None, 1.0
    if u == "k€":
        return "EUR", None, 1e3
    if u == "m€":
        return "EUR", None, 1e6
    if u.startswith(("€", "euro")):
        return "EUR", None, 1.0
    if u == "km":
        return "km", None, 1.0
    if u == "ml":
        return "m", None, 1.0
    if u == "m3":
        return "m3", None, 1.0
    if u.startswith("tms") or (u.startswith("tonne") and "mati" in u):
        return "tMS", None, 1.0
    if u in ("t", "tonne", "tonnes"):
        return "t", None, 1.0
    if u.startswith("kg"):
        return "kg/hab", None, 1.0
    if u.startswith(("habitant", "abonn", "installation")):
        return "count", u.rstrip("s"), 1.0
    if u.startswith(("point", "/1")):
        return "points", None, 1.0
    if u.startswith(("an", "annee", "année")):
        return "years", None, 1.0
    if u.startswith("jour"):
        return "days", None, 1.0
    return None, None, 1.0


def to_float(num: str) -> tuple[float, int]:
    digits = re.sub(r"[ \u00a0\u202f]", "", num).replace(",", ".")
    return float(digits), len(digits.split(".")[1]) if "." in digits else 0


def parse_cell(text: str) -> Figure | None:
    """A table cell (a segment between wide gaps) as one figure, or None."""
    m = CELL.match(clean(text))
    if not m:
        return None
    value, decimals = to_float(m.group("num"))
    unit, noun, scale = _unit(m.group("unit"))
    if m.group("sign") and m.group("sign").strip() in "-−":
        value = -value
    return Figure(value * scale, unit, noun, decimals)


def figures(text: str) -> list[Figure]:
    """Every figure in a sentence (dates and years are not figures), with offsets in ``text``."""
    masked = DATE.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for m in NUMBER.finditer(masked):
        value, decimals = to_float(m.group("num"))
        unit, noun, scale = _unit(m.group("unit"))
        if unit is None and decimals == 0 and 1980 <= value <= 2049:
            continue  # a year
        if m.group("sign") and not re.search(r"\d\s+$", masked[: m.start()]):
            value = -value  # "120 - 107" is two figures and a dash, not a negative one
        out.append(Figure(value * scale, unit, noun, decimals, m.start(), m.end()))
    return out


def year_of(date_text: str) -> tuple[int, str | None] | None:
    """(year, ISO date or None) of a date or a year."""
    m = DATE.search(date_text)
    if m:
        day, month_digits, month, year = m.groups()
        y = int(year) if len(year) == 4 else 2000 + int(year)
        if month_digits:
            mo = int(month_digits)
        else:
            mo = MONTHS[month.lower()]
        if 1 <= mo <= 12 and 1 <= int(day) <= 31:
            return y, f"{y:04d}-{mo:02d}-{int(day):02d}"
        return y, None
    m = YEAR.search(date_text)
    return (int(m.group(1)), None) if m else None


def columns(text: str) -> list[tuple[int, str | None, str]]:
    """The year columns a header line announces: (year, as_of, kind) with kind 'date' for a
    dated column ("Au 01/01/2022") and 'exercice' for a year ("Exercice 2021", "2022")."""
    out: list[tuple[int, int, str | None, str]] = []
    taken: list[tuple[int, int]] = []
    for m in DATE.finditer(text):
        got = year_of(m.group(0))
        if got:
            out.append((m.start(), got[0], got[1], "date"))
            taken.append((m.start(), m.end()))
    for m in YEAR.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if re.search(rf"(?:{_MONTHS})\s*$", before):
            continue  # "du 2 mai 2006": a legal reference, not a column
        out.append((m.start(), int(m.group(1)), None, "exercice"))
    return [(y, iso, kind) for _, y, iso, kind in sorted(out)]
