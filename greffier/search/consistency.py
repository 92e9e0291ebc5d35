"""Cross-year consistency of a series: the same quantity is written the same way every year.

Council minutes restate a yearly figure with the same words ("Prime de Noël ... De 5 à 20 heures :
550 €", "Coopérative scolaire | Subventions 2020 : 2 000 €"). A year's candidate whose wording (its
sentence or table-row label, and its section heading, numbers left out) resembles the candidates
of the other years is more likely the asked quantity than one that resembles nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# a candidate's wording: the stems of its label (sentence, or table row) and of its section heading
Template = tuple[frozenset[str], frozenset[str]]
LABEL_WEIGHT = 0.7  # the label says more than the heading, which often changes with the year's agenda


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similarity(a: Template, b: Template) -> float:
    return LABEL_WEIGHT * jaccard(a[0], b[0]) + (1 - LABEL_WEIGHT) * jaccard(a[1], b[1])


def support(templates: Mapping[int, Sequence[Template]]) -> dict[int, list[float]]:
    """For each year's candidates, in order: the mean over the other years that have candidates of
    the best similarity with one of theirs (0 when no other year has any)."""
    out: dict[int, list[float]] = {}
    for year, own in templates.items():
        others = [ts for y, ts in templates.items() if y != year and ts]
        out[year] = [
            sum(max(similarity(t, o) for o in ts) for ts in others) / len(others) if others else 0.0 for t in own
        ]
    return out
