"""Entities of a document's sections: AMOUNT, DATE, DIRECTION, DELIBERATION, ORG, PERSON, PLACE.

spaCy French has no MONEY/DATE types: greffier's own extractors (amounts, dates, refs,
directions) produce them. Overlaps are resolved by priority: a deliberation reference beats
a date, a date beats an amount. ORG, PERSON and PLACE come from spaCy (greffier.extract.ner,
``GREFFIER_NER``), and only where no other entity stands.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from greffier.extract.amounts import find_amounts
from greffier.extract.dates import find_dates
from greffier.extract.directions import acronym_table, composition_parents, find_directions
from greffier.extract.ner import find_names, ner_model
from greffier.extract.refs import find_refs
from greffier.records import Entity, Section

_PRIORITY = {"DELIBERATION": 0, "DATE": 1, "AMOUNT": 2, "DIRECTION": 3, "ORG": 4, "PERSON": 4, "PLACE": 4}
# a sentence ends at . ! ? ; or at a line break, unless the next line goes on in lower case
# (a paragraph the text layer left broken: "le tarif de la redevance pour\nconsommation à 0.34 €/m3")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n(?![a-zà-ÿ])")


def _raw(text: str, doc_year: int | None, issuer: str | None, acronyms: dict[str, str | None]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for r in find_refs(text, doc_year, issuer):
        found.append(
            {
                "type": "DELIBERATION",
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "ref": r.ref,
                "date": r.date,
                "body": r.body,
            }
        )
    for d in find_dates(text, doc_year):
        found.append(
            {
                "type": "DATE",
                "start": d.start,
                "end": d.end,
                "text": d.text,
                "iso": d.iso,
                "precision": d.precision,
                "implied_year": d.implied_year,
                "end_iso": d.end_iso,
            }
        )
    for a in find_amounts(text):
        found.append(
            {
                "type": "AMOUNT",
                "start": a.start,
                "end": a.end,
                "text": a.text,
                "value": a.value,
                "unit": a.unit,
                "currency": a.currency,
                "tax": a.tax,
                "quantity_of": a.quantity_of,
            }
        )
    for d in find_directions(text, acronyms):
        found.append(
            {
                "type": "DIRECTION",
                "start": d.start,
                "end": d.end,
                "text": d.text,
                "canonical": d.canonical,
                "acronym": d.acronym,
            }
        )
    # resolve overlaps between the typed spans (directions may contain figures: keep both)
    kept: list[dict[str, Any]] = []
    used = bytearray(len(text) + 1)  # chars covered by a kept non-direction entity
    for e in sorted(found, key=lambda e: (_PRIORITY[e["type"]], e["start"])):
        if e["type"] != "DIRECTION":
            if any(used[e["start"] : e["end"]]):
                continue
            used[e["start"] : e["end"]] = b"\x01" * (e["end"] - e["start"])
        kept.append(e)
    return sorted(kept, key=lambda e: (e["start"], _PRIORITY[e["type"]]))


def _add_names(texts: list[str], raws: list[list[dict[str, Any]]], ner: str | bool | None) -> None:
    """Adds spaCy's ORG/PERSON/PLACE to each text's entities (in place), where none stands."""
    model = ner_model(ner)
    if model is None:
        return
    taken = [[(e["start"], e["end"]) for e in raw] for raw in raws]
    for raw, names in zip(raws, find_names(texts, taken, model)):
        raw.extend(names)
        raw.sort(key=lambda e: (e["start"], _PRIORITY[e["type"]]))


def extract_entities_from_text(
    text: str,
    doc_year: int | None = None,
    issuer: str | None = None,
    acronyms: dict[str, str | None] | None = None,
    ner: str | bool | None = False,
) -> list[dict[str, Any]]:
    """Entities of one text as dicts (offsets into ``text``). ``ner``: False (default) for
    greffier's own types only; True, None (``GREFFIER_NER``) or a model name to add names."""
    raw = _raw(text, doc_year, issuer, acronyms if acronyms is not None else acronym_table(text))
    _add_names([text], [raw], ner)
    return raw


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    right = m.start() if m else len(text)
    return re.sub(r"\s+", " ", text[left:right]).strip()[:600]


_SENTENCE_CHARS = 600


class _Sentences:
    """:func:`_sentence` for many entities of one text, without rescanning the text for each
    (that was quadratic: a long section with no sentence end and one amount per line took
    minutes). The sentence ends are found once; each look-up is a bisection. Same results."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
        self.ends = [e for _, e in self.spans]
        self.starts = [s for s, _ in self.spans]

    def __call__(self, start: int, end: int) -> str:
        import bisect

        text = self.text
        # left: the last end of a sentence break before ``start`` (a break that runs over
        # ``start``, or a newline just before it, ends at ``start``: :func:`_sentence` searches
        # the text cut at ``start``)
        i = bisect.bisect_right(self.ends, start)
        left = self.ends[i - 1] if i else 0
        if i < len(self.spans) and self.spans[i][0] < start < self.spans[i][1]:
            left = start
        elif start > 0 and text[start - 1] == "\n":
            left = start
        # right: the first break that starts at or after ``end``
        j = bisect.bisect_left(self.starts, end)
        right = self.starts[j] if j < len(self.starts) else len(text)
        if j and self.spans[j - 1][1] > end:  # ``end`` inside a break: search from there (a short way)
            m = _SENTENCE_END.search(text, end)
            right = m.start() if m else len(text)
        # only as much text as the first 600 collapsed characters need
        cut = left + 4 * _SENTENCE_CHARS
        while True:
            piece = re.sub(r"\s+", " ", text[left : min(right, cut)]).strip()
            if cut >= right or len(piece) > _SENTENCE_CHARS:
                return piece[:_SENTENCE_CHARS]
            cut += 4 * _SENTENCE_CHARS


def extract_entities(
    sections: Iterable[Section],
    paragraph_pages: dict[str, list[tuple[int, int, int, int]]],
    doc_year: int | None,
    issuer: str | None,
    ner: str | bool | None = None,
) -> list[Entity]:
    """``ner``: None follows ``GREFFIER_NER``; False, True or a model name decide here."""
    sections = list(sections)
    acronyms = acronym_table("\n".join(s.heading + "\n" + s.text for s in sections))
    raws = [_raw(s.text, doc_year, issuer, acronyms) for s in sections]
    _add_names([s.text for s in sections], raws, ner)
    out: list[Entity] = []
    n = 0
    for s, raw in zip(sections, raws):
        spans = paragraph_pages.get(s.section_id, [])
        # the nearest enclosing direction: from the section path
        parent = None
        for heading in reversed(s.path[:-1] if s.path else ()):
            dirs = find_directions(heading, acronyms)
            if dirs:
                parent = dirs[0].canonical
                break
        dirs = [e for e in raw if e["type"] == "DIRECTION"]
        stated = composition_parents(s.text, [(e["start"], e["end"], e.get("canonical") or e["text"]) for e in dirs])
        stated_by_start = {dirs[i]["start"]: p for i, p in stated.items()}
        sentence = _Sentences(s.text)
        starts = [a for a, _b, _p, _pe in spans]  # paragraphs in order, not overlapping: bisect, not scan
        for e in raw:
            k = bisect_right(starts, e["start"]) - 1
            page = spans[k][2] if k >= 0 and spans[k][0] <= e["start"] <= spans[k][1] else s.page_start
            n += 1
            fields = {k: v for k, v in e.items() if k not in ("type", "start", "end", "text")}
            own_parent = stated_by_start.get(e["start"]) if e["type"] == "DIRECTION" else None
            if own_parent:  # "X est composée de ...": stated in the text, beats the section tree
                fields["parent"] = own_parent
            elif e["type"] == "DIRECTION" and parent and parent != e.get("canonical"):
                fields["parent"] = parent
            out.append(
                Entity(
                    entity_id=f"{s.doc_id}:e{n:05d}",
                    type=e["type"],
                    text=e["text"],
                    doc_id=s.doc_id,
                    page=page,
                    section_id=s.section_id,
                    start=e["start"],
                    end=e["end"],
                    sentence=sentence(e["start"], e["end"]),
                    **fields,
                )
            )
    return out
