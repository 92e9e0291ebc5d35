"""The acts of a recueil des actes administratifs: one item per order or decision, from the line
that opens it ("ARRÊTÉ PRÉFECTORAL N° DDT-SEB-2019-067 du 5 mars 2019 portant …", "Arrêté n°
10-2019-03-05-001 relatif à …", "DÉCISION N° 2019-12 …") to the next; an entry of the summary
opens no act (it holds no operative "ARRÊTE"/"DÉCIDE"). Each act carries its number, its object
and its own date (in its title, else its signature "Fait à Troyes, le …", else its recueil number).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from greffier.extract.dates import first_date
from greffier.extract.items import Item, ParaPages, _clean_title, _Line, _lines, _parts
from greffier.extract.prefectures import raa_numbers
from greffier.records import Section

# an act's title line: "ARRÊTÉ"/"Arrêté"/"DÉCISION" capitalized (a mention in the text is "l'arrêté
# n° …"), its number, maybe its date, then its object
_ACT_START = re.compile(
    r"(?<![lLdD]['’])(?<![lLdD]['’]\s)(?<!\w)(?P<kind>A(?:RR[ÊE]T[ÉE]|rr[êe]t[ée])|D(?:[ÉE]CISION|[ée]cision))"
    r"(?:\s+(?i:(?:inter-?|conjoint\s+)?pr[ée]fectoral(?:\s+compl[ée]mentaire)?|municipal|pr[ée]fectorale|conjoint))?"
    # its number, its date or both: "n° DDT-2019-067 du 5 mars 2019", "du 5 mars 2019 n° 12", "du 5 mars 2019"
    r"(?:\s+(?i:n\s?[°o]|num[ée]ro)\s*[:.]?\s*(?P<ref>[\w./\-]*\d[\w./\-]*))?"
    r"(?:\s+(?i:du|en\s+date\s+du)\s+(?P<date>[0-3]?\d(?:er)?\s+\w+\s+(?:19|20)\d{2}|\d{1,2}/\d{1,2}/\d{2,4}))?"
    r"(?(ref)|(?(date)|(?!)))"  # one of them at least
    r"(?:\s+(?i:n\s?[°o])\s*[:.]?\s*(?P<ref2>[\w./\-]*\d[\w./\-]*))?"
    r"\s*[:–—\-]?\s*(?P<title>[^\n]*)"
)
# the title stops where the order's preamble begins
_PREAMBLE = re.compile(
    r"\s+(?:L[Ee]\s+PR[ÉE]F|L[Aa]\s+PR[ÉE]F|L[ae]\s+pr[ée]f|V[Uu]\b|L[Ee]\s+(?:MAIRE|[Mm]aire|[Pp]r[ée]sident|PR[ÉE]SIDENT)"
    r"|L[ae]\s+[Dd]irect(?:eur|rice)|S[Uu][Rr]\s+(?:la\s+)?proposition|\.{3,})"
)


def _operative(word: str) -> str:
    spaced = r"\s?".join(word)  # "A R R E T E"
    return (
        rf"\b{spaced}[ \t]*:"  # "ARRÊTE :"
        rf"|\b{spaced}\s*(?=(?:Article|ARTICLE|Art\.)\s*(?:1|premier|PREMIER|1er|Ier|I)\b)"  # then its first article
        rf"|(?:\b{spaced}|^[ \t]*(?i:{word}))[ \t]*:?[ \t]*$(?!{_TITLE_NEXT})"  # alone at a line's end
    )


# what follows an order's title, not its operative word: "ARRETE / N° 2019-12", "ARRETE / portant …"
_TITLE_NEXT = r"\s*(?:N\s?[°O]|n\s?°|PR[ÉE]F|[Pp]ortant|PORTANT|[Dd]u\b|DU\b|[Rr]elatif|RELATIF)"


# the operative word of an order ("ARRÊTE :", "A R R E T E", "… ARRÊTE" then "Article 1er"), not its
# title ("ARRÊTÉ N° …", "ARRETE PREFECTORAL"); and of a decision ("DÉCIDE :")
ORDER_OPERATIVE = re.compile(_operative("ARR[ÊE]TE"), re.MULTILINE)
_OPERATIVE = re.compile(_operative("ARR[ÊE]TE") + "|" + _operative("D[ÉE]CIDE"), re.MULTILINE)
_OBJECT = re.compile(
    r"(?i)^(?:portant|relatif|relative|concernant|modifiant|fixant|d[ée]limitant|r[ée]glementant|autorisant"
    r"|prescrivant|approuvant|d[ée]signant|nommant|instituant|abrogeant|d[ée]clarant|accordant|attribuant"
    r"|prorogeant|suspendant|mettant|imposant|d[ée]finissant|organisant|agr[ée]ant|habilitant)\b"
)
_SIGNED = re.compile(r"(?i)\bfait\s+(?:à|a)\s+[^\n,]{2,40},?\s+le\s*:?\s*(.{0,30})")


def recueil_acts(sections: Sequence[Section], para_pages: ParaPages) -> list[Item]:
    """The orders and decisions a recueil publishes, in reading order."""
    lines = _lines(sections, para_pages)
    # each act's title, wherever the layout put it in a line
    cut: list[tuple[_Line, re.Match[str] | None]] = []
    for ln in lines:
        found = list(_ACT_START.finditer(ln.text))
        bounds = [0] + [m.start() for m in found if m.start() > 0] + [len(ln.text)]
        for a, b in zip(bounds, bounds[1:]):
            part = ln.text[a:b]
            if not part.strip():
                continue
            sub = replace(
                ln, start=ln.start + a if ln.start >= 0 else -1, end=ln.start + b if ln.start >= 0 else -1, text=part
            )
            cut.append((sub, _ACT_START.match(part)))
    starts = [i for i, (_, m) in enumerate(cut) if m]
    items: list[Item] = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(cut)
        body = [ln for ln, _ in cut[i:end]]
        m = cut[i][1]
        assert m is not None
        text = "\n".join(ln.text for ln in body)
        if not _OPERATIVE.search(text):
            continue  # a line of the summary, or a mention
        title = m.group("title").strip()
        if not _OBJECT.match(title) and len(title) < 12:
            for nxt in body[1:3]:  # the object on the next line: "portant …"
                if _OBJECT.match(nxt.text):
                    title = nxt.text
                    break
        stop = _PREAMBLE.search(title)
        title = title[: stop.start()] if stop else title
        ref = (m.group("ref") or m.group("ref2") or "").strip(".-/") or None
        date = first_date(m.group("date").lower()) if m.group("date") else None
        if date is None:
            signed = [first_date(s.group(1).lower()) for s in _SIGNED.finditer(text)]
            date = next((d for d in reversed(signed) if d), None)
        if date is None:
            date = next((r.date for r in raa_numbers(ref or "")), None)
        items.append(
            Item(
                ref,
                None,
                _clean_title(title or f"{m.group('kind')} n° {ref or date}"),
                body[0].page,
                body[-1].page_end,
                _parts(body),
                date,
                text=text,
            )
        )
    return items
