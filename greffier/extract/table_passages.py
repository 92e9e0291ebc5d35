"""What a table record becomes: one passage per row, one AMOUNT entity per figure, and its body
rows keyed by column name (printing, CSV).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from greffier.extract.headings import fold
from greffier.extract.table_cells import WORD
from greffier.records import Entity, Passage, Section, Table, TableCell


def row_label(table: Table, cell: TableCell) -> str:
    return f"{cell.group} > {cell.row_header}" if cell.group and cell.row_header else cell.row_header or cell.group


def table_passages(tables: Iterable[Table], sections: list[Section], first_ordinal: int) -> list[Passage]:
    """One passage per table row: "Prix du m³ TTC | 2023: 2,47 € | 2024: 2,61 €"."""
    out: list[Passage] = []
    fallback = sections[0].section_id if sections else ""
    ordinal = first_ordinal
    for t in tables:
        path = t.section_path + ((t.caption,) if t.caption else ())
        by_row: dict[int, list[TableCell]] = {}
        for cell in t.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for n, cells in sorted(by_row.items()):
            values = [c for c in cells if c.col > t.label_cols and c.text]
            if not values:
                continue  # a group label: it leads the rows below
            label = row_label(t, values[0])
            head = next((c.col_header for c in cells if c.col <= t.label_cols and c.col_header), "")
            if head and label and fold(head) not in fold(label):
                label = f"{head}: {label}"  # "Année: 2015 | Tonnages: 3 777,92"
            parts = [f"{c.col_header}: {c.text}" if c.col_header else c.text for c in values]
            ordinal += 1
            out.append(
                Passage(
                    passage_id=f"{t.table_id}r{n:03d}",
                    doc_id=t.doc_id,
                    section_id=t.section_id or fallback,
                    ordinal=ordinal,
                    page=values[0].page,
                    page_end=values[-1].page,
                    section_path=path,
                    start=0,
                    end=0,
                    text=" | ".join([label, *parts]) if label else " | ".join(parts),
                )
            )
    return out


_COUNT_HEADER = re.compile(r"^\s*(?:nombre|nb\b|points?\b|notes?\b)", re.IGNORECASE)


def table_entities(tables: Iterable[Table], sections: list[Section]) -> list[Entity]:
    """An AMOUNT entity per figure, its sentence "row header | column header: text"."""
    out: list[Entity] = []
    fallback = sections[0].section_id if sections else ""
    for t in tables:
        for c in t.cells:
            if c.value is None or c.unit in ("checkbox", "year") or c.col <= t.label_cols:
                continue
            label = row_label(t, c)
            sentence = f"{label} | {c.col_header}: {c.text}" if c.col_header else f"{label}: {c.text}"
            quantity_of = None
            if c.unit == "count":
                # (a column counting something says what: "points potentiels", "Nombre d'abonnés")
                by_column = bool(c.col_header and _COUNT_HEADER.match(c.col_header))
                quantity_of = c.row_header if WORD.search(c.row_header) and not by_column else (c.col_header or None)
            out.append(
                Entity(
                    entity_id=f"{t.table_id}r{c.row:03d}c{c.col:02d}",
                    type="AMOUNT",
                    text=c.text,
                    doc_id=t.doc_id,
                    page=c.page,
                    section_id=t.section_id or fallback,
                    start=0,
                    end=0,
                    sentence=sentence,
                    value=c.value,
                    unit=c.unit,
                    currency="EUR" if c.unit == "EUR" or "€" in c.text else None,  # "1,25 €/m3" too
                    tax=c.tax,
                    quantity_of=quantity_of,
                )
            )
    return out


def table_columns(table: Table) -> list[str]:
    """Column names for printing a table: its headers, else col1, col2..."""
    names: list[str] = []
    for c in range(len(table.rows[0]) if table.rows else len(table.header_rows[0]) if table.header_rows else 0):
        parts: list[str] = []
        for row in table.header_rows:
            if c < len(row) and row[c] and (not parts or parts[-1] != row[c]):
                parts.append(row[c])
        name = " / ".join(parts) or f"col{c + 1}"
        while name in names:
            name += "'"
        names.append(name)
    return names


def table_records(table: Table) -> list[dict[str, str]]:
    """The table's body rows as dicts keyed by column name (CSV of the table itself)."""
    names = table_columns(table)
    return [dict(zip(names, row)) for row in table.rows]
