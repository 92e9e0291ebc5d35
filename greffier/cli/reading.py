"""`greffier docs`, `sections`, `search`, `entities`, `deliberations`, `issuers`, `directions`,
`serve`: reading the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from greffier.cli.options import (
    embedding_option,
    fail_on_errors,
    index_options,
    open_index,
    output_options,
    settings_for,
)
from greffier.output import FORMATS, render
from greffier.records import DOC_KINDS, ENTITY_TYPES, to_dict
from greffier.search.hybrid import MODES as SEARCH_MODES


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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
