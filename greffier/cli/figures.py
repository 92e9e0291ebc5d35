"""`greffier tables`, `table`, `indicators`, `compare`: the tables found in the documents
(greffier.extract.tables) and the service indicators read from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from greffier.cli.options import fail_on_errors, index_options, open_index, output_options
from greffier.records import to_dict


@click.command()
@click.option("--doc", "doc_id", help="Only this document.")
@click.option("--page", type=click.IntRange(1), help="Only tables on this page.")
@index_options
@output_options(["table_id", "doc_id", "page", "page_end", "strategy", "n_rows", "n_cols", "section", "caption"])
@fail_on_errors
def tables(doc_id: str | None, page: int | None, index_dir: Path | None, backend: str | None) -> Any:
    """Tables found in the documents, with where they are cited.

    JSON gives one object per table with its header rows, rows and cells (row, col, text,
    value, unit, row_header, col_header); `greffier table TABLE_ID` prints one table.

    \b
    Example:
      greffier tables --doc compte-rendu-17-11-2015 --page 7 --format json
    """
    with open_index(index_dir, backend) as g:
        found = g.tables(doc_id, page)
    rows = []
    for t in found:
        row = to_dict(t)
        row["header_rows"] = [list(r) for r in t.header_rows]
        row["rows"] = [list(r) for r in t.rows]
        row["cells"] = [to_dict(c) for c in t.cells]
        row["n_rows"] = len(t.rows)
        row["n_cols"] = len(t.rows[0]) if t.rows else 0
        row["section"] = t.section_path[-1] if t.section_path else ""
        rows.append(row)
    return rows


@click.command()
@click.argument("table_id")
@index_options
@output_options()
@fail_on_errors
def table(table_id: str, index_dir: Path | None, backend: str | None) -> Any:
    """One table itself: a row per table row, a column per table column (named by its headers).

    \b
    Example:
      greffier table compte-rendu-17-11-2015:t003 --format csv > sivoc.csv
    """
    from greffier.extract.tables import table_records

    with open_index(index_dir, backend) as g:
        return table_records(g.table(table_id))


@click.command("indicators")
@click.option("--code", help="An indicator: SISPEA code (D204.0, P202.2B), reference key or name.")
@click.option("--issuer", help="Issuer or commune containing this text (accents ignored).")
@click.option("--year", type=int, help="The year the values describe.")
@click.option("--doc", "doc_id", help="Only this document.")
@index_options
@output_options(
    ["indicator", "code", "value", "unit", "year", "as_of", "commune", "issuer", "status", "conflict", "doc_id", "page"]
)
@fail_on_errors
def indicators_cmd(
    code: str | None,
    issuer: str | None,
    year: int | None,
    doc_id: str | None,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Official service indicators (RPQS: D1xx/P1xx, D2xx/P2xx, D3xx/P3xx) and budget aggregates
    read from the documents, one record per indicator, commune and year, each citing its page.

    A value printed twice is one record (``also`` lists the other pages); two different values
    for the same indicator, commune and year are both kept with ``conflict`` set. "Non
    renseigné", "NC" and "sans objet" give a record without a value (``status``).

    \b
    Example:
      greffier indicators --code D204.0 --year 2022 --format csv
    """
    with open_index(index_dir, backend) as g:
        return [to_dict(r) for r in g.indicators(code, issuer, year, doc_id)]


@click.command("compare")
@click.argument("code")
@click.option(
    "--by",
    type=click.Choice(["issuer", "year"]),
    default="issuer",
    show_default=True,
    help="One row per issuer (a column per year), or one row per year (a column per issuer).",
)
@click.option("--issuer", help="Issuer or commune containing this text (accents ignored).")
@index_options
@output_options()
@fail_on_errors
def compare_cmd(code: str, by: str, issuer: str | None, index_dir: Path | None, backend: str | None) -> Any:
    """One indicator side by side across issuers and years; each cell is "value unit (doc_id p.N)"
    (conflicting values joined by " | "), a table a spreadsheet opens with --format csv.

    \b
    Example:
      greffier compare D204.0 --by issuer --format csv > prix-assainissement.csv
    """
    with open_index(index_dir, backend) as g:
        return g.compare(code, by, issuer)
