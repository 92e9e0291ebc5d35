"""A deliberation's visas and recitals are one sentence each, however they are punctuated.

"Vu le code général des collectivités territoriales, Vu la délibération du conseil municipal en date
du 29 juin 2021 approuvant le Plan Local d'Urbanisme, Vu la délibération du 6 décembre 2022 prescrivant
la modification n°1 …": extraction reads one sentence up to the next full stop, and every date in it
would then share the words of all the others. The clause a value is read in, from its "Vu" or
"Considérant" to the next one, is the value's own sentence.
"""

from __future__ import annotations

import re

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
