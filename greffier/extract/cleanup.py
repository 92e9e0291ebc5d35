"""Running headers/footers, page numbers and stamps: found and removed from the text.

A line is a running header/footer when, once digits are masked, it recurs at the top or the
bottom of enough pages. Removed lines are kept as page metadata.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace

from greffier.extract.glyphs import normalize_glyphs
from greffier.extract.text import STAMP
from greffier.records import Line

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page|p\.)?\s*\d{1,4}\s*(?:(?:/|sur|of)\s*\d{1,4})?\s*(?:[-–—]\s*)?$",
    re.IGNORECASE,
)
_EDGE_FRACTION = 0.085  # top/bottom band of the page where running lines live
_EDGE_LINES = 2  # without positions: the first/last lines of a page
_MAX_RUNNING_CHARS = 140


def _key(text: str) -> str:
    text = re.sub(r"\d+", "#", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _edge_indices(lines: list[Line]) -> set[int]:
    if lines and all(ln.top is not None and ln.page_height for ln in lines):
        out = set()
        for i, ln in enumerate(lines):
            h = ln.page_height or 1.0
            if (ln.top or 0.0) < _EDGE_FRACTION * h or (ln.bottom or 0.0) > (1 - _EDGE_FRACTION) * h:
                out.add(i)
        return out
    n = len(lines)
    return set(range(min(_EDGE_LINES, n))) | set(range(max(0, n - _EDGE_LINES), n))


def clean_pages(pages: list[list[Line]]) -> tuple[list[list[Line]], list[list[str]]]:
    """Normalize glyphs and strip running lines. Returns (kept lines, removed lines) per page."""
    normalized = [
        [replace(ln, text=normalize_glyphs(ln.text)) for ln in page if normalize_glyphs(ln.text).strip()]
        for page in pages
    ]
    edges = [_edge_indices(page) for page in normalized]
    counts: Counter[str] = Counter()
    for page, idx in zip(normalized, edges):
        counts.update({_key(page[i].text) for i in idx})
    n = len(normalized)
    threshold = max(2, math.ceil(0.3 * n)) if n >= 3 else 2
    # Running lines are short: a repeated paragraph is content, not a header.
    running = {k for k, c in counts.items() if c >= threshold and 2 <= len(k) <= _MAX_RUNNING_CHARS and k != "#"}
    kept_pages: list[list[Line]] = []
    removed_pages: list[list[str]] = []
    for page, idx in zip(normalized, edges):
        kept: list[Line] = []
        removed: list[str] = []
        for i, ln in enumerate(page):
            text = ln.text.strip()
            if STAMP.match(text) or (i in idx and (PAGE_NUMBER.match(text) or _key(text) in running)):
                removed.append(text)
            else:
                kept.append(ln)
        kept_pages.append(kept)
        removed_pages.append(removed)
    return kept_pages, removed_pages
