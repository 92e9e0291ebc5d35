"""Heading recognition: numbering styles, font emphasis, recurring titles.

A heading gets a *style* (what makes it a heading: its numbering pattern, its font) and a
*strength*. Levels come from a stack of styles: a heading whose style is already open
closes everything below it; a new style nests under every open heading stronger than it.
A glyph alone never makes a heading.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Titles that recur under every chapter of activity reports.
KNOWN_TITLES = {
    "les missions",
    "missions",
    "faits marquants",
    "les faits marquants",
    "chiffres cles",
    "les chiffres cles",
    "perspectives",
    "les perspectives",
    "perspectives 2018",
    "organisation",
    "l'organisation",
    "bilan",
    "objectifs",
    "les objectifs",
    "introduction",
    "preambule",
    "sommaire",
    "conclusion",
    "ordre du jour",
    "questions diverses",
    "informations diverses",
}

_LETTER = r"[A-Za-zÀ-ÖØ-öø-ÿŒœ«\"'’]"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Chapitre 1 : Caractérisation … / PARTIE II – Finances / Titre premier
    (
        "part",
        re.compile(
            rf"^(?:CHAPITRE|Chapitre|PARTIE|Partie|TITRE|Titre)\s+(\d{{1,2}}|[IVXL]{{1,6}}|premier|première|PREMIER|PREMIÈRE)"
            rf"(?:\s*[:.–—-]\s*({_LETTER}.*))?$"
        ),
    ),
    # Article 1er. - Objet / ARTICLE 3 : Durée / Article 2 (the articles of a convention, a by-law)
    (
        "article",
        re.compile(
            rf"^(?:ARTICLE|Article)\s+(\d{{1,3}}|[IVXL]{{1,6}}|premier|PREMIER)(?:er|ER)?"
            rf"(?:(?:\s*[.:–—-])+\s*({_LETTER}.*)|\s+([A-ZÀ-Ý].*))?$"
        ),
    ),
    # 2-1 – Mobilité ... / 4-6 - Affaires ... / 3-2 –Conditions ...
    ("num-dash-2", re.compile(rf"^(\d{{1,2}})\s?[-.]\s?(\d{{1,2}})\s*[–—-]\s*({_LETTER}.*)$")),
    # 01 – LA DIRECTION ...
    ("num-dash-1", re.compile(rf"^(\d{{1,2}})\s*[–—]\s+({_LETTER}.*)$|^(\d{{2}})\s*-\s+({_LETTER}.*)$")),
    # « 1 - Mutualisation … / 2 - Title (a hyphen between spaces)
    ("num-hyphen", re.compile(rf"^[«\"“]?\s*(\d)\s*-\s+({_LETTER}.*)$")),
    # Point n° 3 : … / POINT N°3 – … / Point 3 - … / Question n° 2 (the items of an agenda)
    (
        "point",
        re.compile(
            r"^(?:POINT|Point|QUESTION|Question)\s+(?:[Nn]\s?°|[Nn]o\.?|N[º°])?\s*(\d{1,3})"
            rf"(?:\s*[:.–—-]\s*({_LETTER}.*)|\s*)$"
        ),
    ),
    # D2025-003- Objet : ... / 2019-45 : ... / DEL2024-48 ... / N° 24-07/062 – … (year-month/number)
    (
        "delib",
        re.compile(
            r"^(?:(?:D|DE|DEL|DCM|DM|N°\s?)\s?-?\s?)?(\d{4}\s?[-_/]\s?\d{1,4}|\d{2}[-/]\d{2}[-/]\d{3})\s*[-–:]?\s*(?:Objet\s*:?\s*)?"
            rf"({_LETTER}.*)$|^D[ÉE]LIB[ÉE]RATION\s+(?:N°\s*)?\S+.*$",
            re.IGNORECASE,
        ),
    ),
    # OBJET : Tarifs de la cantine (the subject line of a deliberation, an item of minutes)
    ("objet", re.compile(rf"^(?:OBJET|Objet)\s*:\s*({_LETTER}.*)$")),
    # 1.2.3 Title / 1.2. Title / 1.2) Title / 1.2 – Title
    ("num-dotted", re.compile(rf"^(\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})[.)]?(?:\s+[–—-])?\s+({_LETTER}.*)$")),
    # 1. Title / 1) Title
    ("num", re.compile(rf"^(\d{{1,2}})\s?[.)]\s+({_LETTER}.*)$")),
    # I. FINANCES / II – Personnel
    ("roman", re.compile(rf"^([IVXL]{{1,6}})\s?[.)–—-]\s+({_LETTER}.*)$")),
    # A) Title / A. Title / a) Title
    ("alpha", re.compile(rf"^([A-H])\s?[.)]\s+({_LETTER}.*)$|^([A-H])\s?[-–—]\s+({_LETTER}.*)$")),
    ("alpha-lower", re.compile(rf"^([a-h])\s?\)\s+({_LETTER}.*)$")),
]
# Rank of each numbering class when fonts are equal (higher is stronger).
_RANK = {
    "part": 8.0,
    "roman": 7.0,
    "num-dash-1": 6.0,
    "point": 5.5,
    "num-hyphen": 4.8,
    "num": 5.0,
    "alpha": 4.5,
    "num-dash-2": 4.0,
    "num-dotted": 4.0,
    "delib": 3.0,
    "objet": 3.0,
    "article": 3.5,
    # the parts of council minutes ("Décisions prises par délégation …", "Questions diverses"):
    # above the items they hold, below the document's own numbered parts ("I. FINANCES")
    "minutes-part": 3.6,
    "alpha-lower": 2.5,
    "caps": 1.5,
    "font": 1.0,
    "named": 0.5,
    "lead": 0.3,
}


# the accented letters of French text, folded without a Unicode decomposition (the fast path)
_PLAIN = str.maketrans("àâäáãåçéèêëíìîïñóòôöõúùûüýÿ’", "aaaaaaceeeeiiiinooooouuuuyy'")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, accent-free, whitespace-collapsed form for comparisons."""
    text = text.lower().translate(_PLAIN)
    if not text.isascii():  # ligatures, other scripts' accents, compatibility forms
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip(" :.")


@dataclass(frozen=True)
class HeadingStyle:
    kind: str  # a PATTERNS name, "caps", "font", "named" or "minutes-part"
    depth: int  # numbering depth (1.2.3 -> 3)
    size: float  # font size, 0 without layout
    bold: bool
    tier: int = 0  # how much bigger than the body text: 0 (< +2pt), 1 (< +5pt), 2 (< +9pt), 3
    mark: str = ""  # the glyph that introduces a "lead" heading
    color: int | None = None  # its fill colour, 0xRRGGBB
    small: bool = False  # set smaller than the body text (an annex, a convention in 10pt under 12pt)

    @property
    def key(self) -> tuple[str, int, float, bool, str]:
        return (self.kind, self.depth, self.size, self.bold, self.mark)

    @property
    def strength(self) -> tuple[int, bool, bool, float, bool]:
        rank = _RANK.get(self.kind, 1.0) - (self.depth - 1 if self.kind == "num-dotted" else 0)
        # in the body's size, weight outranks numbering: "➢ DE-2015/29 – Vote …" in bold over
        # the plain "1- Information …" parts of an item
        return (self.tier, not self.small, self.bold and self.tier == 0 and self.size > 0, rank, self.bold)


def size_tier(size: float, body: float) -> int:
    """Font size relative to the body text, in coarse steps (1pt differences are noise)."""
    if not size or not body:
        return 0
    delta = size - body
    return 0 if delta < 2 else 1 if delta < 5 else 2 if delta < 9 else 3


@functools.lru_cache(maxsize=65536)
def numbering(text: str) -> tuple[str, int, str] | None:
    """(pattern name, depth, number) of a numbered heading-like line, else None."""
    text = text.strip()
    for name, pattern in PATTERNS:
        m = pattern.match(text)
        if m:
            number = next((g for g in m.groups() if g), "") if name != "objet" else ""
            if name == "delib" and _period(text, number):
                return None
            depth = number.count(".") + 1 if name == "num-dotted" else 1
            return name, depth, number
    return None


_YEARS = re.compile(r"^((?:19|20)\d\d)\s?[-/]\s?((?:19|20)\d\d)$")


def _period(text: str, number: str) -> bool:
    """Whether a deliberation-like number opening a line is a span of years ("2020-2021
    Évolution des volumes", "2021/2022 : Travaux"): no "D", "DEL" before it, two years in order."""
    m = _YEARS.match(number.replace(" ", ""))
    return bool(m) and text[:1].isdigit() and 0 < int(m.group(2)) - int(m.group(1)) <= 10


def number_value(number: str) -> int | None:
    """Integer value of the last component of a number (arabic, roman or letter)."""
    last = re.split(r"[.\-_/\s]", number.strip())[-1]
    if last.isdigit():
        return int(last)
    romans = {"I": 1, "V": 5, "X": 10, "L": 50}
    if last and all(c in romans for c in last):
        total = 0
        for i, c in enumerate(last):
            v = romans[c]
            total += -v if i + 1 < len(last) and romans[last[i + 1]] > v else v
        return total
    if len(last) == 1 and last.isalpha():
        return ord(last.lower()) - 96
    return None


def is_caps_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(text.split()) <= 10


class LevelStack:
    """Assigns levels to headings in document order.

    A heading whose style is open closes everything below it. So does a numbered heading
    that continues the numbering of an open heading of the same scheme and depth ("1.7"
    after "1.6"), whatever its font: numbering is more consistent than typography."""

    def __init__(self) -> None:
        self._open: list[tuple[HeadingStyle, int | None]] = []  # (style, value of its last number)

    def level_of(self, style: HeadingStyle, number: str = "") -> int:
        value = number_value(number) if number else None
        keys = [s.key for s, _ in self._open]
        at = keys.index(style.key) if style.key in keys else None
        if at is None and value is not None:
            at = next(
                (
                    k
                    for k in range(len(self._open) - 1, -1, -1)
                    if (self._open[k][0].kind, self._open[k][0].depth) == (style.kind, style.depth)
                    and self._open[k][1] is not None
                    and value == self._open[k][1] + 1
                ),
                None,
            )
        if at is None and style.kind == "font" and style.size and style.tier >= 1:
            # an unnumbered title in the very font of an open numbered one is its sibling
            # ("Vos contacts" set like "4. Financement …"); not in the body's size, where bold
            # lines are often emphasized prose
            at = next(
                (
                    k
                    for k, (s, _) in enumerate(self._open)
                    if (s.size, s.bold, s.color) == (style.size, style.bold, style.color)
                ),
                None,
            )
        if at is not None:
            del self._open[at + 1 :]
            self._open[at] = (self._open[at][0], value)
            return len(self._open)
        if value == 1 and self._open and self._open[-1][1] is not None:
            # a series that starts ("1 -", "A.") inside a numbered section, in no bigger a
            # font, subdivides it, whatever the two numbering schemes
            top = self._open[-1][0]
            # (but "I. FINANCES" after a decision "DM 2024-13 : …" opens the minutes' next theme:
            # an item numbered by its reference is not subdivided by a new series of parts)
            theme = style.kind in ("part", "roman") and top.kind in ("delib", "objet")
            if (style.tier, style.bold) <= (top.tier, top.bold) and style.kind != top.kind and not theme:
                self._open.append((style, value))
                return len(self._open)
        while self._open and self._open[-1][0].strength <= style.strength:
            self._open.pop()
        self._open.append((style, value))
        return len(self._open)
