"""Table cells: whether a cell reads as a header (a label, a year, a date), the value of a cell
with the entities' amount parser, and the unit and tax its headers give a bare figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from greffier.extract.amounts import find_amounts
from greffier.extract.dates import MONTH_WORDS
from greffier.extract.glyphs import CHECKED, UNCHECKED
from greffier.extract.numbers import parse_number

_DIGIT = re.compile(r"\d")
YEARISH = re.compile(r"^(?:[A-Za-zÀ-ÿ'’.\s]{0,30}\s)?(?:19|20)\d{2}(?:\s*[-/–]\s*(?:19|20)?\d{2})?(?:\s*[*()]{0,3})?$")
_DATEISH = re.compile(r"^(?:[A-Za-zÀ-ÿ'’.\s]{0,30}\s)?\d{1,2}/\d{1,2}/(?:19|20)?\d{2}$", re.IGNORECASE)
_N_MINUS = re.compile(r"\bN\s*[-+]\s*\d\b")
# a date in words heading a column: "1er janvier 2022", "Au 31 décembre 2023"
_WORD_DATEISH = re.compile(
    rf"^(?:[A-Za-zÀ-ÿ'’.\s]{{0,30}}\s)?(?:1\s?er|\d{{1,2}})\s+(?:{MONTH_WORDS})\s+(?:19|20)\d{{2}}$",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_TEMPLATE = re.compile(r"^[\s_.…·%€-]*$")
_FOOTNOTE = re.compile(r"\s*[*¹²³]+$")
# the numbered totals of a budget maquette: "TOTAL | I 1 978 367 194,00 | II 1 564 898 658,00"
_ROMAN_LEAD = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)\s+(?=-?\d[\d\s\u00a0\u202f]*,\d{2}$)")


def header_like(text: str) -> bool:
    """Whether a cell reads as a header: a label, a year or a date ("2024", "Exercice 2024",
    "au 01/01/2025", "BUDG N-1"), not a figure."""
    t = text.strip()
    if t in (CHECKED, UNCHECKED, "-", "–", "—", "/"):
        return False  # a value, or the mark of no value
    if not _DIGIT.search(t):
        return True
    if YEARISH.match(t) or _DATEISH.match(t) or _WORD_DATEISH.match(t) or _N_MINUS.search(t):
        return True
    letters = len(re.findall(r"[A-Za-zÀ-ÿ]", t))
    return letters >= 3 * len(_DIGIT.findall(t)) and not any(a.start <= 1 for a in find_amounts(t))


@dataclass(frozen=True)
class CellValue:
    text: str
    value: float | None = None
    unit: str | None = None
    tax: str | None = None


def untemplated(text: str) -> str:
    t = text.strip()
    return "" if t and _TEMPLATE.match(t) and re.search(r"[_.…·]", t) else text


def parse_cell(text: str) -> CellValue:
    """The value of one cell with the entities' amount parser; template cells ("____%",
    "………") are empty and checkboxes are 1/0."""
    t = text.strip()
    if t and not untemplated(t):
        return CellValue("")
    if t in (CHECKED, UNCHECKED):
        return CellValue(t, 1.0 if t == CHECKED else 0.0, "checkbox")
    if not _DIGIT.search(t):
        return CellValue(t)
    core = _ROMAN_LEAD.sub("", _FOOTNOTE.sub("", t))
    amounts = find_amounts(core)
    if amounts:
        a = amounts[0]
        rest = (core[: a.start] + core[a.end :]).strip(" :()+")
        mixed = _DIGIT.search(rest) and any(b.unit != a.unit or b.quantity_of != a.quantity_of for b in amounts[1:])
        if (len(amounts) == 1 and _DIGIT.search(rest)) or mixed:
            return CellValue(t)  # "4 abstentions 2 contre": no one value
        if a.start <= 2 or not WORD.search(rest):
            return CellValue(t, a.value, a.unit, a.tax)
    counted = re.fullmatch(r"(\d+)\s+[a-zà-öø-ÿ]+", core)
    if counted:  # "1 contre" in a vote column: a count
        return CellValue(t, float(counted.group(1)), "count")
    number = re.fullmatch(r"([+\-−]?\s?[\d\s\u00a0\u202f.,]*\d)\s*(%?)", core)
    if number:
        value = parse_number(re.sub(r"(?<=[+\-−])\s", "", number.group(1)))
        if value is not None:
            return CellValue(t, value, "%" if number.group(2) else None)
    return CellValue(t)


_UNIT_WORDS = (
    (re.compile(r"%|\btaux\b|\bpourcentage", re.IGNORECASE), "%"),
    (re.compile(r"\b(?:ann[ée]es?|exercices?|dates?)\b", re.IGNORECASE), "year"),
    (
        re.compile(
            r"€|\beuros?\b|\bmontants?\b|\bprix\b|\btarifs?\b|\bco[uû]ts?\b|\bbudg|\bbp\b|\bcfu\b|\bca\b"
            r"|\bd[ée]penses\b|\brecettes\b|\bsubventions?\b|\bproduits?\b|\bcr[ée]dits\b|\bbases?\b"
            r"|\br[ée]alis|\bpr[ée]vu|\bpropos|\bvot[ée]es?\b|\bre[çc]ues?\b|\bdemand[ée]es?\b|\bper[çc]ues?\b",
            re.IGNORECASE,
        ),
        "EUR",
    ),
    (re.compile(r"\btonnages?\b|\btonnes?\b|\(t\)", re.IGNORECASE), "t"),
    (
        re.compile(
            r"\bnombre\b|\bnb\b|\beffectifs?\b|\bvisites\b|\babonn[ée]s\b|\bhabitants\b|\bagents\b", re.IGNORECASE
        ),
        "count",
    ),
)


def unit_from(headers: Iterable[str], value: float) -> str | None:
    for text in headers:
        if not text:
            continue
        if re.search(r"/\s?(?:hab|an|m3|m³|t\b|tonne|jour|mois)", text, re.IGNORECASE) and "%" not in text:
            return "other"  # a rate: "Ratio kg/hab/an"
        for pattern, unit in _UNIT_WORDS:
            if pattern.search(text):
                if unit == "year" and not (value.is_integer() and 1900 <= value <= 2100):
                    continue
                return unit
    return None


_TAX_WORD = re.compile(r"\b(H\.?T\.?|T\.?T\.?C\.?)(?=\W|$)|hors taxes?|toutes taxes", re.IGNORECASE)


def tax_from(headers: Iterable[str]) -> str | None:
    for text in headers:
        m = _TAX_WORD.search(text or "")
        if m:
            return "TTC" if m.group(0).upper().startswith(("T", "TOUTES")) else "HT"
    return None
