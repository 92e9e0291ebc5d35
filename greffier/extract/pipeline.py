"""One source file -> a parsed document (metadata, pages, sections, passages)."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from greffier.errors import InputError
from greffier.extract.cleanup import clean_pages
from greffier.extract.deliberations import extract_deliberations
from greffier.extract.entities import extract_entities
from greffier.extract.formats import SUPPORTED_SUFFIXES
from greffier.extract.indicators import extract_indicators
from greffier.extract.layout import build_blocks
from greffier.extract.metadata import detect_metadata
from greffier.extract.pdf import PageLayout, read_pdf_lines
from greffier.extract.scan import OcrOptions, ScanReader
from greffier.extract.sections import build_passages, build_sections, paragraph_pages
from greffier.extract.tables import candidate_regions, extract_tables, table_entities, table_passages, tables_enabled
from greffier.extract.text import read_text, split_text_pages
from greffier.extract.transmission import with_transmission
from greffier.records import Document, Line, Page, ParsedDocument

log = logging.getLogger(__name__)

_MIN_CHARS_PER_PAGE = 25  # below this on average, a PDF has no usable text layer


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    return h.hexdigest()


def slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "doc"


def parse_file(
    path: Path,
    doc_id: str,
    sha256: str | None = None,
    ner: str | bool | None = None,
    ocr: OcrOptions | None = None,
) -> ParsedDocument:
    """Parse one file. Raises :class:`InputError` naming the file and the problem.

    ``ner``: ORG/PERSON/PLACE entities (None: as ``GREFFIER_NER`` says; see greffier.extract.ner).
    ``ocr``: how scanned pages are read (default: ``auto``, no cache; see greffier.extract.scan)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(str(path), f"unsupported file type {suffix or '(none)'} (greffier reads .pdf and .txt)")
    sha = sha256 or file_sha256(path)
    stamps: list[str] = []
    layouts: list[PageLayout] | None = None
    scan: ScanReader | None = None
    if suffix == ".pdf":
        layouts = [] if tables_enabled() else None
        scan = ScanReader(ocr or OcrOptions(), sha)
        try:
            raw_pages = read_pdf_lines(path, layouts, scan)
        finally:
            scan.close()
        labels = [str(i) for i in range(1, len(raw_pages) + 1)]
        numbers = list(range(1, len(raw_pages) + 1))
        source_type = "pdf"
        chars = sum(len(ln.text.strip()) for page in raw_pages for ln in page)
        if scan.problem and any(s.missing for s in scan.sources.values()):
            log.info("%s: %d page(s) need OCR: %s", path, sum(s.missing for s in scan.sources.values()), scan.problem)
        if chars < _MIN_CHARS_PER_PAGE * len(raw_pages):
            doc = Document(
                doc_id=doc_id,
                path=str(path),
                sha256=sha,
                status="needs_ocr",
                title=path.stem,
                issuer=None,
                kind="other",
                year=None,
                date=None,
                pages=len(raw_pages),
                source_type="pdf",
            )
            return ParsedDocument(document=doc, pages=(), sections=(), passages=())
    else:
        text_pages = split_text_pages(read_text(path))
        raw_pages = [list(tp.lines) for tp in text_pages]
        labels = [tp.label for tp in text_pages]
        numbers = [tp.number for tp in text_pages]
        stamps = [s for tp in text_pages for s in tp.stamps]
        source_type = "text"
        if not any(raw_pages):
            raise InputError(str(path), "no text in file")

    kept, removed = clean_pages(raw_pages)
    regions = {lay.number: candidate_regions(lay) for lay in layouts} if layouts else None
    boxes = {n: [r.bbox for r in found] for n, found in regions.items() if found} if regions else None
    blocks = [b for b in build_blocks(kept, boxes) if b.text]
    if not blocks:
        raise InputError(str(path), "no text left after cleanup")
    sections = build_sections(doc_id, blocks, first_page=numbers[0])
    para_pages = paragraph_pages(sections, blocks)
    passages = build_passages(sections, para_pages)

    page_texts: dict[int, list[str]] = {}
    for b in blocks:
        page_texts.setdefault(b.page, []).append(b.text)
    sources = scan.sources if scan is not None else {}
    pages = tuple(
        Page(
            doc_id=doc_id,
            number=n,
            label=label,
            text="\n".join(page_texts.get(n, [])),
            removed=tuple(rem),
            ocr=bool(sources.get(n) and sources[n].ocr),
            ocr_conf=sources[n].conf if n in sources else None,
        )
        for n, label, rem in zip(numbers, labels, removed)
    )
    first_pages = "\n".join(ln.text for page in kept[:2] for ln in page)
    issuer_pages = "\n".join(ln.text for page in kept[:8] for ln in page)
    all_text = "\n".join(b.text for b in blocks)
    big = _title_lines(kept[0]) if source_type == "pdf" and kept and kept[0] else []
    raw_first = "\n".join(ln.text for ln in raw_pages[0]) if raw_pages else ""
    raw_all = "\n".join(ln.text for page in raw_pages[:40] for ln in page)
    meta = detect_metadata(first_pages, all_text, path.name, big, issuer_pages, raw_first, raw_all)
    for r in removed:
        stamps.extend(s for s in r if s.lower().startswith(("reçu", "recu", "envoy", "publi", "affich")))
    doc = Document(
        doc_id=doc_id,
        path=str(path),
        sha256=sha,
        status="ingested",
        title=meta.title,
        issuer=meta.issuer,
        kind=meta.kind,
        year=meta.year,
        date=meta.date,
        pages=len(raw_pages) if source_type == "pdf" else max(numbers[-1], len(raw_pages)),
        source_type=source_type,
        stamps=tuple(dict.fromkeys(stamps)),
        ocr_pages=sum(1 for s in sources.values() if s.ocr),
        body=meta.body,
        issuer_printed=meta.issuer_printed,
        siren=meta.siren,
    )
    entities = extract_entities(sections, para_pages, meta.year, meta.issuer, ner)
    scanned = scan.tables if scan is not None else []
    tables = (
        extract_tables(path, doc_id, layouts, sections, para_pages, scanned=scanned, regions=regions) if layouts else []
    )
    deliberations = extract_deliberations(doc, sections, pages, entities, tables, para_pages)  # tables: HT/TTC
    deliberations = with_transmission(deliberations, raw_all, first_pages[:3000])  # @ctes id, members in office
    if not deliberations and doc.kind in ("proces_verbal", "deliberation", "arrete", "recueil"):
        what = {"arrete": "order", "recueil": "recueil"}.get(doc.kind, "minutes")
        log.warning("%s: %s with no decided item recognised: no deliberation record", path, what)
    indicators = extract_indicators(doc, pages, layouts, kept, tables)  # RPQS indicators, budget aggregates
    if tables:  # each row a passage, each figure an AMOUNT entity
        passages = passages + table_passages(tables, sections, max((p.ordinal for p in passages), default=0))
        entities = entities + table_entities(tables, sections)
    return ParsedDocument(
        document=doc,
        pages=pages,
        sections=tuple(sections),
        passages=tuple(passages),
        entities=tuple(entities),
        deliberations=tuple(deliberations),
        tables=tuple(tables),
        indicators=tuple(indicators),
    )


def _title_lines(lines: list[Line]) -> list[str]:
    """The largest-font lines at the top of the first page (the cover title)."""
    sized = [ln for ln in lines[:15] if ln.size]
    if not sized:
        return []
    top = max(ln.size or 0 for ln in sized)
    if all(ln.size == top for ln in sized):
        return [re.sub(r"\s+", " ", sized[0].text).strip()]  # no size contrast: the first line
    out: list[str] = []
    for ln in sized:
        if ln.size == top:
            text = re.sub(r"\s+", " ", ln.text).strip()
            if not re.fullmatch(r"\d{4}", text):
                out.append(text)
        elif out:
            break  # the title is the first run of largest-font lines
    return out[:4] if sum(len(t.split()) for t in out[:4]) <= 25 else out[:1]
