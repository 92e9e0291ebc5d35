"""The `greffier` command line: the only place that prints or exits."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from greffier import __version__
from greffier.errors import GreffierError
from greffier.errors import UsageError as GreffierUsageError
from greffier.index.keyword import BACKENDS
from greffier.output import FORMATS, render
from greffier.records import DOC_KINDS, to_dict
from greffier.settings import ENV_INDEX, Settings


def _fail_on_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become click errors: usage errors exit 2, the others exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GreffierUsageError as exc:
            raise click.UsageError(str(exc)) from exc
        except GreffierError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def index_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--backend",
        type=click.Choice(BACKENDS),
        default=None,
        help="Keyword backend (default: the index's own, tantivy for a new index).",
    )(fn)
    fn = click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=ENV_INDEX,
        default=None,
        help=f"Index directory (default: ${ENV_INDEX}, else the user data directory).",
    )(fn)
    return fn


def output_options(columns: list[str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds --format; the command returns rows (list of dicts) or one dict, printed here."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format (JSON is UTF-8, not escaped).",
        )
        @functools.wraps(fn)
        def wrapper(*args: Any, fmt: str, **kwargs: Any) -> Any:
            data = fn(*args, **kwargs)
            exit_code = 0
            if isinstance(data, tuple):
                data, exit_code = data
            click.echo(render(data, fmt, columns if fmt != "json" else None))
            if exit_code:
                sys.exit(exit_code)

        return wrapper

    return decorate


def _settings(index_dir: Path | None, backend: str | None) -> Settings:
    kwargs: dict[str, Any] = {"keyword_backend": backend}
    if index_dir is not None:
        kwargs["index_dir"] = index_dir
    return Settings(**kwargs)


def _open(index_dir: Path | None, backend: str | None) -> Any:
    from greffier.api import Greffier

    return Greffier(_settings(index_dir, backend))


class _Ctx:
    quiet = False


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
    _Ctx.quiet = quiet


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Re-ingest files even when unchanged.")
@index_options
@output_options(["path", "doc_id", "status", "pages", "sections", "error"])
@_fail_on_errors
def ingest(paths: tuple[str, ...], force: bool, index_dir: Path | None, backend: str | None) -> Any:
    """Parse PDF reports and text exports into the store and the keyword index.

    PATHS are files (.pdf, .txt) or directories (walked recursively). A file that fails is
    reported on stderr and the others are still ingested; the exit code is 1 then.

    \b
    Example:
      greffier ingest corpus/ --index ./demo-index --format json
    """
    from greffier.api import expand_paths

    total = sum(1 for _ in expand_paths(paths))
    show_bar = not _Ctx.quiet and sys.stderr.isatty()
    failed = 0
    with (
        _open(index_dir, backend) as g,
        click.progressbar(length=total, label="ingesting", file=sys.stderr, hidden=not show_bar) as bar,
    ):

        def progress(r: Any) -> None:
            nonlocal failed
            bar.update(1)
            if r.status == "failed":
                failed += 1
                click.echo(f"error: {r.error}", err=True)
            elif r.status == "needs_ocr" and not _Ctx.quiet:
                click.echo(f"warning: {r.path}: no text layer (scanned?): recorded as needs_ocr", err=True)

        results = g.ingest(paths, force=force, progress=progress)
    rows = [to_dict(r) for r in results]
    return rows, (1 if failed else 0)


@main.command()
@index_options
@output_options(["doc_id", "kind", "year", "date", "pages", "issuer", "title", "path"])
@_fail_on_errors
def docs(index_dir: Path | None, backend: str | None) -> Any:
    """List ingested documents.

    \b
    Example:
      greffier docs --format csv > documents.csv
    """
    with _open(index_dir, backend) as g:
        keep = ("doc_id", "path", "title", "issuer", "kind", "year", "date", "pages", "sha256", "status")
        return [{k: to_dict(d)[k] for k in keep} for d in g.documents()]


@main.command()
@click.argument("doc_id")
@index_options
@output_options(["level", "page_start", "page_end", "heading", "section_id"])
@_fail_on_errors
def sections(doc_id: str, index_dir: Path | None, backend: str | None) -> Any:
    """The section tree of one document, in document order.

    \b
    Example:
      greffier sections amp-rapport-activite-2017 --format json
    """
    with _open(index_dir, backend) as g:
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
@index_options
@output_options(["rank", "score", "doc_id", "year", "page", "section_path", "snippet"])
@_fail_on_errors
def search(
    query: str,
    year: int | None,
    year_from: int | None,
    year_to: int | None,
    issuer: str | None,
    kind: str | None,
    limit: int,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Ranked passages for QUERY, each with its document, year, page and section path.

    Words are matched with French stemming, accents ignored; "a phrase" matches words in
    order; +word is required, -word excluded.

    \b
    Example:
      greffier search "taux taxe foncière" --from 2015 --to 2020 --kind proces_verbal
    """
    with _open(index_dir, backend) as g:
        filters = g.filters(year=year, year_from=year_from, year_to=year_to, issuer=issuer, kind=kind)
        hits = g.search(query, filters, limit=limit)
        keep = ("rank", "score", "doc_id", "title", "year", "page", "section_path", "snippet", "passage_id", "text")
        return [{k: to_dict(h)[k] for k in keep} for h in hits]


@main.command()
@index_options
@output_options()
@_fail_on_errors
def status(index_dir: Path | None, backend: str | None) -> Any:
    """Documents, passages, keyword backend and sizes of the index.

    \b
    Example:
      greffier status --index ./demo-index
    """
    with _open(index_dir, backend) as g:
        return g.status()


if __name__ == "__main__":  # pragma: no cover
    main()
