"""Deliberation records from minutes and lists of deliberations, and their SCDL export.

Minutes: each section headed by a deliberation (a number such as "D2025-003- Objet : …", or a
numbered agenda item) is one record, with the vote and the amounts found in its text and its
sub-sections (the vote may come pages after the heading). Decisions taken by delegation and
listed as "- DM2025-02 : …" are records too. Lists of deliberations: one record per row.

A record's amounts are those of the deliberation itself (exposé, table voted, decision), not the
figures quoted in the debate (see :mod:`greffier.extract.debate`); an amount with no tax mark
takes the HT/TTC of its table row or column, and a figure restated without its mark is one
amount. Headings the layout missed (a "DEL2025-60 : …" line left in the text, or glued to the
last line of the page before) start records; a wrapped heading whose second line starts with a
reference, or a table row numbered like a deliberation ("2022 - 114 …"), does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from greffier.extract.acts import recueil_acts
from greffier.extract.debate import debate_ranges, in_ranges
from greffier.extract.decided import CLOSING, DECISION, decided_amounts
from greffier.extract.headings import number_value, numbering
from greffier.extract.items import ParaPages, find_items, whole_act
from greffier.extract.refs import find_refs
from greffier.extract.votes import decision_vote, outcome_of
from greffier.records import Deliberation, Document, Entity, Page, Section, Table

_OBJET = re.compile(r"^.*?(?:Objet\s*:\s*|[-–:]\s+)", re.IGNORECASE)
_DELEGATED = re.compile(
    r"^[•\-–]?\s*(?P<ref>(?:DM|DEC|D[ée]cision)\s?[\w-]*\d{4}[-_]\d{1,4}|DM\s?\d{4}[-_]\d{1,4})\s*:\s*(?:Objet\s*:\s*)?(?P<title>.+)$",
    re.IGNORECASE,
)
_ROW_ANYWHERE = re.compile(r"(?<!\d)(?P<date>\d{2}/\d{2}/\d{4})\s+(?P<ref>(?:19|20)\d{2}_\d{1,4})\s+")
_OUTCOMES = (
    ("rejected", re.compile(r"\s*Rejetée\s*$", re.IGNORECASE)),
    ("postponed", re.compile(r"\s*Ajournée.*$", re.IGNORECASE)),
    ("noted", re.compile(r"\s*Prend acte\s*$", re.IGNORECASE)),
    ("adopted", re.compile(r"\s*Approuvée\s*$", re.IGNORECASE)),
)


def _amounts(entities: Sequence[Entity]) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[float, str | None]] = set()
    for e in entities:
        if e.type == "AMOUNT" and e.currency == "EUR" and e.value is not None and (e.value, e.tax) not in seen:
            seen.add((e.value, e.tax))
            out.append({"value": e.value, "unit": "EUR", "tax": e.tax, "page": e.page, "text": e.text})
    return tuple(out)


def _council(doc: Document) -> str:
    return (
        "conseil communautaire"
        if doc.issuer and doc.issuer.lower().startswith(("communauté", "métropole"))
        else "conseil municipal"
    )


def _executive(doc: Document) -> str:
    return "maire" if doc.issuer and doc.issuer.lower().startswith("commune") else "president"


_DECIDING_KINDS = ("proces_verbal", "deliberation", "arrete", "recueil")


def extract_deliberations(
    doc: Document,
    sections: Sequence[Section],
    pages: Sequence[Page],
    entities: Sequence[Entity],
    tables: Sequence[Table] = (),
    para_pages: ParaPages | None = None,
) -> list[Deliberation]:
    if doc.kind == "liste_deliberations":
        return _from_list(doc, pages)
    if doc.kind not in _DECIDING_KINDS:
        return []
    by_section: dict[str, list[Entity]] = {}
    for e in entities:
        by_section.setdefault(e.section_id, []).append(e)
    from_sections = _from_sections(doc, sections, pages, by_section, tables) if doc.kind == "proces_verbal" else []
    from_lines = _from_lines(doc, sections, para_pages or {}, by_section, tables)
    # the section tree fits minutes whose items are headings; lines fit every other layout
    return from_lines if len(from_lines) > len(from_sections) else from_sections


def _from_lines(
    doc: Document,
    sections: Sequence[Section],
    para_pages: ParaPages,
    by_section: dict[str, list[Entity]],
    tables: Sequence[Table],
) -> list[Deliberation]:
    out: list[Deliberation] = []
    items = recueil_acts(sections, para_pages) if doc.kind == "recueil" else []
    items = items or find_items(sections, para_pages, extract=doc.kind == "deliberation")
    if (doc.kind == "arrete" and items) or (
        doc.kind == "deliberation" and items and all(it.position and not it.ref for it in items)
    ):
        # one extract whose numbered lines are its own lists or its annex ("1. Association X … 2 000 €"):
        # the act named in its title block, when it names one
        act = whole_act(sections, para_pages)
        if act is not None and (act.ref or act.title) and len(CLOSING.findall(act.text)) <= 1:
            items = [act] if DECISION.search(act.text) else items
    if doc.kind == "deliberation" and len(items) == 1 and items[0].ref is None:
        act = whole_act(sections, para_pages)  # "DELIBERATION N°2013/612" above "OBJET : …"
        if act is not None and act.ref:
            items[0].ref = act.ref
    if not items and doc.kind in ("deliberation", "arrete", "recueil"):
        act = whole_act(sections, para_pages)  # one act, its number and object in its title block
        items = [act] if act is not None and DECISION.search(act.text) else []
    for item in items:
        if not item.parts:
            continue
        rec = _Record(item.parts[0][0], item.title, "delib", list(item.parts), item.page_start, item.page_end)
        if item.delegated:
            body = _executive(doc)
        elif doc.kind in ("arrete", "recueil"):
            body = doc.body or _executive(doc)
        else:
            body = (
                doc.body
                if doc.body in ("conseil municipal", "conseil communautaire", "bureau communautaire")
                else _council(doc)
            )
        ref = item.ref
        refs = find_refs(ref, doc.year, doc.issuer) if ref else []
        out.append(
            Deliberation(
                delib_id=f"{doc.doc_id}:d{len(out) + 1:03d}",
                doc_id=doc.doc_id,
                ref=refs[0].ref if refs else ref,
                body=body,
                date=item.date or doc.date,
                title=item.title,
                amounts=item.amounts
                if item.amounts is not None
                else decided_amounts(_record_amounts(rec, by_section, tables), item.text),
                vote=(vote := None if item.delegated else decision_vote(item.text)),
                page_start=item.page_start,
                page_end=item.page_end,
                section_id=item.parts[0][0].section_id,
                outcome=None if item.delegated else outcome_of(item.text, doc.kind, vote),
            )
        )
    return out


def _from_sections(
    doc: Document,
    sections: Sequence[Section],
    pages: Sequence[Page],
    by_section: dict[str, list[Entity]],
    tables: Sequence[Table],
) -> list[Deliberation]:
    out: list[Deliberation] = []
    n = 0
    # decisions taken by delegation, listed as "- DM2025-02 : ..."
    for s in sections:
        for line in s.text.split("\n"):
            m = _DELEGATED.match(line.strip())
            if m:
                refs = find_refs(m.group("ref"), doc.year, doc.issuer)
                ref = refs[0].ref if refs else re.sub(r"\s+", "", m.group("ref"))
                n += 1
                out.append(
                    Deliberation(
                        delib_id=f"{doc.doc_id}:d{n:03d}",
                        doc_id=doc.doc_id,
                        ref=ref,
                        body=_executive(doc),
                        date=doc.date,
                        title=m.group("title").strip(),
                        amounts=(),
                        vote=None,
                        page_start=s.page_start,
                        page_end=s.page_start,
                        section_id=s.section_id,
                    )
                )
    page_text = {p.number: p.text for p in pages}
    for rec in _records(doc, list(sections), page_text):
        refs = find_refs(rec.heading, doc.year, doc.issuer)
        text = "\n".join(s.text[a:b] for s, a, b in rec.parts)
        n += 1
        out.append(
            Deliberation(
                delib_id=f"{doc.doc_id}:d{n:03d}",
                doc_id=doc.doc_id,
                ref=refs[0].ref if refs else None,
                body=_council(doc),
                date=doc.date,
                title=_title(rec),
                amounts=_record_amounts(rec, by_section, tables),
                vote=(vote := decision_vote(text)),
                page_start=rec.page_start,
                page_end=rec.page_end,
                section_id=rec.head.section_id,
                outcome=outcome_of(text, doc.kind, vote),
            )
        )
    return out


# -- the records of a set of minutes ------------------------------------------------------------
@dataclass
class _Record:
    head: Section  # the section whose heading (or a line of whose text) heads the record
    heading: str
    kind: str  # the numbering class of the heading: delib, num, num-dash-1
    parts: list[tuple[Section, int, int]]  # the record's text: (section, start, end) in reading order
    page_start: int
    page_end: int
    subtitle: str = ""
    cut: int | None = None  # a heading found in a line of text: where that line starts


# "DEL2025-60 : …" at the start of a line of text: a deliberation heading the layout missed
# (a heading wrapped after a comma is taken for prose); a prefix and a separator are required.
_MISSED = re.compile(
    r"^(?P<ref>(?:DEL|DCM|D)[ \u00a0]?(?:19|20)\d{2}[-_]\d{1,4})"
    r"\s*(?::|[-–]\s*Objet\b\s*:?|Objet\s*:)\s*(?P<title>\S.*)$",
    re.IGNORECASE,
)
_MISSED_INLINE = re.compile(
    r"(?<=\s)(?P<ref>(?:DEL|DCM|D)[ \u00a0]?(?:19|20)\d{2}[-_]\d{1,4})\s*[-–:]?\s*Objet\s*:\s*(?P<title>\S.*)$"
)
# a heading that states its reference then a separator: "D2025-003- Objet : …", "DEL2025-59 : …"
_REF_THEN_SEPARATOR = re.compile(
    r"^\W*(?:(?:D|DEL|DCM|DM|N°\s?)\s?)?\d{4}\s?[-_/]\s?\d{1,4}\s*(?:[-–:]|Objet\b)|^\s*D[ÉE]LIB[ÉE]RATION\b",
    re.IGNORECASE,
)
_LONE_BULLET = re.compile(r"^\s*[•▪■◦●]\s*(?P<text>[^\n]{3,200})$")


def _records(doc: Document, sections: list[Section], page_text: dict[int, str]) -> list[_Record]:
    kinds: list[str | None] = []
    for s in sections:
        num = numbering(s.heading)
        kinds.append(num[0] if num and num[0] in ("delib", "num", "num-dash-1") else None)
    if "delib" in kinds:  # numbered parts around numbered deliberations: only the latter are records
        kinds = [k if k == "delib" else None for k in kinds]
    else:
        kinds = _nested_lists_off(sections, kinds)
    refs = [find_refs(s.heading, doc.year, doc.issuer) if k else [] for s, k in zip(sections, kinds)]
    heading_refs = {r.ref for found in refs for r in found}
    if heading_refs:  # amid referenced deliberations, "2022 - 114 Occupation … 117,60 €" is a table row
        kinds = [
            "row" if k == "delib" and not r and s.heading.strip()[:1].isdigit() else k
            for s, k, r in zip(sections, kinds, refs)
        ]
    records: list[_Record] = []
    for i, s in enumerate(sections):
        kind = kinds[i]
        if kind == "row":
            if records:
                records[-1].parts.append((s, 0, len(s.text)))
                records[-1].page_end = max(records[-1].page_end, s.page_end)
                _extend(records[-1], sections, i, kinds)
        elif kind is not None:
            prev = records[-1] if records else None
            if (
                kind == "delib"
                and prev is not None
                and prev.head is sections[i - 1]
                and not sections[i - 1].text.strip()
                and not _REF_THEN_SEPARATOR.match(s.heading)
            ):
                # the second line of a wrapped heading that happens to start with a reference
                # ("… complémentaire à la délibération" / "DEL2025-36 du 10 avril 2025)")
                prev.heading = f"{prev.heading} {s.heading}"
                prev.parts.append((s, 0, len(s.text)))
                prev.page_end = max(prev.page_end, s.page_end)
                _extend(prev, sections, i, kinds)
                continue
            rec = _Record(s, s.heading, kind, [(s, 0, len(s.text))], s.page_start, s.page_end)
            bullet = _LONE_BULLET.match(s.text.split("\n", 1)[0])
            rest = s.text.split("\n", 2)[1:2]
            if bullet and "€" not in bullet.group("text") and not (rest and _LONE_BULLET.match(rest[0])):
                rec.subtitle = bullet.group("text").strip()  # "9. Projet de schéma…" / "• Avis à donner sur…"
            records.append(rec)
            _extend(rec, sections, i, kinds)
        if "delib" in kinds:
            records.extend(_missed(doc, s, heading_refs, page_text))
    records.sort(key=lambda r: (sections.index(r.head), r.parts[0][1]))
    # a heading found in a line of text ends the record whose text held that line
    for m in records:
        if m.cut is None:
            continue
        for r in records:
            if r is m:
                continue
            k = next((k for k, (s, a, b) in enumerate(r.parts) if s is m.head and a <= m.cut < b), None)
            if k is None:
                continue
            s, a, _ = r.parts[k]
            m.parts.extend(r.parts[k + 1 :])
            m.page_end = max([m.page_end] + [o.page_end for o, _, _ in r.parts[k + 1 :]])
            r.parts[k + 1 :] = []
            r.parts[k] = (s, a, m.cut)
            r.page_end = max(r.page_start, m.page_start)
    return records


def _nested_lists_off(sections: list[Section], kinds: list[str | None]) -> list[str | None]:
    """A numbered list under a numbered item ("3. Subventions" then, one level down, "1. Association
    A", "2. Club B") is that item's text, not more records: a deeper run that starts again at 1."""
    out = list(kinds)
    item: Section | None = None  # the open numbered item
    nested = False
    for i, (s, k) in enumerate(zip(sections, kinds)):
        if k is None:
            continue
        if item is not None and s.level > item.level:
            num = numbering(s.heading)
            value = number_value(num[2]) if num else None
            if nested or value == 1:
                nested = True
                out[i] = None
                continue
        item, nested = s, False
    return out


def _extend(rec: _Record, sections: list[Section], i: int, kinds: list[str | None]) -> None:
    """Add to a record the sub-sections under its heading (up to the next record)."""
    s = sections[i]
    for j in range(i + 1, len(sections)):
        o = sections[j]
        if o.level <= s.level or kinds[j] is not None:
            break
        rec.parts.append((o, 0, len(o.text)))
        rec.page_end = max(rec.page_end, o.page_end)


def _missed(doc: Document, s: Section, known: set[str], page_text: dict[int, str]) -> list[_Record]:
    lines = s.text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    found: list[tuple[int, int, str, int]] = []  # (line index, column, title, first body line)
    for k, line in enumerate(lines):
        col = len(line) - len(line.lstrip())
        m = _MISSED.match(line.strip())
        if m is None:  # glued to the end of the page before: "… M. Thuillier D2025-011- Objet : Affectation"
            m = _MISSED_INLINE.search(line)
            col = m.start("ref") if m else col
        if not m or _DELEGATED.match(line.strip()):
            continue
        refs = find_refs(m.group("ref"), doc.year, doc.issuer)
        if not refs or refs[0].ref in known:
            continue
        title, body = line[col:].strip(), k + 1
        while body < len(lines) and body <= k + 2 and lines[body].strip():
            nxt = lines[body].strip()
            if not (title.endswith((",", "–", "-")) or nxt[:1].islower()):
                break
            title, body = f"{title} {nxt}", body + 1
        found.append((k, col, title, body))
    out = []
    for idx, (k, col, title, body) in enumerate(found):
        nxt_cut = starts[found[idx + 1][0]] + found[idx + 1][1] if idx + 1 < len(found) else len(s.text) + 1
        start, end = (starts[body] if body < len(lines) else len(s.text)), max(nxt_cut - 1, 0)
        first = _page_of(lines[k][col:], s, page_text)
        last = s.page_end if idx + 1 == len(found) else _page_of(lines[found[idx + 1][0]], s, page_text)
        rec = _Record(s, title, "delib", [(s, min(start, end), min(end, len(s.text)))], first, max(first, last))
        rec.cut = starts[k] + col
        out.append(rec)
    return out


def _page_of(line: str, s: Section, page_text: dict[int, str]) -> int:
    key = line.strip()[:60]
    for p in range(s.page_start, s.page_end + 1):
        if key and key in page_text.get(p, ""):
            return p
    return s.page_start


def _title(rec: _Record) -> str:
    heading = re.sub(r"\s+", " ", rec.heading).strip()
    if rec.kind == "delib":
        objet = re.search(r"Objet\s*:\s*", heading, re.IGNORECASE)
        title = heading[objet.end() :].strip() if objet else _OBJET.sub("", heading, count=1).strip()
    else:
        title = re.sub(r"^\s*\d{1,2}\s*[.)–-]\s*", "", heading).strip()
    if rec.subtitle:
        title = f"{title} − {rec.subtitle}"
    return title


def _record_amounts(
    rec: _Record, by_section: dict[str, list[Entity]], tables: Sequence[Table]
) -> tuple[dict[str, Any], ...]:
    """The euro amounts of the deliberation itself: its exposé, its table, its decision, not the
    figures quoted in the debate. An amount with no tax mark takes the one of its table column
    ("Montant HT"), and a figure given once with its mark and again without is one amount."""
    texts: list[str] = []
    where: list[tuple[int, int, int]] = []  # index of each part's text in ``texts``, with its offsets
    for k, (s, a, b) in enumerate(rec.parts):
        if k:
            texts.append(s.heading)  # sub-section headings count for the debate's flow
        where.append((len(texts), a, b))
        texts.append(s.text[a:b])
    ranges = debate_ranges(texts)
    sections = {s.section_id for s, _, _ in rec.parts}
    column_tax: dict[float, set[str]] = {}
    for t in tables:
        if t.section_id in sections and rec.page_start <= t.page <= rec.page_end:
            for c in t.cells:
                if c.value is not None and c.unit == "EUR":
                    # a row labelled "Montant TTC" under a "Prix HT" column is TTC
                    tax = _tax_mark(c.row_header) or c.tax
                    column_tax.setdefault(round(c.value, 2), set()).add(tax or "")
    found: list[dict[str, Any]] = []
    for (s, a, b), (ti, _, _) in zip(rec.parts, where):
        for e in by_section.get(s.section_id, []):
            if e.type != "AMOUNT" or e.currency != "EUR" or e.value is None or not (a <= e.start and e.end <= b):
                continue
            if in_ranges(ranges[ti], e.start - a, e.end - a):
                continue
            unit = "EUR" if e.unit == "EUR" else _rate_unit(e.text)
            tax = e.tax
            if tax is None and unit == "EUR":
                marks = column_tax.get(round(e.value, 2), set()) - {""}
                tax = marks.pop() if len(marks) == 1 else None
            found.append({"value": e.value, "unit": unit, "tax": tax, "page": e.page, "text": e.text})
    # one amount per figure: its tax marks if it has any, else none
    out: list[dict[str, Any]] = []
    for f in found:
        key = (round(f["value"], 2), f["unit"])
        same = [o for o in out if (round(o["value"], 2), o["unit"]) == key]
        if any(o["tax"] == f["tax"] for o in same) or (f["tax"] is None and same):
            continue
        if f["tax"] is not None:
            untaxed = next((o for o in same if o["tax"] is None), None)
            if untaxed is not None:
                untaxed.update(tax=f["tax"])
                continue
        out.append(f)
    return tuple(out)


def _tax_mark(label: str) -> str | None:
    m = re.search(r"\bH\.?T\.?(?=\W|$)|\b[Hh]ors\s+taxes?|\bT\.?T\.?C\.?(?=\W|$)|\b[Tt]outes\s+taxes", label)
    if not m:
        return None
    return "TTC" if m.group(0).upper().startswith("T") else "HT"


def _rate_unit(text: str) -> str:
    """ "2.47 €/m3" -> "EUR/m3"; "12 €/heure" -> "EUR/heure"."""
    m = re.search(r"/\s*([^\s/)]+(?:/[^\s/)]+)?)", text)
    if not m:
        return "EUR"
    return "EUR/" + m.group(1).replace("³", "3").replace("²", "2").rstrip(".,;")


def _from_list(doc: Document, pages: Sequence[Page]) -> list[Deliberation]:
    out: list[Deliberation] = []
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is None:
            return
        title = re.sub(r"\s+", " ", current["title"]).strip()
        outcome = None
        for name, pattern in _OUTCOMES:
            if pattern.search(title):
                outcome = name
                title = pattern.sub("", title).strip()
                break
        day, month, year = current["date"].split("/")
        out.append(
            Deliberation(
                delib_id=f"{doc.doc_id}:d{len(out) + 1:03d}",
                doc_id=doc.doc_id,
                ref=current["ref"],
                body=_council(doc),
                date=f"{year}-{month}-{day}",
                title=title,
                amounts=(),
                vote=None,
                page_start=current["page"],
                page_end=current["page_end"],
                outcome=outcome,
            )
        )

    for page in pages:
        text = re.sub(r"\s+", " ", page.text)
        pos = 0
        for m in _ROW_ANYWHERE.finditer(text):
            if current is not None:
                current["title"] += " " + text[pos : m.start()]
            close()
            current = {
                "date": m.group("date"),
                "ref": m.group("ref"),
                "title": "",
                "page": page.number,
                "page_end": page.number,
            }
            pos = m.end()
        if current is not None:
            current["title"] += " " + text[pos:]
            current["page_end"] = page.number
    close()
    return out
