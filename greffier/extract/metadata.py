"""Document metadata: issuer, kind, year, meeting date and title, from the first pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from greffier.extract.acts import ORDER_OPERATIVE
from greffier.extract.dates import MONTH_NAMES, MONTH_WORDS, TEXT_DATE, first_date, make_date
from greffier.extract.headings import fold
from greffier.extract.identity import ActesId, actes_ids, date_in_words, detect_body
from greffier.extract.identity import detect_issuer as identify_issuer
from greffier.extract.meeting import announced_date, mask_quoted_dates
from greffier.extract.ocr_forms import date_text, head_text
from greffier.extract.prefectures import raa_numbers

_ISSUER_PATTERNS = [
    re.compile(r"\bM[ée]tropole\s+(?:d['’])?Aix[- ]Marseille(?:[- ]Provence)?", re.IGNORECASE),
    re.compile(
        r"\b(?i:Communaut[ée]\s+(?:de\s+communes|d['’]agglom[ée]ration|urbaine)\s+"
        r"(?:des?|du|de\s+la|d['’]))\s*[A-ZÀ-Ü][\w'’-]*"
        r"(?:\s+(?:(?i:de\s+l['’]|de\s+la\s+|des\s+|du\s+|d['’]))?\s*[A-ZÀ-Ü][\w'’-]*)*",
    ),
    re.compile(r"\b(?:Commune|Ville|Mairie)\s+(?:de|d['’])\s*[A-ZÀ-Ü][\w'’-]+(?:[- ][A-ZÀ-Ü][\w'’-]+)*"),
    re.compile(r"\bConseil\s+Municipal\s+de\s+([A-ZÀ-Ü][A-ZÀ-Ü'’-]{2,})"),
]


@dataclass(frozen=True)
class Metadata:
    issuer: str | None
    kind: str
    year: int | None
    date: str | None
    title: str
    body: str | None = None
    issuer_printed: str | None = None
    siren: str | None = None


def _canonical_issuer(raw: str) -> str:
    raw = re.sub(r"\s+", " ", raw).strip()
    low = fold(raw)
    if low.startswith("metropole") and "aix" in low:
        return "Métropole Aix-Marseille-Provence"
    m = re.match(r"conseil municipal de (.+)", low)
    if m:
        return "Commune de " + m.group(1).title()
    if low.startswith(("ville de", "mairie de")):
        return "Commune de " + raw.split(" ", 2)[2].title()
    if low.startswith("communaute"):
        words = raw.split(" ")
        # "Communauté de Communes des Lisières de L'Oise" -> usual capitalization
        out = [words[0].capitalize()]
        for w in words[1:]:
            lw = w.lower()
            if lw in ("de", "des", "du", "la", "communes", "d'agglomération", "urbaine"):
                out.append(lw)
            elif lw.startswith(("l'", "l’", "d'", "d’")):
                out.append(lw[:2] + w[2:3].upper() + w[3:])
            else:
                out.append(w[:1].upper() + w[1:].lower() if w.isupper() else w)
        return " ".join(out)
    return raw


def detect_issuer(first_pages: str) -> str | None:
    counts: Counter[str] = Counter()
    for pattern in _ISSUER_PATTERNS:
        for m in pattern.finditer(first_pages):
            name = _canonical_issuer(m.group(0))
            counts[name] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


# what minutes record and an agenda only announces ("Vote des taux", "décisions prises par le
# Maire" are agenda lines): an outcome
_DECIDES = re.compile(
    r"adopt[ée]e?s?\b|unanimit[ée]|voix\s+pour|\bpour\s*:\s*\d|apr[èe]s\s+en\s+avoir\s+d[ée]lib[ée]r|d[ée]cide\s+(?:de|d'|à|:)"
    r"|\barr[êe]te\s*:",
    re.IGNORECASE,
)


# a kind named in a clause ("VU la délibération n° 12 du conseil municipal du 3 mars", "publié au
# recueil", "l'arrêté préfectoral n° …") is a mention, not the document's title
_MENTION = re.compile(r"(?:\bvu\b[^;\n]{0,60}|(?:\bl'|\b(?:au|aux|par)\s))$")


def _named(pattern: str, window: str) -> bool:
    return any(
        not _MENTION.search(window[max(0, m.start() - 70) : m.start()])
        for m in re.finditer(pattern, window, re.MULTILINE)
    )


_ORDER_TITLE = re.compile(
    r"\bARR[ÊE]T[ÉE]\s+(?:N\s?[°O]|PR[ÉE]FECTORAL|INTER|CONJOINT|DU\s|MUNICIPAL|PORTANT|RELATIF|[A-Z]{2,8}\s?[/\-_]?\s?(?:N\s?°|\d))"
)


def detect_kind(head: str, text: str, filename: str) -> str:
    """Kind from the title area first (an agenda may name an RPQS), then the first pages; an
    order whose title the reading missed is known by its operative "ARRÊTE" after its "Vu"."""
    kind = _kind(head, text, filename)
    if kind in ("other", "proces_verbal", "deliberation") and _is_order(text[:20000]):
        return "arrete"
    return kind


_DELIBERATES = re.compile(
    r"(?i)apr[èe]s\s+en\s+avoir\s+d[ée]lib[ée]r|\bd[ée]lib[èe]re\b"
    r"|conseil\s+(?:municipal|communautaire|syndical|r[ée]gional)\b[^.]{0,200}?\b(?:d[ée]cide|adopte|approuve)\b"
    r"|\bs[ée]ance\s+(?:du|ordinaire|publique)[^.]{0,60}conseil"
)


def _is_order(text: str) -> bool:
    """ "VU …" then "ARRÊTE" (or "A R R E T E") alone, and no council deliberating."""
    if _DELIBERATES.search(text) or not re.search(r"\b(?:VU|Vu)\b", text):
        return False
    return bool(ORDER_OPERATIVE.search(text))


# an agenda's or a convocation's title; "Date de convocation :", "Envoi de la convocation le" in a
# deliberation's header are mentions
_AGENDA = (
    r"ordre du jour|(?<!la )(?<!date de )convocation"
    # a convocation letter that never says "convocation": "… sont convoqués à la séance …", "j'ai
    # l'honneur de vous convoquer", unlike the minutes' "dûment convoqué", "convoqué le …"
    r"|\b(?:sont|etes|seront) (?:convoque|invite)e?s? (?:a|en)\b|vous convoquer\b|vous (?:convie|inviter)\b"
)


def _kind(head: str, text: str, filename: str) -> str:
    f = fold(filename.replace("-", " ").replace("_", " "))
    checks = (
        ("liste_deliberations", r"repertoire chronologique|liste des deliberations"),
        # a recueil's own title, not an act's "publié au recueil des actes administratifs"
        ("recueil", r"(?<!\bau )(?<!\baux )(?<!\bdu )(?<!\bau present )recueil des actes administratifs"),
        ("deliberation", r"extrait (du|des) (registre|proces[- ]verbal|deliberations)|deliberation n\W"),
        ("proces_verbal", r"\b(compte[- ]rendu|proces[- ]verbal|conseil (municipal|communautaire) du|l'an deux mil)"),
        (
            "arrete",
            r"\barrete (du maire|municipal|prefectoral|n\W|portant)|^\s*arrete\s*:?\s*$"
            r"|\bdecision (du maire|du president|n\W)",
        ),
        ("rpqs", r"prix et (la )?qualite|\brpqs\b"),
        ("rapport_activite", r"rapport d'activites?"),
        ("budget", r"budget primitif|compte administratif|compte financier unique|\bbp 20\d\d\b|projet de budget"),
        ("ordre_du_jour", _AGENDA),
    )
    decides = _DECIDES.search(text[:20000]) is not None
    if _ORDER_TITLE.search(head[:400]) and not _named(checks[1][1], fold(head[:400])):
        return "arrete"  # "ARRÊTÉ N° …", "ARRÊTÉ DDT/SEF/2019-23", "ARRETE INTERPREFECTORAL" in the title block
    for window in (fold(head[:400]), fold(head[:3000])):
        for kind, pattern in checks:
            if _named(pattern, window):
                if kind == "ordre_du_jour" and decides:
                    continue  # minutes open with their agenda: decisions make them minutes
                if kind == "proces_verbal" and not decides and re.search(_AGENDA, fold(head[:400])):
                    return "ordre_du_jour"
                agenda = re.search(_AGENDA, window)
                if kind in ("budget", "rpqs", "rapport_activite") and not decides and agenda:
                    named = re.search(pattern, window)
                    if named is not None and agenda.start() < named.start():
                        return "ordre_du_jour"  # "CONVOCATION … Ordre du jour : 2. Budget primitif 2024"
                return kind
    if decides and re.search(r"\bconseil (municipal|communautaire)\b[^.]{0,80}\bs'est reuni", fold(head)):
        return "proces_verbal"  # no title, the opening formula: "Le Conseil municipal … s'est réuni le …"
    for kind, pattern in (
        ("liste_deliberations", r"repertoire|liste deliberations"),
        ("rpqs", r"\brpqs\b"),
        ("rapport_activite", r"rapport activite"),
        ("ordre_du_jour", r"\b(odj|convoc|convocation|ordre du jour)\b"),
        ("proces_verbal", r"\b(compte rendu|proces verbal|pv|cr)\b"),
        ("budget", r"\b(bp|budget)\b"),
    ):
        if re.search(pattern, f):
            return kind
    return "other"


def _filename_date(filename: str) -> str | None:
    m = re.search(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.](\d{4})(?!\d)", filename)
    if m:
        return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = re.search(r"(?<!\d)(20\d{2}|19\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)", filename)
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


_MEETING = re.compile(
    r"(?:conseil\s+(?:municipal|communautaire)|s[ée]ance|r[ée]union|bureau)\s*(?:ordinaire\s*|extraordinaire\s*)?"
    r"(?:du|le)?\s*[:\n ]\s*(.{0,40}(?:\n.{0,40})?)",
    re.IGNORECASE,
)
_CONVENED = re.compile(r"(?i)s['’]est\s+r[ée]uni|d[ûu]ment\s+convoqu|se\s+r[ée]unira|l['’]an\s+(?:deux|mil)")


def _meeting_date(head: str, filename: str, ids: list[ActesId] | None = None, agenda: bool = False) -> str | None:
    """The meeting date, from the most to the least telling: the title block ('Séance du ...',
    'Conseil municipal du ...' in the first lines), the opening formula ('Le 16 octobre 2024 à
    dix-huit heures, le conseil municipal s'est réuni', 'L'an deux mil quatorze, le vingt deux
    avril'), the @ctes identifier of a deliberation, any 'séance du' further on, the file name.
    The convocation's and the stamps' dates never count ("Date de convocation : 5 avril 2023");
    an agenda's date is the one it announces ("… qui se tiendra le jeudi 14 mars 2024")."""
    # an OCR'd day split in two ("Séance du 1 6 décembre 2013")
    head = mask_quoted_dates(_split_day(head))
    if agenda:
        iso = announced_date(head[:3000])
        if iso:
            return iso
    title = "\n".join(head[:3000].split("\n")[:12])
    for m in _MEETING.finditer(title):
        iso = first_date(m.group(1).lower())
        if iso:
            return iso
    convened = _CONVENED.search(head[:3000])
    if convened:
        window = head[max(0, convened.start() - 160) : convened.end() + 160]
        iso = date_in_words(window) or first_date(window[: convened.start() - max(0, convened.start() - 160)].lower())
        if iso:
            return iso
    iso = next((i.date for i in ids or [] if i.nature == "DE" and i.date), None)
    if iso:
        return iso
    for m in _MEETING.finditer(head[:3000]):
        iso = first_date(m.group(1).lower())
        if iso:
            return iso
    return date_in_words(head[:3000]) or _filename_date(filename) or first_date(head[:600].lower())


def _order_date(head: str, text: str, ids: list[ActesId]) -> str | None:
    """An order's date: its title ('ARRÊTÉ PRÉFECTORAL du 30 janvier 2024'), else its signature
    ('Fait à Quimper, le ...'), else its @ctes identifier."""
    for m in re.finditer(
        r"(?i)\b(?:arr[êe]t[ée]|d[ée]cision)\b[^\n]{0,60}?\b(?:du|en\s+date\s+du)\s+(.{0,30})", head[:1500]
    ):
        line = head[head.rfind("\n", 0, m.start()) + 1 : m.start()] + m.group(0)[: m.start(1) - m.start()]
        if re.search(
            r"(?i)\bvu\b|\b[lL]['’]\s?(?:arr|d[ée]c)|\b(?:modifiant|abrogeant|compl[ée]tant|rempla[çc]ant)\b", line
        ):
            continue  # "Vu l'arrêté du …", "… modifiant l'arrêté du …": another order's date
        iso = first_date(m.group(1).lower())
        if iso:
            return iso
    return (
        _signature_date(text)
        or next((i.date for i in ids if i.date), None)
        or next((r.date for r in raa_numbers(head[:1500]) if r.date), None)
    )


def _recueil_date(head: str) -> str | None:
    """A recueil's date: its publication ('Recueil des actes administratifs n° 10-2019-045
    publié le 15 mars 2019', '… spécial du 3 avril 2019')."""
    m = re.search(
        r"(?is)(?:recueil\s+des\s+actes\s+administratifs|\bRAA\b|recueil\s+(?:sp[ée]cial\s+)?n\s?°).{0,120}?\b(?:publi[ée]\s+le|du|en\s+date\s+du|paru\s+le)\s+(.{0,30})",
        head[:3000],
    )
    if m:
        iso = first_date(m.group(1).lower())
        if iso:
            return iso
    m = re.search(r"(?i)\b(?:publi[ée]\s+le|date\s+de\s+publication\s*:?)\s*(.{0,30})", head[:3000])
    return first_date(m.group(1).lower()) if m else None


# a budget's vote: "Voté par l'Assemblée plénière lors de sa séance du 14 décembre 2023",
# "Délibéré par l'assemblée délibérante, réunie en session à Rennes, le 14/12/2023"
_BUDGET_VOTE = re.compile(
    r"(?i)\b(?:vot[ée]e?|d[ée]lib[ée]r[ée]e?|adopt[ée]e?)\s+(?:par|en|lors)\b[^.\n]{0,100}?"
    r"\b(?:le|du)\s*:?\s*(?P<date>[^\n]{6,30})"
)


def _budget_date(text: str) -> str | None:
    for m in _BUDGET_VOTE.finditer(text):
        if re.search(r"(?i)\bvu\b[^.;\n]{0,60}$", text[max(0, m.start() - 70) : m.start()]):
            continue  # "Vu la délibération adoptée le …": another act
        iso = first_date(m.group("date").lower())
        if iso:
            return iso
    return None


_STAMP_WORDS = re.compile(r"(?i)re[çcg]+u|envoy|publi|affich|transmis|pr[ée]fecture")


def _signature_date(text: str) -> str | None:
    """An order's date: 'Fait à Audierne, le 12 février 2025' or 'Audierne, le 28 février 2025'
    (the last such line: the signature)."""
    found = None
    for m in re.finditer(
        r"(?im)(?:\bfait\s+(?:à|a)\s+[^\n,]{2,40},?|^\s*[A-ZÀ-Ý][\w'’\- ]{1,40},)\s+le\s*:?\s*(.{0,30}(?:\n.{0,30})?)",
        text,
    ):
        if _STAMP_WORDS.search(m.group(0)):
            continue  # "Reçu en préfecture le …": the transmission, not the signature
        # a date stamped or written on the next line, its day split by the OCR ("2 8 AOUT 2014")
        found = first_date(_split_day(m.group(1)).lower()) or found
    return found


def _split_day(text: str) -> str:
    """'Séance du 1 6 décembre 2013' -> 'Séance du 16 décembre 2013' (an OCR'd day split in two)."""
    return re.sub(rf"(?i)\b([0-3]) (\d)(?=\s+(?:{MONTH_WORDS})\b)", r"\1\2", text)


_ASSEMBLY = {"commune": "conseil municipal", "epci": "conseil communautaire", "region": "conseil régional"}


def fold_lines(text: str) -> str:
    return "\n".join(fold(line) for line in text.split("\n"))


def _year(kind: str, head: str, text: str, date: str | None, filename: str) -> int | None:
    if kind == "proces_verbal" and date:
        return int(date[:4])
    folded = fold_lines(head)
    for window in (folded[:300], folded):  # the title area first
        for pattern in (
            r"exercice\s+(\d{4})",
            r"rapport\s+d'activites?\s+(\d{4})",
            r"deliberations\s+(\d{4})",
            r"annee\s+(\d{4})",
            r"^\s*(\d{4})\s*$",
        ):
            m = re.search(pattern, window, re.MULTILINE)
            if m and 1990 <= int(m.group(1)) <= 2100:
                return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text[:20000]))
    if years:
        return years.most_common(1)[0][0]
    m = re.search(r"(19|20)\d{2}", filename)
    return int(m.group(0)) if m else None


def _french_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{'1er' if d == 1 else d} {MONTH_NAMES[m - 1]} {y}"


def detect_metadata(
    first_pages_text: str,
    text: str,
    filename: str,
    big_lines: list[str],
    issuer_text: str | None = None,
    first_page_raw: str | None = None,
    raw_text: str | None = None,
) -> Metadata:
    """``first_page_raw``/``raw_text``: the first page and the document before running headers,
    footers and stamps are removed (the letterhead and the @ctes identifier live there)."""
    # a letterhead and dates as an OCR may have read them ("C O M M U N E  D E  C0RTE", "1°' avril")
    first_pages_text = head_text(first_pages_text)
    head = date_text(first_pages_text[:3000])
    raw_head = head_text(first_page_raw) if first_page_raw is not None else first_pages_text
    kind = detect_kind(head, text, filename)
    body = detect_body(raw_head, first_pages_text)
    found = identify_issuer(raw_head, first_pages_text, issuer_text or "", body)
    issuer = found.issuer if found else None
    ids = actes_ids(raw_text or "")
    if kind == "recueil" and len(ORDER_OPERATIVE.findall(text)) <= 1:
        kind = "arrete"  # one act cut out of a recueil, its header kept
    date = None
    if kind in ("proces_verbal", "deliberation", "ordre_du_jour"):
        date = _meeting_date(head, filename, ids, agenda=kind == "ordre_du_jour")
    elif kind == "arrete":
        date = _order_date(head, text, ids)
    elif kind == "recueil":
        date = _recueil_date(head)
    elif kind == "budget":
        date = _budget_date(first_pages_text + "\n" + text[-4000:])
    if kind == "budget" and found is not None and found.family in _ASSEMBLY:
        body = _ASSEMBLY[found.family]  # a budget is voted by the collectivité's assembly
    elif body is None and kind in ("proces_verbal", "deliberation", "ordre_du_jour") and found is not None:
        body = _ASSEMBLY.get(found.family)  # "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS" of a commune: its council
    year = int(date[:4]) if date else _year(kind, head, text, date, filename)
    if kind == "proces_verbal" and date:
        council = body if body in ("conseil communautaire", "bureau communautaire") else "conseil municipal"
        base = f"{council.capitalize()} du {_french_date(date)}"
    elif kind == "rapport_activite":
        base = f"Rapport d'activité {year}" if year else "Rapport d'activité"
    elif big_lines:
        base = " ".join(big_lines)
    else:
        base = next((ln.strip() for ln in head.split("\n") if len(ln.strip()) > 8), filename)
    base = re.sub(r"\s+", " ", base).strip()
    if kind == "rpqs" and year and str(year) not in base:
        base = f"{base} {year}"
    title = f"{issuer} – {base}" if issuer and fold(issuer) not in fold(base) else base
    return Metadata(
        issuer=issuer,
        kind=kind,
        year=year,
        date=date,
        title=title[:200],
        body=body,
        issuer_printed=re.sub(r"\s+", " ", found.printed).strip() if found else None,
        siren=Counter(i.siren for i in ids).most_common(1)[0][0] if ids else None,
    )


__all__ = ["TEXT_DATE", "Metadata", "detect_metadata"]
