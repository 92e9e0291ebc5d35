"""Plain-text exports (``.txt``: UTF-8, Windows-1252/Latin-1 or UTF-16, see greffier.textenc) split into pages.

A text export has no layout. Page breaks are recovered from form feeds and from the
legality-control stamp ("Reçu au Contrôle de légalité le 02 novembre 2018") that the
préfecture adds to each page, followed by the printed number of the next page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from greffier.errors import InputError
from greffier.records import Line
from greffier.textenc import UndecodableText, decode_text

STAMP = re.compile(
    r"^\s*(?:Re[çc]u|Envoy[ée]|Publi[ée]|Affich[ée])\s+(?:au|en|à la)\s+"
    r"(?:contr[ôo]le\s+de\s+l[ée]galit[ée]|pr[ée]fecture|sous-pr[ée]fecture)\s+le\s+[^\n]{4,40}$",
    re.IGNORECASE,
)
log = logging.getLogger(__name__)
_PAGE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")


@dataclass(frozen=True)
class TextPage:
    number: int
    label: str
    lines: tuple[Line, ...]
    stamps: tuple[str, ...]


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    try:
        decoded = decode_text(data)
    except UndecodableText as exc:
        raise InputError(str(path), str(exc)) from exc
    if not decoded.text.strip():
        raise InputError(str(path), "empty text file")
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        log.info("%s: read as %s", path, decoded.encoding)
    return decoded.text.replace("\r\n", "\n").replace("\r", "\n")


def split_text_pages(text: str) -> list[TextPage]:
    """Pages of a text export. Stretches between stamps get the page range they cover."""
    chunks: list[tuple[int | None, list[str], list[str]]] = []  # (printed number, lines, stamps)
    current: list[str] = []
    stamps: list[str] = []
    number: int | None = None
    pending_number = False
    for raw in text.split("\n"):
        parts = raw.split("\f")
        for i, part in enumerate(parts):
            if i > 0:  # form feed: a new page with no printed number
                chunks.append((number, current, stamps))
                current, stamps, number = [], [], None
            if STAMP.match(part):
                stamps.append(part.strip())
                chunks.append((number, current, stamps))
                current, stamps, number = [], [], None
                pending_number = True
                continue
            if pending_number:
                if not part.strip():
                    continue
                m = _PAGE_NUMBER.match(part)
                pending_number = False
                if m:
                    number = int(m.group(1))
                    continue
            current.append(part)
    chunks.append((number, current, stamps))
    # printed numbers must go up: one that does not (a second document appended, numbered from 1
    # again, or a stray figure after a stamp) is not a page number; the page follows the last one
    restarted = 0
    last = 0
    for idx, (printed, lines, chunk_stamps) in enumerate(chunks):
        if printed is not None:
            if printed <= last:
                chunks[idx] = (None, lines, chunk_stamps)
                restarted += 1
            else:
                last = printed
    if restarted:
        log.info("%d printed page number(s) do not follow the previous one: pages counted instead", restarted)
    # the next printed number after each chunk, from the right (one pass: no rescans)
    next_printed: list[int | None] = [None] * len(chunks)
    upcoming: int | None = None
    for idx in range(len(chunks) - 1, -1, -1):
        next_printed[idx] = upcoming
        if chunks[idx][0] is not None:
            upcoming = chunks[idx][0]
    # Move each stamp to the page it was printed on (the chunk it closes).
    pages: list[TextPage] = []
    first = 1
    for idx, (printed, lines, chunk_stamps) in enumerate(chunks):
        if not any(line.strip() for line in lines) and idx == len(chunks) - 1:
            continue
        start = printed if printed is not None and printed >= first else first
        nxt = next_printed[idx]
        end = max(start, nxt - 1) if nxt is not None and idx + 1 < len(chunks) else start
        if idx + 1 < len(chunks) and chunks[idx + 1][0] is None:
            end = start  # the next page has no printed number: do not claim a range
        label = str(start) if end == start else f"{start}-{end}"
        pages.append(
            TextPage(
                number=start,
                label=label,
                lines=tuple(Line(text=t, page=start) for t in lines if t.strip()),
                stamps=tuple(chunk_stamps),
            )
        )
        first = end + 1
    return pages
