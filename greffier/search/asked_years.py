"""The years a series question lists, as French questions write them.

A range asks every year in it ("de 2008 à 2014", "entre 2009 et 2015"); a list asks only the years
it names: "en 2009, 2012 et 2015", "en 2011, puis en 2014", "fin 2020 et fin 2021", "(tarifs 2008,
2009, 2011, 2013)", "d'après les délibérations de 2017, 2022, 2024 et 2025". A year beside "le
budget précédent" ("entre le budget précédent et le BP 2024") asks that year and the one before.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d{2})(?![\d/])")
# what may stand between two listed years: punctuation, "et", "puis", "ou", and the words that name
# what each year is of ("en", "fin", "au BP", "pour l'exercice", "tarifs")
_JOINERS = {
    "et", "puis", "ou", "en", "fin", "debut", "début", "pour", "au", "aux", "a", "à", "de", "du", "des", "d",
    "le", "la", "l", "les", "annee", "année", "annees", "années", "exercice", "exercices", "tarifs", "tarif",
    "bp", "budget", "budgets", "rentree", "rentrée", "ensuite", "enfin", "aussi", "également", "egalement",
}  # fmt: skip
_LINK = re.compile(r"\b(?:et|puis|ou)\b|[,;/]")
_PREVIOUS = re.compile(r"\b(?:budget|exercice|année|compte administratif) précédente?\b|\bn\s*-\s*1\b")


def listed_years(low: str) -> tuple[int, ...]:
    """The years a question lists, in order, when it lists two or more joined by commas, "et",
    "puis" or "ou" (not a range "de ... à"); else ()."""
    found = list(_YEAR.finditer(low))
    if len(found) < 2:
        return ()
    years = [int(found[0].group(1))]
    for prev, m in zip(found, found[1:]):
        between = low[prev.end() : m.start()]
        words = [w for w in re.split(r"[\s',;/()«»]+", between) if w]
        if len(between) > 40 or not _LINK.search(between) or any(w not in _JOINERS for w in words):
            return ()
        years.append(int(m.group(1)))
    distinct = sorted(set(years))
    return tuple(distinct) if len(distinct) >= 2 else ()


def with_previous(low: str, years: list[int]) -> tuple[int, int] | None:
    """(Y-1, Y) when the question names one year Y and the previous budget or exercise."""
    if len(set(years)) == 1 and _PREVIOUS.search(low):
        return years[0] - 1, years[0]
    return None
