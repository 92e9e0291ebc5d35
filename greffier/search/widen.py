"""Widening a question's search beyond the issuer or documents it names, without losing them.

A question that names its issuer ("à Jons", "la Région Grand Est") or its document is searched
there first. When nothing there scores well enough, ask searches every document too (the
commune's water may be in the community's contract). Two things hold whatever that wider search
returns:

* the named documents' own candidates stay: a search of the whole corpus ranks twenty passages,
  and the RPQS or budgets of twenty other collectivités, written on the same model, fill them;
* a value of another collectivité does not compete with the named one's: "Combien la Région Grand
  Est compte-t-elle tirer de cessions ?" is not made doubtful by the same row of the Occitanie
  budget. Those values are marked ``elsewhere`` and weigh ``other_factor``; the margin of an
  answer from the named documents is taken over the named documents' values only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from greffier.extract.headings import fold
from greffier.search.candidate import Candidate, value_key


def widened(
    own: list[Candidate], everywhere: list[Candidate], named: Callable[[Candidate], bool], other_factor: float
) -> list[Candidate]:
    """``own`` (the named documents' candidates) and ``everywhere``'s, best first: a candidate
    outside the named documents weighs ``other_factor`` and is marked ``elsewhere``; a value found
    by both searches keeps its better score."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in own + [
        c if named(c) else replace(c, score=round(c.score * other_factor, 4), elsewhere=True) for c in everywhere
    ]:
        key = (c.entity.entity_id, c.hit.passage_id)
        if key not in best or c.score > best[key].score:
            best[key] = c
    return sorted(best.values(), key=lambda c: c.score, reverse=True)


def margin(cands: list[Candidate]) -> float:
    """How far the best candidate is ahead of the best one with another value. For a value of the
    named documents, the same line of another collectivité's document on the same model ("954
    Produit des cessions d'immobilisations" in every region's budget) is no rival."""
    if not cands:
        return 0.0
    top = cands[0]
    best = value_key(top.entity)
    line = _wording(top)
    rivals = (
        c
        for c in cands[1:]
        if value_key(c.entity) != best and (top.elsewhere or not c.elsewhere or _wording(c) != line)
    )
    return top.score - next((c.score for c in rivals), 0.0)


def _wording(c: Candidate) -> str:
    """A candidate's sentence without its figures."""
    return " ".join(re.sub(r"[\d.,%€]+", " ", fold(c.entity.sentence)).split())
