"""Trends read from the small year-column tables minutes print in their text, one per meeting:

    Taux 2009 Taux 2010 proposés Taxe d'habitation 14,57 % 15,01 % Taxe sur le foncier bâti 16,55 % …

A header names two years or more; each row after it is a label followed by as many figures, the
i-th figure being the i-th year's. The row whose label holds the question's words gives one value per
year of its header; the meetings of several years together give the series. A year two documents
disagree on takes the value of the document where that year is the last column (the year voted,
"Taux 2010 proposés"); if they still disagree, or no table gives it, the year is missing: never a
value guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greffier.extract.headings import fold
from greffier.extract.numbers import parse_number
from greffier.search.bare_rows import bare_rows, chart_rows
from greffier.search.evidence import Weigher, coverage, question_weights

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.question import Question

_YEAR = re.compile(r"(?<![\d/,.])((?:19|20)\d{2})(?![\d/,])")
_FIGURE = re.compile(r"(?<![\d,])(\d{1,3}(?:[ \u202f\u00a0]\d{3})*(?:,\d+)?)\s*(%|€)")
HEADER_GAP = 40  # characters at most between two years of one header ("Taux 2009 Taux 2010 proposés")
HEADER_WORDS = 3  # ... and words: "les taux 2009 des trois taxes pour l'année 2010" is prose
REGION = 500  # characters after a header where its rows are
MAX_LABEL = 80  # a longer stretch of text between figures is prose: the table has ended
MIN_LABEL = 0.5  # share of the question's weighted words in the row's label
MIN_MARGIN = 0.1  # over the table's next best row
PAGES = 30  # pages of the search's hits read
LABEL_EXTRA = 0.15  # a bare row's label: what each of its words that is not the question's costs it
LEAD = 120  # characters before a header where its table's title is
_LINKS = {"des", "les", "aux", "pour", "par", "sur", "dont"}
_AXIS_WORDS = re.compile(r"\b(?:années?|exercices?)\b", re.IGNORECASE)
CAPTION = 60  # characters after a chart's year axis where its caption is
_UNIT_WORDS = re.compile(r"\ben\s+(?:€|euros?|m3|m³|tonnes|k€)|\([^)]{0,10}\)", re.IGNORECASE)
_LINKED = re.compile(r"\b(?:en|pour|à|au|et|de|du|vers|puis|par rapport)\b", re.IGNORECASE)
BARE_NAMED = 0.25  # the share of the question's weight the page's row labels and titles must hold


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    text: str
    unit: str
    doc_id: str
    page: int
    label: str
    last: bool  # the header's last year (the year voted)
    evidence: str


def headers(text: str) -> list[tuple[int, int, list[int]]]:
    """Runs of two distinct increasing years or more, each within HEADER_GAP of the previous."""
    out: list[tuple[int, int, list[int]]] = []
    run: list[re.Match[str]] = []
    for m in _YEAR.finditer(text):
        between = text[run[-1].end() : m.start()] if run else ""
        close = len(between) <= HEADER_GAP and len(between.split()) <= HEADER_WORDS
        if run and close and int(m.group(1)) > int(run[-1].group(1)):
            run.append(m)
            continue
        if len(run) >= 2:
            out.append((run[0].start(), run[-1].end(), [int(x.group(1)) for x in run]))
        run = [m]
    if len(run) >= 2:
        out.append((run[0].start(), run[-1].end(), [int(x.group(1)) for x in run]))
    return out


# a tariff table whose columns are named by their role, not their year: "Tarifs actuels Tarifs
# proposés", "Tarifs en vigueur Nouveaux tarifs"; its years are the year voted and the one before
_RELATIVE_HEADER = re.compile(
    r"\btarifs?\s+(?:actuels?|en\s+vigueur)\s+(?:(?:les\s+)?tarifs?\s+)?(?:propos[ée]s?|nouveaux|vot[ée]s?)\b"
    r"|\btarifs?\s+(?:actuels?|en\s+vigueur)\s+nouveaux\s+tarifs?\b",
    re.IGNORECASE,
)
# "162,00 € Maintien": the proposed figure is the current one
_KEPT = re.compile(r"^\s*(?:maintien|maintenu[es]?|inchang[ée]e?s?|idem|sans\s+changement)\b", re.IGNORECASE)
AUTUMN = 9  # a meeting from September on votes the next year's tariffs


def voted_year(date: str | None, year: int | None) -> int | None:
    """The year a meeting's tariffs are for: its own, or the next one from September on."""
    if date and len(date) >= 7 and date[4] == "-":
        return int(date[:4]) + (1 if int(date[5:7]) >= AUTUMN else 0)
    return year


def relative_headers(text: str, voted: int | None) -> list[tuple[int, int, list[int]]]:
    """The "Tarifs actuels Tarifs proposés" headers of ``text``, with the years their columns are
    (the year before the one voted, the year voted)."""
    if voted is None:
        return []
    return [(m.start(), m.end(), [voted - 1, voted]) for m in _RELATIVE_HEADER.finditer(text)]


def rows_after(text: str, start: int, end: int) -> list[tuple[str, list[tuple[str, float, str]]]]:
    """The (label, figures) rows of the text after a header, up to prose or REGION characters."""
    region = text[start:end]
    rows: list[tuple[str, list[tuple[str, float, str]]]] = []
    at = 0
    figures: list[tuple[str, float, str]] = []
    label = ""
    for m in _FIGURE.finditer(region):
        between = region[at : m.start()]
        kept = _KEPT.match(between) if figures else None
        if kept:  # "162,00 € Maintien Concession …": the figure again, then the next row's label
            figures.append(figures[-1])
            between = between[kept.end() :]
        if between.strip():
            if figures:
                rows.append((label, figures))
            if len(between.strip()) > MAX_LABEL:
                return rows
            label, figures = between.strip(), []
        value = parse_number(m.group(1))
        if value is None:
            break
        figures.append((m.group(0), value, "%" if m.group(2) == "%" else "EUR"))
        at = m.end()
    if figures and _KEPT.match(region[at:]):
        figures.append(figures[-1])
    if figures:
        rows.append((label, figures))
    return rows


def points_of_text(
    doc_id: str,
    page: int,
    text: str,
    wg: Weigher,
    weights: dict[str, float],
    unit: str | None,
    bare_unit: str | None = None,
    voted: int | None = None,
) -> list[Point]:
    """The points the page's year-column tables give for the row the question names. ``bare_unit``:
    the question's unit, for rows of figures written without one (see :func:`bare_points`);
    ``voted``: the year the page's "Tarifs actuels Tarifs proposés" tables vote (:func:`voted_year`)."""
    out: list[Point] = []
    heads = sorted(headers(text) + relative_headers(text, voted))
    bare_heads = []
    for i, (h_start, h_end, years) in enumerate(heads):
        stop = min(heads[i + 1][0] if i + 1 < len(heads) else len(text), h_end + REGION)
        rows = [(lab, figs) for lab, figs in rows_after(text, h_end, stop) if len(figs) == len(years)]
        rows = [(lab, figs) for lab, figs in rows if unit is None or all(f[2] == unit for f in figs)]
        if not rows:
            bare_heads.append((h_start, h_end, stop, years))
            continue
        head = text[h_start:h_end]  # "Taux 2009 Taux 2010": what all its rows measure
        scored = sorted(
            ((coverage(weights, wg.tokens(f"{head} {lab}")), lab, figs) for lab, figs in rows), key=lambda t: -t[0]
        )
        best, label, figs = scored[0]
        if best < MIN_LABEL or (len(scored) > 1 and best - scored[1][0] < MIN_MARGIN):
            continue
        out += _points(doc_id, page, text, h_start, h_end, years, label, figs)
    # (a rate is always written with its "%"; "les taux 2015 en 2016" is prose, no header of columns)
    bare_heads = [h for h in bare_heads if not _LINKED.search(_UNIT_WORDS.sub(" ", text[h[0] : h[1]]))]
    if bare_unit != "%":
        out += bare_points(doc_id, page, text, wg, weights, bare_heads, bare_unit)
    return out


def _points(
    doc_id: str, page: int, text: str, h_start: int, h_end: int, years: list[int], label: str, figs: list
) -> list[Point]:
    lead = text[max(0, h_start - 20) : h_start].rsplit("\n", 1)[-1]  # "Taux " before "2009"
    evidence = re.sub(r"\s+", " ", f"{lead}{text[h_start:h_end]} … {label} {' '.join(f[0] for f in figs)}")
    return [
        Point(year, value, raw, u, doc_id, page, label, k == len(years) - 1, evidence)
        for k, (year, (raw, value, u)) in enumerate(zip(years, figs))
    ]


def bare_points(
    doc_id: str,
    page: int,
    text: str,
    wg: Weigher,
    weights: dict[str, float],
    heads: list[tuple[int, int, int, list[int]]],
    unit: str | None,
) -> list[Point]:
    """The points of the one row of bare figures, among the page's tables, that names the question's
    measure: "Total des abonnés 545 587" under "NOMBRE D'ABONNES 2021 2022", "Total des recettes
    19 628,61 23 082,51" under "Recettes de la collectivité : … Exercice 2020 en € Exercice 2021 en €".
    A row is named by the question's words that the page's row labels and table titles hold (the
    others name the document: the service, the commune), each word of its label that is not the
    question's counting against it; it must lead every row with other figures."""
    found = []
    for h_start, h_end, stop, years in heads:
        head = text[h_start:h_end]
        title = text[max(0, h_start - LEAD) : h_start]
        u = _written_unit(f"{head} {title[-40:]}")
        for label, figs in bare_rows(text[h_end:stop], len(years)):
            row_unit = u or _written_unit(label) or "count"
            if any(v for _, v in figs) and row_unit == (unit or "count"):
                # (a row of zeros is an empty line of the table; a row of another unit, another measure)
                found.append((title, head, label, [(t, v, row_unit) for t, v in figs], h_start, h_end, years))
    for start, end, years, figs in chart_rows(text):  # a bar chart's data labels over its year axis
        title = text[max(0, start - LEAD) : start]
        caption = _AXIS_WORDS.sub(" ", text[end : end + CAPTION])  # " m3\nAnnée\nVolume facturés"
        u = _written_unit(caption) or "count"
        axis = text[start:end].rsplit("\n", 1)[-1]
        if u != (unit or "count"):
            continue
        found.append((title, axis, caption, [(t, v, u) for t, v in figs], start, end, years))
    if not found:
        return []
    vocabulary = {s for f in found for t in wg.tokens(f"{f[0]} {f[1]} {f[2]}") for s in t.stems}
    named = {s: w for s, w in weights.items() if s in vocabulary}
    if sum(named.values()) < BARE_NAMED * sum(weights.values()):
        return []

    def score(f: tuple) -> float:
        # every word of the label counts, the analyzer's stop words too ("Total des autres recettes")
        words = [w for w in re.findall(r"[^\W\d_]{3,}", f[2]) if w.lower() not in _LINKS]
        extra = sum(1 for w in words if not set(wg.stems(w)) & set(named))
        return coverage(named, wg.tokens(f"{f[0]} {f[1]} {f[2]}")) - LABEL_EXTRA * extra

    # the row's own label (a chart's caption) names something the question asks, not only its title
    found = [f for f in found if any(s in named for t in wg.tokens(f[2]) for s in t.stems)]
    if not found:
        return []
    ranked = sorted(found, key=score, reverse=True)
    best = ranked[0]
    top = score(best)

    def disagree(f: tuple) -> bool:  # a row giving another figure for one of the best row's years
        mine = dict(zip(best[6], (x[1] for x in best[3])))
        return any(y in mine and mine[y] != x[1] for y, x in zip(f[6], f[3]))

    other = next((score(f) for f in ranked[1:] if disagree(f)), 0.0)
    if top < MIN_LABEL or top - other < MIN_MARGIN:
        return []
    title, head, label, figs, h_start, h_end, years = best
    return _points(doc_id, page, text, h_start, h_end, years, label, figs)


def _pages(g: Greffier, q: Question, issuer: str | None, lo: int, hi: int) -> list[tuple[str, int]]:
    terms = re.sub(r'["+]|(?<!\w)-|-(?!\w)', " ", q.terms or q.text)
    unknown = {d.doc_id for d in g.documents() if not d.issuer}
    seen: list[tuple[str, int]] = []
    for scope in (issuer, None) if issuer else (None,):
        try:
            hits = g.search(terms, g.filters(year_from=lo, year_to=hi + 1, issuer=scope), limit=60, snippets=False)
        except Exception:  # an empty query
            continue
        keys = [(h.doc_id, h.page) for h in hits if scope is not None or issuer is None or h.doc_id in unknown]
        seen += [k for k in dict.fromkeys(keys) if k not in seen]
    return seen[:PAGES]


_NUM = r"\d{1,3}(?:[ \u202f\u00a0]\d{3})*(?:,\d+)?"
_AT = r"(?:au|en|fin)\s+(?:\d{1,2}/\d{1,2}/|\d{1,2}(?:er)?\s+décembre\s+)?"
# "dessert 275 habitants au 31/12/2021 (270 au 31/12/2020)": a figure and the previous year's beside it
_PAIR = re.compile(
    rf"(?<![\d,])(?P<v1>{_NUM})\s*(?P<u1>[^\d()\n.;]{{0,25}}?)\s*{_AT}(?P<y1>(?:19|20)\d{{2}})\s*"
    rf"\(\s*(?P<v2>{_NUM})\s*(?P<u2>[^\d()\n.;]{{0,25}}?)\s*{_AT}(?P<y2>(?:19|20)\d{{2}})\s*\)"
)


# "N (M en Y-1)": a figure and the previous year's, the figure's own year the report's
_PAIR_IN = re.compile(
    rf"(?<![\d,])(?P<v1>{_NUM})\s*(?P<u1>[^\d()\n.;]{{0,25}}?)\s*"
    rf"\(\s*(?P<v2>{_NUM})\s*(?P<u2>[^\d()\n.;]{{0,25}}?)\s*en\s+(?P<y2>(?:19|20)\d{{2}})\s*\)"
)
# the words RPQS write for what a question names otherwise ("dessert 275 habitants": the population served)
_SYNONYMS = ((re.compile(r"\bhabitants?\b", re.IGNORECASE), "population"), (re.compile(r"\bdessert\b"), "desservie"))


_UNIT_WRITTEN = (
    ("EUR", re.compile(r"€|\beuros?\b|\bk€", re.IGNORECASE)),
    ("m3", re.compile(r"\bm3\b|m³|mètres? cubes?", re.IGNORECASE)),
    ("t", re.compile(r"\btonnes?\b|\(t\)", re.IGNORECASE)),
    ("km", re.compile(r"\bkm\b|kilomètres?", re.IGNORECASE)),
    ("%", re.compile(r"%")),
)


def _written_unit(text: str) -> str | None:
    """The unit a header, a title or a caption writes for its figures (None: none, a count)."""
    return next((u for u, pattern in _UNIT_WRITTEN if pattern.search(text)), None)


def _with_synonyms(label: str) -> str:
    return " ".join([label, *(word for pattern, word in _SYNONYMS if pattern.search(label))])


def _unit_of(words: str) -> str:
    return "%" if "%" in words else "EUR" if "€" in words or "euro" in words.lower() else "count"


def pair_points(
    doc_id: str,
    page: int,
    text: str,
    wg: Weigher,
    weights: dict[str, float],
    unit: str | None,
    doc_year: int | None = None,
    counted: str | None = None,
) -> list[Point]:
    """The points of the sentence, among the page's "N au 31/12/Y (M au 31/12/Y-1)", whose words
    hold the question's (the best one, clearly ahead of the page's others); "N (M en Y-1)" in a
    report on year ``doc_year`` = Y gives N to Y ("dessert 1 419 habitants (1 411 en 2021)")."""
    found = []
    pairs = list(_PAIR.finditer(text))
    if doc_year is not None:
        pairs += [m for m in _PAIR_IN.finditer(text) if int(m.group("y2")) == doc_year - 1]
    for m in pairs:
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        label = text[start : m.start()] + " " + m.group("u1")
        u = _unit_of(m.group("u1"))
        if unit is not None and u != unit and not (unit == "count" and u == "count"):
            continue
        if counted and fold(counted)[:5] not in fold(m.group("u1")):
            continue  # "combien d'abonnés": not the habitants the sentence counts
        found.append((coverage(weights, wg.tokens(_with_synonyms(label))), label.strip(), m, u))
    found.sort(key=lambda t: -t[0])
    if not found or found[0][0] < MIN_LABEL or (len(found) > 1 and found[0][0] - found[1][0] < MIN_MARGIN):
        return []
    _, label, m, u = found[0]
    evidence = re.sub(r"\s+", " ", f"{label} {text[m.start() : m.end()]}")
    out = []
    y1 = m.groupdict().get("y1") or str(doc_year)
    for v, y, last in ((m.group("v1"), y1, True), (m.group("v2"), m.group("y2"), False)):
        value = parse_number(v)
        if value is not None:
            out.append(Point(int(y), value, v, u, doc_id, page, label, last, evidence))
    return out


def year_column_trend(
    g: Greffier, what: str, q: Question, wg: Weigher, issuer: str | None, lo: int, hi: int
) -> dict[str, Any] | None:
    """The series from the year-column tables of several meetings, or None when fewer than two
    years come from them."""
    weights = question_weights(wg, q)
    by_year: dict[int, list[Point]] = {}
    # the one document whose "N au Y (M au Y-1)" is read: the best ranked of the issuer's own (annual
    # reports of one template would otherwise give every commune's figures)
    own = {d.doc_id for d in g.documents() if issuer and d.issuer == issuer}
    paired: str | None = None
    for doc_id, number in _pages(g, q, issuer, lo, hi):
        text = g.store.page_text(doc_id, number) or ""
        doc = g.store.document(doc_id)
        voted = voted_year(doc.date, doc.year) if doc else None
        unit = q.unit if q.unit in ("%", "EUR") else None
        points = points_of_text(doc_id, number, text, wg, weights, unit, bare_unit=q.unit, voted=voted)
        if doc_id in own and paired in (None, doc_id):
            pairs = pair_points(doc_id, number, text, wg, weights, q.unit, doc.year if doc else None, q.counted)
            paired = doc_id if pairs else paired
            points += pairs
        for p in points:
            if lo <= p.year <= hi:
                by_year.setdefault(p.year, []).append(p)
    series: list[dict[str, Any]] = []
    missing: list[int] = []
    conflicts: dict[int, list[float]] = {}
    for year in range(lo, hi + 1):
        points = by_year.get(year, [])
        # the issuer's own documents first: a document naming no issuer only fills a year they lack
        points = [p for p in points if p.doc_id in own] or points
        values = {p.value for p in points}
        if len(values) > 1:  # the document where it is the year voted
            points = [p for p in points if p.last] or points
            values = {p.value for p in points}
        if len(values) != 1:
            if values:
                conflicts[year] = sorted(values)
            missing.append(year)
            continue
        p = points[0]
        doc = g.store.document(p.doc_id)
        series.append(
            {
                "year": year,
                "answer": p.text,
                "value": p.value,
                "unit": p.unit,
                "kind": "figure",
                "confidence": 1.0,
                "doc_id": p.doc_id,
                "title": doc.title if doc else None,
                "page": p.page,
                "evidence": p.evidence,
            }
        )
    if len(series) < 2:
        return None
    out: dict[str, Any] = {
        "question": what,
        "kind": "trend",
        "unit": series[0]["unit"],
        "series": series,
        "missing": missing,
        "missing_years": missing,
        "source": "year-column tables",
    }
    if conflicts:
        out["conflicts"] = {str(y): v for y, v in conflicts.items()}
    return out
