"""A deliberation's visas and recitals are one sentence each, however they are punctuated.

"Vu le code général des collectivités territoriales, Vu la délibération du conseil municipal en date
du 29 juin 2021 approuvant le Plan Local d'Urbanisme, Vu la délibération du 6 décembre 2022 prescrivant
la modification n°1 …": extraction reads one sentence up to the next full stop, and every date in it
would then share the words of all the others. The clause a value is read in, from its "Vu" or
"Considérant" to the next one, is the value's own sentence.
"""

from __future__ import annotations

import re

from greffier.extract.amounts import find_amounts
from greffier.extract.dates import find_dates

# where a visa or recital starts: "Vu", "VU", "Considérant (que)", after the start or a separator
_CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|\s)(?=(?:Vu|VU|Considérant|CONSIDÉRANT|Considerant)\b)")


def own_clause(sentence: str, at: int) -> tuple[str, int]:
    """The visa or recital of ``sentence`` that holds the offset ``at``, and ``at`` within it; the
    whole sentence when it has fewer than two such clauses."""
    starts = [m.end() for m in _CLAUSE_START.finditer(sentence)]
    if len(starts) < 2:
        return sentence, at
    lo = max((s for s in starts if s <= at), default=0)
    hi = min((s for s in starts if s > at), default=len(sentence))
    return sentence[lo:hi], at - lo


# "Réunion de clôture : 29 mai 2024": a date its label introduces with a colon
_LABELLED_DATE = re.compile(r"\S\s*:\s*$")


def _own_labelled(sentence: str, at: int, spans: list[tuple[int, int]]) -> tuple[str, int]:
    """In a run of values that each follow a label and a colon (``spans``, in order), the item that
    holds the offset ``at``: from the end of the previous value to the end of this one, its label
    included, and ``at`` within it. The whole sentence when fewer than two values are labelled."""
    labelled = [(a, b) for a, b in spans if _LABELLED_DATE.search(sentence[max(0, a - 4) : a])]
    if len(labelled) < 2:
        return sentence, at
    own = next(((a, b) for a, b in labelled if a <= at < b), None)
    if own is None:
        return sentence, at
    lo = max((b for _, b in labelled if b <= own[0]), default=0)
    return sentence[lo : own[1]], at - lo


def own_item(sentence: str, at: int) -> tuple[str, int]:
    """In a run of labelled dates ("Notification de l'ouverture du contrôle : 10 janvier 2024
    Réunion de clôture : 29 mai 2024"), the item that holds the offset ``at``, its label included."""
    return _own_labelled(sentence, at, [(d.start, d.end) for d in find_dates(sentence)])


def own_amount_item(sentence: str, at: int) -> tuple[str, int]:
    """In a run of labelled figures ("Membres en exercice : 29 Membres présents : 25 Membres votants :
    28", "Montant HT : 1 000 € Montant TTC : 1 200 €"), the item that holds the offset ``at``, its
    label included."""
    return _own_labelled(sentence, at, [(a.start, a.end) for a in find_amounts(sentence)])
