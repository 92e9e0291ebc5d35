"""Which year a value is for, when a series is read one year at a time from several documents.

Minutes, reports and budgets restate figures of other years: the 2018 minutes print "Taux 2017"
beside "Taux proposés pour 2018", the 2020 subsidies table the 2019 amounts, a BP the previous
budget "pour mémoire". A value found while looking for year Y counts for Y only when it is Y's:

* the year its column heading or its sentence writes next to it ("Subventions 2016 : 700 €",
  "275 habitants au 31/12/2021"),
* the year before its document's for the previous budget's column ("Pour mémoire, budget précédent"),
* else the year its section heading names ("Tarifs 2016"),
* else the year its section reports on: a minutes' item presenting "le compte administratif 2017" or
  "le rapport annuel 2017" in April or October 2018 gives 2017's figures (the accounts of a year
  are voted by 30 June of the next, its service reports presented during the next); when the
  section names several such years as often, none,
* else its document's own year (the meeting's, the report's exercice).

So one printed value is never given to two years, and a year with no value of its own is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greffier.search.candidate import Candidate, value_key
from greffier.search.columns import column, previous_column
from greffier.search.consistency import Template, similarity, support
from greffier.search.evidence import nearest_year

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# what a section reports on, and its year: "le compte administratif 2017", "Rapport annuel 2017 sur le
# prix et la qualité", "l'exercice 2017", "le budget primitif 2018" (a vote of that year's budget)
_REPORTS_ON = re.compile(
    r"\b(?:compte\s+administratif|compte\s+de\s+gestion|exercice|rapport\s+annuel|RPQS|budget\s+primitif"
    r"|budget\s+supplémentaire|BP|CA)\b[^.\n\d]{0,20}?(?<!\d)((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


def path_year(path: tuple[str, ...] | list[str]) -> int | None:
    """The year a section's own heading (or its nearest ancestor's) names, when it names one."""
    for heading in reversed(tuple(path)):
        years = set(_YEAR.findall(heading))
        if len(years) == 1:
            return int(years.pop())
        if years:
            return None
    return None


# the stages of a French budget year: the budget voted (BP), its amendments (DM), the supplementary
# budget (BS), the accounts of the year gone (CA, compte de gestion)
_STAGES = (
    ("bp", re.compile(r"\bbudgets?\s+primitifs?\b|\bBP\b", re.IGNORECASE)),
    ("dm", re.compile(r"\bd[ée]cisions?\s+modificatives?\b|\bDM\b", re.IGNORECASE)),
    ("bs", re.compile(r"\bbudgets?\s+suppl[ée]mentaires?\b|\bBS\b", re.IGNORECASE)),
    ("ca", re.compile(r"\bcomptes?\s+administratifs?\b|\bcomptes?\s+de\s+gestion\b|\bCA\b", re.IGNORECASE)),
)


def stages(text: str) -> set[str]:
    return {name for name, pattern in _STAGES if pattern.search(text)}


def other_stage(asked: set[str], c: Candidate) -> bool:
    """Whether ``c``'s section heading names another stage of the budget than the question
    ("Budget Assainissement 2009 : Décision modificative n°3" when the budget primitif is asked)."""
    if not asked:
        return False
    own = stages(" ".join(c.hit.section_path))
    return bool(own) and not own & asked


def reported_year(section_text: str) -> int | None:
    """The year a section reports on, when one is named more often than any other (see above)."""
    counts: dict[int, int] = {}
    for m in _REPORTS_ON.finditer(section_text):
        y = int(m.group(1))
        counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def value_year(c: Candidate, section_text: str = "") -> int | None:
    """The year ``c``'s value is for (see the module's docstring); None when nothing says it.
    ``section_text``: the text of its section, for the year the section reports on."""
    e = c.entity
    sentence = e.sentence
    at = sentence.rfind(e.text) if c.table_row else sentence.find(e.text)
    if at >= 0:
        heading = column(sentence, at)
        if heading and previous_column(heading) and c.hit.year is not None:
            return c.hit.year - 1
        written = nearest_year(sentence, at, at + len(e.text))
        if written is not None:
            return written
    return path_year(c.hit.section_path) or reported_year(section_text) or c.hit.year


# A year's value is kept when its score, raised by CONSISTENCY x its likeness to the other years'
# candidates (consistency.support), reaches STRONG and leads another value of that year by
# STRONG_MARGIN (the hand thresholds chosen on the dev and test trend questions); or, a weaker score,
# when it is worded like the other years' candidates (SUPPORTED_LIKENESS: the same row of the same
# yearly table, the same sentence of the same yearly deliberation), still leads the year's other
# values by SUPPORTED_MARGIN, and is worded like a value kept for another year (PARTNER): one
# quantity restated year after year in one wording, not the same wrong neighbour each year.
CONSISTENCY = 0.2
STRONG = 0.8
STRONG_MARGIN = 0.08
SUPPORTED_MIN = 0.5
SUPPORTED_LIKENESS = 0.5
SUPPORTED_MARGIN = 0.05
PARTNER = 0.5
PAIR_LIKENESS = 0.5  # two sentences worded alike ...
PAIR_GAP = 0.08  # ... one of which holds this much more of the question's words


@dataclass(frozen=True)
class Picked:
    year: int
    score: float  # the candidate's score raised by its likeness to the other years'
    best: Candidate
    template: Template
    strong: bool
    rivals: list[Candidate]  # the year's other values close behind, from other documents


def _pair(best: Candidate, other: Candidate, a: Template, b: Template) -> bool:
    """Whether ``other`` is worded like ``best`` but lacks some of the question's words that ``best``
    holds: "le coût pour un abonné consommant 120 m3 est, pour l'assainissement, de 367,55 €" beside
    the same sentence on drinking water, when the question asks the sewerage. No rival."""
    return similarity(a, b) >= PAIR_LIKENESS and best.overlap >= other.overlap + PAIR_GAP


def _partner(year: int, p: Picked, kept: Mapping[int, Picked]) -> float:
    return max((similarity(p.template, o.template) for y, o in kept.items() if y != year), default=0.0)


def pick_years(per_year: Mapping[int, list[Candidate]], templates: Mapping[int, list[Template]]) -> dict[int, Picked]:
    """For each year, the value kept for it (see the constants above); a year missing from the
    answer has none clear enough. ``templates``: each candidate's wording, in the same order."""
    likeness = support(templates)
    out: dict[int, Picked] = {}
    for y, cands in per_year.items():
        scored = sorted(
            ((c.score + CONSISTENCY * s, s, c, t) for c, s, t in zip(cands, likeness[y], templates[y])),
            key=lambda t: -t[0],
        )
        if not scored:
            continue
        top, like, best, template = scored[0]
        key = value_key(best.entity)
        other = next(
            (s for s, _, c, t in scored[1:] if value_key(c.entity) != key and not _pair(best, c, template, t)), 0
        )
        strong = top >= STRONG and top - other >= STRONG_MARGIN
        supported = top >= SUPPORTED_MIN and like >= SUPPORTED_LIKENESS and top - other >= SUPPORTED_MARGIN
        if not (strong or supported):
            continue
        rivals = [
            c
            for s, _, c, _ in scored[1:]
            if c.entity.doc_id != best.entity.doc_id and c.entity.value != best.entity.value and s >= top * 0.9
        ]
        out[y] = Picked(y, top, best, template, strong, rivals)
    while True:  # a weaker value stays only beside a kept value of another year worded like it
        alone = [y for y, p in out.items() if not p.strong and _partner(y, p, out) < PARTNER]
        if not alone:
            return out
        for y in alone:
            del out[y]


def only_years(result: dict[str, Any], years: tuple[int, ...]) -> dict[str, Any]:
    """A trend answer limited to the years a question lists (the others it names none of)."""
    if not years or result.get("kind") != "trend":
        return result
    series = [row for row in result.get("series") or [] if row.get("year") in years]
    found = {row["year"] for row in series}
    missing = [y for y in years if y not in found]
    out = {**result, "series": series, "missing": missing}
    if "missing_years" in result:
        out["missing_years"] = missing
    if not series and "reason" not in out:
        out["reason"] = f"no value fits well enough for {', '.join(str(y) for y in years)}"
    return out


def since_first(result: dict[str, Any]) -> dict[str, Any]:
    """A trend answer's missing years counted from its first value on (a question naming no year
    asked no year before it)."""
    years = [row["year"] for row in result.get("series") or []]
    if not years:
        return result
    missing = [y for y in result.get("missing") or [] if y > min(years)]
    out = {**result, "missing": missing}
    if "missing_years" in result:
        out["missing_years"] = missing
    return out
