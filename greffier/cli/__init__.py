"""The `greffier` command line: the only place that prints or exits.

The main group lives here; its commands live by concern in :mod:`greffier.cli.indexing`
(ingest, embed, status, check), :mod:`greffier.cli.reading` (docs, sections, search,
entities, deliberations, issuers, directions, serve), :mod:`greffier.cli.answers` (ask,
trend), :mod:`greffier.cli.figures` (tables, table, indicators, compare) and
:mod:`greffier.cli.evals` (eval), with the shared options in :mod:`greffier.cli.options`.
Heavy libraries (numpy, tantivy, spaCy) are imported inside the commands, never here.
"""

from __future__ import annotations

import logging
import sys

import click

from greffier import __version__
from greffier.cli.answers import ask, trend
from greffier.cli.evals import eval_group
from greffier.cli.figures import compare_cmd, indicators_cmd, table, tables
from greffier.cli.indexing import check, embed, ingest, status
from greffier.cli.options import Ctx
from greffier.cli.reading import deliberations, directions, docs, entities, issuers, search, sections, serve


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


main.add_command(ingest)
main.add_command(embed)
main.add_command(status)
main.add_command(check)
main.add_command(docs)
main.add_command(sections)
main.add_command(search)
main.add_command(entities)
main.add_command(deliberations)
main.add_command(issuers)
main.add_command(directions)
main.add_command(serve)
main.add_command(ask)
main.add_command(trend)
main.add_command(tables)
main.add_command(table)
main.add_command(indicators_cmd)
main.add_command(compare_cmd)
main.add_command(eval_group)
