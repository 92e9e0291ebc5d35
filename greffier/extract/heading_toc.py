"""A table of contents confirms headings: a body line that opens with the text of one of its
entries, in the order the entries come, is that section's title.

The contents page itself holds no heading (layout.py marks its lines). Its entries are read here,
wrapped entries re-joined, dot leaders and page numbers dropped. A title that does not look like
one by itself ("Conformités : collecte des effluents (P203.3), …" reads like a label; a title
set in the body's font) is taken when the contents list it. Entries and body lines are aligned
in order, each entry confirming at most one line: a table row repeating a chapter's name later
in the document is not confirmed again.
"""

from __future__ import annotations

import re

from greffier.extract.glyphs import BULLET_START
from greffier.extract.heading_rules import Cand
from greffier.extract.headings import fold

# what ends an entry: dot leaders and/or a page number (Word's broken fields too)
_ENTRY_END = re.compile(
    r"(?:\s*(?:\.{2,}|…+|_{3,})\s*(?:p(?:age)?\.?\s*)?\d{0,3}|\s+(?:p(?:age)?\.?\s*)?\d{1,3}"
    r"|\s*Erreur\s*!\s*Signet non d[ée]fini\.?)\s*$",
    re.IGNORECASE,
)
_NUMBER_HEAD = re.compile(r"^(?:\d{1,2}(?:[.\-]\d{1,2}){0,3}[.)]?|[IVXL]{1,6}[.)–—-]|[A-H][.)])\s*[–—-]?\s*")
_MAX_PARTS = 3  # an entry wraps over three lines at most
_MIN_PREFIX = 20  # a body line shorter than its entry confirms it only from this many characters


def entry_key(text: str) -> str:
    """Folded text of a title without its numbering ("1.2. Mode de gestion" -> "mode de gestion")."""
    text = BULLET_START.sub("", text.strip())
    return fold(_NUMBER_HEAD.sub("", text, count=1))


def contents_entries(cands: list[Cand], toc_pages: set[int]) -> list[str]:
    """Keys of the entries of the contents pages, in order."""
    entries: list[str] = []
    parts: list[str] = []
    for c in cands:
        if c.line.page not in toc_pages:
            continue
        text = c.text.strip()
        if fold(text) in ("sommaire", "table des matieres", "contenu", "plan"):
            parts = []
            continue
        end = _ENTRY_END.search(text)
        if end is None:
            parts = (parts + [text])[-(_MAX_PARTS - 1) :]
            continue
        parts.append(text[: end.start()])
        key = entry_key(" ".join(parts))
        parts = []
        if len(key) >= 3 and sum(ch.isalpha() for ch in key) >= 3:
            entries.append(key)
    return entries


def _matches(key: str, entry: str) -> bool:
    if not key:
        return False
    if key == entry:
        return True
    # the first line of a wrapped title
    return len(key) >= _MIN_PREFIX and entry.startswith(key)


def confirm_from_contents(cands: list[Cand], toc_pages: set[int]) -> list[Cand]:
    """The lines after the contents that the contents confirm as titles, aligned in order
    (the longest chain of entry/line pairs, lines already taken as headings counting more)."""
    entries = contents_entries(cands, toc_pages)
    if len(entries) < 3:
        return []
    last_toc = max(toc_pages)
    by_key: dict[str, list[int]] = {}
    for k, e in enumerate(entries):
        by_key.setdefault(e, []).append(k)
    pairs: list[tuple[int, int, int]] = []  # (line index, entry index, weight)
    for i, c in enumerate(cands):
        if c.line.page <= last_toc or c.toc or len(c.text) > 200:
            continue
        key = entry_key(c.text)
        if len(key) < 3:
            continue
        hits = by_key.get(key, [])
        if not hits and len(key) >= _MIN_PREFIX:
            hits = [k for k, e in enumerate(entries) if _matches(key, e)]
        weight = 3 if c.heading is not None else 2
        pairs += [(i, k, weight) for k in hits]
    if not pairs:
        return []
    # longest weighted chain increasing in both line and entry index (pairs are few)
    pairs.sort()
    best = [w for _, _, w in pairs]
    back = [-1] * len(pairs)
    for b, (i, k, w) in enumerate(pairs):
        for a in range(b):
            ia, ka, _ = pairs[a]
            if ia < i and ka < k and best[a] + w > best[b]:
                best[b], back[b] = best[a] + w, a
    b = max(range(len(pairs)), key=best.__getitem__)
    chosen: list[int] = []
    while b >= 0:
        chosen.append(pairs[b][0])
        b = back[b]
    return [cands[i] for i in sorted(chosen)]


# a contents entry: a title ending with its page number, after dot leaders or a space
CONTENTS_ENTRY = re.compile(r"(?:\.{3,}|…+|\s)\s*(?:page\s*)?\d{1,3}\s*$", re.IGNORECASE)
CONTENTS_TITLES = ("sommaire", "table des matieres")
_LEADERS = re.compile(r"(?:\.{3,}|…{2,})\s*(?:page\s*)?\d{1,3}\s*$", re.IGNORECASE)


def contents_page(text: str) -> bool:
    """Whether a page's text is a table of contents: titled "Sommaire" / "Table des matières" with four
    entries or more ending with a page number, or four entries with dot leaders. Its numbers are pages,
    never an answer ("Indice de connaissance … (P202.2B) 7")."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    titled = any(len(ln) < 40 and fold(ln).strip(" :") in CONTENTS_TITLES for ln in lines[:3])
    entries = sum(1 for ln in lines if len(ln.split()) >= 2 and CONTENTS_ENTRY.search(ln))
    leaders = sum(1 for ln in lines if _LEADERS.search(ln))
    return (titled and entries >= 4) or leaders >= 4
