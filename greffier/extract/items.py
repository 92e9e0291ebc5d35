"""Decided items of minutes, deliberation extracts and orders, found line by line whatever the
layout: the section tree is not needed (a heading glued to its first sentence, an OCR page
with no fonts, an item spanning pages all work).

An item starts at a line that opens with a reference ("DE-2013/110 – …", "23-03/011 — …",
"Délibération n° 2024-112 : …", "N° DP 2021-312 du 15 septembre 2021 - …", "DCM 2021-15 …"), an
agenda number followed by a capitalized title ("3. Tarifs …", "III – …", "Point n° 3 : …"),
or "OBJET :". It runs to the next start. It is a decided item when its text holds a decision
("décide", "adopte", "approuve", "à l'unanimité", "voix pour", "émet un avis", "prend acte",
"arrête"); an information point, a heading or a table row is not.

Decisions taken by delegation and reported as a table ("15/10/13 ORANGE (…) Objet 99,00 €" under
a "Délégations … décisions prises" item) are one item each, with their own date and amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from greffier.extract.dates import first_date
from greffier.extract.ocr_forms import item_line
from greffier.records import Section

_BULLET = r"^[\s•▪■◦●➢►\-–—*]*"
# a reference: optional letters (DE, DEL, DCM, DP, D, N°), then digits / digits
_REF_LEAD = r"(?:(?:D[ée]lib[ée]ration|D[ée]cision|Arr[êe]t[ée])\s+)?(?:n[°o]\s*)?"
_REF = r"(?:[A-Z]{1,4}\s?-?\s?)?(?:19|20)?\d{2}\s?[/_\-.]\s?\d{1,4}(?:[/_\-.]\d{1,4})?"
_REF_START = re.compile(
    _BULLET
    + _REF_LEAD
    + rf"(?P<ref>{_REF})"
    + r"(?:\s+du\s+(?P<date>[0-3]?\d(?:er)?\s+\w+\s+(?:19|20)\d{2}|\d{1,2}/\d{1,2}/\d{2,4}))?"
    + r"\s*(?:[:–—\-]+|\bObjet\s*:)\s*(?P<title>\S.{2,})$",
    re.IGNORECASE,
)
_NUM_START = re.compile(
    _BULLET
    + r"(?:(?:Point|Question|Affaire)\s+n?[°o]?\s*)?(?P<num>\d{1,2}|[IVXL]{1,5})\s*(?:[.)°:–—\-]|\s-)\s*"
    + r"(?P<title>[A-ZÀ-Ý«\"].{3,})$"
)
_POINT_START = re.compile(
    _BULLET
    + r"(?i:Point|Question|Affaire|Dossier)\s+(?i:n\s?[°o]|n\.)?\s*(?P<num>\d{1,3})\s*[:.–—\-]\s*(?P<title>\S.{2,})$"
)
_OBJET = re.compile(r"^\s*OBJET\s*:\s*(?P<title>\S.{2,})$", re.IGNORECASE)
# the approval of the previous minutes: "Compte-rendu de la réunion du 13 novembre 2012 : …"
_MINUTES_APPROVAL = re.compile(
    _BULLET + r"(?P<title>(?:Approbation\s+du\s+)?(?:compte[- ]rendu|proc[èe]s[- ]verbal)\s+"
    r"(?:de\s+la\s+(?:r[ée]union|s[ée]ance)|du\s+conseil\s+\w+)\s+(?:du|en\s+date\s+du)\s+[^:\n]{4,30}?)\s*(?::|$)",
    re.IGNORECASE,
)
# an item glued to the end of the paragraph before ("… Date de réception : 25/02/2011 DE-2011/9 – …")
_INLINE_REF = re.compile(
    r"(?<=[\s.:;)])(?=(?:DE|DEL|DCM|DM|DP|D)\s?-?\s?(?:19|20)\d{2}\s?[/_\-]\s?\d{1,4}\s*[–—:\-]\s+[A-ZÀ-Ý«])"
    # the approval of the previous minutes glued to the attendance list
    r"|(?<=\s)(?=(?:Approbation\s+du\s+)?[Cc]ompte[- ]rendu\s+de\s+la\s+(?:r[ée]union|s[ée]ance)\s+du\s)"
    # a numbered decision glued to its agenda point: "Point n° 1 : Finances 23-03/011 — Adoption …"
    r"|(?<=[a-zà-ÿ:.;)]\s)(?=\d{2,4}[-/_.]\d{2}[/_\-.]\d{1,4}\s*[–—:\-]+\s*[A-ZÀ-Ý])"
    # a bare register number after the amount that ends a table row: "… 2 350,00 € 2009/86 – Pass foncier"
    r"|(?<=€\s)(?=(?:19|20)\d{2}\s?/\s?\d{1,4}\s*[–—\-]\s+[A-ZÀ-Ý«])"
    # an agenda number glued to the sentence or the date before: "… du 3 avril 2025 1. Budget primitif"
    r"|(?<=[.;:)\d]\s)(?=\d{1,2}\.\s+[A-ZÀ-Ý][a-zà-ÿ'’]+\s+\w)"
    # a labelled agenda point glued to the header before: "… Votants : 60 AFFAIRE N° 15 - Attribution …"
    r"|(?<=[\d.;:)]\s)(?=(?:AFFAIRE|Affaire|POINT|Point|DOSSIER|Dossier)\s+[Nn][°o]\s?\d{1,3}\s*[:–—\-]\s*[A-ZÀ-Ý])"
    # a numbered deliberation glued to the header before: "… légalité : 7 décembre 2022 Délibération n° 2022-141 : …"
    r"|(?<=[\d.;:)]\s)(?=D[ÉEée]LIB[ÉEée]RATION\s+[Nn][°o]\s?[\w-]*\d{2,4}\s?[/_\-.]\s?\d{1,4}\s*[:–—\-]\s*[A-ZÀ-Ý])"
    r"|(?<=[\d.;:)]\s)(?=D[ée]lib[ée]ration\s+[Nn][°o]\s?[\w-]*\d{2,4}\s?[/_\-.]\s?\d{1,4}\s*[:–—\-]\s*[A-ZÀ-Ý])"
)
_DECIDED = re.compile(
    r"d[ée]cide|adopt[ée]|approuv[ée]|unanimit[ée]|u[nm]a[nm][il1][mn][il1]t|voix\s+pour|\bpour\s*:\s*\d|[ée]met\s+un\s+avis|"
    r"prend\s+acte|\bvot(?:e|es|ants?)\b|\bpour\s+\d{1,3}\W{0,4}contre\b|d[ée]lib[èe]re|autorise|\barr[êe]te\s*:?\s*$|\bARR[ÊE]TE\b|rejet",
    re.IGNORECASE | re.MULTILINE,
)
_INFORMATION = re.compile(
    r"\binformations?\s*\)?\s*$|\bcompte[- ]rendu des d[ée]cisions|pour information", re.IGNORECASE
)
_DELEGATION = re.compile(
    r"d[ée]l[ée]gations?\s+de\s+pouvoirs?|d[ée]cisions?\s+(prises|du\s+maire|du\s+pr[ée]sident)"
    r"|d[ée]l[ée]gation\s+(?:du|au|donn[ée]e\s+au|consentie\s+au)\s+(?:maire|pr[ée]sident)",
    re.IGNORECASE,
)
# the opening of an item that reports the decisions taken by delegation (CGCT L. 2122-22/23,
# L. 5211-10): "il est rendu compte … des décisions prises par Monsieur le Maire"
_DELEGATION_REPORT = re.compile(
    r"(?i)rend(?:u)?\s+compte[^.]{0,200}d[ée]cisions?\s+prises|d[ée]cisions?\s+prises\s+(?:par\s+\w+\s+le\s+|par\s+le\s+)"
    r"(?:maire|pr[ée]sident)[^.]{0,80}d[ée]l[ée]gation"
)
_NO_DECISION = re.compile(r"(?i)aucune\s+d[ée]cision|pas\s+de\s+d[ée]cision|pour\s+information|\binforme\b")
# the council acting in other words than "décide": "après en avoir délibéré et voté", "détermine ses
# représentants", "chargent Monsieur le Maire", "souhaite recueillir l'avis", "16 voix « Pour »"
_COUNCIL_ACTS = re.compile(
    r"(?i)apr[èe]s\s+en\s+avoir\s+d[ée]lib[ée]r[ée]|\bvoix\s*[«\"“]\s*pour|"
    r"\bconseil\s+(?:municipal|communautaire|syndical)\b[^.]{0,120}?\b(?:d[ée]termine|d[ée]signe|[ée]lit|fixe|"
    r"accepte|refuse|charge(?:nt)?|sollicite|souhaite|valide|retient|opte|confirme|mandate|nomme|accorde|attribue)\b"
)
# the title stops where the exposé begins
_TITLE_END = re.compile(
    r"\s+(?:(?:Monsieur|Madame|M\.|Mme)\s+(?:le|la|l['’])\s*(?:Maire|Pr[ée]sident|Adjoint)|Rapporteur\s*:|"
    r"[Ll]e\s+[Cc]onseil\b|[Ll]es\s+membres\b|Vu\s+le|Vu\s+la|VU\s|Expos[ée]\s*:"
    # the exposé's address: "… - Exercice 2014 Mesdames, Messieurs, la Ville …"
    r"|Mesdames,?\s+(?:et\s+)?Messieurs\b|MESDAMES,?\s+(?:ET\s+)?MESSIEURS\b|Chers\s+coll[èe]gues\b"
    # the vote run into the title's line: "Tarifs de l'eau 2023 Adopté à la majorité : …"
    r"|(?:Adopt[ée]e?s?|ADOPT[ÉE]E?S?|Approuv[ée]e?s?|APPROUV[ÉE]E?S?)\b|V[Oo][Tt][Ee]\s*:|[ÀA]\s+l['’]\s?unanimit|UNANIMIT"
    # an order's preamble: "Le préfet des Alpes-de-Haute-Provence, VU …", "LE MAIRE de …"
    r"|L[EeAa]\s+PR[ÉE]F|L[ea]\s+[Pp]r[ée]f(?:et|[èe]te)\b|LE\s+MAIRE\b|L[ea]\s+[Mm]aire\s+de\b)"
)
_MAX_TITLE = 300


@dataclass
class Item:
    """One decided item: where its text lies in the sections, and what its opening line says."""

    ref: str | None
    position: str | None
    title: str
    page_start: int
    page_end: int
    parts: list[tuple[Section, int, int]] = field(default_factory=list)
    date: str | None = None  # its own date (a decision under delegation), else the meeting's
    delegated: bool = False
    text: str = ""
    amounts: tuple[dict, ...] | None = None  # set for a row of a delegation table (its own amount)


@dataclass(frozen=True)
class _Line:
    section: Section
    start: int
    end: int
    text: str
    page: int
    page_end: int


ParaPages = dict[str, list[tuple[int, int, int, int]]]  # section id -> (start, end, page, page_end)


def _lines(sections: Sequence[Section], para_pages: ParaPages) -> list[_Line]:
    """Every paragraph of every section (its heading too) as a line, with its pages."""
    out: list[_Line] = []
    for s in sections:
        if s.heading.strip():
            out.append(_Line(s, -1, -1, s.heading.strip(), s.page_start, s.page_start))
        spans = para_pages.get(s.section_id, [])
        pos = 0
        for k, raw in enumerate(s.text.split("\n") if s.text else []):
            start, end = pos, pos + len(raw)
            pos = end + 1
            if not raw.strip():
                continue
            page, page_end = (spans[k][2], spans[k][3]) if k < len(spans) else (s.page_start, s.page_end)
            cuts = [0] + [m.start() for m in _INLINE_REF.finditer(raw) if m.start() > 0] + [len(raw)]
            for a, b in zip(cuts, cuts[1:]):
                if raw[a:b].strip():
                    out.append(_Line(s, start + a, start + b, raw[a:b].strip(), page if a == 0 else page_end, page_end))
    return out


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip(" :–—-")
    m = _TITLE_END.search(title)
    if m and m.start() > 8:
        title = title[: m.start()]
    return title.strip(" :–—-,;")[:_MAX_TITLE]


def _start(line: str) -> tuple[str, str | None, str | None, str, str | None] | None:
    """(kind, ref, position, title, own date) when the line opens an item."""
    line = item_line(line)  # an OCR's reading of a bulleted number
    m = _REF_START.match(line)
    if m and not re.match(r"^\s*[0-3]?\d[/.][01]?\d[/.](?:19|20)?\d{2}\b", line):  # not a date
        ref = re.sub(r"\s+", " ", m.group("ref")).strip()
        date = first_date(m.group("date").lower()) if m.group("date") else None
        return "ref", ref, None, m.group("title"), date
    m = _POINT_START.match(line) or _NUM_START.match(line)
    if m:
        title = m.group("title")
        if len(title.split()) >= 2 and not re.match(r"^[A-ZÀ-Ý]\.", title):
            return "num", None, m.group("num"), title, None
    m = _OBJET.match(line)
    if m:
        return "objet", None, None, m.group("title"), None
    m = _MINUTES_APPROVAL.match(line)
    if m:
        return "minutes", None, None, m.group("title"), None
    return None


def find_items(sections: Sequence[Section], para_pages: ParaPages, extract: bool = False) -> list[Item]:
    """The decided items of a document, in reading order. ``extract``: a deliberation extract,
    where the numbered parts after its one referenced deliberation ("Délibération n° 2022-141 :
    …" then "1 — Ouverture à l'urbanisation …") are that deliberation's own sections."""
    lines = _lines(sections, para_pages)
    starts: list[tuple[int, tuple[str, str | None, str | None, str, str | None]]] = []
    for i, ln in enumerate(lines):
        found = _start(ln.text)
        if found:
            starts.append((i, found))
    if not starts:
        return []
    kinds = {k for _, (k, *_rest) in starts}
    lead = None  # an extract's one deliberation, by its number or its label ("AFFAIRE N° 15 - …")
    if extract:
        leads = [s for s in starts if s[1][0] == "ref" or (s[1][0] == "num" and _POINT_START.match(lines[s[0]].text))]
        # no agenda numbering before it: the numbered lines after it are its own lists
        if len(leads) == 1 and not any(k == "num" and i < leads[0][0] for i, (k, *_r) in starts):
            lead = leads[0]
            starts = [s for s in starts if s is lead or s[1][0] != "num" or s[0] < lead[0]]
    if lead is not None and lead[1][0] == "num":
        pass
    elif "ref" in kinds:  # numbered agenda parts around referenced deliberations: only the latter
        # an "OBJET : …" line inside a referenced deliberation is its subject, not another item
        first_ref = next(i for i, (k, *_r) in starts if k == "ref")
        refs = [s for s in starts if s[1][0] in ("ref", "minutes") or (s[1][0] == "objet" and s[0] < first_ref)]
        if len([s for s in refs if s[1][0] == "ref"]) >= 2:
            starts = refs
    elif "num" in kinds:
        starts = _numbered_run(starts)
    items: list[Item] = []
    for k, (i, (_kind, ref, position, title, own_date)) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = lines[i:end]
        text = "\n".join(ln.text for ln in body)
        title = _clean_title(title)
        item = Item(ref, position, title, body[0].page, body[-1].page_end, _parts(body), own_date, text=text)
        delegated = _delegated_rows(item, body)
        if delegated:
            items.extend(delegated)
            item.amounts = ()  # the amounts are the rows'; the council only takes note
        if _INFORMATION.search(title) and not re.search(r"d[ée]cide|adopt|vote|prend\s+acte", text, re.IGNORECASE):
            continue
        # a deliberation the register numbered is one whatever words it is written in (an OCR'd
        # decision formula), unless it is an information point or says nothing was decided
        registered = (
            ref is not None
            and len(starts) >= 3
            and not re.search(r"(?i)\binformations?\b|\bliste\b", title)
            and not _NO_DECISION.search(text)
        )
        if not _DECIDED.search(text) and not _COUNCIL_ACTS.search(text) and not registered:
            continue
        items.append(item)
    items.sort(key=lambda it: (it.page_start, 0 if not it.delegated else 1))
    return items


def _numbered_run(starts: list[tuple[int, tuple[str, str | None, str | None, str, str | None]]]) -> list:
    """Agenda numbers: keep the longest run that counts up (1, 2, 3 … or I, II, III …), so that
    a numbered list inside an item ('1. de retenir …') does not start items."""

    def value(pos: str | None) -> int:
        if pos is None:
            return 0
        if pos.isdigit():
            return int(pos)
        roman = {"I": 1, "V": 5, "X": 10, "L": 50}
        total = 0
        for a, b in zip(pos, pos[1:] + " "):
            v = roman.get(a, 0)
            total += -v if roman.get(b, 0) > v else v
        return total

    best: list = []
    for first in range(len(starts)):
        if value(starts[first][1][2]) != 1:
            continue
        run = [starts[first]]
        for s in starts[first + 1 :]:
            v = value(s[1][2])
            if v == value(run[-1][1][2]) + 1:
                run.append(s)
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else [s for s in starts if s[1][0] in ("objet", "minutes")]


def _parts(body: list[_Line]) -> list[tuple[Section, int, int]]:
    parts: list[tuple[Section, int, int]] = []
    for ln in body:
        if ln.start < 0:
            continue
        if parts and parts[-1][0] is ln.section:
            s, a, _ = parts[-1]
            parts[-1] = (s, a, ln.end)
        else:
            parts.append((ln.section, ln.start, ln.end))
    return parts


# a row's date, then its company (a cell's rule read by an OCR as signs between them: "21/05/15 = DOMAINE",
# "22/09/10 ‘| ATAE", "28/09/10 : | LOUERAT")
_ROW_DATE = re.compile(r"(?<![\d/])(?P<date>[0-3]?\d/[01]?\d/(?:19|20)?\d{2})\s+(?:[^\w\s]{1,3}\s*){0,2}(?=[A-ZÀ-Ý])")
_ROW_AMOUNT = re.compile(r"(?<![\d/])(?P<value>\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d{1,2})?)\s*€")


def _delegated_rows(item: Item, body: list[_Line]) -> list[Item]:
    """Decisions reported in a table under a delegation item ("Date du marché, Société, Objet,
    Montant"): one per row opening with a date, even when the layout ran the rows together."""
    if not _DELEGATION.search(item.title) and not _DELEGATION_REPORT.search(item.text[:1500]):
        return []
    taxed = "HT" if re.search(r"\bH\.?\s?T\.?\b|hors\s+taxes", item.text[:1500], re.IGNORECASE) else None
    out: list[Item] = []
    # the rows, run together across lines: one text, each line's start remembered for its page
    text, starts = "", []
    for ln in body[1:]:
        starts.append((len(text), ln))
        text += ln.text + " "
    dates = list(_ROW_DATE.finditer(text))
    for k, m in enumerate(dates):
        end = dates[k + 1].start() if k + 1 < len(dates) else len(text)
        row = text[m.end() : end]
        ln = next(line for offset, line in reversed(starts) if offset <= m.start())
        amount = _ROW_AMOUNT.search(row)
        company = re.match(r"^.{2,80}?\)\s*", row)  # "ORANGE (29334 QUIMPER CEDEX) "
        title = row[company.end() if company else 0 : amount.start() if amount else len(row)]
        title = re.sub(r"\s+", " ", title).strip(" :–-")
        if len(title) < 4:
            continue
        amounts: tuple[dict, ...] = ()
        if amount:
            value = float(re.sub(r"[ \u00a0\u202f]", "", amount.group("value")).replace(",", "."))
            amounts = ({"value": value, "unit": "EUR", "tax": taxed, "page": ln.page, "text": amount.group(0)},)
        out.append(
            Item(
                None,
                None,
                title[:_MAX_TITLE],
                ln.page,
                ln.page_end,
                _parts([ln]),
                first_date(m.group("date")),
                delegated=True,
                text=row,
                amounts=amounts,
            )
        )
    out.extend(_preemption_rows(text, starts))
    return out


# a row of the table of pre-emption declarations the mayor waived under delegation (DPU, CGCT
# L. 2122-22 15°): year, file number, address, cadastral parcel, area, "Non"
_PREEMPTION_ROW = re.compile(
    # an OCR's specks after the year or before the address ("2015. 20 14 rue …", "2015° 16 ‘17 rue …")
    r"(?<![\d/])(?P<year>(?:19|20)\d{2})[.°,]?\s+(?P<num>\d{1,4})\s+[‘’'`]?"
    r"(?P<address>\d{1,4}(?:\s?(?:bis|ter))?\s+(?:rue|route|impasse|all[ée]e|avenue|chemin|place|boulevard|square|quai"
    r"|lotissement|r[ée]sidence|lieu-dit|la|le|les)\b[^€\n]{2,60}?)\s+"
    r"(?P<parcel>(?:[A-Z]{1,2}\s?)?\d{1,5}[a-z]?(?:\s*,\s*\d{1,5}[a-z]?)*)\s+\d[\d\s]{0,6}\s*(?:m²|m2)?\s*(?:Non|NON|non)\b"
)


def _preemption_rows(text: str, starts: list[tuple[int, _Line]]) -> list[Item]:
    if not re.search(r"(?i)pr[ée]emption", text):
        return []
    out = []
    for m in _PREEMPTION_ROW.finditer(text):
        ln = next(line for offset, line in reversed(starts) if offset <= m.start())
        address = re.sub(r"\s+", " ", m.group("address")).strip()
        title = f"Droit de préemption urbain {m.group('year')} n°{m.group('num')} – {address} ({m.group('parcel')})"
        out.append(
            Item(
                None, None, title, ln.page, ln.page_end, _parts([ln]), None, delegated=True, text=m.group(0), amounts=()
            )
        )
    return out


_ACT_REF = re.compile(
    r"(?i)\b(?:arr[êe]t[ée]|d[ée]cision|d[ée]lib[ée]ration)\b[^\n]{0,40}?\bn[°o]\s*(?P<ref>[A-Z]{0,4}\s?-?\s?\d{2,4}\s?[/_\-.]\s?\d{1,5}"
    # a longer number: a recueil's "04-2021-06-15-00003", a service's "DDT-SEB-2019-067"
    r"(?:[/_\-.][\w]*\d[\w]*)*)"
)
# any other number an act's title gives itself: "ARRÊTÉ N° DDT-SEB-2019-067", "Arrêté n° PREF/DCL/2019/12"
_ACT_NUMBER = re.compile(
    r"\b(?:A(?:RR[ÊE]T[ÉE]|rr[êe]t[ée])|D(?:[ÉE]CISION|[ée]cision))\b[^\n]{0,40}?\b[Nn][°o]\s*(?P<ref>[\w./\-]*\d[\w./\-]*)"
)
# the object of an order or a deliberation: "Objet : …", or the participle its title opens with
# ("portant …", "fixant …", "délimitant …"), at the start of a line or after "ARRÊTÉ … du <date>"
_ACT_TITLE = re.compile(
    r"(?:^\s*Objet\s*:\s*|(?:^\s*|\b(?:19|20)\d{2}\s+|\bn[°o]\s*[\w./\-]*\d\s+)(?=(?:portant|relatif|relative|concernant|modifiant|fixant|d[ée]limitant"
    r"|r[ée]glementant|autorisant|prescrivant|approuvant|d[ée]signant|nommant|instituant|abrogeant|d[ée]clarant"
    r"|accordant|attribuant)\b))(?P<title>\S.{3,})",
    re.I,
)


def whole_act(sections: Sequence[Section], para_pages: ParaPages) -> Item | None:
    """A deliberation extract or an order is one decision even when no line opens it as an item:
    its number from 'Arrêté du maire n° DG2025-002' / 'Délibération n° …', its object from the
    'Portant …' / 'Objet : …' lines that follow, its text the whole document."""
    lines = _lines(sections, para_pages)
    if not lines:
        return None
    from greffier.extract.acts import ORDER_OPERATIVE

    # the title block: the first lines, or, after a cover and a summary, the lines before the
    # order's operative "ARRÊTE"
    first = 0
    op = next((k for k, ln in enumerate(lines) if ORDER_OPERATIVE.search(ln.text)), None)
    if op is not None and op > 40 and not any(_ACT_TITLE.search(ln.text) for ln in lines[:40]):
        first = max(0, op - 40)
    ref, title = None, None
    for k, ln in enumerate(lines[first : first + 40], start=first):
        if ref is None:
            m = _ACT_REF.search(ln.text) or _ACT_NUMBER.search(ln.text)
            if m:
                ref = re.sub(r"\s+", "", m.group("ref")).strip(".-/")
        if title is None:
            m = _ACT_TITLE.search(ln.text)
            if m:
                title = m.group("title")
                for nxt in lines[k + 1 : k + 3]:  # a title wrapped over the next lines
                    if nxt.text[:1].islower() or title.rstrip().endswith(("de", "du", "des", "la", "le", "et", "à")):
                        title = f"{title} {nxt.text}"
                    else:
                        break
        if ref and title:
            break
    if ref is None and title is None:
        return None
    text = "\n".join(ln.text for ln in lines)
    return Item(
        ref, None, _clean_title(title or ref or ""), lines[0].page, lines[-1].page_end, _parts(lines), text=text
    )
