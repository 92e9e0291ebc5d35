"""What a figure can be, given the nature of the indicator it was read for.

The readers of :mod:`greffier.extract.indicators` name an indicator from a label and take the
figures next to it; a label that names the wrong indicator, or a column that holds another kind of
figure, gives a value its indicator cannot take. Such a candidate is dropped, or, for the price of
the 120 m³ bill printed where a price per m³ was expected, given to the bill:

* a count (subscribers, habitants, installations) is a whole number;
* a share in % lies between 0 and 100 (a coverage rate of recettes over dépenses aside), an index
  between 0 and the top of its scale (120 points, 140 for the SPANC index), and no count, share,
  index, volume, length or price is negative;
* no service prices its m³ above 20 €: "Prix TTC du service pour 120 m3 | 250,00 €" is the bill,
  not a price per m³.

When a price per m³ is printed both without tax ("Prix HT au m3") and with it ("Prix TTC au m3")
for one year, the record is the TTC one (SISPEA's D102.0/D204.0 are TTC): see :func:`tax_free`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from greffier.extract.indicator_prose import Candidate
from greffier.extract.indicator_ref import get

log = logging.getLogger(__name__)

PRICE_CODES = ("D102.0", "D204.0")
MAX_PRICE = 20.0  # €/m³: above this, the figure is the 120 m³ bill
_SCALE_TOP = {"P103.2B": 120.0, "P202.2B": 120.0, "P255.3": 120.0, "D302.0": 140.0}
_UNBOUNDED_SHARES = ("taux_couverture",)  # recettes over dépenses: above 100 % when in surplus
_NEVER_NEGATIVE = frozenset(
    ("count", "%", "‰", "per 100 km", "points", "EUR/m3", "m3", "km", "m", "tMS", "t", "kg/hab", "years", "days")
)
_HT = re.compile(r"(?i)(?<![\w])h\.?\s?t\.?(?!\w)|hors\s+tax")
_TTC = re.compile(r"(?i)(?<![\w])t\.?t\.?c\.?(?!\w)|toutes\s+taxes")


def plausible(c: Candidate) -> Candidate | None:
    """The candidate, the bill it really is, or None when its indicator cannot take its value."""
    if c.value is None:
        return c
    if c.unit in _NEVER_NEGATIVE and c.value < 0:
        return None
    if c.unit == "count" and c.value != int(c.value):
        return None  # "1,95 habitant par abonné": a ratio, not a count ("405,00" is a count)
    if c.unit == "%" and c.value > 100 and c.ind.key not in _UNBOUNDED_SHARES:
        return None
    top = _SCALE_TOP.get(c.ind.code)
    if top is not None and c.unit == "points" and c.value > top:
        return None
    if c.ind.code in PRICE_CODES and c.unit == "EUR/m3" and c.value > MAX_PRICE:
        bill = get("facture_120m3")
        return replace(c, ind=bill, unit="EUR") if bill is not None and c.value >= 50 else None
    return c


def checked(cands: list[Candidate]) -> list[Candidate]:
    out = []
    for c in cands:
        got = plausible(c)
        if got is None:
            log.debug("dropped %s %s %s p%s: not a value of this indicator", c.ind.key, c.value, c.unit, c.page)
            continue
        out.append(got)
    return out


def tax_free(c: Candidate) -> bool:
    """A price read from a line that says it is without tax ("Prix HT au m3") and not with it."""
    return c.ind.code in PRICE_CODES and bool(_HT.search(c.evidence)) and not _TTC.search(c.evidence)
