"""Who issued a document, which body decides in it, and when: read from the document's own
header, letterhead, title block or opening formula, never from a passing mention.

Signals, from the most to the least telling:

* the opening formula of minutes and extracts ("L'an deux mille quinze, le vingt-trois mai, le
  Conseil Municipal de la commune de X …", "Le maire de la commune de X, Vu …", "Le Préfet de X");
* the letterhead: the first lines of the first page ("COMMUNE DE X", "PRÉFET DU VAL-DE-MARNE",
  "Région Bretagne", "Communauté de communes …");
* the @ctes transmission identifier every act sent to the préfecture carries
  ("029-200054724-20170928-08717-DE": département, SIREN of the issuer, decision date, number,
  nature DE/AR/…), which names the issuer's SIREN and the decision date in any collectivité.

A name mentioned further down (the community the commune belongs to, a partner commune) only
counts when nothing in the header or the formula names an issuer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from greffier.extract.dates import MONTH_WORDS, MONTHS, make_date
from greffier.extract.headings import fold
from greffier.extract.prefectures import find_prefectures
from greffier.records import Document

_UP = "A-ZÀ-ÖØ-Þ"
_PARTICLE = r"(?:sur|sous|en|le|la|les|de|du|des|aux|au|et|lès|lez|d['’]|l['’])"
# a place name: capitalized words, joined by spaces or hyphens, with lowercase particles between
_NAME = rf"(?:[{_UP}][\w'’]*|[dl]['’][{_UP}][\w'’]*)(?:(?:[ \t]|-)(?:{_PARTICLE}(?:[ \t]|-)?)*[{_UP}][\w'’]*)*"
_OF = r"(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+|d['’]\s*)"

_COMMUNE = re.compile(rf"\b(?i:commune|mairie|ville)[ \t]+(?i:de[ \t]+|d['’][ \t]*)(?P<name>{_NAME})")
_FORMULA = re.compile(
    rf"(?i:conseil\s+municipal|le\s+maire|la\s+maire|le\s+conseil)\s+(?i:de\s+la\s+(?:commune|ville)\s+(?:de\s+|d['’]\s*)|"
    rf"de\s+(?:la\s+commune\s+de\s+)?)(?P<name>{_NAME})"
)
_EPCI = re.compile(
    rf"\b(?i:communaut[ée]\s+(?:de\s+communes|d['’]\s*agglom[ée]ration|urbaine)|m[ée]tropole)"
    rf"(?:[ \t]+(?i:{_OF}))?[ \t]*(?P<name>{_NAME})"
)
_PREFET = re.compile(rf"\b(?i:pr[ée]f(?:et|[èe]te|ecture))[ \t]+(?P<of>(?i:{_OF}))(?P<name>{_NAME})")
# "Région Bretagne", "Région de Bretagne", "Conseil régional de Normandie"
_REGION = re.compile(
    rf"\b(?:(?i:conseil\s+r[ée]gional)\s+(?i:{_OF})?|(?i:r[ée]gion)\s*:?\s*(?i:de\s+(?!la\b))?)(?P<name>{_NAME})"
)
# the names a region goes by besides its own ("Région Sud" is Provence-Alpes-Côte d'Azur)
_REGION_ALIASES = {"sud": "Provence-Alpes-Côte d'Azur", "centre": "Centre-Val de Loire"}
_SYNDICAT = re.compile(
    rf"\b(?P<kind>SIVOM|SIVU|SIAEP|SMICTOM|Syndicat[ \t]+(?:[\w'’]+[ \t]+){{0,5}}?)(?i:{_OF})(?P<name>{_NAME})"
)
_ACTES_ID = re.compile(r"\b(\d{2}[\dAB])-(\d{9})-((?:19|20)\d{6})-([\w.\-]{1,40}?)-(DE|AR|AI|AU|CC|BF)\b")
_STAMP_LINE = re.compile(
    r"(re[çc]u|envoy[ée]|publi[ée]|affich[ée])\b.{0,30}(pr[ée]fecture|le\s)|\bID\s*:", re.IGNORECASE
)
_NOT_A_PLACE = {
    "la",
    "le",
    "les",
    "communes",
    "commune",
    "conseil",
    "séance",
    "seance",
    "réunion",
    "monsieur",
    "madame",
    # a question or a sentence going on after a label: "nom de la commune : Quelle serait …"
    "quelle",
    "quel",
    "quels",
    "quelles",
    "votre",
    "notre",
    "cette",
    # the attendance block beside an opening formula, fused with it by an OCR reading two columns
    # as one ("le Conseil Municipal de la Commune de / Présents : 11")
    "presents",
    "absents",
    "excuses",
    "votants",
    "procuration",
    "procurations",
    "convocation",
    "exercice",
}
_REGIONS = (
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
)


def display_name(raw: str) -> str:
    """A place name as usually written: 'SAINT-JEAN-DE-LUZ' -> 'Saint-Jean-de-Luz', 'CHEMERE' ->
    'Chemere' (accents an all-caps name lacks cannot be guessed); mixed-case names kept."""
    raw = re.sub(r"[ \t]+", " ", raw).strip(" -'’")
    if any(c.islower() for c in raw.replace("d'", "").replace("l'", "").replace("d’", "").replace("l’", "")):
        return raw
    parts = re.split(r"([ \-])", raw.lower())
    out = []
    for i, p in enumerate(parts):
        if p in (" ", "-") or not p:
            out.append(p)
        elif i > 0 and re.fullmatch(r"(sur|sous|en|le|la|les|de|du|des|aux|au|et|lès|lez)", p):
            out.append(p)
        elif re.match(r"[dl]['’]", p) and len(p) > 2:
            out.append(p[:2] + p[2:3].upper() + p[3:])
        else:
            out.append(p[:1].upper() + p[1:])
    return "".join(out)


def _commune(name: str) -> str:
    name = display_name(name)
    return f"Commune d'{name}" if fold(name)[:1] in "aeiouyh" else f"Commune de {name}"


@dataclass(frozen=True)
class Candidate:
    issuer: str  # canonical
    printed: str  # as the document wrote it
    family: str  # commune | epci | prefecture | region | syndicat
    weight: float


def _trim(name: str) -> str:
    """Drop trailing words that belong to the sentence, not the name ('Audierne Vu', 'X Le')."""
    words = name.split(" ")
    while len(words) > 1 and fold(words[-1]) in _NOT_A_PLACE | {"vu", "le", "la", "les", "et", "du", "de"}:
        words.pop()
    return " ".join(words)


# a letterhead address: "HOTEL DE VILLE – 12, QUAI JEAN JAURES – 29770 AUDIERNE"
_TOWN_HALL = re.compile(
    r"\b(?:H[ÔO]TEL\s+DE\s+VILLE|MAIRIE)\b[\s\S]{0,160}?\b\d{5}[ \t]+"
    r"(?P<name>[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+(?:[ \t]+[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+)*)"
)


# a form's field naming the collectivité: "Nom de la collectivité : Commune de Rully",
# "Collectivité : JONS", "Maître d'ouvrage : commune de X" (RPQS, reports, forms), its label opening
# a line: "un changement de nom de la commune :" in a sentence is no field
_FIELD = re.compile(
    rf"^[ \t•*–-]*(?i:nom\s+de\s+la\s+(?:collectivit[ée]|commune)"
    rf"|collectivit[ée](?:\s+(?:organisatrice|comp[ée]tente))?"
    rf"|autorit[ée]\s+organisatrice|ma[îi]tre\s+d['’]\s?ouvrage|commune)\s*:\s*"
    rf"(?:(?i:la\s+)?(?i:commune|ville|mairie)\s+(?i:de\s+|d['’]\s*))?(?P<name>{_NAME})",
    re.MULTILINE,
)


def _candidates(text: str, weight: float) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _FIELD.finditer(text):
        name = _trim(m.group("name"))
        if fold(name) in _NOT_A_PLACE or re.match(
            r"(?i)(communaut|syndicat|sivom|sivu|siaep|m[ée]tropole|r[ée]gion)", name
        ):
            continue  # an EPCI or a syndicate is read by its own pattern
        out.append(Candidate(_commune(name), m.group(0), "commune", weight * 1.5))
    for m in _TOWN_HALL.finditer(text):
        name = re.sub(r"\s+CEDEX.*$", "", m.group("name")).strip()
        if fold(name) not in _NOT_A_PLACE and len(name) > 2:
            out.append(Candidate(_commune(name), m.group(0), "commune", weight))
    for m in _FORMULA.finditer(text):
        name = _trim(m.group("name"))
        if fold(name) not in _NOT_A_PLACE:
            out.append(Candidate(_commune(name), m.group(0), "commune", weight * 1.5))
    for m in _COMMUNE.finditer(text):
        name = _trim(m.group("name"))
        before = text[max(0, m.start() - 14) : m.start()]
        if fold(name) in _NOT_A_PLACE or re.search(r"(?i)communaut[ée]\s*$", before):
            continue
        out.append(Candidate(_commune(name), m.group(0), "commune", weight))
    for m in _EPCI.finditer(text):
        printed = re.sub(r"\s+", " ", m.group(0)).strip()
        head = printed[: m.start("name") - m.start()].strip()
        name = display_name(_trim(m.group("name")))
        if fold(name) in _NOT_A_PLACE:
            continue
        low = fold(head)
        if low.startswith("metropole") and "aix" in fold(name):
            canon = "Métropole Aix-Marseille-Provence"
        else:
            canon = _epci_name(head, name)
        out.append(Candidate(canon, printed, "epci", weight))
    known = find_prefectures(text)
    for k in known:  # a département the State names: its canonical préfecture
        out.append(Candidate(k.issuer, k.printed, "prefecture", weight * (0.8 if k.service else 1.0)))
    for m in [] if known else _PREFET.finditer(text):
        name = display_name(_trim(m.group("name")))
        of = re.sub(r"\s+", " ", m.group("of").lower()).replace("’", "'").replace("l' ", "l'")
        if fold(name) in _NOT_A_PLACE:
            continue
        out.append(Candidate(f"Préfecture {of}{name}", m.group(0), "prefecture", weight))
    for m in _REGION.finditer(text):
        if re.search(r"(?i)pr[ée]f(?:et|[èe]te|ecture)\s+de\s+la\s*$", text[max(0, m.start() - 20) : m.start()]):
            continue  # "le préfet de la région X": the State, not the region
        name = display_name(_trim(m.group("name")))
        known = next((r for r in _REGIONS if fold(r).replace("-", " ") == fold(name).replace("-", " ")), None)
        known = known or next(
            (r for r in _REGIONS if fold(name).replace("-", " ").startswith(fold(r).replace("-", " "))), None
        )
        first = fold(name).split(" ")[0].split("-")[0]
        known = known or (_REGION_ALIASES.get(first) if first in _REGION_ALIASES else None)
        if known:
            out.append(Candidate(f"Région {known}", m.group(0), "region", weight))
    for m in _SYNDICAT.finditer(text):
        name = display_name(_trim(m.group("name")))
        kind = re.sub(r"\s+", " ", m.group("kind")).strip()
        out.append(Candidate(f"{kind} {_of_form(m.group(0), kind, name)}", m.group(0), "syndicat", weight * 0.9))
    return out


def _of_form(printed: str, kind: str, name: str) -> str:
    of = printed[len(kind) :].strip()
    of = of[: len(of) - len(name)].strip() if of.lower().endswith(name.lower()) else "de"
    sep = "" if of.endswith(("’", "'")) else " "
    return f"{of.lower()}{sep}{name}".replace("’", "'")


def _epci_name(head: str, name: str) -> str:
    words = re.sub(r"\s+", " ", head).split(" ")
    kind = " ".join([words[0].capitalize()] + [w.lower() for w in words[1:]])
    kind = re.sub(r"^Communaute", "Communauté", kind)
    kind = kind.replace("agglomeration", "agglomération")
    return f"{kind} {name}"


def _initials(name: str) -> str:
    """'Communauté de Communes des Lisières de l'Oise' -> 'CCLO' (particles skipped)."""
    words = re.split(r"[\s\-’']+", name)
    return "".join(w[0].upper() for w in words if w and w[0].isalpha() and fold(w) not in _PARTICLES)


_PARTICLES = {"sur", "sous", "en", "le", "la", "les", "de", "du", "des", "aux", "au", "et", "d", "l"}


# a register's or an agenda's numbered row ("2026 _003 Révision des statuts du Syndicat …",
# "2024-015 …", "12. …"): the body of the document has begun, the header is above it
_NUMBERED_ROW = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*[-_/ ]\s*_?\d{1,4}|\d{1,3}\s*[.)-])\s+\S")


def _head_lines(first_page: str, n: int = 12) -> str:
    lines = [ln for ln in first_page.split("\n") if ln.strip() and not _STAMP_LINE.search(ln)]
    head: list[str] = []
    for ln in lines[:n]:
        if head and _NUMBERED_ROW.match(ln):
            break
        head.append(ln)
    return "\n".join(head)


def _foot_candidates(first_page: str, n: int = 8) -> list[Candidate]:
    """The town hall's address a letterhead prints at the foot of the page ("HOTEL DE VILLE – 12,
    QUAI JEAN JAURES – 29770 AUDIERNE"): read first by a text layer, last by an OCR."""
    lines = [ln for ln in first_page.split("\n") if ln.strip() and not _STAMP_LINE.search(ln)]
    foot = "\n".join(lines[-n:])
    out = []
    for m in _TOWN_HALL.finditer(foot):
        name = re.sub(r"\s+CEDEX.*$", "", m.group("name")).strip()
        if fold(name) not in _NOT_A_PLACE and len(name) > 2:
            out.append(Candidate(_commune(name), m.group(0), "commune", 3.0))
    return out


BODY_FAMILY = {
    "conseil municipal": "commune",
    "maire": "commune",
    "conseil communautaire": "epci",
    "bureau communautaire": "epci",
    "président": "epci",
    "préfet": "prefecture",
    "conseil régional": "region",
}


def _formula(text: str) -> re.Match[str] | None:
    return re.search(r"(?i)l['’]an\s+(deux|mil)|s['’]est\s+r[ée]uni|d[ûu]ment\s+convoqu|\bvu\b", text)


def detect_body(first_page: str, first_pages: str) -> str | None:
    """Who deliberates or decides, from the title block (the first lines) and the opening
    formula; a body named further down (a report 'transmis au Préfet') does not count."""
    head = _head_lines(first_page, 15)
    formula = _formula(first_pages)
    if formula:
        head += "\n" + first_pages[max(0, formula.start() - 300) : formula.start() + 300]
    low = fold(head)
    checks = (
        ("bureau communautaire", r"bureau communautaire|deliberations? du bureau"),
        ("conseil communautaire", r"conseil communautaire|conseil de (la )?communaute"),
        ("conseil municipal", r"conseil municipal|conseil de la commune"),
        ("conseil régional", r"conseil regional|assemblee regionale|\bregion\b.{0,40}budget|budget.{0,60}\bregion\b"),
        (
            "préfet",
            r"\bprefe(t|te)\b.{0,80}\barrete\b|\barrete prefectoral|\bprefe(t|te) (de|du|des|d')"
            r"|recueil des actes administratifs\b.{0,80}\bprefecture\b",
        ),
        ("maire", r"arrete (du|municipal)|\ble maire\b.{0,200}\barrete\b|decision du maire"),
        ("président", r"decision du president|\ble president\b.{0,200}\b(decide|arrete)\b"),
    )
    found = [(m.start(), body) for body, pat in checks for m in [re.search(pat, low)] if m]
    if not found:
        return None
    return min(found)[1]


def detect_issuer(first_page: str, first_pages: str, more: str = "", body: str | None = None) -> Candidate | None:
    """The issuer: header and opening formula first; a passing mention only when nothing else."""
    head = _head_lines(first_page)
    cands = _candidates(head, 3.0) + _foot_candidates(first_page)
    formula = _formula(first_pages)
    if formula:
        cands += [c for c in _candidates(first_pages[max(0, formula.start() - 400) : formula.start() + 600], 2.0)]
    if not cands:
        # nothing in the header or the formula: a name the first pages repeat, never a single
        # passing mention (a syndicate in one row of a register, a partner commune)
        # of the deciding body's family when the body is known (a council's minutes mention the
        # community of communes at length), and either named twice or the only one named
        families = (BODY_FAMILY[body],) if body in BODY_FAMILY else ("commune", "epci")
        pool = more or first_pages
        mentions = [c for c in _candidates(pool, 1.0) if c.family in families]
        counted = Counter(issuer_key(c.issuer) for c in mentions)
        for key in list(counted):  # "la Communauté de communes des Lisières de l'Oise", then "la CCLO"
            name = next(c.printed for c in mentions if issuer_key(c.issuer) == key)
            acronym = _initials(name)
            if len(acronym) >= 3:
                counted[key] += len(re.findall(rf"\b{acronym}\b", pool))
        cands = [c for c in mentions if counted[issuer_key(c.issuer)] >= 2]
    if not cands and BODY_FAMILY.get(body or "") == "commune":
        # a mayor's letter or act dated from the town hall: "Calvi, le 6 février 2023", "Fait à
        # Zonza, le …" (a préfecture's acts are dated from its seat, hence the commune's body only)
        cands = [
            Candidate(_commune(m.group("place")), m.group(0), "commune", 1.0) for m in _PLACE_DATE.finditer(first_pages)
        ]
        cands = [c for c in cands if fold(c.printed.split(",")[0]).removeprefix("fait a ") not in _NOT_A_PLACE]
    if not cands:
        return None
    family = BODY_FAMILY.get(body or "")
    scores: Counter[str] = Counter()
    best: dict[str, Candidate] = {}
    for c in cands:
        w = c.weight * (1.5 if family and c.family == family else 1.0)
        scores[c.issuer] += w
        if c.issuer not in best or c.weight > best[c.issuer].weight:
            best[c.issuer] = c
    # two spellings of one issuer ("Commune de CHEMERE", "Commune de Chéméré"): the accented one
    keys: dict[str, str] = {}
    for name in sorted(scores, key=lambda n: (-sum(1 for ch in n if ord(ch) > 127), n)):
        keys.setdefault(fold(name).replace("-", " "), name)
    merged: Counter[str] = Counter()
    for name, s in scores.items():
        merged[keys[fold(name).replace("-", " ")]] += s
    top = merged.most_common(1)[0][0]
    return Candidate(top, best[top].printed, best[top].family, merged[top])


_PLACE_DATE = re.compile(
    rf"^[ \t]*(?i:fait[ \t]+[àa][ \t]+)?(?P<place>{_NAME}),?[ \t]+(?i:le)[ \t]+(?:\w+[ \t]+)?[0-3]?\d(?:er)?[ \t]+"
    rf"(?i:{MONTH_WORDS})[ \t]+(?:19|20)\d\d\b",
    re.MULTILINE,
)


# -- dates written in words -------------------------------------------------------------------
_UNITS = {
    "un": 1, "une": 1, "premier": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip
_NUMBER_WORD = re.compile(r"^(?:" + "|".join(_UNITS) + r"|et|mil|mille|cent|cents)$")


def words_value(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for i, w in enumerate(words):
        if w == "et":
            continue
        if w in ("mil", "mille"):
            total += max(current, 1) * 1000
            current = 0
        elif w in ("cent", "cents"):
            current = max(current, 1) * 100
        elif w == "vingt" and i and words[i - 1] == "quatre":
            current += 80 - 4
        else:
            current += _UNITS[w]
        seen = True
    return total + current if seen else None


def _number_runs(tokens: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, value) of each run of number words."""
    runs, i = [], 0
    while i < len(tokens):
        if _NUMBER_WORD.match(tokens[i]) and tokens[i] != "et":
            j = i
            while j < len(tokens) and _NUMBER_WORD.match(tokens[j]):
                j += 1
            value = words_value(tokens[i:j])
            if value is not None:
                runs.append((i, j, value))
            i = j
        else:
            i += 1
    return runs


def date_in_words(text: str) -> str | None:
    """'L'an deux mille quinze, le vingt-trois mai' or 'le vingt-huit septembre deux mil
    dix-sept' (figures mixed in are read too: 'le 22 avril deux mil quatorze') as ISO."""
    tokens = re.findall(r"[a-z]+|\d+", fold(text).replace("-", " "))
    runs = {start: (end, value) for start, end, value in _number_runs(tokens)}
    year_an = None
    for k, t in enumerate(tokens[:-1]):
        if t == "an" and k + 1 in runs and 1900 <= runs[k + 1][1] <= 2100:
            year_an = runs[k + 1][1]
            break
    for k, t in enumerate(tokens):
        month = MONTHS.get(t)
        if not month or len(t) < 3:
            continue
        # "le douze du mois d'avril": the day before "du mois de"
        end = k - 3 if k >= 3 and tokens[k - 3 : k - 1] == ["du", "mois"] and tokens[k - 1] in ("d", "de") else k
        day = next((v for s, (e, v) in runs.items() if e == end and 1 <= v <= 31), None)
        in_words = day is not None
        if day is None and k and tokens[k - 1].isdigit() and 1 <= int(tokens[k - 1]) <= 31:
            day = int(tokens[k - 1])
        if day is None:
            continue
        year = runs[k + 1][1] if k + 1 in runs and 1900 <= runs[k + 1][1] <= 2100 else None
        in_words = in_words or year is not None
        if year is None and k + 1 < len(tokens) and tokens[k + 1].isdigit() and len(tokens[k + 1]) == 4:
            year = int(tokens[k + 1])
        if year is None and year_an:
            year, in_words = year_an, True
        if not in_words:
            continue  # '22 avril 2014' in figures: first_date's business, not this
        if year:
            iso = make_date(year, month, day)
            if iso:
                return iso
    return None


@dataclass(frozen=True)
class ActesId:
    departement: str
    siren: str
    date: str | None
    number: str
    nature: str  # DE délibération, AR arrêté, AI acte individuel, CC contrat, BF budget, AU autre


def actes_ids(text: str) -> list[ActesId]:
    out = []
    for m in _ACTES_ID.finditer(text):
        d = m.group(3)
        out.append(
            ActesId(m.group(1), m.group(2), make_date(int(d[:4]), int(d[4:6]), int(d[6:])), m.group(4), m.group(5))
        )
    return out


def with_siren_issuer(doc: Document, known: dict[str, str]) -> Document:
    """A document that names no issuer but carries a SIREN another document names (a scanned
    deliberation whose letterhead is a logo, beside the commune's minutes): that issuer."""
    if doc.issuer or not doc.siren or doc.siren not in known:
        return doc
    issuer = known[doc.siren]
    return replace(
        doc, issuer=issuer, title=f"{issuer} – {doc.title}" if fold(issuer) not in fold(doc.title) else doc.title
    )


_ISSUER_PREFIX = re.compile(r"^(commune|ville|mairie)\s+(de\s+|d')")


def issuer_key(name: str | None) -> str:
    """One key per collectivité whatever the spelling: case, accents, apostrophes, hyphens,
    'Ville de'/'Commune de'/'Mairie de' and a département number '(29)' aside."""
    if not name:
        return ""
    key = _ISSUER_PREFIX.sub("", fold(name))
    key = re.sub(r"\(\d+[ab]?\)", "", key)
    return re.sub(r"[\s\-']+", " ", key).strip()


def canonical_issuers(names: list[str]) -> dict[str, str]:
    """Each spelling -> the one shown for its collectivité: the spelling with the most accents
    (all-caps names lose theirs), then the most frequent."""
    counts = Counter(names)
    groups: dict[str, list[str]] = {}
    for name in counts:
        groups.setdefault(issuer_key(name), []).append(name)
    out: dict[str, str] = {}
    for variants in groups.values():
        best = max(variants, key=lambda n: (sum(1 for ch in n if ord(ch) > 127), counts[n], n))
        for v in variants:
            out[v] = best
    return out
