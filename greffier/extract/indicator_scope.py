"""What a service report or budget is about: the commune, the exercise year and the service.

An RPQS names its collectivity on its title page in one of a few ways, which this module reads
in order of strength:

* "Commune de X", "COMMUNE D'X", "Ville de X", "Mairie de X";
* "Nom de la collectivité : X" / "Collectivité : X" (the SISPEA fiche);
* "Rapport annuel ... du service public d'assainissement collectif de (la commune de) X";
* the SISPEA model's cover: the collectivity's name alone on the line above the service
  ("Abainville" / "assainissement collectif"), or a consultant's cover that prints it alone under
  the service line ("Service de l'assainissement collectif" / "JONS" / "Département du Rhône").

A cover that names an intercommunal body (syndicat, communauté de communes, SIVOM, SIAEP...) as
the collectivity gives no commune: its figures are the service's, over several communes. When
the title page names no one, the commune the first pages name most often is taken, then the
issuer found by the metadata reader ("Commune de X").

The year is the exercise the title page states ("Exercice 2021", "Année 2021", "Rapport annuel
2021"), else the document's year. The service is the one the title page names, else the one the
first pages and the printed SISPEA codes (D1xx/P1xx water, D2xx/P2xx sewerage, D3xx/P3xx SPANC)
point to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from greffier.extract.indicator_ref import find_codes, norm, service_domain
from greffier.records import Document, Page

_SMALL = r"en|sur|sous|le|la|les|de|du|des|lès|lez|aux?|et|d['’][A-ZÀ-Ý]\w*"
_NAME = rf"([A-ZÀ-Ý][\w'’]*(?:[ -](?:[A-ZÀ-Ý][\w'’]*|{_SMALL}))*)"
_KEYWORD = r"(?:[Cc]ommune|COMMUNE|[Vv]ille|VILLE|[Mm]airie|MAIRIE)"
_OF = r"\s+(?:de\s+|DE\s+|d['’]\s*|D['’]\s*)"
_ARTICLE = r"(?:(?:la|le|les)\s+(?=[A-ZÀ-Ý])|l['’](?=[A-ZÀ-Ý]))?"
_COMMUNE_OF = re.compile(rf"\b{_KEYWORD}{_OF}({_ARTICLE}{_NAME[1:-1]})")
_COLLECTIVITY = re.compile(
    rf"(?i:nom\s+de\s+la\s+collectivit[ée]|collectivit[ée](?:\s+organisatrice|\s+comp[ée]tente)?)\s*:\s*"
    rf"(?:{_KEYWORD}{_OF})?{_NAME}"
)
_SERVICE_OF = re.compile(
    r"(?i:service\s+(?:public\s+)?(?:de\s+l['’]\s*|d['’]\s*|de\s+)?"
    r"(?:assainissement(?:\s+non)?\s+collectif|eau\s+potable|distribution\s+d['’]eau\s+potable))"
    rf"\s+(?:de\s+la\s+commune\s+|DE\s+LA\s+COMMUNE\s+)?(?:de\s+|DE\s+|d['’]\s*|D['’]\s*|à\s+){_NAME}"
)
# a line that is the service's name on a cover ("assainissement collectif", "Service de l'eau potable")
_SERVICE_LINE = re.compile(
    r"(?i)^\s*(?:service\s+(?:public\s+)?(?:de\s+l['’]\s*|d['’]\s*|de\s+)?)?"
    r"(?:assainissement(?:\s+non)?\s+collectif|eau\s+potable|spanc)\s*$"
)
# a body that serves several communes: its report's figures belong to no single commune
_GROUPING = re.compile(
    r"(?i)\b(?:syndicat|syndical|communaut[ée]|agglom[ée]ration|m[ée]tropole|sivom|sivu|siaep|sia|siva|"
    r"sivos|smaep|regie\s+intercommunale|intercommunal|epci|pays)\b"
)
# words that end a name printed in capitals on the same line ("COMMUNE DE RULLY RAPPORT ANNUEL")
_STOP = {
    "rapport", "service", "exercice", "annee", "assainissement", "eau", "departement", "prix", "qualite",
    "public", "annuel", "rpqs", "collectif", "non", "potable", "spanc", "version", "canton", "arrondissement",
    "code", "insee", "siren", "population", "habitants", "tel", "mail", "adresse", "region", "prefecture",
    "direction", "agence", "document", "sommaire", "annexe", "bilan", "synthese", "presentation",
}  # fmt: skip
_NOT_NAMES = {"assainissement", "eau", "service", "la", "le", "les", "france", "rapport", "annexe", "sommaire"}
_YEAR = (
    re.compile(r"(?i)\bexercice\s*:?\s*((?:19|20)\d{2})\b"),
    re.compile(r"(?i)\bann[ée]e\s*:?\s*((?:19|20)\d{2})\b"),
    re.compile(r"(?i)\brapport\s+annuel\b[^\n]{0,120}?\b((?:19|20)\d{2})\b"),
)
_TITLE_SERVICE = (
    ("assainissement_non_collectif", re.compile(r"(?i)assainissement\s+non[\s-]+collectif|\bSPANC\b")),
    ("assainissement_collectif", re.compile(r"(?i)assainissement\s+collectif|eaux\s+us[ée]es")),
    ("eau_potable", re.compile(r"(?i)eau\s+potable|distribution\s+d['’]eau")),
)
_CODE_SERVICE = {"1": "eau_potable", "2": "assainissement_collectif", "3": "assainissement_non_collectif"}


@dataclass(frozen=True)
class Scope:
    commune: str | None
    year: int | None
    domain: str | None


def report_scope(doc: Document, pages: Sequence[Page]) -> Scope:
    """The commune, exercise year and service of a document (see the module's docstring)."""
    head = doc.title + "\n" + "\n".join(p.text for p in pages[:3])
    domain = report_domain(head, pages)
    cover = pages[0].text if pages else ""
    year = cover_year(cover) or exercise_year(pages) or doc.year
    water = domain in _CODE_SERVICE.values() or doc.kind == "rpqs"
    commune = report_commune(doc, pages) if water or domain == "dechets" else _issuer_commune(doc.issuer)
    return Scope(commune, year, domain)


def cover_year(cover: str) -> int | None:
    """The exercise a title page states: "Exercice 2021", "Année 2021", "Rapport annuel ... 2021"."""
    for pattern in _YEAR:
        m = pattern.search(cover[:3000])
        if m:
            return int(m.group(1))
    return None


_EXERCISE_MENTION = re.compile(
    r"(?i)\b(?:exercice|ann[ée]e)\s*:?\s*((?:19|20)\d\d)\b|\b31\s*(?:/\s*12\s*/|\.12\.|\s+d[ée]cembre\s+)((?:19|20)\d\d)\b"
)


def exercise_year(pages: Sequence[Page]) -> int | None:
    """The exercise a report describes when its title page does not state it: the year its pages
    name most often as an exercise ("Exercice 2021", "pour l'année 2021", "au 31/12/2021"), running
    headers included; None when no year is named so at least three times. The year the report is
    presented or voted (a deliberation of June N+1) is not the exercise."""
    counts: dict[int, int] = {}
    for page in pages:
        for text in (page.text, *page.removed):
            for m in _EXERCISE_MENTION.finditer(text):
                y = int(m.group(1) or m.group(2))
                counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda y: (counts[y], y))
    return best if counts[best] >= 3 else None


def report_domain(head: str, pages: Sequence[Page]) -> str | None:
    """The service the title page names; when it names none or several, the first pages' words,
    and for a water report whose words are ambiguous, the family of the SISPEA codes it prints."""
    domain = service_domain(head)
    if domain in ("budget", "dechets"):
        return domain
    cover = pages[0].text[:2500] if pages else ""
    named = [d for d, pattern in _TITLE_SERVICE if pattern.search(cover)]
    if "assainissement_non_collectif" in named and "assainissement_collectif" in named:
        # "assainissement collectif et non collectif": one report on both, read as the collective one
        # unless the cover only says SPANC
        named.remove("assainissement_non_collectif")
    if len(named) == 1:
        return named[0]
    families: dict[str, int] = {}
    for page in pages:
        for _, _, code in find_codes(page.text):
            family = _CODE_SERVICE.get(code.lstrip("DPdp.")[:1])
            if family:
                families[family] = families.get(family, 0) + 1
    if families:
        best = max(families, key=lambda k: families[k])
        if families[best] >= 3 and families[best] >= 2 * sum(n for k, n in families.items() if k != best):
            return best
    return domain


def report_commune(doc: Document, pages: Sequence[Page]) -> str | None:
    """The commune a single-commune report is about; None for an intercommunal one.

    Each place a report may name its collectivity proposes a name with a weight (the cover and the
    "Présentation du territoire" section most, then the running headers, the issuer, any "commune
    de X" of the report, the file name); a name also gains with the number of times the whole
    report prints it (the commune of a single-commune report is printed all along, an address on
    the cover once). A cover or presentation naming an intercommunal body gives None."""
    cover = cover_commune(pages[0].text if pages else "")
    presented = _presented_commune(pages[1:6])
    if cover == "" or (cover is None and presented == ""):
        return None
    if cover is None and not presented and _GROUPING.search(doc.issuer or ""):
        return None  # a community's or a syndicate's report: its figures cover all its communes
    votes: dict[str, float] = {}
    shown: dict[str, str] = {}

    def vote(name: str | None, weight: float) -> None:
        if name:
            key = _plain(name)
            votes[key] = votes.get(key, 0.0) + weight
            shown.setdefault(key, name)

    vote(cover, 4)
    vote(presented, 4)
    vote(_header_commune(pages[1:6]), 3)
    vote(_issuer_commune(doc.issuer), 3)
    for page in pages:
        for m in _COMMUNE_OF.finditer(page.text):
            vote(_clean_name(m.group(1)), 0.5)
    text = " " + _plain("\n".join([*(p.text for p in pages), *(ln for p in pages for ln in p.removed)])) + " "
    named = _file_commune(doc.path)
    if named and f" {_plain(named)} " in text:
        vote(named, 2)  # a file name the report never prints is no evidence
    if not votes and not doc.issuer:
        first = doc.title.split()[0] if doc.title else ""
        if first[:1].isupper() and first.isalpha() and len(first) > 2:
            vote(_title(first), 1)
    if not votes:
        return None
    for key in votes:
        votes[key] += min(text.count(f" {key} "), 20) / 4
    best = max(votes, key=lambda k: votes[k])
    if votes[best] < 2:
        return None
    raw = "\n".join(p.text for p in pages)
    return _with_article(shown[best], best, text, raw)


def _with_article(name: str, key: str, text: str, raw: str) -> str:
    """The official name with its article when the report prints one with it: "Corne-en-Vexin"
    read in "commune de la Corne-en-Vexin" or "CORNE-EN-VEXIN (LA)" is "La Corne-en-Vexin"."""
    if key.split()[0] in ("la", "le", "les", "l"):
        return name
    bare = text.count(f" {key} ")
    suffixed = re.compile(r"(?i)" + r"[\s'’-]+".join(map(re.escape, name.split())) + r"\s*\((la|le|les|l['’]?)\)")
    for article in ("la", "le", "les", "l"):
        after = sum(1 for m in suffixed.finditer(raw) if _plain(m.group(1)) == article)
        with_article = text.count(f" {article} {key} ") + after
        if with_article and with_article * 2 >= bare:
            return f"{article.capitalize()}{chr(39) if article == 'l' else ' '}{name}"
    return name


def _plain(text: str) -> str:
    """Accent- and case-free words separated by single spaces ("La Corne-en-Vexin" -> "la corne en vexin")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", folded))


_FILE_WORDS = {
    "rpqs", "rad", "ac", "anc", "aep", "ep", "eu", "eau", "eaux", "potable", "assainissement", "collectif",
    "non", "spanc", "rapport", "annuel", "prix", "qualite", "service", "public", "commune", "ville", "mairie",
    "de", "du", "des", "la", "le", "les", "d", "l", "et", "sur", "final", "def", "definitif", "version", "v",
    "annexe", "deliberation", "del", "exercice", "pdf", "scan", "signe", "vf", "projet", "extracted",
}  # fmt: skip


def _file_commune(path: str) -> str | None:
    """The longest run of non-generic words of the file name ("RPQS_Rully_AC_2021.pdf" -> "Rully",
    "rpqs-2021-la-corne-en-vexin.pdf" -> "La Corne En Vexin", "RPQS_LaCorneEnVexin" -> the same)."""
    stem = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", path.replace("\\", "/").rsplit("/", 1)[-1])
    stem = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý])", " ", stem)
    runs: list[list[str]] = [[]]
    for token in re.split(r"[_\s.+-]+", stem):
        if not token or _plain(token) in _FILE_WORDS or re.search(r"\d", token):
            runs.append([])
        else:
            runs[-1].append(token)
    best = max(runs, key=lambda r: len(" ".join(r)))
    name = " ".join(w[:1].upper() + w[1:] for w in best)
    return name if len(_plain(name).replace(" ", "")) > 2 else None


_PRESENTED = re.compile(r"(?i)desser|collectivit|territoire|service|g[ée]r[ée]")


def _presented_commune(pages: Sequence[Page]) -> str | None:
    """The collectivity of the "Présentation du territoire desservi" section: "Nom de la
    collectivité : X", "Territoire desservi : commune d'X", "Le service dessert la commune d'X".
    "" when the collectivity named there is an intercommunal body."""
    for page in pages:
        text = page.text
        for m in _COLLECTIVITY.finditer(text):
            end = text.find("\n", m.start())
            line = text[m.start() : end if end >= 0 else len(text)]
            if _GROUPING.search(line.split(":", 1)[-1]):
                return ""
            name = _clean_name(m.group(1))
            if name:
                return name
        for m in _COMMUNE_OF.finditer(text):
            if _PRESENTED.search(text[max(0, m.start() - 60) : m.start()]):
                name = _clean_name(m.group(1))
                if name:
                    return name
    return None


_HEADER_NAME = re.compile(rf"^{_NAME}\s*[:–—-]\s*(?i:RPQS|R\.P\.Q\.S|rapport|prix\s+et\s+qualit)")


def _header_commune(pages: Sequence[Page]) -> str | None:
    """A commune in the running headers or footers: "Commune de X – RPQS 2021", "JONS : RPQS ASS"."""
    seen: dict[str, int] = {}
    for page in pages:
        for line in page.removed:
            m = _COMMUNE_OF.search(line) or _HEADER_NAME.search(line.strip())
            name = _clean_name(m.group(1)) if m else None
            if name:
                seen[name] = seen.get(name, 0) + 1
    return max(seen, key=lambda k: seen[k]) if seen else None


def cover_commune(cover: str) -> str | None:
    """The commune a title page names; "" when it names an intercommunal body as the collectivity
    (no single commune), None when it names no one."""
    lines = [ln.strip() for ln in cover[:3000].split("\n")]
    for pattern in (_COMMUNE_OF, _COLLECTIVITY, _SERVICE_OF):
        for m in pattern.finditer("\n".join(lines)):
            name = _clean_name(m.group(1))
            if name:
                return name
    for i, line in enumerate(lines):
        if not _SERVICE_LINE.match(line):
            continue
        for j in (i - 1, i + 1):  # the SISPEA cover prints the name above, some covers below
            if 0 <= j < len(lines) and lines[j]:
                if _GROUPING.search(lines[j]) and len(lines[j].split()) <= 12:
                    return ""
                name = _bare_name(lines[j])
                if name:
                    return name
    return None


def _bare_name(line: str) -> str | None:
    """A line that is only a place name ("Abainville", "JONS", "La Corne-en-Vexin")."""
    m = re.fullmatch(_NAME, line.strip(" .,:"))
    if not m or len(line.split()) > 5:
        return None
    return _clean_name(m.group(1))


def _clean_name(raw: str) -> str | None:
    words = re.split(r"(\s+)", raw.strip(" .,:-'’"))
    kept: list[str] = []
    for w in words:
        if w.strip() and norm(w) in _STOP:
            break
        kept.append(w)
    name = _title("".join(kept).strip(" -'’"))
    name = name[:1].upper() + name[1:]
    if not name or len(norm(name).replace(" ", "")) <= 2 or norm(name) in _NOT_NAMES:
        return None
    if _GROUPING.search(name):
        return None
    return name


def title_case(name: str) -> str:
    """A place name printed in capitals as it is written ("LA CORNE-EN-VEXIN" -> "La Corne-en-Vexin")."""
    return _title(name)


def _issuer_commune(issuer: str | None) -> str | None:
    m = re.match(r"(?i)(?:commune|ville|mairie)\s+(?:de\s+|d['’]\s*)(.+)", issuer or "")
    return _title(m.group(1)) if m else None


def _title(name: str) -> str:
    name = name.strip(" .,:")
    if not name.isupper():
        return name
    small = {"En", "Sur", "Sous", "Le", "La", "Les", "De", "Du", "Des", "Et", "Aux", "Au"}
    words = re.split(r"([ -])", name.title())
    return "".join(w.lower() if w in small and i > 0 else w for i, w in enumerate(words))


_REGION = re.compile(r"\bR[ée]gion\s+(?:de |d'|du |des )?[A-ZÉ][\w'-]+(?:[ -][A-ZÉ][\w'-]+)*")


def issuer_printed(pages: Sequence[Page]) -> str | None:
    """A region named in the running headers or the first pages (budget maquettes name no one else)."""
    for page in pages[:6]:
        for text in (*page.removed, page.text[:2000]):
            m = _REGION.search(text)
            if m:
                return m.group(0)
    return None
