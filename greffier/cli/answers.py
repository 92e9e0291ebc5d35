"""`greffier ask` and `trend`: a question answered with its proof, a value per year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from greffier.cli.options import fail_on_errors, index_options, open_index, output_options
from greffier.output import escape_controls, french_number, sparkline


@click.command()
@click.argument("question")
@click.option("--year", type=int, help="The year the question is about (else taken from the question).")
@click.option("--issuer", help="Only documents whose issuer contains this.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Withhold an answer under this confidence (see `greffier eval answers --curve`).",
)
@index_options
@output_options(["answer", "value", "unit", "year", "confidence", "doc_id", "page", "evidence"])
@fail_on_errors
def ask(
    question: str,
    year: int | None,
    issuer: str | None,
    min_confidence: float,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Answer a question with a figure, a date or a direction, and its proof.

    The answer is extracted from a cited page (document, page, section, verbatim evidence)
    and checked again in that page's text; when nothing fits well enough greffier says so
    (answer null, with the candidates it saw). Questions about an evolution get a series.

    \b
    Example:
      greffier ask "Combien de délibérations la Métropole a-t-elle préparées en 2017 ?"
    """
    from greffier.output import french_value

    with open_index(index_dir, backend) as g:
        result = g.ask(question, year=year, issuer=issuer, min_confidence=min_confidence)
    table = click.get_current_context().params.get("fmt", "table") == "table"
    if result.get("kind") == "trend":
        if result.get("missing_years"):
            click.echo(f"missing years: {', '.join(map(str, result['missing_years']))}", err=True)
        return result["series"] or [{"answer": None, "evidence": "no value found for any year"}]
    if result.get("answer") is None:
        click.echo(f"no answer: {escape_controls(str(result.get('reason')))}", err=True)
        if result.get("kind") == "open":  # why, how, where, whether: the passages to read
            return [
                {"answer": None, **{k: p[k] for k in ("doc_id", "page")}, "evidence": p["text"]}
                for p in result["passages"]
            ]
        if table and result.get("candidates"):  # what greffier saw, each marked as no answer
            click.echo("candidates (none fits well enough):", err=True)
            return [
                {**c, "answer": f"? {c.get('answer')}", "value": french_value(c.get("value"), c.get("unit"))}
                for c in result["candidates"]
            ]
        return [result] if result.get("candidates") is not None else []
    if table:  # a vote's or a list's value is its answer, written out
        shown = (
            None if result.get("kind") in ("vote", "list") else french_value(result.get("value"), result.get("unit"))
        )
        return [{**result, "value": shown}]
    return [result]


@click.command()
@click.argument("what")
@click.option("--from", "year_from", type=int, help="First year.")
@click.option("--to", "year_to", type=int, help="Last year.")
@click.option("--issuer", help="Only documents whose issuer contains this.")
@click.option(
    "--plot",
    "plot_path",
    metavar="FILE.png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the series as a PNG line chart, with its sources (needs greffier[plot]).",
)
@index_options
@output_options(
    ["year", "answer", "value", "unit", "doc_id", "page", "evidence"],
    table_columns=["year", "answer", "value", "unit", "also", "doc_id", "page", "evidence"],
)
@fail_on_errors
def trend(
    what: str,
    year_from: int | None,
    year_to: int | None,
    issuer: str | None,
    plot_path: Path | None,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """One value per year for WHAT, each with its document, page and evidence.

    Years with no value are listed as missing on stderr, never interpolated. With --format
    table, a sparkline of the series (· for a missing year) goes to stderr too, and `also` shows
    the value another document of the same year gives. --plot FILE.png draws the series, its
    gaps and its sources.

    \b
    Example:
      greffier trend "taux taxe foncière bâti" --from 2015 --to 2020 --issuer Pierrefonds --plot taux.png
    """
    from greffier import plot

    fmt = click.get_current_context().params.get("fmt", "table")
    if plot_path is not None:  # fail before the search, not after
        plot.check_png_path(plot_path)
        plot.require_matplotlib()
    with open_index(index_dir, backend) as g:
        result = g.trend(what, year_from, year_to, issuer)
        conflicted = fmt == "table" and any(r.get("conflicts") for r in result["series"])
        dates = {d.doc_id: d.date or (str(d.year) if d.year else "") for d in g.documents()} if conflicted else {}
    if plot_path is not None:
        plot.write_trend_png(result, plot_path)
        click.echo(f"chart written to {plot_path}", err=True)
    if result.get("reason"):
        click.echo(f"no series: {escape_controls(str(result['reason']))}", err=True)
    if result.get("missing"):
        click.echo(f"missing years: {', '.join(map(str, result['missing']))}", err=True)
    if fmt != "table":
        return result["series"]
    points = plot.year_values(result)
    if points:
        known = [v for _, v in points if v is not None]
        span = f"{french_number(min(known))} … {french_number(max(known))}" if known else "no value"
        unit = plot.unit_of(result)
        click.echo(
            f"{points[0][0]} {sparkline([v for _, v in points])} {points[-1][0]}  ({span}{' ' + unit if unit else ''})",
            err=True,
        )
    return [{**row, "also": _also(row, dates)} if row.get("conflicts") else row for row in result["series"]]


def _also(row: dict[str, Any], dates: dict[str, str]) -> str:
    """The other documents' values for a trend year, and whether each is more recent than the one kept."""
    mine = dates.get(str(row.get("doc_id")), "")
    out = []
    for other in row.get("conflicts") or []:
        theirs = dates.get(str(other.get("doc_id")), "")
        when = ""
        if mine and theirs and mine != theirs:
            when = ", more recent" if theirs > mine else ", older"
        value = other.get("value")
        value = french_number(value) if isinstance(value, float) else value
        unit = other.get("unit") or ""
        out.append(f"{value}{' ' + unit if unit else ''} ({other.get('doc_id')} p. {other.get('page')}{when})")
    return "; ".join(out)
