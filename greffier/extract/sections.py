"""Blocks -> section tree -> passages.

Each section holds the text between its heading and the next heading. Passages split a
section into pieces of roughly 60-200 words on paragraph, then sentence, boundaries;
they never cross a section boundary and carry the section path.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from greffier.records import Block, Passage, Section

PASSAGE_MIN_WORDS = 60
PASSAGE_MAX_WORDS = 200
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"(•\d])")


def build_sections(doc_id: str, blocks: list[Block], first_page: int = 1) -> list[Section]:
    """The section tree, in document order. Front matter before the first heading is level 0."""
    sections: list[Section] = []
    # (heading, level, page_start, text parts, parts' pages)
    stack: list[tuple[str, int, str]] = []  # open (heading, level, section_id)
    current: dict | None = None

    def close() -> None:
        if current is None:
            return
        text = "\n".join(current["parts"])
        if current["level"] == 0 and not text.strip():
            return
        sections.append(
            Section(
                section_id=current["id"],
                doc_id=doc_id,
                ordinal=current["ordinal"],
                heading=current["heading"],
                level=current["level"],
                path=current["path"],
                parent_id=current["parent"],
                page_start=current["page_start"],
                page_end=current["page_end"],
                text=text,
            )
        )

    ordinal = 0
    current = {
        "id": f"{doc_id}:s0000",
        "ordinal": 0,
        "heading": "",
        "level": 0,
        "path": (),
        "parent": None,
        "page_start": blocks[0].page if blocks else first_page,
        "page_end": blocks[0].page if blocks else first_page,
        "parts": [],
    }
    for block in blocks:
        if block.kind == "heading":
            close()
            ordinal += 1
            while stack and stack[-1][1] >= block.level:
                stack.pop()
            parent = stack[-1][2] if stack else None
            sid = f"{doc_id}:s{ordinal:04d}"
            path = tuple(h for h, _, _ in stack) + (block.text,)
            stack.append((block.text, block.level, sid))
            current = {
                "id": sid,
                "ordinal": ordinal,
                "heading": block.text,
                "level": block.level,
                "path": path,
                "parent": parent,
                "page_start": block.page,
                "page_end": block.page_end,
                "parts": [],
            }
        else:
            current["parts"].append(block.text)
            current.setdefault("pages", []).append((block.page, block.page_end))
            current["page_end"] = max(current["page_end"], block.page_end)
    close()
    return sections


def _pieces(text: str) -> list[tuple[int, int]]:
    """Paragraph spans of a section text, long paragraphs cut at sentence ends."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        start, end = pos, pos + len(para)
        pos = end + 1
        if not para.strip():
            continue
        if len(para.split()) <= PASSAGE_MAX_WORDS:
            spans.append((start, end))
            continue
        cut = start
        for m in _SENTENCE_END.finditer(para):
            spans.append((cut, start + m.start()))
            cut = start + m.end()
        spans.append((cut, end))
    # Very long sentences: cut on word boundaries.
    out: list[tuple[int, int]] = []
    for s, e in spans:
        words = list(re.finditer(r"\S+", text[s:e]))
        if len(words) <= PASSAGE_MAX_WORDS:
            out.append((s, e))
            continue
        for i in range(0, len(words), PASSAGE_MAX_WORDS):
            chunk = words[i : i + PASSAGE_MAX_WORDS]
            out.append((s + chunk[0].start(), s + chunk[-1].end()))
    return out


def build_passages(
    sections: list[Section], block_pages: dict[str, list[tuple[int, int, int, int]]] | None = None
) -> list[Passage]:
    """Passages of every section. ``block_pages`` maps a section id to the (start, end,
    page, page_end) of each of its paragraphs, to give each passage its own page."""
    passages: list[Passage] = []
    ordinal = 0
    for section in sections:
        spans = _pieces(section.text)
        if not spans:
            continue
        groups: list[list[tuple[int, int]]] = [[]]
        count = 0
        for span in spans:
            n = len(section.text[span[0] : span[1]].split())
            if groups[-1] and count + n > PASSAGE_MAX_WORDS and count >= PASSAGE_MIN_WORDS // 2:
                groups.append([])
                count = 0
            groups[-1].append(span)
            count += n
        # A small trailing group joins the previous one when that stays under the maximum.
        if len(groups) > 1:
            tail = sum(len(section.text[s:e].split()) for s, e in groups[-1])
            prev = sum(len(section.text[s:e].split()) for s, e in groups[-2])
            if tail < PASSAGE_MIN_WORDS // 2 and prev + tail <= PASSAGE_MAX_WORDS * 1.2:
                groups[-2].extend(groups.pop())
        paragraphs = (block_pages or {}).get(section.section_id, [])
        ends = [e for _s, e, _p, _pe in paragraphs]
        for group in groups:
            start, end = group[0][0], group[-1][1]
            page, page_end = _pages_of(paragraphs, ends, start, end, section)
            ordinal += 1
            passages.append(
                Passage(
                    passage_id=f"{section.doc_id}:p{ordinal:05d}",
                    doc_id=section.doc_id,
                    section_id=section.section_id,
                    ordinal=ordinal,
                    page=page,
                    page_end=page_end,
                    section_path=section.path,
                    start=start,
                    end=end,
                    text=section.text[start:end],
                )
            )
    return passages


def _pages_of(
    paragraphs: list[tuple[int, int, int, int]], ends: list[int], start: int, end: int, section: Section
) -> tuple[int, int]:
    # paragraphs are in text order and do not overlap: start at the first one ending after
    # ``start`` (bisect on their ``ends``), stop at the first one starting at or after ``end``
    k = bisect_right(ends, start)
    pages = []
    while k < len(paragraphs) and paragraphs[k][0] < end:
        _s0, e0, p0, pe0 = paragraphs[k]
        if e0 > start:
            pages.append((p0, pe0))
        k += 1
    if not pages:
        return section.page_start, section.page_end
    return pages[0][0], max(pe for _, pe in pages)


def paragraph_pages(sections: list[Section], blocks: list[Block]) -> dict[str, list[tuple[int, int, int, int]]]:
    """Offsets and pages of every paragraph inside its section's text."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    body = iter([b for b in blocks if b.kind != "heading"])
    for section in sections:
        pos = 0
        spans = []
        for para in section.text.split("\n") if section.text else []:
            block = next(body, None)
            page, page_end = (block.page, block.page_end) if block else (section.page_start, section.page_end)
            spans.append((pos, pos + len(para), page, page_end))
            pos += len(para) + 1
        out[section.section_id] = spans
    return out
