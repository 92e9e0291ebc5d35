"""French numbers: digits with French separators, and numbers written in words. Never raise."""

from __future__ import annotations

import re

# Spaces that separate thousands: ordinary, no-break, narrow no-break, thin.
SP = " \u00a0\u202f\u2009"
NUMBER_RE = (
    rf"\d{{1,3}}(?:[{SP}]\d{{3}})+(?:,[{SP}]?\d+|\.\d{{1,2}}(?!\d))?"  # 12 480,00 / 1 250, 40 / 170 000.00
    r"|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?"  # 1.250.000
    r"|\d{1,3}\.\d{3}(?:,\d+)?(?![\d.])"  # 15.000 (a dot before exactly three digits)
    r"|\d+(?:[,.]\d+)?"  # 92,6 / 42.7 / 2345
)


def parse_number(text: str) -> float | None:
    """Value of a number written with French conventions; None when it is not one."""
    t = text.strip()
    for ch in SP:
        t = t.replace(ch, "")
    if not t or not re.fullmatch(r"[+\-−]?[\d.,]+", t):
        return None
    sign = -1.0 if t[0] in "-−" else 1.0
    t = t.lstrip("+-−")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")  # comma is the decimal mark
    elif t.count(".") > 1 or re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", t):
        t = t.replace(".", "")  # dots as thousands separators ("0.383" is a decimal)
    try:
        return sign * float(t)
    except ValueError:
        return None


_UNITS = {
    "zéro": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix-sept": 17,
    "dix-huit": 18,
    "dix-neuf": 19,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "soixante-dix": 70,
    "quatre-vingt": 80,
    "quatre-vingts": 80,
    "quatre-vingt-dix": 90,
}
WORD_NUMBER_RE = (
    r"(?:(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|"
    r"trente|quarante|cinquante|soixante|cent|cents|mille|et|un|une)(?:[- ](?=\w))?)+"
)


def words_to_number(text: str) -> int | None:
    """ "quatre-vingt-dix" -> 90, "deux cent cinquante" -> 250; None when not a number."""
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w and w != "et"]
    if not words:
        return None
    total = current = 0
    i = 0
    while i < len(words):
        w = words[i]
        # "quatre vingt" (-> 80) and "soixante dix" (-> 70) compounds
        if w == "quatre" and i + 1 < len(words) and words[i + 1] in ("vingt", "vingts"):
            current += 80
            i += 2
            continue
        if w in ("cent", "cents"):
            current = (current or 1) * 100
        elif w == "mille":
            total += (current or 1) * 1000
            current = 0
        elif w in _UNITS:
            current += _UNITS[w]  # "soixante-quinze" = 60 + 15
        else:
            return None
        i += 1
    return total + current


# the nouns that make a year-like number a count: "la commune compte 2017 habitants", "dessert 2088
# habitants" (amounts keep it, dates leave it)
COUNTED_AFTER_YEAR = re.compile(
    r"\s+(?:habitants|élèves|enfants|personnes|logements|foyers|abonnés|usagers|agents|ménages|électeurs"
    r"|visiteurs|passages|participants)\b"
)
