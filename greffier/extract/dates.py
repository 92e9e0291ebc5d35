"""French date parsing helpers shared by metadata and entity extraction. Never raise."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
TEXT_DATE = re.compile(rf"\b(\d{{1,2}})(?:er|ER)?\s+({_MONTH_RE})\s+(\d{{4}})\b", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")


def make_date(year: int, month: int, day: int) -> str | None:
    """ISO date, or None when the parts do not form a real date."""
    try:
        return date(year, month, day).isoformat()
    except (ValueError, OverflowError):
        return None


def first_date(text: str) -> str | None:
    """The first full date (day, month, year) written in ``text``, as ISO."""
    found: list[tuple[int, str]] = []
    m = TEXT_DATE.search(text)
    if m:
        iso = make_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    for m in NUMERIC_DATE.finditer(text):
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        iso = make_date(year, int(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
            break
    return min(found)[1] if found else None
