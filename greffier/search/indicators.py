"""Questions that name an indicator (a SISPEA code or an indicator's name) answered from the
indicator records first (greffier.extract.indicators), before any passage search; and the
``compare`` table (one row per issuer or year, one column per year or issuer, each cell citing
its document and page)."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.extract.indicator_ref import IndicatorDef, by_code, find_codes, indicators, norm
from greffier.extract.indicator_values import YEAR
from greffier.records import IndicatorRecord

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)
_MIN_FORM = 10  # a name shorter than this ("omr", "taux") is too vague to route a question


def show_value(value: float | None) -> str:
    """A value as printed in a table cell: no exponent, no trailing zeros."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def named_indicators(text: str) -> list[IndicatorDef]:
    """The indicators a question names: its printed code, else every indicator whose longest
    matching name or synonym is the longest found (the D102.0 and D204.0 prices share theirs)."""
    codes = find_codes(text)
    if codes:
        found = [by_code(c) for _, _, c in codes]
        return [i for i in dict.fromkeys(found) if i is not None]
    folded = f" {norm(text)} "
    words = folded.split()
    best, out = 0, []
    for ind in indicators():
        size = max((len(f) for f in ind.forms if len(f) >= _MIN_FORM and f" {f} " in folded), default=0)
        if not size:  # "le prix TTC du service d'assainissement collectif … au m³ pour une facture de 120 m³"
            size = max((len(f) - 1 for f in ind.forms if len(f) >= _MIN_FORM and _spread(f.split(), words)), default=0)
        if size > best:
            best, out = size, [ind]
        elif size and size == best:
            out.append(ind)
    return out


_SPREAD = 8  # question words a name's words may be spread over, beyond their own


def _spread(form: list[str], words: list[str]) -> bool:
    """Whether a name of four words or more is written in the question in order, its words
    spread over at most ``_SPREAD`` words more than its own."""
    if len(form) < 4:
        return False
    for start, w in enumerate(words):
        if w != form[0]:
            continue
        i, k = 1, start + 1
        while i < len(form) and k < len(words) and k - start < len(form) + _SPREAD:
            if words[k] == form[i]:
                i += 1
            k += 1
        if i == len(form):
            return True
    return False


def _evidence_names(r: IndicatorRecord, inds: list[IndicatorDef], question: str) -> bool:
    """True when a name of the indicator that the question uses is written in the record's own
    evidence (its row label or sentence), word for word, or the evidence prints the indicator's
    code ("TOTAL (indicateur P202.2B) 120 - 107")."""
    if r.code and any(c == r.code for _, _, c in find_codes(r.evidence or "")):
        return True
    q, ev = f" {norm(question)} ", f" {norm(r.evidence or '')} "
    forms = [f for ind in inds if ind.key == r.indicator for f in ind.forms if len(f) >= _MIN_FORM]
    if not r.code:  # a figure without a code ("population"): the question's own name of it, in the evidence
        return any(f" {f} " in q and f" {f} " in ev for f in forms)
    # a coded indicator: once the question has named it, any of its names in the evidence ("Indice de
    # la collectivité pour l'année 2021 : 73", the RPQS template's name of P202.2B)
    return any(f" {f} " in ev for f in forms) and any(f" {f} " in q for f in forms)


def _records(g: Greffier, inds: list[IndicatorDef], issuer: str | None) -> list[IndicatorRecord]:
    out: list[IndicatorRecord] = []
    for ind in inds:
        out += g.store.indicators(indicator=ind.key, issuer=issuer)
    return [r for r in out if r.value is not None]


def _row(g: Greffier, r: IndicatorRecord) -> dict[str, Any]:
    doc = g.store.document(r.doc_id)
    return {
        "answer": f"{show_value(r.value)} {r.unit}",
        "value": r.value,
        "unit": r.unit,
        "kind": "indicator",
        "indicator": r.indicator,
        "code": r.code,
        "name": r.name,
        "year": r.year,
        "as_of": r.as_of,
        "issuer": r.issuer,
        "commune": r.commune,
        "confidence": 0.5 if r.conflict else 1.0,
        "doc_id": r.doc_id,
        "title": doc.title if doc else "",
        "page": r.page,
        "section_path": [],
        "evidence": r.evidence,
        "conflict": r.conflict,
    }


def _by_source_year(rs: list[IndicatorRecord], g: Greffier) -> list[IndicatorRecord]:
    """Best first: the report of the value's own year (then the nearest), a value printed once."""

    def doc_year(r: IndicatorRecord) -> int:
        doc = g.store.document(r.doc_id)
        return doc.year if doc and doc.year else 0

    return sorted(rs, key=lambda r: (r.conflict, abs(doc_year(r) - (r.year or 0)), -doc_year(r), r.page))


def indicator_answer(g: Greffier, question: str, year: int | None, issuer: str | None) -> dict[str, Any] | None:
    """An answer from the indicator records when the question names an indicator and a record
    fits (its year, else the latest); None to let the passage search answer."""
    coded = bool(find_codes(question))
    inds = named_indicators(question)
    if not inds:
        return None
    records = _records(g, inds, issuer)
    asked = year or next((int(m.group(1)) for m in YEAR.finditer(question)), None)
    if asked is not None:
        records = [r for r in records if r.year == asked]
    if not records:
        return None
    latest = max(r.year or 0 for r in records)
    if len({(r.value, r.commune) for r in records if (r.year or 0) == latest}) > 1:
        return None  # two values for the year: the passages decide, with their evidence
    ranked = _by_source_year([r for r in records if (r.year or 0) == latest], g)
    best = ranked[0]
    if not coded and not _evidence_names(best, inds, question):
        # measured on the in-house questions: a question routed by a name its record's evidence
        # does not bear (a population, a count, a date of the same report) was answered wrongly
        return None
    alternatives = [_row(g, r) for r in ranked[1:4] if (r.value, r.commune) != (best.value, best.commune)]
    return {
        "question": question,
        "kind": "indicator",
        "years": [asked, asked],
        **_row(g, best),
        "alternatives": alternatives,
    }


def indicator_trend(
    g: Greffier, what: str, lo: int | None, hi: int | None, issuer: str | None
) -> dict[str, Any] | None:
    """One value per year from the indicator records, missing years listed; None when the
    question names no indicator or no record has a value."""
    inds = named_indicators(what)
    if not inds:
        return None
    records = [r for r in _records(g, inds, issuer) if r.year is not None]
    if not find_codes(what):  # routed by a name: only records whose evidence bears it
        records = [r for r in records if _evidence_names(r, inds, what)]
    if not records:
        return None
    years = sorted({r.year for r in records if r.year is not None})
    lo = lo or years[0]
    hi = hi or years[-1]
    per_year: dict[int, list[IndicatorRecord]] = defaultdict(list)
    for r in records:
        if r.year is not None and lo <= r.year <= hi:
            per_year[r.year].append(r)
    series = []
    for y in sorted(per_year):
        ranked = _by_source_year(per_year[y], g)
        row = _row(g, ranked[0])
        others = [_row(g, r) for r in ranked[1:] if r.value != ranked[0].value]
        if others:
            row["conflicts"] = others[:2]
        series.append(row)
    missing = [y for y in range(lo, hi + 1) if y not in per_year]
    return {
        "question": what,
        "kind": "trend",
        "unit": series[0]["unit"] if series else None,
        "series": series,
        "missing": missing,
    }


def compare(
    g: Greffier, indicator: IndicatorDef, by: str = "issuer", issuer: str | None = None
) -> list[dict[str, Any]]:
    """A table of one indicator: a row per issuer (or commune) and a column per year, or the
    transpose with ``by="year"``; each cell "value unit (doc_id p.N)", conflicting values joined by
    " | "."""
    records = g.store.indicators(indicator=indicator.key, issuer=issuer)
    cells: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for r in records:
        doc = g.store.document(r.doc_id)
        who = r.commune or r.issuer or (Path(doc.path).stem if doc else r.doc_id)
        shown = r.status if r.value is None else f"{show_value(r.value)} {r.unit}"
        cell = f"{shown} ({r.doc_id} p.{r.page})"
        if cell not in cells[(who, r.year)]:
            cells[(who, r.year)].append(cell)
    whos = sorted({k[0] for k in cells})
    years = sorted({k[1] for k in cells if k[1] is not None})
    if by == "year":
        return [{"year": y, **{w: " | ".join(cells.get((w, y), [])) for w in whos}} for y in years]
    return [{"issuer": w, **{str(y): " | ".join(cells.get((w, y), [])) for y in years}} for w in whos]
