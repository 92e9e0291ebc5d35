"""Facets that exclude each other: a value of the other one is not the value asked for.

Public-sector documents print side by side the figures of things that differ by one word: the price
of drinking water and of sanitation for 120 m³ on consecutive pages of the same minutes, operating
and investment sections of one budget, revenue and spending of one chapter, the rates of the built
and unbuilt land taxes in one table. A question names one of them; a value whose own sentence names another of
the same group and not the asked one is that other thing's value, whatever else its words share
with the question.

Each group below is general knowledge of French local finance and water services (M14/M57, RPQS),
not of one document. Found with bench/ablation.py --trends (a year's page hidden: the other
service's price, printed on the next page, was read for that year).
"""

from __future__ import annotations

import re

from greffier.extract.headings import fold

# group -> (facet, pattern) — the patterns see folded text (lower case, no accents)
_GROUPS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "service": (
        ("eau potable", re.compile(r"\beau(?:x)? potable|\bdistribution d'eau\b|\balimentation en eau\b|\baep\b")),
        ("assainissement non collectif", re.compile(r"\bassainissement non collectif\b|\bspanc\b|\banc\b")),
        (
            "assainissement collectif",
            re.compile(r"\bassainissement(?! non collectif)(?: collectif)?\b|\beaux usees\b|\bstation d'epuration\b"),
        ),
    ),
    "section": (
        ("fonctionnement", re.compile(r"\bfonctionnement\b")),
        ("investissement", re.compile(r"\binvestissement\b")),
    ),
    "flow": (
        ("recettes", re.compile(r"\brecettes?\b|\bproduits?\b")),
        ("depenses", re.compile(r"\bdepenses?\b|\bcharges?\b|\bfrais\b")),
    ),
    # a commune's main budget and its annexed ones (sanitation, water, a housing estate, a building)
    "budget": (
        (
            "budget principal",
            re.compile(
                r"\bbudget (?:primitif )?(?:(?:19|20)\d\d )?(?:principal|general|communal|de la commune|de la ville)\b"
            ),
        ),
        (
            "budget annexe",
            re.compile(
                r"\bbudgets? annexes?\b"
                r"|\bbudget (?:primitif )?(?:(?:19|20)\d\d )?(?:du service )?(?:de l'|d'|du |des )?"
                r"(?:assainissement|eau|lotissements?|immeubles?|ccas|transports?|camping|zone)\b"
            ),
        ),
    ),
    "land tax": (
        ("foncier non bati", re.compile(r"\bnon[- ]bati")),
        ("foncier bati", re.compile(r"(?<!non )(?<!non-)\bbati")),
    ),
    # the INSEE's legal populations: the municipal one, and the total (municipal + counted apart)
    "population": (
        ("population municipale", re.compile(r"\bpopulation municipale\b")),
        ("population totale", re.compile(r"\bpopulation totale\b")),
        ("population comptee a part", re.compile(r"\bpopulation comptee a part\b")),
    ),
}


def _fold(text: str) -> str:
    return fold(text).replace("’", "'")


def facets(text: str) -> dict[str, set[str]]:
    """The facets ``text`` names, by group."""
    low = _fold(text)
    out: dict[str, set[str]] = {}
    for group, members in _GROUPS.items():
        named = {name for name, pattern in members if pattern.search(low)}
        if named:
            out[group] = named
    return out


def contradicts(question: str, sentence: str) -> str | None:
    """The facet of a group the question names one member of, when the value's own sentence names
    another member of that group and not the asked one. None when nothing contradicts. (Its section
    heading is no evidence: minutes put an item's last lines under the next item's heading.)"""
    asked = facets(question)
    if not asked:
        return None
    own = facets(sentence)
    for group, wanted in asked.items():
        if len(wanted) != 1:
            continue
        named = own.get(group) or set()
        if named and not named & wanted:
            (want,) = wanted
            return f"its evidence is about {', '.join(sorted(named))}, the question about {want}"
    return None
