"""Indicator records: official RPQS indicators and budget aggregates, read from a parsed document.

Two readers feed candidates (indicator, value, unit, year, page, evidence):

* **rows** — each text-layer line cut at wide gaps (:class:`PageLayout`; the page's text lines for
  a ``.txt`` export): a label (the line's leading text, with the label lines above it) followed by
  figures. The label names the indicator by its printed code or by a name or synonym of the
  reference table; each figure gets the year of its column from the header lines above ("Exercice
  2021", "Au 01/01/2022"); a trailing variation column is dropped. Budgets (M14/M57/M71 maquettes)
  have their own columns: the last figure is the year voted, the first the previous budget.
* **sentences** — "dessert 275 habitants au 31/12/2021 (270 au 31/12/2020)": a sentence naming an
  indicator (or under a heading that prints its code, for "= 96,8 %" formulas) gives the first
  figure of a compatible unit after the name, its year, and the previous year's figure in brackets.

Candidates for the same indicator, commune and year are merged: the same value read twice is one
record with both sources; different values are all kept and flagged ``conflict``. "Non renseigné",
"NC", "sans objet" and blank templates give a record without a value. The price per m³ of an
exercise column (D102.0/D204.0 under "Exercice 2021") is the 1 January N+1 tariff (SISPEA).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from greffier.extract.indicator_cells import split_cells
from greffier.extract.indicator_checks import checked, tax_free
from greffier.extract.indicator_prose import Candidate, headline_candidates, prose_candidates
from greffier.extract.indicator_ref import IndicatorDef, match_name, norm
from greffier.extract.indicator_rows import Context, line_rows, row_candidates
from greffier.extract.indicator_scope import issuer_printed, report_scope
from greffier.extract.indicator_tables import table_candidates
from greffier.extract.indicator_values import NUMBER, Figure, clean, figures
from greffier.extract.pdf import LayoutLine, PageLayout
from greffier.records import Document, IndicatorRecord, Line, Page, Table

log = logging.getLogger(__name__)

_TOC = re.compile(r"\b(?:table des? matiere|sommaire)\b")
_TOC_LINE = re.compile(r"(?:\.{2,}|…+|[\s)])\s*\d{1,3}\s*$|^\s*\d{1,3}\s*$")


def _is_toc(text: str) -> bool:
    """A table of contents ("Sommaire", "Table des matières" at the top of the page): page numbers,
    not values. A page that goes on with the report after it ("Table des matières" then two lines
    and the text) is not one: most of its lines end with a page number."""
    if not _TOC.search(norm(text[:300])):
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return len(lines) < 4 or sum(1 for ln in lines if _TOC_LINE.search(ln)) >= 0.4 * len(lines)


# -- budgets ---------------------------------------------------------------------------------

_BUDGET_TOTAL = re.compile(r"^(depense|recette) de? (investissement|fonctionnement)(?: – total| - total)?$")


def _budget_indicator(label: str, head: str) -> IndicatorDef | None:
    from greffier.extract.indicator_ref import get

    after = head.split("balance generale", 1)[-1]
    sens = (
        "recettes"
        if after.find("recette") != -1
        and (after.find("depense") == -1 or after.find("recette") < after.find("depense"))
        else "depenses"
    )
    section = "investissement" if "investissement" in head else "fonctionnement"
    if re.match(r"^sou total de?s? operation reelle", label):
        return get(f"{sens}_reelles_{section}")
    if re.match(r"^16 emprunt et dette assimilee", label) and section == "investissement":
        return get("emprunts_nouveaux" if sens == "recettes" else "remboursement_dette")
    m = _BUDGET_TOTAL.match(label)
    if m:
        return get(f"{m.group(1)}s_{m.group(2)}")
    hit = match_name(label, "budget")
    if hit and hit[0].domain == "budget" and hit[0].key.startswith(("autorisations_", "autofinancement")):
        return hit[0]
    return None


def _budget_candidates(page: int, page_head: str, lines: list[list[str]], ctx: Context) -> list[Candidate]:
    head = norm(page_head)
    if "fonction" in head.split() or "(suite" in page_head.lower():
        return []  # a recapitulation by function: one column per function, not the budget's totals
    out = []
    for segments in lines:
        segments = [clean(s) for s in segments if clean(s)]
        labels, cells = split_cells(segments)
        values = [c for c in cells if isinstance(c, Figure)]
        if not labels or not values:
            continue
        ind = _budget_indicator(norm(" ".join(labels)), head)
        if ind is None:
            continue
        text = " ".join(segments)
        out.append(Candidate(ind, values[-1].value, "EUR", ctx.year, None, page, text, True, "value", 2))
        if len(values) >= 4 and values[0].value and ctx.year:
            out.append(Candidate(ind, values[0].value, "EUR", ctx.year - 1, None, page, text, True, "value", 2))
    return out


# -- document --------------------------------------------------------------------------------


_STATUS_END = re.compile(
    r"(?i)(?<=\s)(nc|n\.c\.?|s\.o\.?|sans objet|non renseign[ée]e?s?|non communiqu[ée]e?s?|n[ée]ant"
    r"|nd|n\.d\.?|nr|n\.r\.?|n/a)\s*$"
)


_OF_LABEL = re.compile(r"(?i)\b(?:pour|par|sur|de|du|des|à|au)\s*$")


def _text_cells(text: str) -> list[str]:
    """A line without layout: its label, then each trailing figure as a cell."""
    t = clean(text)
    cells: list[str] = []
    end = len(t)
    while True:
        status = _STATUS_END.search(t[:end])
        if status is None or not t[: status.start()].strip():
            break
        cells.insert(0, status.group(1))  # "... NC NC", "... sans objet"
        end = status.start()
    for m in reversed(list(NUMBER.finditer(t[:end]))):
        gap = t[m.end() : end].strip()
        if gap and not re.fullmatch(r"[/+\-–—]|(?:ht|ttc)\.?", gap, re.IGNORECASE):
            break
        if _OF_LABEL.search(t[: m.start()]) and (m.group("unit") or m.group("num") in ("100", "120", "1000", "1 000")):
            break  # "... pour 120 m3", "... par 100 km": the label's own figure
        cells.insert(0, t[m.start() : end].strip())
        end = m.start()
    if not cells:
        return [t]
    return [t[:end].strip(), *cells] if t[:end].strip() else cells


def _segments(line: LayoutLine) -> list[str]:
    """A line's cells. A text layer whose font size reads as ~1 pt cuts the line at every word:
    words closer than about two characters' width are joined back."""
    segs = line.segments
    if line.size >= 3 or len(segs) < 2:
        return [s.text for s in segs]
    chars = sum(len(s.text) for s in segs)
    width = sum(s.x1 - s.x0 for s in segs) / max(chars, 1)
    out = [segs[0].text]
    for prev, seg in zip(segs, segs[1:]):
        if seg.x0 - prev.x1 < 2.4 * width:
            out[-1] += " " + seg.text
        else:
            out.append(seg.text)
    return out


def extract_indicators(
    doc: Document,
    pages: Sequence[Page],
    layouts: Sequence[PageLayout] | None = None,
    lines: Sequence[Sequence[Line]] | None = None,
    tables: Sequence[Table] = (),
) -> list[IndicatorRecord]:
    """Indicator records of a document (RPQS, budget, minutes) from its pages, the layout of its
    text layer (cells cut at wide gaps), its cleaned lines, one list per page in page order (for
    pages without a layout), and the tables found in it. Never raises: a failure is logged."""
    try:
        return _extract(doc, pages, layouts, lines, tables)
    except Exception:
        log.exception("%s: indicator extraction failed", doc.doc_id)
        return []


def _extract(
    doc: Document,
    pages: Sequence[Page],
    layouts: Sequence[PageLayout] | None,
    raw: Sequence[Sequence[Line]] | None,
    tables: Sequence[Table] = (),
) -> list[IndicatorRecord]:
    scope = report_scope(doc, pages)
    ctx = Context(scope.domain, scope.year, scope.commune)
    if ctx.domain is None and doc.kind != "rpqs":
        return []
    cands: list[Candidate] = []
    by_page = {lay.number: lay for lay in layouts or ()}
    for index, page in enumerate(pages):
        if _is_toc(page.text):
            continue  # a table of contents: page numbers, not values
        lay = by_page.get(page.number)
        if lay and lay.lines:
            lines = [_segments(ln) for ln in lay.lines]
        elif raw is not None and index < len(raw):
            lines = [_text_cells(ln.text) for ln in raw[index]]
        else:
            lines = [_text_cells(t) for t in page.text.split("\n")]
        if ctx.domain == "budget":
            page_head = " ".join(" ".join(x) for x in lines[:8])
            cands += _budget_candidates(page.number, page_head, lines, ctx)
            continue
        rows, _ = line_rows(page.number, lines, ctx, [])
        read: set[str] = set()  # rows of figures the row reader read: not sentences
        for row in rows:
            got = row_candidates(row, ctx)
            cands += got
            if len(row.cells) >= 2 and any(c.value is not None for c in got):
                read.add(row.text)
        cands += prose_candidates(page.number, page.text, ctx.domain, ctx.year, frozenset(read))
        cands += headline_candidates(page.number, page.text, ctx.domain, ctx.year)
    if ctx.domain != "budget":
        toc = {p.number for p in pages if _is_toc(p.text)}
        seen: dict[tuple, list[Candidate]] = {}
        for c in cands:
            seen.setdefault((c.ind.key, c.year), []).append(c)
        for c in table_candidates([t for t in tables if t.page not in toc], ctx):
            # the grid is a second reading: it adds what the text did not give, or a second
            # source to the same value, never a rival value to the text's
            known = seen.get((c.ind.key, c.year))
            if not known or any(_same(k, c) for k in known):
                cands.append(c)
    return _merge(doc, pages, checked(cands), ctx, scope.commune)


def _same(a: Candidate, b: Candidate) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    if a.unit != b.unit:
        return False
    if abs(a.value - b.value) < 1e-9:
        return True
    coarse, fine = (a, b) if a.decimals <= b.decimals else (b, a)
    if coarse.decimals == fine.decimals or (coarse.decimals == 0 and abs(coarse.value) < 100):
        return False  # "0" and "0,4" are two values, "2,04" and "2,035" one price rounded
    return abs(round(fine.value or 0, coarse.decimals) - coarse.value) < 10 ** -(coarse.decimals + 3)


def _reading_rank(c: Candidate) -> tuple[int, int, bool, int]:
    if c.value is None:
        return (0, 0, c.from_table, c.page)
    return (-min(c.decimals, 2), max(c.decimals - 2, 0), c.from_table, c.page)


def _merge(
    doc: Document, pages: Sequence[Page], cands: list[Candidate], ctx: Context, commune: str | None
) -> list[IndicatorRecord]:
    groups: dict[tuple, list[list[Candidate]]] = {}
    for c in cands:
        slots = groups.setdefault((c.ind.key, c.year, c.commune), [])
        for slot in slots:
            if _same(slot[0], c):
                slot.append(c)
                break
        else:
            slots.append([c])
    # a value and a "not given" statement for the same year contradict each other: both are kept
    # and flagged, unless the statement is a blank template cell or a placeholder
    records: list[IndicatorRecord] = []
    issuer = doc.issuer or issuer_printed(pages)
    for (key, year, own), slots in groups.items():
        valued = [s for s in slots if s[0].value is not None]
        if any(not all(tax_free(c) for c in s) for s in valued):
            # "Prix HT au m3" beside "Prix TTC au m3": the price of the indicator is the TTC one
            valued = [s for s in valued if not all(tax_free(c) for c in s)]
        nulls = [s for s in slots if s[0].value is None]
        stated = [s for s in nulls if s[0].status in ("non renseigné", "sans objet")]
        keep = valued + (stated if valued else nulls)
        conflict = len(valued) > 1 or bool(valued and stated)
        for slot in keep:
            # the most precise reading of the value up to two decimals, as SISPEA publishes it ("3 163,88"
            # over the rounded "3 164 T", the summary's "2,04" over the tariff table's "2,035"), text first
            first = sorted(slot, key=_reading_rank)[0]
            also = tuple(
                dict.fromkeys(
                    (c.page, c.evidence[:300], c.from_table)
                    for c in slot
                    if (c.page, c.evidence) != (first.page, first.evidence)
                )
            )
            records.append(
                IndicatorRecord(
                    record_id="",
                    indicator=key,
                    code=first.ind.code,
                    name=first.ind.name,
                    value=None if first.value is None else round(first.value, 6),
                    unit=first.unit,
                    year=year,
                    as_of=next((c.as_of for c in slot if c.as_of), None),
                    issuer=issuer,
                    commune=own or commune,
                    service=ctx.domain,
                    doc_id=doc.doc_id,
                    page=first.page,
                    evidence=first.evidence[:500],
                    from_table=first.from_table,
                    status=first.status,
                    also=tuple({"page": p, "evidence": e, "from_table": t} for p, e, t in also),
                    conflict=conflict,
                )
            )
    records.sort(key=lambda r: (r.indicator, r.year or 0, r.page))
    return [replace(r, record_id=f"{doc.doc_id}:i{i:03d}") for i, r in enumerate(records, 1)]


__all__ = ["Candidate", "extract_indicators", "figures"]
