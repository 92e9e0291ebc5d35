"""Underlined lines: a thin horizontal rule drawn just under a text line, spanning most of it.

Many council minutes and deliberations set their titles in the body's size, underlined rather than
bold or bigger ("Scénario 1 : Maison individuelle …", "D2025-035 - Objet : …"). Word processors draw
the underline as a thin filled rectangle or a stroked segment under the baseline, one per run of
text. A table's rules are no underline: they run past the text of a cell (from border to border),
and a cell has a rule over it too, or a vertical border beside it.
"""

from __future__ import annotations

from dataclasses import replace

from greffier.records import Line

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top left

_MAX_THICKNESS = 2.0  # points
_COVER = 0.6  # the rules under a line cover at least this share of its width
_BELOW = 0.45  # the rule's top at most this many font sizes under the line's bottom
_OVERHANG = 1.0  # a rule may run this many font sizes past the line's end (a trailing space)


def underlined(x0: float, x1: float, top: float, bottom: float, size: float, rules: list[Box]) -> bool:
    """Whether the text line spanning ``x0``-``x1`` horizontally and ``top``-``bottom`` vertically,
    set in ``size`` points, is underlined by some of the page's thin ``rules``."""
    width = x1 - x0
    size = size or 10.0
    if width <= 2 * size:
        return False  # a bare number, a checkbox: nothing to tell
    pieces: list[tuple[float, float]] = []
    for r in rules:
        w, h = r[2] - r[0], r[3] - r[1]
        if h > _MAX_THICKNESS or w <= h:
            if w <= _MAX_THICKNESS and r[0] >= x0 - size and r[2] <= x1 + size and r[1] < bottom and r[3] > top:
                return False  # a vertical border beside the text: a table cell
            continue
        if not (bottom - 0.3 * size <= r[1] <= bottom + _BELOW * size):
            over = top - 1.2 * size <= r[3] <= top + 0.2 * size
            if over and x0 - size <= r[0] and r[2] <= x1 + size and w >= _COVER * width:
                return False  # a rule over the line too: a boxed cell, a framed label
            continue
        if r[0] < x0 - 0.5 * size or r[2] > x1 + _OVERHANG * size:
            if r[2] > x0 and r[0] < x1:
                return False  # a rule running past the text: a table's, a separator's
            continue
        pieces.append((max(r[0], x0), min(r[2], x1)))
    return _covered(pieces) >= _COVER * width


def _covered(pieces: list[tuple[float, float]]) -> float:
    """The length the union of the intervals covers."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(pieces):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def mark_underlined(lines: list[Line], spans: list[tuple[float, float]], rules: list[Box]) -> list[Line]:
    """The lines with ``underline`` set where rules underline them; ``spans``: each line's
    horizontal extent (x0, x1), in the lines' order."""
    if not rules:
        return lines
    out = []
    for line, (x0, x1) in zip(lines, spans):
        if line.top is not None and line.bottom is not None and line.size:
            if underlined(x0, x1, line.top, line.bottom, line.size, rules):
                line = replace(line, underline=True)
        out.append(line)
    return out
