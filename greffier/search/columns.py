"""What a table cell's column and row headings say of its value.

A table row is stored as one passage, each cell's value with its headings: "Total des volumes
facturés aux abonnés | Volumes facturés en 2021 (m3): 10 712", "Dépenses de fonctionnement – Total |
Pour mémoire, budget précédent (1): 3 328 603 356,00". The column heading says what the figure
is of as much as the row's: its unit ("(m3)", "en €"), the budget it belongs to (the previous
budget's column of the M57 and M14 layouts, "Pour mémoire, budget précédent").
"""

from __future__ import annotations

import re
from dataclasses import replace

from greffier.records import Entity

# (the accents as some budgets' fonts give them: "Pour mÈmoire, budget prÈcÈdent")
_PREVIOUS_COLUMN = re.compile(
    r"pour m.moire|budget pr.c.dent|exercice pr.c.dent|^\s*(?:RAR|restes? . r.aliser)\s+N\s*-\s*1\s*$", re.IGNORECASE
)
_PREVIOUS_ASKED = re.compile(r"pr[ée]c[ée]dent|pour m[ée]moire|restes? à réaliser|\bRAR\b|\bN-1\b", re.IGNORECASE)
# a unit written as a heading's own: "(m3)", "(en €)", "en m³", "(ml)"
_HEADING_UNIT = re.compile(
    r"\(\s*(?:en\s+)?(m3|m³|ml|km|ha|m2|m²|€|euros?|k€|tonnes?|t|kg)\s*\)|\ben\s+(m3|m³|€|euros|km|ha|tonnes)\b",
    re.IGNORECASE,
)
_UNITS = {"m³": "m3", "ml": "m", "m²": "m2", "€": "EUR", "euro": "EUR", "euros": "EUR", "tonne": "t", "tonnes": "t"}


def column(sentence: str, at: int) -> str:
    """The column heading of the table-row value at ``at``: "label | heading: value" (empty for a
    value of a sentence)."""
    head = sentence[:at].rstrip()
    if not head.endswith(":") or "|" not in head:
        return ""
    return head[:-1].rsplit("|", 1)[-1]


def row_label(sentence: str) -> str:
    """A table row's label: the text before its first cell ("Total des volumes facturés | ...")."""
    return sentence.split("|")[0] if "|" in sentence else ""


def previous_column(heading: str) -> bool:
    """Whether a column heading is the previous budget's ("Pour mémoire, budget précédent", "RAR N-1")."""
    return bool(heading and _PREVIOUS_COLUMN.search(heading))


def asks_previous(question: str) -> bool:
    """Whether a question asks the previous budget's column itself."""
    return bool(_PREVIOUS_ASKED.search(question))


def heading_unit(sentence: str, at: int) -> str | None:
    """The unit the headings of a table-row value give it ("Volumes facturés en 2021 (m3)"): the
    column heading's, else the row label's; None for a value of a sentence or no unit written."""
    for text in (column(sentence, at), row_label(sentence)):
        m = _HEADING_UNIT.search(text)
        if m:
            unit = (m.group(1) or m.group(2)).lower()
            return _UNITS.get(unit, unit if unit != "k€" else None)
    return None


def with_heading_unit(e: Entity) -> Entity:
    """A bare number of a table row ("10 712", read as a count) with the unit its headings give it."""
    if e.type != "AMOUNT" or e.unit != "count" or "|" not in e.sentence or not e.text:
        return e
    at = e.sentence.rfind(e.text)
    unit = heading_unit(e.sentence, at) if at > 0 else None
    return replace(e, unit=unit, currency="EUR" if unit == "EUR" else e.currency) if unit else e
