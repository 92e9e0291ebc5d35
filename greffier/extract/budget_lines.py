"""The lines of a budget's tables: each row of an M57/M14/M71 maquette (a chapter, a section
total, AP/AE votées) with what its figures are, read from the table's own structure.

A budget table says in three places what a figure is:

* **direction and section** — the page's heading ("BALANCE GENERALE – DEPENSES", "EQUILIBRE
  FINANCIER DU BUDGET – INVESTISSEMENT"), the label column's header ("FONCTIONNEMENT"), a section
  row above ("RECETTES D'INVESTISSEMENT", "Dépenses de fonctionnement – Total"), or the column
  itself in the D1/D2 pages ("CHAPITRES | DEPENSES | RECETTES");
* **the column's role** — "Pour mémoire, budget précédent" (the year before), "Restes à réaliser
  N-1", "Propositions nouvelles", "Vote de l'assemblée", "TOTAL (RAR N-1 + vote)"; or a year
  ("BP 2023 | BP 2024 | Évolution", "CA 2022");
* **the line** — its chapter or function code (011, 012, 16, 024, 900-5, 922-1068) and label.

Tables whose columns are the functions ("DONT Fonction 2 Enseignement …") describe one part of
each total, not the budget's own figures: they give no line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.headings import fold
from greffier.records import Table

_CODE = re.compile(r"^(\d{2,4}(?:\s*[-–]\s*\d{1,4})?)\s+(?=\D)")
_SECTION_ROW = re.compile(r"^(depenses|recettes)\s+(?:reelles\s+)?(?:d'|de\s+|du\s+)?(investissement|fonctionnement)\b")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class BudgetValue:
    role: str  # previous | rar | proposed | voted | total | current | year | realised
    year: int | None  # the year the figure is for (None: the budget's own year)
    value: float
    text: str  # as printed
    column: str  # the column's header


@dataclass(frozen=True)
class BudgetLine:
    doc_id: str
    table_id: str
    page: int
    row: int
    code: str | None  # chapter or function code as printed ("012", "900-5")
    label: str  # the row's label without its code
    sens: str | None  # depenses | recettes
    section: str | None  # fonctionnement | investissement
    values: tuple[BudgetValue, ...]

    def value_for(self, year: int | None, budget_year: int | None, first: str | None = None) -> BudgetValue | None:
        """The figure of ``year``: the voted budget's (total, vote, proposals; ``first``, the role
        the question asks for, before them) for its own year, the "pour mémoire" column for the
        year before, a year column for its year."""
        if year is None or budget_year is None or year == budget_year:
            for role in (*((first,) if first else ()), "total", "voted", "proposed", "current"):
                for v in self.values:
                    if v.role == role and (v.year is None or v.year == budget_year):
                        return v
        for v in self.values:
            if v.year is not None and v.year == year and v.role in ("year", "previous", "realised"):
                return v
            if v.role == "previous" and v.year is None and budget_year is not None and year == budget_year - 1:
                return v
        return None


def _role(header: str, sens_columns: bool) -> tuple[str, str | None] | None:
    """(role, sens) of a column from its header; None for a column that is no figure of the
    budget (an evolution, a percentage)."""
    h = fold(header)
    if re.search(r"evolution|variation|%|ecart|taux", h):
        return None
    if sens_columns and re.fullmatch(r"\s*(depenses?|recettes?)\b.*", h):
        return "current", "depenses" if h.strip().startswith("depense") else "recettes"
    if re.search(r"pour memoire|budget precedent|exercice precedent", h):
        return "previous", None
    if "total" in h:
        return "total", None
    if re.search(r"reste?s? a realiser|\brar\b", h):
        return "rar", None
    if re.search(r"\bvote", h):
        return "voted", None
    if "proposition" in h:
        return "proposed", None
    if re.search(r"\b(?:ca|cfu|compte administratif|realis)", h):
        return "realised", None
    if _YEAR.search(h):
        return "year", None
    return None


def _sens_section(text: str) -> tuple[str | None, str | None]:
    t = fold(text)
    dep, rec = t.find("depense"), t.find("recette")
    sens = None
    if dep >= 0 or rec >= 0:
        sens = "depenses" if rec < 0 or (0 <= dep < rec) else "recettes"
    inv, fon = "investissement" in t, "fonctionnement" in t
    section = "investissement" if inv and not fon else "fonctionnement" if fon and not inv else None
    return sens, section


def budget_lines(table: Table, budget_year: int | None) -> list[BudgetLine]:
    """The lines of one table of a budget document (none for a table that is no budget table)."""
    n_cols = max((c.col for c in table.cells), default=0)
    headers: dict[int, str] = {}
    for c in table.cells:
        if c.col_header and c.col not in headers:
            headers[c.col] = c.col_header
    if any(re.search(r"\bfonction\s+\d", fold(h)) for h in headers.values()):
        return []  # one column per function: parts of the totals
    heading = " ".join((*table.section_path[-1:], table.caption))
    page_sens, page_section = _sens_section(heading)
    label_head = " ".join(headers.get(c, "") for c in range(1, table.label_cols + 1))
    head_sens, head_section = _sens_section(label_head)
    sens_columns = sum(1 for h in headers.values() if re.match(r"(depenses?|recettes?)\b", fold(h))) >= 2
    roles: dict[int, tuple[str, str | None, int | None]] = {}
    for col in range(table.label_cols + 1, n_cols + 1):
        role = _role(headers.get(col, ""), sens_columns)
        if role is None:
            continue
        years = _YEAR.findall(headers.get(col, ""))
        year = int(years[-1]) if years else None
        if role[0] == "previous" and year is None and budget_year is not None:
            year = budget_year - 1
        roles[col] = (role[0], role[1], year)
    if not roles:
        return []
    by_row: dict[int, list] = {}
    for c in table.cells:
        by_row.setdefault(c.row, []).append(c)
    out: list[BudgetLine] = []
    row_sens, row_section = None, None
    for row, cells in sorted(by_row.items()):
        label_cells = [c for c in cells if c.col <= table.label_cols and c.text]
        label = " ".join(c.text for c in label_cells).strip()
        if not label:
            continue
        m = _SECTION_ROW.match(fold(label))
        if m:  # "RECETTES D'INVESTISSEMENT", "Dépenses de fonctionnement – Total": the rows below
            row_sens, row_section = m.group(1), m.group(2)
        code_m = _CODE.match(label)
        code = re.sub(r"\s*[-–]\s*", "-", code_m.group(1)) if code_m else None
        text = label[code_m.end() :].strip() if code_m else label
        by_sens: dict[str | None, list[BudgetValue]] = {}
        for c in cells:
            if c.col not in roles or c.value is None:
                continue
            role, sens, year = roles[c.col]
            by_sens.setdefault(sens, []).append(BudgetValue(role, year, c.value, c.text, c.col_header))
        for sens, values in by_sens.items():
            out.append(
                BudgetLine(
                    doc_id=table.doc_id,
                    table_id=table.table_id,
                    page=next((c.page for c in cells if c.col in roles), table.page),
                    row=row,
                    code=code,
                    label=text,
                    sens=sens or row_sens or head_sens or page_sens,
                    section=row_section or head_section or page_section,
                    values=tuple(values),
                )
            )
    return out
