"""Extractive answers with proof: a figure, a date or a direction, or a year-by-year series.

No generative model: the answer is an entity found in a retrieved passage, chosen for its
type and unit, the counted noun, the question's words around it and the year. Every answer
is checked again in the cited page's text before it is returned; when nothing fits well
enough, the answer is an abstention with the candidates seen.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greffier.extract.headings import fold
from greffier.records import Entity, SearchHit
from greffier.search.question import Question, parse_question

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.9  # tuned on the dev questions: the lowest threshold with <= 5 % wrong answers
_KIND_TYPES = {"figure": ("AMOUNT",), "trend": ("AMOUNT",), "date": ("DATE",), "direction": ("DIRECTION",)}


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    hit: SearchHit
    score: float
    overlap: float


def _stems(g: Greffier, text: str) -> set[str]:
    return set(g.keyword.analyze(text))


def _matched(q_stems: set[str], stems: set[str]) -> int:
    """How many question stems the text has: equal, or one a prefix of the other (stemmers
    disagree on derived forms: "préparées" -> prepare, "préparation" -> prepar)."""
    n = 0
    for s in q_stems:
        if s in stems or (len(s) >= 5 and any(len(t) >= 5 and (t.startswith(s) or s.startswith(t)) for t in stems)):
            n += 1
    return n


def _unit_ok(q: Question, e: Entity) -> bool:
    if q.unit is None:
        return e.unit not in ("h",)
    if q.unit == "count":
        return e.unit == "count"
    if q.unit == "EUR":
        return e.unit == "EUR" or (e.currency == "EUR")
    return e.unit == q.unit


def _counted_ok(g: Greffier, q: Question, e: Entity) -> bool:
    if not q.counted:
        return True
    if not e.quantity_of:
        return False
    return bool(_stems(g, q.counted) & _stems(g, e.quantity_of)) or fold(q.counted)[:5] == fold(e.quantity_of)[:5]


def _verified(g: Greffier, e: Entity) -> bool:
    """The entity's text is found again in the cited page's text."""
    page = g.store.page_text(e.doc_id, e.page)
    if page is None:
        return False
    norm = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    return norm(e.text) in norm(page)


def _candidates(g: Greffier, q: Question, hits: list[SearchHit]) -> list[Candidate]:
    if not hits:
        return []
    types = _KIND_TYPES.get(q.kind, ("AMOUNT", "DATE", "DIRECTION"))
    passages = g.store.passages_by_id([h.passage_id for h in hits])
    ents = g.store.entities_of_sections(sorted({p.section_id for p in passages.values()}), types)
    by_section: dict[str, list[Entity]] = {}
    for e in ents:
        by_section.setdefault(e.section_id, []).append(e)
    q_stems = _stems(g, q.terms)
    if q.counted:
        q_stems -= _stems(g, q.counted)  # the counted noun is checked on its own
    top = max(h.score for h in hits) or 1.0
    out: list[Candidate] = []
    for h in hits:
        p = passages.get(h.passage_id)
        if p is None:
            continue
        table_row = p.start == p.end  # a table row passage: its cells' entity ids extend its id
        for e in by_section.get(p.section_id, []):
            if table_row:
                if not e.entity_id.startswith(p.passage_id):
                    continue
            elif not (p.start <= e.start and e.end <= p.end) or p.start == p.end:
                continue
            if q.kind in ("figure", "trend") and (not _unit_ok(q, e) or not _counted_ok(g, q, e)):
                continue
            overlap = _matched(q_stems, _stems(g, e.sentence)) / max(1, len(q_stems))
            near = _near(g, q_stems, p.text, e.start - p.start, e.end - p.start)
            score = 0.4 * h.score / top + 0.35 * overlap + 0.25 * near
            if q.kind == "date" and e.precision == "year":
                score *= 0.5  # "quand" wants a day or a month
            out.append(Candidate(e, h, round(score, 4), overlap))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def _near(g: Greffier, q_stems: set[str], text: str, start: int, end: int) -> float:
    """Share of the question's words within a few words of the entity."""
    window = text[max(0, start - 120) : end + 80]
    return _matched(q_stems, _stems(g, window)) / max(1, len(q_stems))


def _answer_row(c: Candidate, q: Question) -> dict[str, Any]:
    e = c.entity
    value: Any = e.value if e.type == "AMOUNT" else e.iso if e.type == "DATE" else e.canonical or e.text
    return {
        "answer": e.text.replace("\n", " "),
        "value": value,
        "unit": e.unit if e.type == "AMOUNT" else None,
        "tax": e.tax,
        "kind": q.kind if q.kind != "trend" else "figure",
        "year": c.hit.year,
        "confidence": round(min(1.0, c.score), 3),
        "doc_id": e.doc_id,
        "title": c.hit.title,
        "page": e.page,
        "section_path": list(c.hit.section_path),
        "evidence": e.sentence,
    }


def _search(
    g: Greffier, q: Question, year_from: int | None, year_to: int | None, issuer: str | None
) -> list[SearchHit]:
    filters = g.filters(year_from=year_from, year_to=year_to, issuer=issuer)
    terms = q.terms or q.text
    try:
        return g.search(terms, filters, limit=20)
    except Exception as exc:  # an empty query after removing question words
        log.debug("search failed for %r: %s", terms, exc)
        return []


_GENERIC_ISSUER_WORDS = {
    "commune",
    "communes",
    "communaute",
    "ville",
    "mairie",
    "conseil",
    "des",
    "de",
    "du",
    "la",
    "le",
    "l",
}


def issuer_in_question(question: str, issuers: list[str]) -> tuple[str | None, set[str]]:
    """The issuer a question names ("la Métropole", "Pierrefonds", "la CCLO") and the words
    that named it. Only words that belong to a single known issuer count."""
    words = {
        i: {w for w in re.split(r"[\s'’-]+", fold(i)) if len(w) >= 4 and w not in _GENERIC_ISSUER_WORDS}
        for i in issuers
    }
    q = set(re.split(r"[\s'’?,.;:()-]+", fold(question)))
    found: dict[str, set[str]] = {}
    for issuer, ws in words.items():
        others = set().union(*(v for k, v in words.items() if k != issuer)) if len(words) > 1 else set()
        own = (ws - others) & q
        if issuer.startswith("Communauté") and "cclo" in q:
            own.add("cclo")
        if own:
            found[issuer] = own
    if len(found) == 1:
        ((issuer, named),) = found.items()
        return issuer, named
    return None, set()


def ask(g: Greffier, question: str, year: int | None = None, issuer: str | None = None) -> dict[str, Any]:
    latest = max((d.year for d in g.documents() if d.year), default=None)
    q = parse_question(question, latest)
    if issuer is None:
        named_issuer, named = issuer_in_question(question, g.store.issuers())
        if named_issuer:
            issuer = named_issuer
            kept = [w for w in q.terms.split() if not (set(re.split(r"[-']", fold(w))) & (named | {"metropole"}))]
            q = Question(q.text, q.kind, q.year_from, q.year_to, q.unit, q.counted, " ".join(kept) or q.terms)
    if year is not None:
        q = Question(q.text, q.kind, year, year, q.unit, q.counted, q.terms)
    if q.kind == "trend":
        return trend(g, question, q.year_from, q.year_to, issuer, parsed=q)
    hits = _search(g, q, q.year_from, q.year_to, issuer)
    if not hits and q.year_from is not None:
        hits = _search(g, q, None, None, issuer)  # the figure may be restated in a later document
    cands = [c for c in _candidates(g, q, hits) if _verified(g, c.entity)]
    base = {"question": question, "kind": q.kind, "years": [q.year_from, q.year_to]}
    if not cands or cands[0].score < MIN_CONFIDENCE or cands[0].overlap == 0:
        reason = "no passage holds a value of the asked type" if not cands else "no candidate fits well enough"
        return {**base, "answer": None, "reason": reason, "candidates": [_answer_row(c, q) for c in cands[:3]]}
    best = cands[0]
    alternatives = [
        _answer_row(c, q)
        for c in cands[1:6]
        if (c.entity.value, c.entity.iso, c.entity.canonical)
        != (best.entity.value, best.entity.iso, best.entity.canonical)
    ][:3]
    return {**base, **_answer_row(best, q), "alternatives": alternatives}


def trend(
    g: Greffier,
    what: str,
    year_from: int | None = None,
    year_to: int | None = None,
    issuer: str | None = None,
    parsed: Question | None = None,
) -> dict[str, Any]:
    """One value per year for the measured thing; missing years are listed, never filled."""
    docs = g.documents()
    years_known = sorted({d.year for d in docs if d.year})
    q = parsed or parse_question(what, years_known[-1] if years_known else None)
    lo = year_from or q.year_from or (years_known[0] if years_known else None)
    hi = year_to or q.year_to or (years_known[-1] if years_known else None)
    if lo is None or hi is None:
        return {"question": what, "kind": "trend", "series": [], "missing": [], "reason": "no document has a year"}
    q = Question(q.text, "figure", lo, hi, q.unit, q.counted, q.terms)
    series: list[dict[str, Any]] = []
    missing: list[int] = []
    for y in range(lo, hi + 1):
        yq = Question(q.text, "figure", y, y, q.unit, q.counted, q.terms)
        hits = _search(g, yq, y, y, issuer)
        cands = [c for c in _candidates(g, yq, hits) if _verified(g, c.entity)]
        cands = [c for c in cands if c.score >= MIN_CONFIDENCE and c.overlap > 0]
        if not cands:
            missing.append(y)
            continue
        best = cands[0]
        row = {"year": y, **{k: v for k, v in _answer_row(best, yq).items() if k != "year"}}
        # another document of the same year disagreeing: show it, the more recent first
        others = [
            c
            for c in cands[1:]
            if c.entity.doc_id != best.entity.doc_id
            and c.entity.value != best.entity.value
            and c.score >= best.score * 0.9
        ]
        if others:
            row["conflicts"] = [_answer_row(c, yq) for c in others[:2]]
        series.append(row)
    return {"question": what, "kind": "trend", "unit": q.unit, "series": series, "missing": missing}
