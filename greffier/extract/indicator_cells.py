"""The cells of a table row as the text layer cuts it (segments between wide gaps, or a line's
trailing figures): a figure with its unit, a statement that the figure is not given ("NC", "sans
objet"), a blank template cell, a placeholder; a trailing unit column ("96 | 97 | %"), a comment,
a cell glued to the next column's sign, two year columns run together into one number.

Used by the row reader (:mod:`greffier.extract.indicator_rows`) and the grid reader
(:mod:`greffier.extract.indicator_tables`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from greffier.extract.indicator_values import NOT_APPLICABLE, PLACEHOLDER, STATUS, TEMPLATE, Figure, clean, parse_cell


def cell(text: str) -> Figure | str | None:
    t = clean(text)
    fig = parse_cell(t)
    if fig is not None:
        return fig
    if STATUS.match(t):
        return "sans objet" if NOT_APPLICABLE.search(t) or re.match(r"(?i)s\.o", t) else "non renseigné"
    if TEMPLATE.match(t):
        return "empty"
    if PLACEHOLDER.match(t):
        return ""
    return None


_UNIT_CELL = re.compile(r"(?i)^[\[(]?\s*(%|‰|€\s*(?:ttc\s*)?/\s*m3|€|km|ml|m3|ans?|points?|tms|t\s*ms)\s*[\])]?$")
_COMMENT_CELL = re.compile(r"^[^\d]{1,30}$")


def split_cells(segments: list[str]) -> tuple[list[str], list[Figure | str]]:
    """Leading label segments and trailing value cells of a line. A trailing unit column ("96 | 97 |
    %") gives its unit to the figures before it; a short trailing comment ("stable", "conforme")
    after figures is dropped."""
    labels, cells = _split_cells(segments)
    if cells or len(segments) < 3:
        return labels, cells
    last = segments[-1]
    unit = unit_cell(last)
    if unit or (_COMMENT_CELL.match(last) and len(last.split()) <= 3):
        labels, cells = _split_cells(segments[:-1])
        # "1,2 | NC | %": a status among the figures keeps the unit column
        if labels and any(isinstance(c, Figure) for c in cells) and all(isinstance(c, Figure) or c for c in cells):
            if unit:
                cells = [with_unit(c, unit) for c in cells]
            return labels, cells
    return segments, []


def unit_cell(text: str) -> str | None:
    """The unit a cell holds alone ("%", "€/m3", "u/1000 hab", "nb/100 km", "hab", "ans"), as
    a figure's unit is printed; None for any other cell."""
    m = _UNIT_CELL.match(text)
    if m:
        return m.group(1)
    bare = re.sub(r"^[\[(]\s*|\s*[\])]$", "", clean(text))
    if not bare or (bare[0].isdigit() and not re.match(r"1\s?000\b|100\b", bare)):
        return None
    got = parse_cell(f"1 {bare}")
    return bare if got is not None and got.unit is not None else None


def with_unit(cell: Figure | str, unit: str) -> Figure | str:
    if not isinstance(cell, Figure) or cell.unit is not None:
        return cell
    got = parse_cell(f"{cell.value:.{cell.decimals}f} {unit}".replace(".", ","))
    return replace(cell, unit=got.unit) if got is not None else cell


def _split_cells(segments: list[str]) -> tuple[list[str], list[Figure | str]]:
    cells: list[Figure | str] = []
    i = len(segments)
    while i > 0:
        c = cell(segments[i - 1])
        if c is None:
            break
        cells.insert(0, c)
        i -= 1
    labels = segments[:i]
    if labels and not cells:
        m = re.search(r"\s[:=]\s*([^:=]{1,25})$", labels[-1])
        if m and (c := cell(m.group(1))) is not None:
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


def ungrouped(cells: list[Figure | str], columns: int) -> list[Figure | str]:
    """A row's figures when the text layer ran two year columns together into one number with a
    thousands space ("Total des abonnés 545 587 + 7,7 %", "360 360", "(%) 100 100" under "2020 |
    2021"): with fewer figures than columns, a whole number whose 3-digit groups are each a figure
    of the same size as the others is cut into them."""
    core, tail = list(cells), []
    if len(core) >= 2 and isinstance(core[-1], Figure) and core[-1].unit == "%":
        if not all(isinstance(c, Figure) and c.unit == "%" for c in core[:-1]):
            core, tail = core[:-1], core[-1:]  # a variation column
    missing = columns - len(core)
    if missing <= 0:
        return cells
    out: list[Figure | str] = []
    for c in core:
        parts = _groups(c) if missing > 0 else None
        if parts is not None and len(parts) - 1 <= missing:
            out += parts
            missing -= len(parts) - 1
        else:
            out.append(c)
    return out + tail if len(out) + len(tail) != len(cells) else cells


def _groups(c: Figure | str) -> list[Figure] | None:
    if not isinstance(c, Figure) or c.decimals or c.value < 100_000 or c.unit not in (None, "%", "count", "m3"):
        return None
    digits = f"{c.value:.0f}"
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    if any(g.startswith("0") for g in groups):
        return None  # "1 000", "12 045": a number, not figures side by side
    values = [int(g) for g in groups]
    if max(values) > 3 * min(values):
        return None  # "1 250": a thousand and a quarter, not 1 and 250
    return [replace(c, value=float(v)) for v in values]
