"""Normalization of the characters PDF text layers get wrong.

Private-use bullet glyphs (Symbol/Wingdings code points mapped into U+F0xx) become "•",
checkbox glyphs become ☑/☐, U+FFFE hyphenation marks and soft hyphens are dropped
(the caller re-joins the word), and exotic spaces other than NBSP/NNBSP are made plain.
"""

from __future__ import annotations

import re

BULLET = "•"
CHECKED = "☑"
UNCHECKED = "☐"

# Wingdings/Symbol private-use glyphs seen as bullets in French administrative PDFs.
_BULLET_GLYPHS = (
    "\uf0b7\uf0d8\uf02d\uf0fc\uf0a7\uf076\uf0a8\uf0e0\uf0de\uf0f0\uf0d7\uf09f\uf0a2\uf06e\uf071\uf075\uf0b2\uf0e8\uf046"
)
_CHECKED_GLYPHS = "\uf0fe\uf078\uf0fd"
_UNCHECKED_GLYPHS = "\uf06f\uf0a1\uf071"

_TABLE = {ord(c): BULLET for c in _BULLET_GLYPHS}
# Glyphs with a Unicode look-alike keep their shape: documents nest lists by glyph.
_TABLE.update({0xF0D8: "➢", 0xF0FC: "✓", 0xF0A7: "▪", 0xF02D: "-", 0xF0E0: "→", 0xF0E8: "➔"})
_TABLE.update({ord(c): CHECKED for c in _CHECKED_GLYPHS})
_TABLE.update({ord(c): UNCHECKED for c in _UNCHECKED_GLYPHS if c not in _BULLET_GLYPHS})
_TABLE.update(
    {
        0x200B: None,  # zero-width space
        0xFEFF: None,
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x2007: " ",
        0x0009: " ",
        0x2022: BULLET,
        0x25CF: BULLET,
        0x25AA: BULLET,
        0x25A0: BULLET,
        0x2023: BULLET,
        0x27A2: BULLET,
        0x2192: "→",
    }
)
# Any other private-use char is an unknown symbol glyph: a bullet at line start, else dropped.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

# Lines that start with a bullet-like mark (after normalization).
BULLET_START = re.compile(r"^\s*(?:[•☑☐→➔➢▪►✓✔o]|[-−–—*](?!\d))\s+")


SOFT_BREAK = "\u00ad"  # kept at the end of a line: the next line continues the same word

# "conformité́de": a precomposed accented letter doubled by a combining accent, which stands
# where the text layer lost the word space
_DOUBLED_ACCENT = re.compile(r"([À-ÖØ-öø-ÿ])[\u0300-\u0302\u0308](\w?)")


def normalize_glyphs(text: str) -> str:
    """Map glyphs of one line of text; never raises.

    A hyphenation mark (U+FFFE or soft hyphen) at the end of the line is kept as one
    trailing soft hyphen so that the caller joins the next line without a space.
    """
    stripped = text.rstrip()
    broken = stripped.endswith(("\ufffe", SOFT_BREAK))
    text = text.replace("\ufffe", "").replace(SOFT_BREAK, "").translate(_TABLE)
    if "\u0300" <= max(text, default="") and _DOUBLED_ACCENT.search(text):
        text = _DOUBLED_ACCENT.sub(lambda m: m.group(1) + (" " + m.group(2) if m.group(2) else ""), text)
    if broken:
        text = text.rstrip() + SOFT_BREAK
    if _PRIVATE_USE.search(text):
        stripped = text.lstrip()
        if stripped and _PRIVATE_USE.match(stripped):
            text = text[: len(text) - len(stripped)] + BULLET + stripped[1:]
        text = _PRIVATE_USE.sub("", text)
    return text
