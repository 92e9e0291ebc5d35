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
from dataclasses import dataclass, replace

from greffier.extract.indicator_prose import Candidate, headline_candidates, prose_candidates, unit_for
from greffier.extract.indicator_ref import IndicatorDef, by_code, find_codes, match_name, norm
from greffier.extract.indicator_scope import issuer_printed, report_scope
from greffier.extract.indicator_values import (
    NUMBER,
    PLACEHOLDER,
    STATUS,
    TEMPLATE,
    Figure,
    clean,
    columns,
    figures,
    parse_cell,
)
from greffier.extract.pdf import LayoutLine, PageLayout
from greffier.records import Document, IndicatorRecord, Line, Page

log = logging.getLogger(__name__)

_PRICE = ("D102.0", "D204.0")
_TOC = re.compile(r"\b(?:table de matiere|sommaire)\b")
_GENERIC = {"facture_120m3": ("facture", "120"), "lineaire_reseau": ("reseau", "lineaire")}


@dataclass
class _Context:
    domain: str | None
    year: int | None


# -- rows ------------------------------------------------------------------------------------


@dataclass
class _Row:
    page: int
    label: str
    context: str
    cells: list[Figure | str]  # a figure, or a status: "non renseigné", "sans objet", "empty", "" (placeholder)
    header: list[tuple[int, str | None, str]]
    text: str
    section: IndicatorDef | None = None  # the indicator the heading above prints the code of


def _cell(text: str) -> Figure | str | None:
    t = clean(text)
    fig = parse_cell(t)
    if fig is not None:
        return fig
    if STATUS.match(t):
        return "sans objet" if re.match(r"(?i)sans|s\.o|n[ée]ant|non concern", t) else "non renseigné"
    if TEMPLATE.match(t):
        return "empty"
    if PLACEHOLDER.match(t):
        return ""
    return None


_UNIT_CELL = re.compile(r"(?i)^[\[(]?\s*(%|‰|€\s*(?:ttc\s*)?/\s*m3|€|km|ml|m3|ans?|points?|tms|t\s*ms)\s*[\])]?$")
_COMMENT_CELL = re.compile(r"^[^\d]{1,30}$")


def _split(segments: list[str]) -> tuple[list[str], list[Figure | str]]:
    """Leading label segments and trailing value cells of a line. A trailing unit column ("96 | 97 |
    %") gives its unit to the figures before it; a short trailing comment ("stable", "conforme")
    after figures is dropped."""
    labels, cells = _split_cells(segments)
    if cells or len(segments) < 3:
        return labels, cells
    last = segments[-1]
    unit = _UNIT_CELL.match(last)
    if unit or (_COMMENT_CELL.match(last) and len(last.split()) <= 3):
        labels, cells = _split_cells(segments[:-1])
        if cells and all(isinstance(c, Figure) for c in cells) and labels:
            if unit:
                cells = [_with_unit(c, unit.group(1)) for c in cells]
            return labels, cells
    return segments, []


def _with_unit(cell: Figure | str, unit: str) -> Figure | str:
    if not isinstance(cell, Figure) or cell.unit is not None:
        return cell
    got = parse_cell(f"{cell.value:.{cell.decimals}f} {unit}".replace(".", ","))
    return replace(cell, unit=got.unit) if got is not None else cell


def _split_cells(segments: list[str]) -> tuple[list[str], list[Figure | str]]:
    cells: list[Figure | str] = []
    i = len(segments)
    while i > 0:
        c = _cell(segments[i - 1])
        if c is None:
            break
        cells.insert(0, c)
        i -= 1
    labels = segments[:i]
    if labels and not cells:
        m = re.search(r"\s[:=]\s*([^:=]{1,25})$", labels[-1])
        if m and (c := _cell(m.group(1))) is not None:
            labels[-1] = labels[-1][: m.start()]
            cells = [c]
    return labels, cells


_TRAILING = re.compile(r"^(.*\d.*?)\s+([/+\-–])$")


def _resegment(segments: list[str]) -> list[str]:
    """Cells the text layer glued to the sign or placeholder of the next column: "4216,38 +" |
    "4,1 %" is "4216,38" | "+ 4,1 %", and "1,5010 € /" is "1,5010 €" | "/" (no variation)."""
    out: list[str] = []
    carry = ""
    for seg in segments:
        seg = f"{carry} {seg}".strip() if carry else seg
        carry = ""
        m = _TRAILING.match(seg)
        if m and parse_cell(m.group(1)) is not None:
            out.append(m.group(1))
            if m.group(2) == "/":
                out.append("/")
            else:
                carry = m.group(2)
            continue
        out.append(seg)
    if carry:
        out.append(carry)
    return out


# "Soit un linéaire de 4,00 km (4,00 km en 2020). 10 361": a sentence, then the figures of a chart
_PROSE_THEN_FIGURES = re.compile(r"\w{3,}[).]*\.\s+[\d\s,]*$")
# "Nombre d'abonnés desservis / Nombre d'abonnés potentiels × 100": a formula, not a value
_FORMULA = re.compile(r"[∗*×´]\s*$|\bx\s*$")


_RELATIVE = re.compile(r"(?<![\w/])N\s*(?:([-+])\s*(\d))?(?![\w/])")


def _relative_columns(text: str, year: int | None) -> list[tuple[int, str | None, str]]:
    """Columns headed by the exercise relative to the report's ("Année N-1 | Année N", "Exercice N"):
    at least two, or one after "exercice"/"année"."""
    if year is None:
        return []
    found = list(_RELATIVE.finditer(text))
    if not found or (len(found) < 2 and not re.search(r"(?i)\b(?:exercice|ann[ée]e)\s+N\b", text)):
        return []
    out = []
    for m in found:
        shift = int(m.group(2) or 0) * (-1 if m.group(1) == "-" else 1)
        out.append((year + shift, None, "exercice"))
    return out


def _is_year_cell(c: Figure | str) -> bool:
    return isinstance(c, Figure) and c.unit is None and c.decimals == 0 and 1980 <= c.value <= 2049


def _line_rows(page: int, lines: list[list[str]], ctx: _Context, header: list) -> tuple[list[_Row], list]:
    rows: list[_Row] = []
    buffer: list[str] = []
    recent: list[str] = []
    caption = ""  # the table's title or header line: context for its "Total" rows
    section: IndicatorDef | None = None
    header_open, since_header = False, 0
    for segments in lines:
        segments = _resegment([clean(s) for s in segments if clean(s)])
        if not segments:
            continue
        text = " ".join(segments)
        labels, cells = _split(segments)
        label_text = " ".join(labels)
        if cells and all(_is_year_cell(c) or c == "" for c in cells):
            cells, label_text = [], text  # "2021 2022 Variation": a header line
        if (len(label_text.split()) > 14 and len(segments) < 3) or _PROSE_THEN_FIGURES.search(label_text):
            buffer.clear()  # a sentence (perhaps followed by a chart's figures): the sentence reader's
            continue
        if not cells:
            cols = [c for c in columns(text) if ctx.year is None or ctx.year - 6 <= c[0] <= ctx.year + 2]
            cols = cols or _relative_columns(text, ctx.year)
            if cols and (len(cols) >= 2 or len(text.split()) <= 8) and not figures(text):
                if not header_open or since_header > 2:
                    header = []
                header = header + cols
                header_open, since_header = True, 0
                buffer.clear()
                recent.append(re.sub(r"\d[\d/ ]*", "", text))
                caption = caption if len(text.split()) <= 3 else re.sub(r"\d[\d/ ]*", "", text)
            else:
                since_header += 1
                if text.isupper() and len(text.split()) >= 3:
                    buffer.clear()  # a title: context, not a row label
                    recent = (recent + [text])[-3:]
                    caption = text
                    continue
                codes = find_codes(text)
                if codes and codes[0][0] == 0:
                    buffer.clear()
                if codes and len(text.split()) <= 20:
                    section = by_code(codes[0][2], ctx.domain) if len({c[2] for c in codes}) == 1 else None
                buffer = (buffer + [text])[-4:]
                recent = (recent + [text])[-3:]
            continue
        header_open = False
        own = label_text.strip()
        if len(cells) == 1 and re.search(r"(?i)\b(?:par|pour|de|du|des|à|sur|le|la|les|et|au)$", own):
            buffer = (buffer + [text])[-4:]  # "... curage par 100": a line broken inside a sentence
            continue
        label = own if own and find_codes(own)[:1] and find_codes(own)[0][0] == 0 else " ".join([*buffer, own])
        context = " ".join(recent) if caption in recent else " ".join([caption, *recent])
        rows.append(_Row(page, label.strip(), context.strip(), cells, list(header), text, section))
        buffer.clear()
    return rows, header


def _row_indicator(row: _Row, ctx: _Context) -> IndicatorDef | None:
    codes = find_codes(row.label)
    if codes:
        ind = by_code(codes[0][2], ctx.domain)
        if ind is not None:
            return ind
    hit = match_name(row.label, ctx.domain)
    if hit is None and norm(row.label).split()[:1] == ["total"]:
        hit = match_name(row.context + " " + row.label, ctx.domain)
    if hit is None:
        return None
    ind, form = hit
    need = _GENERIC.get(ind.key)
    if need and form in ("total ttc", "total reseau") and not any(w in norm(row.context + row.label) for w in need):
        return None
    return ind


def _section_rate(row: _Row) -> IndicatorDef | None:
    """A rate printed per station under the heading of its indicator ("Taux de boues évacuées
    selon les filières conformes (P206.3)" / "Station Taux de conformité (%)" / "Station
    d'épuration communale 100"): the heading's indicator, for a single percentage of a row whose
    label says it is a rate."""
    ind = row.section
    values = [c for c in row.cells if isinstance(c, Figure)]
    if ind is None or ind.unit != "%" or len(values) != 1 or not 0 <= values[0].value <= 100:
        return None
    label = norm(row.label)
    return ind if ("%" in label or "taux" in label.split()) and values[0].unit in (None, "%") else None


def _years_for(row: _Row, n: int, ctx: _Context) -> list[tuple[int | None, str | None, str]]:
    label_cols = [c for c in columns(row.label) if ctx.year is None or ctx.year - 6 <= c[0] <= ctx.year + 2]
    if n == 1 and label_cols:
        return [label_cols[-1]]
    if len(row.header) == n:
        return row.header
    distinct = [c for i, c in enumerate(row.header) if i == 0 or c[0] != row.header[i - 1][0]]
    if len(distinct) == n and n > 1:
        return distinct
    if n == 1:
        return [(row.header[0] if len(row.header) == 1 else (ctx.year, None, "exercice"))]
    return []


def _row_candidates(row: _Row, ctx: _Context) -> list[Candidate]:
    if _FORMULA.search(row.label):
        return []
    ind = _row_indicator(row, ctx) or _section_rate(row)
    if ind is None:
        return []
    cells = list(row.cells)
    if len(cells) == len(row.header) + 1 and len(cells) > 1:
        last = cells[-1]
        if last == "" or (isinstance(last, Figure) and (last.unit == "%" or last.decimals == 2)):
            cells = cells[:-1]  # the variation column
    while len(cells) > 1 and cells[-1] == "" and len(cells) > len(row.header):
        cells = cells[:-1]
    years = _years_for(row, len(cells), ctx)
    if not years:
        return []
    out = []
    for cell, (year, as_of, kind) in zip(cells, years):
        if cell == "":
            continue
        if ind.code in _PRICE and kind == "exercice" and year is not None:
            year, as_of = year + 1, f"{year + 1}-01-01"
        if isinstance(cell, str):
            out.append(Candidate(ind, None, ind.unit, year, as_of, row.page, row.text, True, cell))
            continue
        unit = unit_for(ind, cell, row.label)
        if unit is None:
            continue
        out.append(Candidate(ind, cell.value, unit, year, as_of, row.page, row.text, True, "value", cell.decimals))
    return out


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


def _budget_candidates(page: int, page_head: str, lines: list[list[str]], ctx: _Context) -> list[Candidate]:
    head = norm(page_head)
    if "fonction" in head.split() or "(suite" in page_head.lower():
        return []  # a recapitulation by function: one column per function, not the budget's totals
    out = []
    for segments in lines:
        segments = [clean(s) for s in segments if clean(s)]
        labels, cells = _split(segments)
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
    r"(?i)(?<=\s)(nc|n\.c\.?|s\.o\.?|sans objet|non renseign[ée]e?s?|non communiqu[ée]e?s?|n[ée]ant|nd|n\.d\.?)\s*$"
)


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
) -> list[IndicatorRecord]:
    """Indicator records of a document (RPQS, budget, minutes) from its pages, the layout of its
    text layer (cells cut at wide gaps) and its cleaned lines, one list per page in page order
    (for pages without a layout). Never raises: a failure is logged."""
    try:
        return _extract(doc, pages, layouts, lines)
    except Exception:
        log.exception("%s: indicator extraction failed", doc.doc_id)
        return []


def _extract(
    doc: Document,
    pages: Sequence[Page],
    layouts: Sequence[PageLayout] | None,
    raw: Sequence[Sequence[Line]] | None,
) -> list[IndicatorRecord]:
    scope = report_scope(doc, pages)
    ctx = _Context(scope.domain, scope.year)
    if ctx.domain is None and doc.kind != "rpqs":
        return []
    cands: list[Candidate] = []
    by_page = {lay.number: lay for lay in layouts or ()}
    for index, page in enumerate(pages):
        if _TOC.search(norm(page.text[:300])):
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
        rows, _ = _line_rows(page.number, lines, ctx, [])
        for row in rows:
            cands += _row_candidates(row, ctx)
        cands += prose_candidates(page.number, page.text, ctx.domain, ctx.year)
        cands += headline_candidates(page.number, page.text, ctx.domain, ctx.year)
    return _merge(doc, pages, cands, ctx, scope.commune)


def _same(a: Candidate, b: Candidate) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    if a.unit != b.unit:
        return False
    if abs(a.value - b.value) < 1e-9:
        return True
    coarse, fine = (a, b) if a.decimals <= b.decimals else (b, a)
    return coarse.decimals == 0 and abs(coarse.value) >= 100 and round(fine.value or 0) == coarse.value


def _merge(
    doc: Document, pages: Sequence[Page], cands: list[Candidate], ctx: _Context, commune: str | None
) -> list[IndicatorRecord]:
    groups: dict[tuple, list[list[Candidate]]] = {}
    for c in cands:
        slots = groups.setdefault((c.ind.key, c.year), [])
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
    for (key, year), slots in groups.items():
        valued = [s for s in slots if s[0].value is not None]
        nulls = [s for s in slots if s[0].value is None]
        stated = [s for s in nulls if s[0].status in ("non renseigné", "sans objet")]
        keep = valued + (stated if valued else nulls)
        conflict = len(valued) > 1 or bool(valued and stated)
        for slot in keep:
            first = sorted(slot, key=lambda c: (c.from_table, c.page))[0]
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
                    commune=commune,
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
