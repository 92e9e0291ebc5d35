"""The table reader of :mod:`greffier.extract.indicators`: the tables :mod:`greffier.extract.tables`
found (pdfplumber grids, whose cells keep their columns where the text layer runs cells together)
read row by row with the row reader's rules.

Each column takes its year from the table's header rows ("Exercice 2021", "Au 01/01/2022",
"Volumes facturés en 2021 (m3)") or from a body row that only holds years or dates (a header the
table finder took for a body row: "Facture type | 1er janvier 2021 | 1er janvier 2022"). A
variation column ("Variation en %", "Évolution") gives no value. A row whose label names an
indicator gives one candidate per value cell, through :func:`row_candidates` (units, the price of an
exercise column as the 1 January N+1 tariff, statuses "NC" / "sans objet").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from greffier.extract.indicator_cells import cell, with_unit
from greffier.extract.indicator_prose import Candidate, unit_for
from greffier.extract.indicator_ref import IndicatorDef, by_code, find_codes, get, match_name, norm
from greffier.extract.indicator_rows import (
    COUNTED,
    GENERIC_LABEL,
    PER_STATION,
    STATION,
    Context,
    Row,
    of_the_whole,
    relative_columns,
    row_candidates,
    tariff_years,
)
from greffier.extract.indicator_scope import title_case
from greffier.extract.indicator_values import Figure, clean, columns
from greffier.records import Table

_VARIATION = re.compile(r"(?i)variation|[ée]volution|[ée]cart|diff[ée]rence|\bevol\b|\bvar\b|%\s*$")
_TOC = re.compile(r"(?i)sommaire|table des mati[eè]res")
# a budget's or an account's columns: what was planned, voted or carried out in the table's year
_STAGE = re.compile(
    r"(?i)(?:montants?\s+)?(?:pr[ée]vus?|r[ée]alis[ée]s?|r[ée]alisations?|vot[ée]s?|pr[ée]visions?|bp|ca"
    r"|budget(?:\s+primitif)?|compte\s+administratif|cr[ée]dits\s+ouverts|mandat[ée]s?|titr[ée]s?)(?:\s*\(?€\)?)?"
)
_DERIVED = re.compile(r"(?i)r[ée]sultat|\bsolde\b|taux\s+de\s+r[ée]alisation")  # a column computed from the others


def _table_year(table: Table, ctx: Context) -> list[tuple[int, str | None, str]]:
    """The one year a table's caption gives ("Compte administratif 2023"), else the report's."""
    years = {y for y, _, _ in _years(table.caption, ctx)}
    if len(years) == 1:
        return [(years.pop(), None, "exercice")]
    return [(ctx.year, None, "exercice")] if ctx.year else []


def table_candidates(tables: Sequence[Table], ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    for table in tables:
        if _TOC.search(table.caption) or not table.rows:
            continue
        out += _table(table, ctx)
    return out


def _years(text: str, ctx: Context) -> list[tuple[int, str | None, str]]:
    if re.fullmatch(r"\s*(?:19|20)\d\d\s*", text):
        return columns(text)  # a header cell that is a year: a column of a history, however old
    cols = [c for c in columns(text) if ctx.year is None or ctx.year - 6 <= c[0] <= ctx.year + 2]
    return cols or relative_columns(text, ctx.year)


def _table(table: Table, ctx: Context) -> list[Candidate]:
    width = max(len(r) for r in table.rows)
    lead = max(1, table.label_cols)
    col_year: dict[int, tuple[int, str | None, str]] = {}
    ordered: list[tuple[int, str | None, str]] = []  # the years of the last header row, in order
    variation: set[int] = set()
    for j in range(lead, width):
        head = " ".join(h[j] for h in table.header_rows if j < len(h) and h[j])
        years = _years(head, ctx)
        if len(years) != 1 and _STAGE.fullmatch(clean(head)):
            years = _table_year(table, ctx)  # "Compte administratif 2023 | Prévu | Réalisé": the account's year
        if len(years) == 1:
            col_year[j] = years[0]
            ordered.append(years[0])
        elif _VARIATION.search(head) or _DERIVED.search(head):
            variation.add(j)
    title = head_label = ""
    labels = " ".join(clean(" ".join(r[:lead])) for r in table.rows)
    out: list[Candidate] = []
    for r in table.rows:
        texts = [clean(t) for t in r]
        label = " ".join(t for t in texts[:lead] if t).strip()
        values = {j: texts[j] for j in range(lead, len(texts)) if texts[j]}
        if not values:
            title = label or title  # "VOLUMES FACTURES (M3)": the context of the rows below
            continue
        parsed = {j: cell(t) for j, t in values.items()}
        dated = {j: _years(t, ctx) for j, t in values.items()}
        heads = {j for j in values if len(dated[j]) == 1 and not _is_figure(parsed[j])}
        varied = {j for j, t in values.items() if j not in heads and parsed[j] is None and _VARIATION.search(t)}
        if heads and heads | varied == set(values):
            # a header row inside the body: "| 2021 | 2022 | Variation", "Facture type | 1er janvier 2021"
            col_year = {j: dated[j][0] for j in sorted(heads)}
            ordered = [dated[j][0] for j in sorted(heads)]
            variation = varied
            head_label = label  # "Facture type": what the table is about
            continue
        if not label:
            continue
        if re.fullmatch(r"(?:19|20)\d\d", label) and table.header_rows:
            out += _year_row(table, int(label), texts, lead, ctx)
            continue
        out += _measure_columns(table, label, texts, lead, ctx)
        if match_name(label, ctx.domain) is None and not find_codes(label):
            out += _entity_row(table, label, texts, lead, ctx, col_year, head_label)
            continue
        keep = [j for j, c in parsed.items() if c is not None and c != "" and j not in variation]
        if not keep:
            continue
        if all(j in col_year for j in keep):
            header = [col_year[j] for j in keep]
        elif len(keep) == len(ordered) or (len(keep) == len(ordered) + 1 and not variation):
            # merged header cells shift the columns: the years in order ("| 2021 | 2022 | Variation")
            keep = keep[: len(ordered)]
            header = list(ordered)
        else:
            continue  # no year for the columns: stations, categories, or a year the text gives
        cells: list[Figure | str] = [_header_unit(table, j, parsed[j]) for j in keep]  # type: ignore[misc]
        context = " ".join(x for x in (clean(table.caption), head_label, title) if x)
        row = Row(table.page, label, context, cells, header, " | ".join(t for t in texts if t), siblings=labels)
        out += row_candidates(row, ctx)
    return out


_RATIO = re.compile(r"(?i)\bratio|kg\s*/\s*hab")
_TONNAGE = re.compile(r"(?i)\btonnages?\b|\btonnes\b")


def _flow(text: str) -> str | None:
    """The waste flow a caption or label names ("Évolution des tonnages OMR", "Verre PAV")."""
    hit = match_name(text, "dechets")
    if hit and hit[0].key.startswith(("tonnage_", "ratio_")):
        return hit[0].key.split("_", 1)[1]
    return None


def _measure(head: str, flow: str | None) -> IndicatorDef | None:
    """The indicator a column header names for a flow: "Tonnages" -> tonnage_<flow>, "Ratio annuel
    en kg/hab/an" -> ratio_<flow>, "Nombre d'habitants" -> the population."""
    if re.search(r"(?i)nombre d.habitants|population", head):
        return get("population")
    if flow and _RATIO.search(head):
        return get(f"ratio_{flow}")
    if flow and _TONNAGE.search(head):
        return get(f"tonnage_{flow}")
    return None


def _year_row(table: Table, year: int, texts: list[str], lead: int, ctx: Context) -> list[Candidate]:
    """A table with a row per year ("Année | Nombre d'habitants | Tonnages | Ratio", "Exercice |
    Nombre d'abonnés | Volumes facturés (m3)"): each column the indicator its header names (a waste
    table's flow from the caption). A history (more than three years, or a waste flow's evolution)
    gives the report year's row only, another table the report year's and the year before."""
    years = [int(r[0]) for r in table.rows if r and re.fullmatch(r"\s*(?:19|20)\d\d\s*", r[0] or "")]
    flow = _flow(table.caption)
    history = flow is not None or len(years) > 3  # a waste flow's "Évolution des tonnages" is a history
    if ctx.year is not None and year != ctx.year and (history or year != ctx.year - 1):
        return []
    out = []
    for j in range(lead, len(texts)):
        head = " ".join(h[j] for h in table.header_rows if j < len(h) and h[j])
        ind = _measure(head, flow) or (None if flow else _coded(head, ctx, any_figure=True))
        value = cell(texts[j]) if texts[j] else None
        if ind is None or not isinstance(value, Figure) or _VARIATION.search(head):
            continue
        unit = unit_for(ind, value, head)
        if unit is not None:
            evidence = " | ".join(texts)
            out.append(
                Candidate(ind, value.value, unit, year, None, table.page, evidence, True, "value", value.decimals)
            )
    return out


def _measure_columns(table: Table, label: str, texts: list[str], lead: int, ctx: Context) -> list[Candidate]:
    """A synthesis table with a row per flow and a column per measure ("Verre PAV | Tonnages 2023 |
    Ratio kg/hab/an"): the ratio column, which prints no year, is the flow's ratio of the year of
    the tonnage column (the report's year)."""
    flow = _flow(label)
    if flow is None or ctx.domain != "dechets":
        return []
    heads = [" ".join(h[j] for h in table.header_rows if j < len(h) and h[j]) for j in range(len(texts))]
    years = {y for h in heads for y, _, _ in _years(h, ctx)}
    year = next(iter(years)) if len(years) == 1 else ctx.year
    out = []
    for j in range(lead, len(texts)):
        if not _RATIO.search(heads[j]) or _years(heads[j], ctx):
            continue
        ind = get(f"ratio_{flow}")
        value = cell(texts[j]) if texts[j] else None
        if ind is not None and isinstance(value, Figure):
            evidence = " | ".join(texts)
            out.append(
                Candidate(ind, value.value, ind.unit, year, None, table.page, evidence, True, "value", value.decimals)
            )
    return out


_ALL = re.compile(r"^(?:sou\W*)?(?:total|ensemble|tout)\b")  # "Total", "Ensemble du service": no one commune's row
_COMMUNES = re.compile(r"(?i)\W*communes?\W*(?:desservies?|membres?|adh[ée]rentes?)?\W*")


def _coded(text: str, ctx: Context, any_figure: bool = False) -> IndicatorDef | None:
    """A SISPEA indicator a header names, by its code or its name (or any indicator of the
    reference table, for the columns of a table of communes)."""
    codes = find_codes(text)
    ind = by_code(codes[0][2], ctx.domain) if codes else None
    if ind is None:
        hit = match_name(text, ctx.domain)
        ind = hit[0] if hit else None
    return ind if ind is not None and (ind.code or any_figure) else None


def _entity_row(
    table: Table,
    label: str,
    texts: list[str],
    lead: int,
    ctx: Context,
    col_year: dict[int, tuple[int, str | None, str]],
    head_label: str,
) -> list[Candidate]:
    """A row of a station or a commune, not of an indicator ("Station d'épuration communale |
    0,00 | 0,00"): the indicator is the one the label column's header names ("Boues produites (en
    tonnes de matières sèches)", each value column a year), or the one each value column's header
    names ("Quantité de boues (tMS) | Taux de conformité (%)", the report's year)."""
    label_head = " ".join(" ".join(h[:lead]) for h in table.header_rows) or head_label
    by_label = _coded(label_head, ctx) if label_head else None
    # "Commune | Abonnés | Habitants desservis": a multi-commune report's figures, commune by commune
    commune = title_case(label) if _COMMUNES.fullmatch(label_head) and not _ALL.match(norm(label)) else None
    # "Total" (or the report's own commune) under columns that each name a figure
    whole = commune is not None or of_the_whole(label, ctx)
    tariffs = tariff_years([y for y, _, _ in col_year.values()], ctx)
    out: list[Candidate] = []
    for j in range(lead, len(texts)):
        value = cell(texts[j]) if texts[j] else None
        if value is None or value == "":
            continue
        head = " ".join(h[j] for h in table.header_rows if j < len(h) and h[j])
        ind = by_label if by_label is not None and j in col_year else _coded(head, ctx, whole)
        if ind is None and j in col_year and commune is None:
            ind = _headed(table, label, ctx)
        when = col_year.get(j)
        if ind is None and commune is None and (ind := _section_account(head, label)) is not None:
            when = when or next(iter(_table_year(table, ctx)), None)
        if ind is None or _VARIATION.search(head):
            continue
        year, as_of, kind = when or (ctx.year, None, "exercice")
        if ind.code in ("D102.0", "D204.0") and kind == "exercice" and year is not None:
            year, as_of = (year, f"{year}-01-01") if tariffs else (year + 1, f"{year + 1}-01-01")
        evidence = " | ".join(t for t in texts if t)
        if isinstance(value, str):
            out.append(Candidate(ind, None, ind.unit, year, as_of, table.page, evidence, True, value, 0, commune))
            continue
        unit = unit_for(ind, value, f"{label_head} {head}")
        if unit is not None:
            out.append(
                Candidate(
                    ind, value.value, unit, year, as_of, table.page, evidence, True, "value", value.decimals, commune
                )
            )
    return out


_SENS = re.compile(r"(?i)^(d[ée]penses|recettes)(?:\s+r[ée]elles)?(?:\s*\(?€\)?)?$")
_SECTION = re.compile(r"(?i)^(?:section\s+d[e']\s*)?(fonctionnement|investissement|exploitation)$")


def _section_account(head: str, label: str) -> IndicatorDef | None:
    """A cell of an account table with a column per direction and a row per section ("| Dépenses |
    Recettes" / "Fonctionnement | 1 932 873 € | 2 140 680 €"): the section's spending or revenue."""
    sens, section = _SENS.match(clean(head)), _SECTION.match(clean(label))
    if sens is None or section is None:
        return None
    part = "investissement" if section.group(1).lower() == "investissement" else "fonctionnement"
    return get(f"{sens.group(1).lower().replace('é', 'e')}_{part}")


def _headed(table: Table, label: str, ctx: Context) -> IndicatorDef | None:
    """The indicator the table's heading prints the code of ("Conformité des équipements
    d'épuration (P204.3)" / "| 2020 | 2021" / "Station du Bourg | 100 | 100"), for a station's row
    of an indicator given per station, or for a row that only says it holds the value ("Valeur",
    "Indice", "Taux (%)")."""
    words = norm(label)
    generic = GENERIC_LABEL.fullmatch(words) is not None
    if not generic and (not STATION.search(words) or COUNTED.search(words)):
        return None
    codes = {c for _, _, c in find_codes(" ".join([table.caption, *table.section_path[-1:]]))}
    ind = by_code(codes.pop(), ctx.domain) if len(codes) == 1 else None
    return ind if ind is not None and (generic or ind.code in PER_STATION) else None


_HEAD_UNIT = re.compile(r"(?i)[\[(]\s*(ml|m|km|m3|€|%|‰|tms|t\s*ms|ans?)\s*[\])]|\ben\s+(ml|km|m3|€|tms)\b")


def _header_unit(table: Table, j: int, value: Figure | str | None) -> Figure | str | None:
    """A figure printed without its unit under a column header that gives it ("Linéaire (ml)")."""
    if not isinstance(value, Figure) or value.unit is not None:
        return value
    head = " ".join(h[j] for h in table.header_rows if j < len(h) and h[j])
    m = _HEAD_UNIT.search(head)
    return with_unit(value, m.group(1) or m.group(2)) if m else value


def _is_figure(c: Figure | str | None) -> bool:
    return isinstance(c, Figure) and not (c.unit is None and c.decimals == 0 and 1980 <= c.value <= 2049)
