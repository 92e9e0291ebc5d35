"""Document metadata: issuer, kind, year, meeting date and title, from the first pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from greffier.extract.dates import MONTH_NAMES, TEXT_DATE, first_date, make_date
from greffier.extract.headings import fold

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


def detect_kind(head: str, text: str, filename: str) -> str:
    """Kind from the title area first (an agenda may name an RPQS), then the first pages."""
    f = fold(filename.replace("-", " ").replace("_", " "))
    checks = (
        ("liste_deliberations", r"repertoire chronologique|liste des deliberations"),
        ("proces_verbal", r"\b(compte[- ]rendu|proces[- ]verbal|conseil (municipal|communautaire) du|l'an deux mille)"),
        ("rpqs", r"prix et (la )?qualite|\brpqs\b"),
        ("rapport_activite", r"rapport d'activites?"),
    )
    for window in (fold(head[:400]), fold(head[:3000])):
        for kind, pattern in checks:
            if re.search(pattern, window):
                return kind
    for kind, pattern in (
        ("liste_deliberations", r"repertoire|liste deliberations"),
        ("rpqs", r"\brpqs\b"),
        ("rapport_activite", r"rapport activite"),
        ("proces_verbal", r"\b(compte rendu|pv|cr)\b"),
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


def _meeting_date(head: str, filename: str) -> str | None:
    """The meeting date: after "Conseil ... du" / "séance du", else in the file name, else
    the first date of the title area."""
    m = re.search(
        r"(?:conseil\s+(?:municipal|communautaire)|s[ée]ance)\s*(?:du)?\s*[:\n ]\s*(.{0,40})", head, re.IGNORECASE
    )
    if m:
        iso = first_date(m.group(1))
        if iso:
            return iso
    return _filename_date(filename) or first_date(head[:600])


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
    first_pages_text: str, text: str, filename: str, big_lines: list[str], issuer_text: str | None = None
) -> Metadata:
    head = first_pages_text[:3000]
    # The title area names the issuer first; minutes mention other bodies at length.
    issuer = (
        detect_issuer(first_pages_text[:600])
        or detect_issuer(first_pages_text)
        or (detect_issuer(issuer_text) if issuer_text else None)
    )
    kind = detect_kind(head, text, filename)
    date = _meeting_date(head, filename) if kind == "proces_verbal" else None
    year = _year(kind, head, text, date, filename)
    if kind == "proces_verbal" and date:
        body = "Conseil communautaire" if re.search(r"communautaire", head, re.IGNORECASE) else "Conseil municipal"
        base = f"{body} du {_french_date(date)}"
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
    return Metadata(issuer=issuer, kind=kind, year=year, date=date, title=title[:200])


__all__ = ["TEXT_DATE", "Metadata", "detect_metadata"]
