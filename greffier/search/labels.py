"""Which words after a figure are its own, in an enumeration of labelled figures.

Lists of subsidies, budget lines and tariffs write the label before the figure: "AFR – Cantine
32 090,00 € Triolet de Retz 5 184,30 € Arche Football Club 1 500,00 €". "Triolet de Retz" follows
32 090,00 € but labels 5 184,30 €. A figure keeps the words after it only when they are tied to it
by a link word ("32 090 € pour la cantine", "5 000 € au titre de", "1 500 € (subvention annuelle)")
or when no other figure follows in the sentence.
"""

from __future__ import annotations

import re

# a sum: digits in groups of three, a decimal comma, or a number with its currency or percent sign
_FIGURE = re.compile(r"\d{1,3}(?:[ \u00a0.]\d{3})+(?:,\d+)?|\d+,\d+|\d+\s*(?:€|euros?\b|%)", re.IGNORECASE)
# (a word glued to the unit, as text layers give it: "20 € brutpour chaque séance")
_UNIT_TAIL = re.compile(r"^(?:\s|€|euros?\b|%|HT\b|TTC\b|H\.T\.?|T\.T\.C\.?|nets?|bruts?|[),.;])*", re.IGNORECASE)
_LINK = re.compile(
    r"^(?:pour|à|au|aux|de|du|des|d['’]|en|par|soit|sur|dont|correspondant|au titre|versée?s?|allouée?s?|"
    r"accordée?s?|attribuée?s?|[:(–-])",
    re.IGNORECASE,
)


def own_words_end(sentence: str, end: int) -> int | None:
    """The offset in ``sentence`` from which the words after the figure ending at ``end`` are the
    next figure's label, or None when they are its own."""
    nxt = _FIGURE.search(sentence, end)
    if nxt is None:
        return None
    between = sentence[end : nxt.start()]
    rest = between[_UNIT_TAIL.match(between).end() :]  # type: ignore[union-attr]
    if not rest.strip() or _LINK.match(rest.lstrip()):
        return None
    return end + len(between) - len(rest)
