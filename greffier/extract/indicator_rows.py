"""The table-row reader of :mod:`greffier.extract.indicators`: each text-layer line cut at wide
gaps (or a row of a table found by :mod:`greffier.extract.tables`) is a label followed by cells; the
label names the indicator by its printed code or by a name of the reference table, each cell gets
the year of its column from the header lines above ("Exercice 2021", "Au 01/01/2022", "Année N").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.indicator_cells import _resegment, split_cells, ungrouped, with_unit
from greffier.extract.indicator_prose import Candidate, unit_for
from greffier.extract.indicator_ref import (
    IndicatorDef,
    by_code,
    content_words,
    find_codes,
    heading_indicator,
    match_name,
    match_words,
    narrowed,
    norm,
)
from greffier.extract.indicator_values import (
    DATE,
    YEAR,
    Figure,
    clean,
    columns,
    figures,
)

_PRICE = ("D102.0", "D204.0")
# a "Total TTC" is the 120 m3 bill in a table that prices it: its title, or its rows ("Abonnement",
# "Part proportionnelle", "Redevance de modernisation des réseaux", "TVA")
_GENERIC = {
    "facture_120m3": ("facture", "120", "tva", "redevance", "abonnement", "part fixe", "part proportionnelle"),
    "lineaire_reseau": ("reseau", "lineaire"),
}


@dataclass
class Context:
    domain: str | None
    year: int | None
    commune: str | None = None  # the report's commune: a row labelled with it is the service's figure


# -- rows ------------------------------------------------------------------------------------


@dataclass
class Row:
    page: int
    label: str
    context: str
    cells: list[Figure | str]  # a figure, or a status: "non renseigné", "sans objet", "empty", "" (placeholder)
    header: list[tuple[int, str | None, str]]
    text: str
    section: IndicatorDef | None = None  # the indicator the heading above prints the code of
    siblings: str = ""  # the labels of the table's rows above it (all its other rows, in a grid)


# "Soit un linéaire de 4,00 km (4,00 km en 2020). 10 361": a sentence, then the figures of a chart
_PROSE_THEN_FIGURES = re.compile(r"\w{3,}[).]*\.\s+[\d\s,]*$")
# "Nombre d'abonnés desservis / Nombre d'abonnés potentiels × 100": a formula, not a value
_FORMULA = re.compile(r"[∗*×´]\s*$|\bx\s*$")
# "Connaissance de 50 % ... sur le linéaire total des réseaux | 0 (non) – 10 (oui) | 10": a line of
# an index's scoring grid, whose figures are points of the index, not the indicator its words name
SCORING = re.compile(r"(?i)\d\s*\(\s*(?:non|oui)\s*\)")


_RELATIVE = re.compile(r"(?<![\w/])N\s*(?:([-+])\s*(\d))?(?![\w/])")


def relative_columns(text: str, year: int | None) -> list[tuple[int, str | None, str]]:
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


def _figures_among(text: str, cols: list) -> list[Figure]:
    """The figures of a line that announces columns, from its first date or year on: "Facture 120
    m3 | au 1er janvier 2021 | au 1er janvier 2022" heads two columns (its 120 m³ names the bill)."""
    if len(cols) < 2:
        return figures(text)
    first = min((m.start() for m in (DATE.search(text), YEAR.search(text)) if m), default=0)
    return figures(text[first:])


_COLUMN_UNIT = re.compile(r"(?i)\ben\s+(€|euros?|m3|km|ml|tms)(?!\s*/)|[\[(]\s*(€|m3|km|ml|tms)\s*[\])]")


def _columns_unit(text: str) -> str | None:
    """The one unit a header line gives its year columns ("Exercice 2020 en € | Exercice 2021 en €
    | Variation en %"), a variation column's % aside."""
    units = {
        (m.group(1) or m.group(2)).lower().replace("euros", "€").replace("euro", "€")
        for m in _COLUMN_UNIT.finditer(text)
    }
    return units.pop() if len(units) == 1 else None


def _reference_volume(c: Figure | str) -> bool:
    return isinstance(c, Figure) and c.unit == "m3" and c.value == 120


def _is_year_cell(c: Figure | str) -> bool:
    return isinstance(c, Figure) and c.unit is None and c.decimals == 0 and 1980 <= c.value <= 2049


# a long header line that ends with its year columns: "Boues produites (en tonnes de Matières
# Sèches) Exercice 2020 en tMS Exercice 2021 en tMS" (not "Les tarifs applicables au 01/01/2021 et au
# 01/01/2022 pour une consommation ...")
_ENDS_WITH_YEAR = re.compile(r"(?:19|20)\d\d\)?(?:\s+\S+){0,3}\s*$")


def line_rows(page: int, lines: list[list[str]], ctx: Context, header: list) -> tuple[list[Row], list]:
    rows: list[Row] = []
    buffer: list[str] = []
    recent: list[str] = []
    caption = ""  # the table's title or header line: context for its "Total" rows
    section: IndicatorDef | None = None
    header_open, since_header = False, 0
    tail = 0  # label lines read after the last row: its label's end, when it runs on below the figures
    heads: list[str] = []  # the cells of the table's header line, for rows read column by column
    heads_at = -2
    siblings: list[str] = []  # the labels of the rows under the current header
    header_unit: str | None = None  # the unit the header gives its columns ("Exercice 2021 en €")
    for at, segments in enumerate(lines):
        segments = _resegment([clean(s) for s in segments if clean(s)])
        if not segments:
            continue
        text = " ".join(segments)
        tail += 1
        labels, cells = split_cells(segments)
        label_text = " ".join(labels)
        if cells and all(_is_year_cell(c) or c == "" for c in cells):
            cells, label_text = [], text  # "2021 2022 Variation": a header line
        elif len(cells) == 1 and _reference_volume(cells[0]) and re.search(r"(?i)factur|\bpour\b", label_text):
            cells, label_text = [], text  # "FACTURE TYPE 120 M3": a title, the bill's reference volume
        heading_years = not cells and len(columns(text)) >= 2 and _ENDS_WITH_YEAR.search(text) is not None
        long = len(label_text.split()) > 14 and len(segments) < 3 and not heading_years
        if long or _PROSE_THEN_FIGURES.search(label_text):
            buffer.clear()  # a sentence (perhaps followed by a chart's figures): the sentence reader's
            heads = []
            continue
        if not cells and len(segments) >= 2:
            heads, heads_at = _header_cells(heads, segments, heads_at == at - 1), at
        if not cells:
            cols = [c for c in columns(text) if ctx.year is None or ctx.year - 6 <= c[0] <= ctx.year + 2]
            cols = cols or relative_columns(text, ctx.year)
            if cols and (len(cols) >= 2 or len(text.split()) <= 8) and not _figures_among(text, cols):
                if not header_open or since_header > 2 or (len(cols) >= 2 and since_header > 0):
                    header, siblings, header_unit = [], [], None
                header = header + cols
                header_unit = _columns_unit(text) or header_unit
                header_open, since_header = True, 0
                buffer.clear()
                recent.append(re.sub(r"\d[\d/ ]*", "", text))
                caption = caption if len(text.split()) <= 3 else re.sub(r"\d[\d/ ]*", "", text)
            else:
                since_header += 1
                named = None if find_codes(text) else heading_indicator(text, ctx.domain)
                if named is not None:
                    section = named  # a heading that names its indicator without its code
                if text.isupper() and len(text.split()) >= 3:
                    buffer.clear()  # a title: context, not a row label
                    recent = (recent + [text])[-3:]
                    caption = text
                    continue
                codes = find_codes(text)
                if rows and tail <= 2 and not codes and _runs_on(rows[-1], text, ctx):
                    rows[-1].label += " " + text
                    continue
                if codes and codes[0][0] == 0:
                    buffer.clear()
                if codes and len(text.split()) <= 20:
                    section = by_code(codes[0][2], ctx.domain) if len({c[2] for c in codes}) == 1 else None
                if len(segments) >= 2 and not codes and heads_at == at and all(_header_like(x) for x in segments):
                    # "Type de contrôle | Nombre | Taux de conformité": the table's header cells, whose
                    # words name its columns, not the label of the row below
                    buffer.clear()
                else:
                    buffer = (buffer + [text])[-4:]
                recent = (recent + [text])[-3:]
            continue
        header_open = False
        own = label_text.strip()
        if not own and len(cells) == 1 and isinstance(cells[0], Figure) and cells[0].value == page:
            continue  # the page number
        bare = isinstance(cells[0], Figure) and cells[0].unit is None and cells[0].decimals == 0
        if len(cells) == 1 and bare and re.search(r"(?i)\b(?:par|pour|de|du|des|à|sur|le|la|les|et|au)$", own):
            buffer = (buffer + [text])[-4:]  # "... curage par 100": a line broken inside a sentence
            continue
        label = own if own and find_codes(own)[:1] and find_codes(own)[0][0] == 0 else " ".join([*buffer, own])
        context = " ".join(dict.fromkeys(x for x in (caption, *recent) if x))
        by_column = _column_rows(page, own, cells, heads, ctx, context, text)
        if by_column is not None:
            rows += by_column
            buffer.clear()
            tail = 0
            continue
        if header_unit:
            cells = [with_unit(c, header_unit) for c in cells]
        if len({y for y, _, _ in header}) > 1:
            cells = ungrouped(cells, len({y for y, _, _ in header}))
        rows.append(
            Row(
                page,
                label.strip(),
                context.strip(),
                cells,
                list(header),
                text,
                section,
                " ".join(siblings),
            )
        )
        siblings.append(label.strip())
        buffer.clear()
        tail = 0
    return rows, header


def _header_like(segment: str) -> bool:
    """A cell of a table's header line: a few words, no figure ("Nombre", "Taux de conformité")."""
    return len(segment.split()) <= 5 and not re.search(r"\d", segment)


def _header_cells(heads: list[str], segments: list[str], follows: bool) -> list[str]:
    """The header cells of a table, a header line's cells joined to those of the line above when
    the text layer cut the header in two ("Commune | Nombre total | Nombre total" / "d'abonnés au
    31/12/2020 | d'abonnés au 31/12/2021")."""
    if follows and heads and len(segments) in (len(heads), len(heads) - 1):
        top = heads[-len(segments) :]
        return heads[: len(heads) - len(segments)] + [f"{a} {b}" for a, b in zip(top, segments)]
    return list(segments)


_VARIED = re.compile(r"(?i)variation|[ée]volution|[ée]cart|\bevol\b|\bvar\b")


def _column_rows(
    page: int, own: str, cells: list[Figure | str], heads: list[str], ctx: Context, context: str, text: str
) -> list[Row] | None:
    """A row read column by column, each cell the indicator its header cell names: a year's row
    ("Année | Nombre d'abonnés | Volumes facturés (m3)" / "2021 | 305 | 21 000"), or the report's
    commune or the total in a table of figures by column ("Commune | Abonnés 2020 | Abonnés 2021 |
    Volumes facturés 2021"). None when the row is not one of these or its cells do not line up
    with the header's."""
    if not own and cells and _is_year_cell(cells[0]):
        own, cells = f"{cells[0].value:.0f}", cells[1:]  # type: ignore[union-attr]
    year = int(own) if re.fullmatch(r"(?:19|20)\d\d", own) else None
    if len(heads) != len(cells) + 1 or len(heads) < 3:
        return None
    if year is None and (not own or find_codes(own) or match_name(own, ctx.domain) or not of_the_whole(own, ctx)):
        return None
    if year is not None and ctx.year is not None and not ctx.year - 1 <= year <= ctx.year:
        return []  # an older year of a history: the report's years only
    out = []
    for head, c in zip(heads[1:], cells):
        if _VARIED.search(head) or (not find_codes(head) and match_name(head, ctx.domain) is None):
            continue
        dated = columns(head)
        when = dated[0] if len(dated) == 1 else ((year, None, "exercice") if year else (ctx.year, None, "exercice"))
        out.append(Row(page, head, context, [c], [when], text))
    return out if out else None


def _name_size(label: str, ctx: Context) -> int:
    hit = match_name(label, ctx.domain)
    return len(content_words(hit[1]).split()) if hit else 0


def _runs_on(row: Row, text: str, ctx: Context) -> bool:
    """A label line under a row that ends the row's label: "Taux de conformité des performances
    des | 100 % | 100 %" / "ouvrages d'épuration" (the figures printed level with the first line of a
    cell). It starts in lower case and makes the row name an indicator more fully."""
    if not re.match(r"[a-zà-ÿ(]", text) or len(text.split()) > 12 or find_codes(row.label):
        return False
    return _name_size(f"{row.label} {text}", ctx) > _name_size(row.label, ctx)


def _row_indicator(row: Row, ctx: Context) -> IndicatorDef | None:
    codes = find_codes(row.label)
    if codes:
        ind = by_code(codes[0][2], ctx.domain)
        if ind is not None:
            return ind
    hit = match_name(row.label, ctx.domain)
    if hit is None and of_the_whole(row.label, ctx):
        hit = match_name(row.context + " " + row.label, ctx.domain)
        if hit is None:
            # "Commune | Nombre total | Nombre total" / "| d'abonnés au 31/12/2020 | d'abonnés au 31/12/2021"
            return match_words(row.context, ctx.domain)
    if hit is None:
        return None
    ind, form = hit
    if narrowed(ind, row.label):
        return None  # "Taux de conformité des installations neuves": a part of the SPANC's rate
    if ind.unit == "count" and _SUBSET.search(norm(row.label)):
        return None  # "Nombre d'installations non conformes sans danger": a part of the count, not it
    need = _GENERIC.get(ind.key)
    about = norm(f"{row.context} {row.label} {row.siblings}")
    if ind.key == "abonnes" and re.search(r"(?i)\babonnement\b(?!s)", row.label) and _PRICED.search(about):
        return None  # "Abonnement | 40,00 | 40,00" in a tariff or a bill: the fixed part, not subscribers
    if need and form in ("total ttc", "total reseau") and not any(w in about for w in need):
        return None
    if ind.code in _PRICE and form in ind.whole and "ttc" not in norm(row.label).split():
        # "Prix au m3" is the 120 m³ bill's price only in the bill's table (its total, its VAT); in a
        # tariff table, under "Part proportionnelle (€ HT/m3)", it is the variable part, without tax
        if not _BILL_CUE.search(about) or _TARIFF_CUE.search(norm(f"{row.context} {row.label}")):
            return None
    return ind


_TOTAL = re.compile(r"^total\b|^ensemble$")
_TARIFF_CUE = re.compile(r"\bpart (?:proportionnelle|variable|fixe)\b|\bht\b")
_PRICED = re.compile(r"€|\btarif\w*|\bfactur\w*|\bpart fixe\b|\bht\b|\bpri\b")
_BILL_CUE = re.compile(r"\b(?:120|factur\w*|tva|total|ttc)\b")
# words that make a count's label name a part of it: the installations found compliant or not, at
# risk, new or rehabilitated, emptied; the new or cancelled subscriptions
_SUBSET = re.compile(
    r"\b(?:conforme|danger|risque|neu(?:f|ve)|rehabilit\w*|vidang\w*|nouve\w*|resili\w*|contentieux)\b"
)


def of_the_whole(label: str, ctx: Context) -> bool:
    """A row that gives the figure its table names for the whole service: "Total", or the report's
    own commune in a table of communes."""
    words = norm(label)
    if _TOTAL.match(words):
        return True
    return bool(ctx.commune) and content_words(words) == content_words(norm(ctx.commune or ""))


STATION = re.compile(r"\b(?:station|step|steu|lagune|lagunage|filtre|unite de traitement|systeme d assainissement)\b")
# a row label that only says the row holds the value of the heading's indicator
GENERIC_LABEL = re.compile(r"(?:valeur|indice|note|taux|resultat|score|indicateur|valeur de l indicateur)(?: %| en %)?")
COUNTED = re.compile(r"\b(?:nombre|nb|capacite|bilan|eh|charge|debit)\b")  # "Nombre de stations": a count
PER_STATION = ("P203.3", "P204.3", "P205.3", "P206.3", "P254.3", "D203.0")


def _section_rate(row: Row) -> IndicatorDef | None:
    """A figure printed per station under the heading of its indicator ("Taux de boues évacuées
    selon les filières conformes (P206.3)" / "Station Taux de conformité (%)" / "Station
    d'épuration communale 100"; "Conformité des équipements d'épuration (P204.3)" / "| 2020 | 2021"
    / "Station d'épuration de la Vallée | 100 | 100"): the heading's indicator, for a single
    percentage of a row whose label says it is a rate, or the figures of a station's row."""
    ind = row.section
    values = [c for c in row.cells if isinstance(c, Figure)]
    if ind is None or not values:
        return None
    label = norm(row.label)
    if GENERIC_LABEL.fullmatch(label):
        return ind  # "Valeur | 30 | 40" under "Indice de connaissance ... (P202.2B)"
    station = ind.code in PER_STATION and STATION.search(label) is not None and not COUNTED.search(label)
    if ind.unit == "tMS":
        return ind if station and all(v.unit in (None, "tMS", "t") for v in values) else None
    if ind.unit != "%" or not all(0 <= v.value <= 100 and v.unit in (None, "%") for v in values):
        return None
    if len(values) == 1 and ("%" in label or "taux" in label.split()):
        return ind
    return ind if station else None


def _years_for(row: Row, n: int, ctx: Context) -> list[tuple[int | None, str | None, str]]:
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


def tariff_years(years: list[int | None], ctx: Context) -> bool:
    """Columns headed by years past the report's exercise ("Tarifs | 2021 | 2022" in a report on
    2021) are the years of the tariffs, not exercises: their price per m³ is that year's."""
    return ctx.year is not None and any(y is not None and y > ctx.year for y in years)


def _variation_like(c: Figure) -> bool:
    """A trailing figure that reads as a variation ("-8,01"), not as an amount ("1 932 873,00 €")."""
    return c.decimals == 2 and c.unit is None and abs(c.value) < 1000


def row_candidates(row: Row, ctx: Context) -> list[Candidate]:
    if _FORMULA.search(row.label) or SCORING.search(row.text):
        return []
    ind = _row_indicator(row, ctx) or _section_rate(row)
    if ind is None:
        return []
    cells = list(row.cells)
    if len(cells) == len(row.header) + 1 and len(cells) > 1:
        last = cells[-1]
        if last == "" or (isinstance(last, Figure) and (last.unit == "%" or _variation_like(last))):
            if len(row.header) > 3 and last != "" and not (isinstance(last, Figure) and last.unit == "%"):
                return []  # a history with one figure more than the years read: which column is which?
            cells = cells[:-1]  # the variation column
    while len(cells) > 1 and cells[-1] == "" and len(cells) > len(row.header):
        cells = cells[:-1]
    years = _years_for(row, len(cells), ctx)
    if not years:
        return []
    history = len({y for y, _, _ in years if y is not None}) > 3  # a chart's data over many years
    tariffs = tariff_years([y for y, _, _ in years], ctx)
    out = []
    for cell, (year, as_of, kind) in zip(cells, years):
        if cell == "" or (history and ctx.year is not None and year != ctx.year):
            continue
        if ind.code in _PRICE and kind == "exercice" and year is not None:
            year, as_of = (year, f"{year}-01-01") if tariffs else (year + 1, f"{year + 1}-01-01")
        if isinstance(cell, str):
            out.append(Candidate(ind, None, ind.unit, year, as_of, row.page, row.text, True, cell))
            continue
        unit = unit_for(ind, cell, row.label)
        if unit is None:
            continue
        out.append(Candidate(ind, cell.value, unit, year, as_of, row.page, row.text, True, "value", cell.decimals))
    return out
