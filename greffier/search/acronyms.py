"""The names a question writes in capitals ("l'association USP", "confié à TRAJET", "le SYDELA"):
a value is an answer about that body only if its passage names it too.

A candidate from a passage that never names the association, firm or syndicate the question
asks about ("400 € à l'Association Saint Louis Poissy" for "versé à l'association USP") is
another body's figure, however well the rest of the question's words fit.
"""

from __future__ import annotations

import re

from greffier.extract.headings import fold

# capitals that are no name: tax bases, budget and document kinds, units, Roman numerals
_NOT_NAMES = frozenset("HT TTC TVA BP CA DM PV CM CR AP AE RAR EUR OK II III IV VI VII VIII IX XI XII M3 KM HA".split())
_CAPITALS = re.compile(r"(?<![\w-])([A-ZÀ-Ý][A-ZÀ-Ý0-9]{1,})(?![\w-])")


def asked_names(question: str, issuer: str | None = None) -> tuple[str, ...]:
    """The words a question writes in capitals that name something (folded), its issuer's left out."""
    issuer_words = set(re.findall(r"\w+", fold(issuer or "")))
    out = []
    for word in _CAPITALS.findall(question):
        if word in _NOT_NAMES or fold(word) in issuer_words:
            continue
        out.append(fold(word))
    return tuple(dict.fromkeys(out))


def names_found(names: tuple[str, ...], text: str) -> bool:
    """Whether every name is written in ``text`` (as a whole word, accents and case aside)."""
    if not names:
        return True
    words = set(re.findall(r"\w+", fold(text)))
    return all(n in words for n in names)
