"""Does a page's text layer say something, or must the page be read from its image?

A page goes to OCR when its text layer is empty (or holds only a legality stamp or a page number)
while the page bears ink (an image, or text drawn as outlines), or is garbage from a bad earlier
OCR. Garbage is measured by the share of characters that sit in plausible tokens: words of
letters (accents, apostrophes, hyphens), numbers, usual punctuation. Thresholds measured on the
corpus (every page of ../shared/corpus with 200+ characters of text layer): text-layer pages of real documents score
0.97-1.0 (1st percentile 0.87, mis-encoded budget pages 0.69-0.88); the garbage layer of a hand-filled
2020 form 0.71-0.75 on its worst pages.
"""

from __future__ import annotations

import re

_EDGE = "()[]«»\"'“”‘’.,;:!?…*•·–—-"
_INNER_OK = re.compile(r"^[\w°%€&+=/'’.,:\-–]+$")
_PUNCT_RUN = re.compile(r"[^\w\s]{2,}")
_CASE_FLIP = re.compile(r"[a-zà-ÿ][A-ZÀ-Þ][a-zà-ÿ]")


def _plausible(token: str) -> bool:
    core = token.strip(_EDGE)
    if not core:
        return True  # punctuation alone: a dash, a colon
    if not _INNER_OK.match(core) or _PUNCT_RUN.search(core) or _CASE_FLIP.search(core):
        return False
    letters = [c for c in core if c.isalpha()]
    if len(letters) >= 4 and not any(c in "aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÉÈÊËÎÏÔÖÙÛÜ" for c in letters):
        return core.isupper()  # an acronym (SPANC) is fine, "fkqrr" is not
    return True


_LEADERS = re.compile(r"[._…]{3,}")
_STAMP = re.compile(
    r"(re[çc]u|envoy[ée]|publi[ée]|affich[ée]|transmis)\b.{0,40}(pr[ée]fecture|le\s+\d)|\bID\s*:\s*\d{3}-|"
    r"contr[ôo]le\s+de\s+l[ée]galit[ée]|S2LOW|@ctes|berger.levrault",
    re.IGNORECASE,
)

_SAMPLE = 1500  # characters of the page judged: a garbage layer is garbage from its first lines
GARBAGE_BELOW = 0.8  # plausibility under which a text layer is read again from the image
MIN_BODY_CHARS = 15  # fewer characters than this (stamps aside): no real text layer. A title page or a
# slide-style divider holds 20-80 characters of real text: it keeps its text layer (and its fonts)
MIN_INK = 0.005  # ... and this share of dark pixels (a text page has 3-13 %, a blank one ~0): a scan


def plausibility(text: str) -> float:
    """Share of non-space characters in plausible tokens (1.0 for an empty text)."""
    tokens = _LEADERS.sub(" ", text).split()
    total = sum(len(t) for t in tokens)
    if not total:
        return 1.0
    good = sum(len(t) for t in tokens if _plausible(t))
    return good / total


def body_text(text: str) -> str:
    """The text without stamp lines (legality stamps, transmission ids)."""
    return "\n".join(ln for ln in text.split("\n") if not _STAMP.search(ln))


def ocr_reason(text: str, ink: float) -> str | None:
    """Why the page must be read from its image, or None when its text layer will do."""
    body = body_text(text)
    chars = sum(1 for c in body if not c.isspace())
    if chars < MIN_BODY_CHARS:
        if ink >= MIN_INK:
            return "no text layer" if not text.strip() else "text layer is only a stamp or a header"
        return None  # a blank or nearly blank page: nothing to read
    if chars >= 200 and plausibility(body[:_SAMPLE]) < GARBAGE_BELOW:
        return "garbage text layer"
    return None
