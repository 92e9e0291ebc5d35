"""A trend as a PNG line chart (matplotlib, optional) and the pure helpers behind it.

matplotlib is imported lazily, with the Agg canvas and no pyplot (no global state, no display):
``pip install 'greffier[plot]'``. The chart never interpolates: a year without a value breaks
the line; values from other documents of the same year are drawn as extra markers; a caption
under the chart cites the source of every point.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from greffier.errors import MissingDependencyError, OutputError, UsageError

INSTALL_HINT = "pip install 'greffier[plot]'"


def numeric(value: Any) -> float | None:
    """A plottable number, or None (text answers, booleans, NaN, infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def year_values(result: dict[str, Any]) -> list[tuple[int, float | None]]:
    """Every year from the first to the last of a trend (series and missing), with its value or None."""
    by_year: dict[int, float | None] = {}
    for row in result.get("series") or []:
        if isinstance(row.get("year"), int) and row["year"] not in by_year:
            by_year[row["year"]] = numeric(row.get("value"))
    years = set(by_year) | {y for y in result.get("missing") or [] if isinstance(y, int)}
    if not years:
        return []
    return [(y, by_year.get(y)) for y in range(min(years), max(years) + 1)]


def _fmt_value(value: Any, unit: str | None) -> str:
    v = numeric(value)
    text = f"{v:,.10g}".replace(",", " ") if v is not None else str(value)
    return f"{text} {unit}" if unit and unit != "count" else text


def source(row: dict[str, Any], width: int = 80) -> str:
    """``<title or doc_id> p. N`` for one series row (or one conflict)."""
    name = str(row.get("title") or row.get("doc_id") or "?")
    if len(name) > width:
        name = name[: width - 1] + "…"
    return f"{name} p. {row['page']}" if row.get("page") is not None else name


def caption_lines(result: dict[str, Any]) -> list[str]:
    """The caption under the chart: the source of each point, other documents' values, missing years."""
    lines = []
    for row in sorted(result.get("series") or [], key=lambda r: r.get("year") or 0):
        lines.append(f"{row.get('year')}: {source(row)}")
        for other in row.get("conflicts") or []:
            also = _fmt_value(other.get("value"), other.get("unit") or row.get("unit"))
            lines.append(f"{row.get('year')} (also {also}): {source(other)}")
    if result.get("missing"):
        lines.append("no value: " + ", ".join(map(str, result["missing"])))
    return lines


def unit_of(result: dict[str, Any]) -> str | None:
    if result.get("unit"):
        return str(result["unit"])
    return next((str(r["unit"]) for r in result.get("series") or [] if r.get("unit")), None)


def check_png_path(path: Path) -> None:
    if path.suffix.lower() != ".png":
        raise UsageError(f"--plot writes a PNG: {path} should end in .png")


def require_matplotlib() -> tuple[Any, Any]:
    """(Figure, FigureCanvasAgg), or a clear error saying what to install."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError(f"plotting needs matplotlib, which is not installed: {INSTALL_HINT}") from exc
    return Figure, FigureCanvasAgg


def write_trend_png(result: dict[str, Any], path: Path | str) -> Path:
    """Draw a trend (the dict of ``Greffier.trend``) to ``path``, atomically (temp file, then rename)."""
    path = Path(path)
    check_png_path(path)
    Figure, FigureCanvasAgg = require_matplotlib()
    fig = _draw(Figure, result)
    FigureCanvasAgg(fig)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(str(path), f"cannot write the chart: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format="png", dpi=100)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; a chart is an ordinary file
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), f"cannot write the chart: {exc.strerror or exc}") from exc
        raise
    return path


def _draw(Figure: Any, result: dict[str, Any]) -> Any:
    points = year_values(result)
    caption = caption_lines(result)
    unit = unit_of(result)
    line_h = 0.17  # inches per caption line (8 pt)
    caption_h = 0.25 + line_h * len(caption)
    plot_h, top_h, axis_h = 3.6, 0.7, 0.55
    height = plot_h + top_h + axis_h + caption_h
    fig = Figure(figsize=(9, height))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=(caption_h + axis_h) / height, top=1 - top_h / height)
    ax = fig.add_subplot()
    title = str(result.get("question") or "")
    ax.set_title("\n".join(textwrap.wrap(title, 80)) or "trend", fontsize=11)
    ax.set_ylabel(f"value ({unit})" if unit else "value")
    ax.set_xlabel("year")
    years = [y for y, _ in points]
    # NaN breaks the line: a missing year is a gap, never interpolated
    ax.plot(years, [math.nan if v is None else v for _, v in points], marker="o", color="C0", label="value")
    gaps = [y for y, v in points if v is None]
    for i, y in enumerate(gaps):
        ax.axvspan(y - 0.5, y + 0.5, color="0.92", zorder=0, label="no value" if i == 0 else None)
    others = [
        (row["year"], v)
        for row in result.get("series") or []
        for other in row.get("conflicts") or []
        if (v := numeric(other.get("value"))) is not None
    ]
    if others:
        ax.scatter(
            [y for y, _ in others],
            [v for _, v in others],
            marker="D",
            facecolors="none",
            edgecolors="C3",
            zorder=3,
            label="other document, same year",
        )
    if years:
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        step = max(1, math.ceil(len(years) / 15))
        ax.set_xticks(years[::step])
    if not any(v is not None for _, v in points):
        ax.text(0.5, 0.5, "no value found", transform=ax.transAxes, ha="center", va="center", color="0.4")
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.grid(True, axis="y", color="0.85")
    if gaps or others:
        ax.legend(loc="best", fontsize=8)
    if caption:
        fig.text(0.01, 0.15 / height, "Sources:\n" + "\n".join(caption), ha="left", va="bottom", fontsize=8)
    return fig
