"""A grid to a :class:`Table` record: body rows read (a label merged over several rows, a figure
set between two lines, a label on two lines), spanning label rows ("EAU", "DEPENSES") kept as
the group of the rows below, and each body cell with its row and column headers and its value,
unit and tax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.table_cells import parse_cell, tax_from, unit_from, untemplated
from greffier.extract.table_grid import Grid
from greffier.extract.table_shape import Shape, column_headers, shape
from greffier.records import Section, Table, TableCell

_NOTE = re.compile(r"^(?:vote|pour|contre|abstentions?|unanimit|monsieur|madame|mme|m\.)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]  # text at each column ("" where a merged cell started to the left)
    spans: tuple[int, ...]  # columns each cell covers (0 where covered)
    page: int
    group: bool  # a label alone, standing for the rows below it
    note: bool = False  # a sentence spread over the row ("Vote : Pour : 15 ..."): no group


def _rows(grid: Grid, sh: Shape) -> list[_Row]:
    out: list[_Row] = []
    for r in range(sh.headers, grid.n_rows):
        cells: list[str] = []
        spans: list[int] = []
        last = 0
        for c in range(grid.n_cols):
            if c and grid.ids[r][c] == grid.ids[r][c - 1]:
                cells.append("")
                spans.append(0)
                spans[last] += 1
                continue
            vertical = r > sh.headers and grid.ids[r][c] == grid.ids[r - 1][c]
            # a label merged over several rows labels each of them; a figure counts once
            cells.append("" if vertical and c >= sh.labels else grid.text(r, c))
            spans.append(1)
            last = c
        values = [t for c, t in enumerate(cells) if c >= sh.labels and t]
        label = " ".join(t for t in cells[: sh.labels] if t)
        if not values and not label:
            continue
        row = _Row(
            tuple(cells),
            tuple(spans),
            grid.row_pages[r],
            group=not values,
            note=not values and (len(label.split()) > 10 or bool(_NOTE.match(label))),
        )
        if (
            grid.strategy == "text"
            and not label
            and out
            and not out[-1].group
            and all(not out[-1].cells[c] for c, t in enumerate(cells) if t)
        ):  # a figure set between two lines (a cell merged over both): it goes with the first
            prev = out[-1]
            merged = [a or b for a, b in zip(prev.cells, cells)]
            out[-1] = _Row(tuple(merged), prev.spans, prev.page, False)
            continue
        if (
            grid.strategy == "text" and row.group and out and not out[-1].group and re.match(r"^[a-zà-öø-ÿ(]", label)
        ):  # the second line of the label above: "Absence aux" / "rendez vous"
            prev = out[-1]
            merged = list(prev.cells)
            merged[0] = f"{merged[0]} {label}".strip()
            out[-1] = _Row(tuple(merged), prev.spans, prev.page, False)
            continue
        out.append(row)
    return out


def build_table(grid: Grid, table_id: str, doc_id: str, caption: str, section: Section | None) -> Table:
    sh = shape(grid)
    col_headers = column_headers(grid, sh)
    label_header = " ".join(h for h in col_headers[: sh.labels] if h)
    header_rows = tuple(tuple(grid.text(r, c) for c in range(grid.n_cols)) for r in range(sh.headers))
    rows = _rows(grid, sh)
    cells: list[TableCell] = []
    group: list[str] = []  # the labels of the group rows above, outermost first
    chain: list[str] = []  # the group rows just read
    for n, row in enumerate(rows, start=1):
        label = " ".join(t for t in row.cells[: sh.labels] if t)
        if row.note:
            pass
        elif row.group:
            chain.append(label)
            # "RECETTES" after "INVESTISSEMENT > DEPENSES" rows: a sibling of "DEPENSES"
            group = group[:-1] + chain if len(chain) == 1 and len(group) >= 2 else list(chain)
        else:
            chain = []
        group_text = " > ".join(group) if not row.group or row.note else " > ".join(group[:-1])
        for c, text in enumerate(row.cells):
            if not text or not row.spans[c]:
                continue
            # a cell merged over several columns takes their one header (an empty one says nothing)
            spanned = {col_headers[k] for k in range(c, c + row.spans[c]) if col_headers[k]}
            col_header = spanned.pop() if len(spanned) == 1 else ""
            cv = parse_cell(text)
            unit, tax = cv.unit, cv.tax
            if c < sh.labels:
                value, unit = None, None
            else:
                value = cv.value
                if value is not None and unit is None:
                    unit = unit_from((col_header, label, label_header, group_text, caption), value) or (
                        "count" if value.is_integer() else "other"
                    )
                if unit == "EUR" and tax is None:  # "Coût aidé HT par tonne", "Montant TTC"
                    tax = tax_from((col_header, label, group_text, caption))
            cells.append(
                TableCell(
                    table_id=table_id,
                    doc_id=doc_id,
                    page=row.page,
                    row=n,
                    col=c + 1,
                    text=cv.text,
                    value=value,
                    unit=unit,
                    tax=tax if c >= sh.labels else None,
                    row_header=label,
                    col_header=col_header,
                    group=group_text,
                )
            )
    return Table(
        table_id=table_id,
        doc_id=doc_id,
        page=grid.page,
        page_end=max(grid.row_pages),
        bbox=tuple(round(v, 1) for v in grid.bbox),  # type: ignore[arg-type]
        section_id=section.section_id if section else None,
        section_path=section.path if section else (),
        caption=caption,
        strategy=grid.strategy,
        header_rows=header_rows,
        rows=tuple(tuple(untemplated(x) for x in r.cells) for r in rows),  # "____%" is an empty cell
        cells=tuple(cells),
        label_cols=sh.labels,
    )
