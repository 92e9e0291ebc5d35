"""A trend's series as an SVG line chart, drawn on the server (no JavaScript, no library).

Every year of the range has a place on the axis; a missing year is a gap in the line and a grey
mark on the axis ("n.d."), never an interpolated point.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from greffier.web.text import number_fr

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40


def svg_chart(series: list[dict[str, Any]], missing: list[int], unit_label: str = "") -> Markup:
    """The chart of one value per year; ``missing`` years are marked on the axis."""
    points = {int(r["year"]): float(r["value"]) for r in series if isinstance(r.get("value"), int | float)}
    years = sorted(set(points) | {int(y) for y in missing})
    if not points or not years:
        return Markup("")
    lo_year, hi_year = years[0], years[-1]
    lo, hi = min(points.values()), max(points.values())
    lo = min(lo, 0.0) if lo >= 0 and hi > 0 and lo < hi * 0.5 else lo
    if math.isclose(lo, hi):
        lo, hi = lo - (abs(lo) * 0.1 or 1), hi + (abs(hi) * 0.1 or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(1, hi_year - lo_year)

    def x(year: int) -> float:
        return LEFT + (plot_w * (year - lo_year) / span if hi_year > lo_year else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - lo) / (hi - lo))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img"'
        f' aria-label="{escape("Série par année")}">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" class="axis"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>',
    ]
    for k in range(5):  # value grid
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{WIDTH - RIGHT}" y2="{y(v):.1f}" class="grid"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="tick">{escape(number_fr(v))}</text>'
        )
    step = max(1, math.ceil(len(range(lo_year, hi_year + 1)) / 12))
    for i, year in enumerate(range(lo_year, hi_year + 1)):
        if i % step == 0 or year in missing:
            label = escape(str(year))
            parts.append(
                f'<text x="{x(year):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" class="tick">{label}</text>'
            )
    for year in missing:
        parts.append(f'<text x="{x(year):.1f}" y="{TOP + plot_h - 6}" text-anchor="middle" class="missing">n.d.</text>')
    # the line, broken at every missing year
    run: list[str] = []
    runs: list[list[str]] = []
    for year in range(lo_year, hi_year + 1):
        if year in points:
            run.append(f"{x(year):.1f},{y(points[year]):.1f}")
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    for r in runs:
        if len(r) > 1:
            parts.append(f'<polyline points="{" ".join(r)}" class="line"/>')
    for year, value in sorted(points.items()):
        title = escape(f"{year} : {number_fr(value)} {unit_label}".strip())
        parts.append(
            f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="4" class="point"><title>{title}</title></circle>'
        )
    if unit_label:
        parts.append(f'<text x="{LEFT}" y="{TOP - 6}" class="tick">{escape(unit_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
