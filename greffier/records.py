"""Frozen record types shared by extraction, the store and search.

Every record that can be cited carries ``doc_id`` and a page (``page`` or ``page_start``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DOC_KINDS = (
    "rapport_activite",
    "proces_verbal",
    "deliberation",
    "arrete",
    "recueil",
    "ordre_du_jour",
    "rpqs",
    "budget",
    "liste_deliberations",
    "other",
)
DOC_STATUSES = ("ingested", "needs_ocr")


@dataclass(frozen=True)
class Line:
    """One line of a page's text layer, with what the layout tells about it."""

    text: str
    page: int
    size: float | None = None  # font size in points of the line's first visible char
    bold: bool = False
    top: float | None = None  # distance from the top of the page, in points
    bottom: float | None = None
    x0: float | None = None
    page_height: float | None = None
    color: int | None = None  # fill colour of the line's first visible char, 0xRRGGBB
    underline: bool = False  # a thin rule drawn under the line spans most of it


@dataclass(frozen=True)
class Page:
    """One page (for text exports: one stretch between page markers)."""

    doc_id: str
    number: int  # 1-based page number used in citations
    label: str  # printed page label ("4", or "4-12" for a text-export stretch)
    text: str  # cleaned text, one paragraph per line
    removed: tuple[str, ...] = ()  # running headers/footers, page numbers, stamps
    ocr: bool = False  # read from the page image by OCR, not from a text layer
    ocr_conf: float | None = None  # OCR pages: mean word confidence, 0-100


@dataclass(frozen=True)
class Block:
    """A paragraph, list item or heading of the cleaned text, with its page span."""

    text: str
    page: int
    page_end: int
    kind: str = "para"  # para | bullet | heading
    level: int = 0


@dataclass(frozen=True)
class Section:
    section_id: str
    doc_id: str
    ordinal: int
    heading: str
    level: int  # 0 for the untitled front matter, 1 for top-level headings
    path: tuple[str, ...]  # ancestor headings then this heading
    parent_id: str | None
    page_start: int
    page_end: int
    text: str


@dataclass(frozen=True)
class Passage:
    passage_id: str
    doc_id: str
    section_id: str
    ordinal: int
    page: int
    page_end: int
    section_path: tuple[str, ...]
    start: int  # offsets of the passage in its section's text
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: str
    sha256: str
    status: str  # ingested | needs_ocr
    title: str
    issuer: str | None
    kind: str
    year: int | None
    date: str | None  # ISO meeting date for minutes
    pages: int
    source_type: str  # pdf | text
    stamps: tuple[str, ...] = ()
    ocr_pages: int = 0  # pages read by OCR
    body: str | None = None  # who deliberates or decides: conseil municipal, bureau, maire, préfet ...
    issuer_printed: str | None = None  # the issuer as the document names it (an alias of the canonical one)
    siren: str | None = None  # the issuer's SIREN, from the @ctes identifier of an act sent to the préfecture


@dataclass(frozen=True)
class SearchHit:
    rank: int
    score: float
    doc_id: str
    title: str
    year: int | None
    page: int
    section_path: tuple[str, ...]
    snippet: str
    passage_id: str
    text: str
    kind: str = ""
    issuer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    keyword_score: float | None = None  # BM25, None when the keyword retriever did not return it
    semantic_score: float | None = None  # cosine similarity, None when the semantic retriever did not
    mode: str = "keyword"  # the mode that produced the hit: keyword | semantic | hybrid


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a plain dict (tuples become lists) for JSON/CSV output."""
    data = asdict(record)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


ENTITY_TYPES = ("AMOUNT", "DATE", "DIRECTION", "DELIBERATION", "ORG", "PERSON", "PLACE")


@dataclass(frozen=True)
class Entity:
    """A typed, normalized, cited mention. Offsets are in the section's text."""

    entity_id: str
    type: str
    text: str
    doc_id: str
    page: int
    section_id: str
    start: int
    end: int
    sentence: str
    # AMOUNT
    value: float | None = None
    unit: str | None = None
    currency: str | None = None
    tax: str | None = None
    quantity_of: str | None = None
    # DATE
    iso: str | None = None
    precision: str | None = None
    implied_year: bool | None = None
    end_iso: str | None = None
    # DIRECTION
    canonical: str | None = None
    acronym: str | None = None
    parent: str | None = None
    # DELIBERATION
    ref: str | None = None
    date: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class Vote:
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    unanimite: bool = False
    votants: int | None = None  # members who voted, present or represented ("Votants : 28")
    effectif: int | None = None  # members in office ("Membres en exercice : 29")


@dataclass(frozen=True)
class Deliberation:
    """One deliberation or decision of a set of minutes or a list of deliberations."""

    delib_id: str
    doc_id: str
    ref: str | None
    body: str  # conseil municipal | conseil communautaire | bureau | maire | president
    date: str | None
    title: str
    amounts: tuple[dict[str, Any], ...]
    vote: Vote | None
    page_start: int
    page_end: int
    section_id: str | None = None
    outcome: str | None = None  # adopted | rejected | postponed | noted (lists of deliberations)
    pref_id: str | None = None  # the @ctes transmission identifier ("029-200054724-20221206-DE2022_141-DE")
    pref_date: str | None = None  # its reception at the préfecture


@dataclass(frozen=True)
class TableCell:
    """One body cell of a table. ``row`` and ``col`` count from 1 (header rows excluded)."""

    table_id: str
    doc_id: str
    page: int
    row: int
    col: int
    text: str  # "" for an empty or template cell ("____%", "………")
    value: float | None = None  # the parsed figure; 1.0/0.0 for a checked/unchecked box
    unit: str | None = None  # as AMOUNT entities (EUR, %, count, t, ...), "checkbox" for ☑/☐
    tax: str | None = None  # HT | TTC
    row_header: str = ""  # the row's label cell(s)
    col_header: str = ""  # the column's header rows, joined with " / "
    group: str = ""  # the label of the spanning row above ("EAU", "DEPENSES"), if any


@dataclass(frozen=True)
class Table:
    """A table found on a page (or continued over page breaks), with where it is cited."""

    table_id: str  # {doc_id}:t{n:03d}
    doc_id: str
    page: int
    page_end: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom on ``page``, in points
    section_id: str | None
    section_path: tuple[str, ...]
    caption: str  # the heading or the line just above the table
    strategy: str  # the pdfplumber strategy that won: lines | text; ocr: a ruled grid in a page image
    header_rows: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    cells: tuple[TableCell, ...] = ()
    label_cols: int = 1  # leading columns that hold the rows' labels


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    pages: tuple[Page, ...]
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    entities: tuple[Entity, ...] = ()
    deliberations: tuple[Deliberation, ...] = ()
    tables: tuple[Table, ...] = ()
    indicators: tuple[IndicatorRecord, ...] = ()


INDICATOR_STATUSES = ("value", "non renseigné", "sans objet", "empty")


@dataclass(frozen=True)
class IndicatorRecord:
    """One value of an indicator (greffier/data/indicators.csv) for a commune or issuer and a year.

    ``value`` is None when the report says the figure is not given ("non renseigné", "NC"), does
    not apply ("sans objet") or leaves a blank ("____ %"): ``status`` says which. A value printed
    twice is one record whose ``also`` lists the other places; two different values for the same
    indicator, commune and year are two records, both with ``conflict`` set."""

    record_id: str  # {doc_id}:i{n:03d}
    indicator: str  # the reference key (the SISPEA code when there is one)
    code: str  # SISPEA code, "" for a figure without one
    name: str
    value: float | None
    unit: str
    year: int | None  # the year the value describes
    as_of: str | None  # ISO date the value is stated at (a tariff's 1 January, a 31 December)
    issuer: str | None
    commune: str | None  # the commune a value belongs to, None for an intercommunal or regional figure
    service: str | None  # eau_potable | assainissement_collectif | assainissement_non_collectif | dechets | budget
    doc_id: str
    page: int
    evidence: str  # the sentence or table row the value was read from
    from_table: bool
    status: str = "value"
    also: tuple[dict[str, Any], ...] = ()  # other sources: {page, evidence, from_table}
    conflict: bool = False
