"""Plain-text exports (UTF-8 ``.txt``) split into pages.

A text export has no layout. Page breaks are recovered from form feeds and from the
legality-control stamp ("Reçu au Contrôle de légalité le 02 novembre 2018") that the
préfecture adds to each page, followed by the printed number of the next page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from greffier.errors import InputError
from greffier.records import Line

STAMP = re.compile(
    r"^\s*(?:Re[çc]u|Envoy[ée]|Publi[ée]|Affich[ée])\s+(?:au|en|à la)\s+"
    r"(?:contr[ôo]le\s+de\s+l[ée]galit[ée]|pr[ée]fecture|sous-pr[ée]fecture)\s+le\s+[^\n]{4,40}$",
    re.IGNORECASE,
)
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
    if not data.strip():
        raise InputError(str(path), "empty text file")
    if b"\x00" in data[:4096]:
        raise InputError(str(path), "binary content in a .txt file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
    # Move each stamp to the page it was printed on (the chunk it closes).
    pages: list[TextPage] = []
    first = 1
    for idx, (printed, lines, chunk_stamps) in enumerate(chunks):
        if not any(line.strip() for line in lines) and idx == len(chunks) - 1:
            continue
        start = printed if printed is not None else first
        nxt = next((c[0] for c in chunks[idx + 1 :] if c[0] is not None), None)
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
