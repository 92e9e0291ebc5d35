"""Rows of bare figures under a header of years, as an RPQS's text layer flattens its tables:

    NOMBRE D'ABONNES 2021 2022 Variation Abonnés domestiques 545 587 + 7,7 % … Total des abonnés 545 587 + 7,7 %
    Type de recette Exercice 2020 en € Exercice 2021 en € … Total des recettes 19 628,61 23 082,51

With no unit after each figure, "545 587" could be one number or two: the row is read as the
header's number of figures only when its digit groups split into that many numbers in one way
(each number a group of 1 to 3 digits, then groups of 3, the last one with its decimals; the
row's figures all with decimals or all without, none 20 times another) and not into one more
(a variation column after the years'), else the row is skipped. A row's label is the
text since the previous row's figures.
"""

from __future__ import annotations

import re

from greffier.extract.numbers import parse_number

# a run of digit groups separated by single spaces, each group optionally with decimals
_RUN = re.compile(r"(?<![\w,.])\d+(?:,\d+)?(?:[ \u202f\u00a0]\d+(?:,\d+)?)*(?![\w,.])")
MAX_LABEL = 80  # a longer text between two rows is prose: the table has ended
SPREAD = 20.0  # the figures of one quantity in successive years are within this factor of each other


def splits(groups: list[str], n: int) -> list[list[str]]:
    """Every way to cut ``groups`` into ``n`` numbers written with thousands separators."""
    if n == 0:
        return [[]] if not groups else []
    out: list[list[str]] = []
    for k in range(1, len(groups) - n + 2):
        head, rest = groups[:k], groups[k:]
        first, *more = head
        ok = 1 <= len(first.split(",")[0]) <= 3 if more else True
        ok = ok and all(len(g.split(",")[0]) == 3 for g in more)
        ok = ok and all("," not in g for g in head[:-1])  # decimals end a number
        ok = ok and not (first[0] == "0" and first.split(",")[0] != "0")  # "016" begins no number
        if ok and (len(first.split(",")[0]) <= 3 or not more):
            out += [[" ".join(head), *tail] for tail in splits(rest, n - 1)]
    return out


def _alike(numbers: list[str]) -> bool:
    """Whether the figures of one row are written alike (all with decimals or none: "4 118,00"
    alone is no "4 | 118,00") and of one measure (none more than SPREAD times another)."""
    if len({"," in x for x in numbers}) != 1:
        return False
    values = [v for v in (parse_number(x) for x in numbers) if v]
    return not values or max(values) <= SPREAD * min(values)


def bare_rows(region: str, n: int) -> list[tuple[str, list[tuple[str, float]]]]:
    """The (label, figures) rows of ``region`` whose figures split into ``n`` numbers one way."""
    rows: list[tuple[str, list[tuple[str, float]]]] = []
    at = 0
    for m in _RUN.finditer(region):
        label = region[at : m.start()].strip()
        at = m.end()
        if len(label) > MAX_LABEL:
            break
        groups = m.group(0).split()
        cuts = [c for c in splits(groups, n) if _alike(c)]
        if len(cuts) != 1 or any(_alike(c) for c in splits(groups, n + 1)) or not re.search(r"[^\W\d_]{2}", label):
            continue  # no reading, several, or one with a column more ("179 179 0": a variation column)
        figures = [(text, parse_number(text)) for text in cuts[0]]
        if all(v is not None for _, v in figures):
            rows.append((label, [(t, float(v)) for t, v in figures if v is not None]))
    return rows


# a chart's year axis: three consecutive years or more on one line ("2014 2015 2016 … 2021")
_AXIS = re.compile(r"(?<![\d,])(?:19|20)\d{2}(?:[ \t]+(?:19|20)\d{2}){2,}(?![\d,])")
_LABELS = re.compile(r"(?:\d+(?:,\d+)?[ \t\n]+)*\d+(?:,\d+)?[ \t]*$")
MIN_TICKS = 2


def chart_rows(text: str) -> list[tuple[int, int, list[int], list[tuple[str, float]]]]:
    """The bar charts of a page as its text layer flattens them: the data labels, then the value
    axis' ticks one per line, then the year axis (an RPQS's "Nombre d'abonnés" by year):

        … raccordée. 187 192 193 195 195 188 191 185
        0
        50
        …
        2014 2015 2016 2017 2018 2019 2020 2021 Année

    Each chart as (start of its labels, end of its year axis, years, figures), the labels read as
    one figure per year when they split so in one way only (see :func:`splits`)."""
    out = []
    for axis in _AXIS.finditer(text):
        years = [int(y) for y in axis.group(0).split()]
        if any(b != a + 1 for a, b in zip(years, years[1:])):
            continue
        at, ticks = axis.start(), 0
        while True:  # the value axis' ticks, one per line, above the year axis
            m = re.search(r"\n[ \t]*\d+(?:,\d+)?[ \t]*\n?$", text[:at])
            if not m:
                break
            at, ticks = m.start(), ticks + 1
        if ticks < MIN_TICKS:
            continue
        m = _LABELS.search(text[:at])
        if not m:
            continue
        groups = m.group(0).split()
        cuts = [c for c in splits(groups, len(years)) if _alike(c)]
        if len(cuts) != 1 or any(_alike(c) for c in splits(groups, len(years) + 1)):
            continue
        figures = [(t, parse_number(t)) for t in cuts[0]]
        if all(v is not None for _, v in figures):
            out.append((m.start(), axis.end(), years, [(t, float(v)) for t, v in figures if v is not None]))
    return out
