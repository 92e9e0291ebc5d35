"""Rendering of command results as JSON, CSV or a plain-text table (no printing here)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv")

# C0 controls but tab and newline, DEL, C1 controls (ESC, CSI ... drive a terminal), and the bidi
# overrides and isolates (which reorder what a terminal shows)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with control characters written as escapes (``\x1b``, ``\u202e``): what a
    document or a file name holds can then never drive the terminal. Text that cannot be encoded
    (a file name's undecodable bytes) is escaped too."""
    text = _CONTROLS.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def french_number(value: float) -> str:
    """A figure written the French way: a space between thousands, a decimal comma, no trailing
    zero ("1 861", "40,92", "206 716,79", "-0,5")."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = f"{abs(value):,.6f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    out = whole.replace(",", " ") + ("," + decimals if decimals else "")
    return ("-" if value < 0 and out.strip("0, ") else "") + out


_UNIT_SIGNS = {"EUR": "€", "%": "%", "m3": "m³", "m2": "m²", "count": ""}


def french_value(value: Any, unit: str | None) -> Any:
    """A figure and its unit as a French reader writes them ("40,92 %", "1 861", "206 716,79 €");
    anything else (a date, a name, a vote, a list) as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    sign = _UNIT_SIGNS.get(unit or "", unit or "")
    return f"{french_number(float(value))} {sign}".strip()


def _cell(value: Any, french: bool = False) -> str:
    """A value as the text of a table or CSV cell, control characters escaped (JSON stays exact);
    ``french``: a decimal figure written the French way (a terminal table, not a CSV file)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " > ".join(_cell(v, french) for v in value)
    if isinstance(value, dict):
        return escape_controls(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, float):
        return french_number(value) if french else f"{value:g}"
    return escape_controls(str(value))


def render(data: Any, fmt: str, columns: Sequence[str] | None = None) -> str:
    """``data`` is a list of dicts (rows) or one dict (shown as key/value rows)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    rows: list[dict[str, Any]]
    if isinstance(data, dict):
        rows = [{"key": k, "value": v} for k, v in data.items()]
        columns = ["key", "value"]
    else:
        rows = list(data)
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in cols})
        return buf.getvalue().rstrip("\n")
    return _table(rows, cols)


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    if not cols:
        return "(nothing)"
    width = shutil.get_terminal_size((160, 24)).columns
    cells = [[_cell(r.get(c), french=True).replace("\n", " ").replace("\t", " ") for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    # shrink the widest columns until the table fits the terminal
    while sum(widths) + 2 * (len(cols) - 1) > width and max(widths) > 12:
        widths[widths.index(max(widths))] -= 1

    def fmt_row(values: list[str]) -> str:
        out = [_shorten(v, w) for v, w in zip(values, widths)]
        return "  ".join(o.ljust(w) for o, w in zip(out, widths)).rstrip()

    lines = [fmt_row(cols), "  ".join("-" * w for w in widths)]
    lines += [fmt_row(r) for r in cells]
    if not rows:
        lines.append("(no results)")
    return "\n".join(lines)


# a cell that ends with its citation, "1,62 EUR/m3 (rpqs-abainville-ac-2021 p.8)"
_CITED = re.compile(r"^(?P<head>[^()]*\()(?P<doc>[^()]+)(?P<page> p\.\s?\d+\))$")


def _shorten(value: str, width: int) -> str:
    """A cell cut to ``width``; a cell citing its page loses the middle of its document id, never
    its value or its page ("1.62 EUR/m3 (rpqs-abainv… p.8)")."""
    if len(value) <= width:
        return value
    m = _CITED.match(value)
    if m:
        room = width - len(m["head"]) - len(m["page"]) - 1
        if room >= 3:
            return f"{m['head']}{m['doc'][:room]}…{m['page']}"
    return value[: max(1, width - 1)] + "…"


SPARK_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], gap: str = "·") -> str:
    """One bar per value, scaled between the series' min and max; ``None`` (or NaN) is a gap.

    A constant series is drawn at mid height, so that it reads as flat rather than as zero.
    """
    known = [v for v in values if v is not None and v == v]  # v == v drops NaN
    if not known:
        return gap * len(values)
    lo, hi = min(known), max(known)
    out = []
    for v in values:
        if v is None or v != v:
            out.append(gap)
        elif hi == lo:
            out.append(SPARK_BARS[len(SPARK_BARS) // 2 - 1])
        else:
            out.append(SPARK_BARS[round((v - lo) / (hi - lo) * (len(SPARK_BARS) - 1))])
    return "".join(out)
