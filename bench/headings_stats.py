"""Heading sanity statistics on documents nobody annotated: does the outline over-produce?

    python bench/headings_stats.py [--corpus ../shared/corpus] [--folder F ...] [--list FILE]

For every text-layer PDF of a few pinned folders (scans are skipped and no page is read by OCR,
so an image-only page of a text-layer document shows no heading), the section
headings greffier finds (the same path as ingest: text layer, cleanup, table regions, blocks,
sections) and, per document, statistics that need no gold:

- ``h/page``: headings per page (a report has a few; dozens per page means labels or cells);
- ``sent``: share of headings that read as a sentence (end with ``.``, ``;`` or ``,``, or hold a
  conjugated verb among common ones, or open with a subject pronoun);
- ``num``: share that are mostly figures (two numbers or more, or a money/percent value);
- ``long``: share over 12 words;
- ``colon``: share ending with a colon (lead-in labels);
- ``empty``: share followed at once by another heading of the same or a higher level (nothing
  under it: a label, a table row, a caption);
- ``dup``: share whose text occurs more than once in the document;
- ``fixed``: share whose text (figures aside) recurs on another page at the same height (within
  1 % of the page): running titles outside the margins, a template's fixed labels;
- ``numd``: share of numbered headings ("1.2", "II.", "Article 3", "DE-2015/12");
- ``t0``: share of unnumbered headings set in the body text's size (within 2pt: bold, coloured or
  glyph-led lines; the kind most often taken wrongly for a title);
- ``depth``: the deepest level.

Pooled lines per folder close the table. ``--list FILE`` prints one document's headings instead
(page, level, text). Statistics only: always exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FOLDERS = ("chemere", "audierne", "pierrefonds", "lisieres-oise", "rpqs-narval", "montpellier", "prefectures")

_VERB = re.compile(
    r"\b(?:est|sont|sera|seront|était|étaient|a|ont|avait|peut|peuvent|doit|doivent|fait|font|permet|"
    r"permettent|concerne|concernent|prend|comprend|présente|représente|s'élève|s’élève|reste|restent)\b"
)
_PRONOUN = re.compile(r"^(?:Il|Elle|Ils|Elles|On|Nous|Vous|Je|Cela|Ceci|Ce|Cette|Ces)\s")
_NUMBER = re.compile(r"\d[\d  .,]*")
_VALUE = re.compile(r"\d\s*(?:€|%|euros?\b)")
_LEADING_NUMBER = re.compile(r"^\W*(?:[A-Za-z]{0,4}\s?-?\d[\d./\-_]*|[IVXL]{1,5}|[A-Ha-h])\s*[-–—:.)]?\s*")


@dataclass
class Outline:
    pages: int
    headings: list[tuple[int, int, str]]  # page, level, text
    # each heading: numbered?, size tier, top (share of the page's height; -1 when unknown)
    fonts: list[tuple[bool, int, float]] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)  # pooled outlines: the document of each heading


def outline(path: Path) -> Outline | None:
    """The headings of a text-layer PDF, None for a scan (too little text)."""
    from greffier.extract.cleanup import clean_pages
    from greffier.extract.layout import _body_size, build_blocks
    from greffier.extract.pdf import PageLayout, read_pdf_lines
    from greffier.extract.sections import build_sections
    from greffier.extract.tables import candidate_regions

    layouts: list[PageLayout] = []
    raw = read_pdf_lines(path, layouts)
    if sum(len(ln.text.strip()) for page in raw for ln in page) < 25 * max(1, len(raw)):
        return None
    kept, _removed = clean_pages(raw)
    regions = {lay.number: candidate_regions(lay) for lay in layouts}
    boxes = {n: [r.bbox for r in found] for n, found in regions.items() if found}
    blocks = [b for b in build_blocks(kept, boxes) if b.text]
    sections = build_sections("bench", blocks)
    heads = [(s.page_start, s.level, s.heading) for s in sections if s.level > 0]
    body = _body_size([ln for page in kept for ln in page], boxes)
    return Outline(len(raw), heads, [_font(kept, page, text, body) for page, _lv, text in heads])


def _font(kept: list, page: int, text: str, body: float) -> tuple[bool, int, float]:
    """Whether a heading is numbered, its size tier over the body text and its top (of the page
    line its text starts with; tier 0 and top -1 when not found)."""
    from greffier.extract.headings import fold, numbering, size_tier

    key = fold(text)[:20]
    line = next(
        (
            ln
            for ln in (kept[page - 1] if 0 < page <= len(kept) else [])
            if key and key.startswith(fold(ln.text)[:20]) and fold(ln.text)
        ),
        None,
    )
    size = (line.size or 0.0) if line else 0.0
    top = line.top / line.page_height if line and line.top is not None and line.page_height else -1.0
    return numbering(text) is not None, size_tier(size, body), top


def sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ",")) or bool(_VERB.search(text) or _PRONOUN.match(text))


def figures(text: str) -> bool:
    text = _LEADING_NUMBER.sub("", text)  # a heading's own number ("2012-45 -", "1.2.3") is no figure
    return len(_NUMBER.findall(text)) >= 2 or bool(_VALUE.search(text))


def stats(o: Outline) -> dict[str, float]:
    hs = o.headings
    n = len(hs)
    texts = Counter((d, t.strip().lower()) for d, (_, _, t) in zip(o.docs or [0] * n, hs))

    spots: dict[tuple, set[int]] = {}
    for k, (page, _lv, text) in enumerate(hs):
        if o.fonts and o.fonts[k][2] >= 0:
            spot = ((o.docs or [0] * n)[k], re.sub(r"\d+", "#", text.strip().lower()), round(o.fonts[k][2] * 100))
            spots.setdefault(spot, set()).add(page)

    def fixed(k: int) -> bool:
        if not o.fonts or o.fonts[k][2] < 0:
            return False
        doc, key, top = (
            (o.docs or [0] * n)[k],
            re.sub(r"\d+", "#", hs[k][2].strip().lower()),
            round(o.fonts[k][2] * 100),
        )
        return len(set().union(*(spots.get((doc, key, t), set()) for t in (top - 1, top, top + 1)))) >= 2

    def share(pred) -> float:
        return sum(1 for k in range(n) if pred(k)) / n if n else 0.0

    return {
        "pages": o.pages,
        "heads": n,
        "h/page": n / o.pages if o.pages else 0.0,
        "sent": share(lambda k: sentence(hs[k][2])),
        "num": share(lambda k: figures(hs[k][2])),
        "long": share(lambda k: len(hs[k][2].split()) > 12),
        "colon": share(lambda k: hs[k][2].rstrip().endswith(":")),
        "empty": share(lambda k: k + 1 < n and hs[k + 1][1] <= hs[k][1] and _adjacent(hs, k, o.docs)),
        "dup": share(lambda k: texts[((o.docs or [0] * n)[k], hs[k][2].strip().lower())] > 1),
        "fixed": share(fixed),
        "numd": share(lambda k: bool(o.fonts) and o.fonts[k][0]),
        "t0": share(lambda k: bool(o.fonts) and not o.fonts[k][0] and o.fonts[k][1] == 0),
        "depth": max((lv for _, lv, _ in hs), default=0),
    }


def _adjacent(hs: list[tuple[int, int, str]], k: int, docs: list[int]) -> bool:
    # headings next to each other in the outline say nothing of the text between them: the
    # outline lists only headings; "empty" is approximated as "next heading on the same page"
    return hs[k + 1][0] == hs[k][0] and (not docs or docs[k] == docs[k + 1])


COLUMNS = ("pages", "heads", "h/page", "sent", "num", "long", "colon", "empty", "dup", "fixed", "numd", "t0", "depth")


def _fmt(row: dict[str, float]) -> str:
    out = []
    for c in COLUMNS:
        v = row[c]
        out.append(f"{v:>6}" if isinstance(v, int) else f"{v:6.2f}")
    return " ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "corpus")
    ap.add_argument("--folder", action="append", help="a folder of the corpus (repeatable; default: the pinned ones)")
    ap.add_argument("--list", type=Path, help="print this document's headings instead")
    args = ap.parse_args()
    if args.list:
        o = outline(args.list)
        if o is None:
            print(f"{args.list}: no text layer")
            return
        for page, level, text in o.headings:
            print(f"p{page:<3} L{level} {'  ' * (level - 1)}{text}")
        print(_fmt(stats(o)))
        return
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}")
        return
    print(f"{'document':<58} " + " ".join(f"{c:>6}" for c in COLUMNS))
    for folder in args.folder or FOLDERS:
        pooled = Outline(0, [])
        rows = 0
        for path in sorted((args.corpus / folder).glob("*.pdf")):
            try:
                o = outline(path)
            except Exception as exc:  # a bench reports and goes on
                print(f"{folder}/{path.name}: {exc}", file=sys.stderr)
                continue
            if o is None:
                continue
            rows += 1
            print(f"{(folder + '/' + path.name)[:58]:<58} {_fmt(stats(o))}")
            pooled.pages += o.pages
            pooled.headings += o.headings
            pooled.docs += [rows] * len(o.headings)
            pooled.fonts += o.fonts
        if rows:
            print(f"{('ALL ' + folder + f' ({rows} documents)')[:58]:<58} {_fmt(stats(pooled))}")


if __name__ == "__main__":
    main()
