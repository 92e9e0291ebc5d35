"""ORG mentions found by rule: the bodies, other than the issuer's own directions, that a report
says did something ("l'UTD de Lassigny programme une réfection", "la chambre régionale des comptes a
procédé à un examen", "attribuer le marché à la société CHARPENTIER PM"). Never raises.

They answer "quel service départemental", "quelle juridiction financière", "quelle société"
questions (greffier.search.ask), found at question time in the passages retrieved, so that ingest
does not pay for them. Three kinds of mention, each with the nouns that say what kind of body it is:

* a public body written by its common name, in any case ("la chambre régionale des comptes", "le
  Conseil départemental de l'Oise", "l'Agence de l'Eau Seine-Normandie"), or by a well-known acronym
  ("l'UTD de Lassigny", "la DRAC", "ENEDIS"), from the small table ``_KNOWN``;
* a body introduced by its kind: "la société CHARPENTIER PM", "le cabinet ADICO", "le Syndicat Mixte
  Oise-Aronde";
* an acronym the text defines as a body: "Syndicat Mixte Oise-Aronde (SMOA)", then "le SMOA".

spaCy's French NER (greffier.extract.ner, off by default) misses the lower-case names and most
acronyms that minutes use, and would triple ingest time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.headings import fold

_UP = "A-ZÀ-ÖØ-Þ"


@dataclass(frozen=True)
class OrgMatch:
    start: int
    end: int
    text: str
    canonical: str
    kinds: tuple[str, ...]  # folded nouns and adjectives that say what kind of body it is


# a place after a unit's acronym or name: "l'UTD de Lassigny", "la Sous-Préfecture de Compiègne"
_PLACE = rf"(?:\s+(?:de\s+l['’]|de\s+la\s+|du\s+|de\s+|d['’])[{_UP}][\w’'-]+(?:[\s-]+[{_UP}][\w’'-]+)*)?"

# common names and acronyms of public bodies and the networks' operators that council minutes name
_KNOWN: list[tuple[str, str | None, str]] = [
    # (pattern, canonical (None: the text as written), kinds)
    (
        r"chambres?\s+régionales?\s+des\s+comptes",
        "chambre régionale des comptes",
        "juridiction financiere magistrat controle",
    ),
    (r"cour\s+des\s+comptes", "Cour des comptes", "juridiction financiere magistrat controle"),
    (r"tribunal\s+administratif" + _PLACE, None, "juridiction tribunal"),
    (r"conseil\s+(?:départemental|général)" + _PLACE, None, "departement departemental collectivite"),
    (r"conseil\s+régional" + _PLACE, None, "region regional collectivite"),
    (r"(?:sous-)?préfecture" + _PLACE, None, "etat prefet prefecture service"),
    (r"trésorerie" + _PLACE, None, "etat comptable tresor service"),
    (r"service\s+de\s+gestion\s+comptable" + _PLACE, None, "etat comptable service"),
    (r"agence\s+de\s+l['’]eau(?:\s+Seine[\s-]Normandie)?", None, "agence eau etablissement public"),
    (r"unité\s+territoriale\s+départementale" + _PLACE, None, "service departemental unite territorial route"),
    (r"architecte\s+des\s+bâtiments\s+de\s+france", "architecte des Bâtiments de France", "etat architecte service"),
]
_KNOWN_ACRONYMS: dict[str, str] = {
    "UTD": "service departemental unite territorial route",
    "DDT": "service etat direction departemental territoire",
    "DDTM": "service etat direction departemental territoire mer",
    "DRAC": "service etat direction regional culture",
    "DREAL": "service etat direction regional environnement",
    "DGFIP": "service etat direction finance public",
    "DGFiP": "service etat direction finance public",
    "ARS": "agence sante etat",
    "SDIS": "service departemental incendie secours",
    "ABF": "etat architecte service",
    "CAUE": "conseil architecture urbanisme environnement association",
    "AESN": "agence eau etablissement public",
    "ONF": "office foret etablissement public",
    "ENEDIS": "societe distributeur electricite gestionnaire reseau",
    "Enedis": "societe distributeur electricite gestionnaire reseau",
    "GRDF": "societe distributeur gaz gestionnaire reseau",
    "SNCF": "societe ferroviaire transport",
    "CCAS": "centre communal action sociale etablissement public",
    "CNAS": "association action sociale",
    "ADTO": "societe agence developpement amenagement",
    "SAO": "societe amenagement",
    "SE60": "syndicat energie",
    "SAUR": "societe delegataire exploitant eau assainissement",
    "VEOLIA": "societe delegataire exploitant eau assainissement",
    "Veolia": "societe delegataire exploitant eau assainissement",
    "SUEZ": "societe delegataire exploitant eau assainissement dechets",
}
# a partner named by an acronym alone: "une convention de mandat avec la SOLEAM", "la CCLO et la SAUR
# sont liés par un contrat", "attribué à la SPL" (not a tax, a plan or a grant: "avec la TVA")
_PARTNER = re.compile(
    rf"(?<!\w)(?:avec|à|par|entre|et)\s+(?:la|le|l['’])\s*(?P<acr>[{_UP}][{_UP}0-9]{{2,9}})(?![\w’'])"
)
_NOT_BODIES = {
    "TVA", "TEOM", "PLU", "PLUI", "DETR", "DSIL", "FSIL", "FCTVA", "FPIC", "DGF", "RODP", "IFSE", "RIFSEEP",
    "CGCT", "PADD", "SAGE", "GEMA", "GEMAPI", "RPQS", "ULIS", "SCOT", "PDU", "ERP", "PMR", "RGPD", "RSA", "CET",
    "DIA", "DPU", "OAP", "DUP", "AOT", "CDD", "CDI", "EPCI", "TFPB", "TFPNB", "CFE", "CVAE", "BAFA", "BAFD",
}  # fmt: skip
# a body introduced by its kind, then its name: capitalised words, acronyms and links
_KIND = (
    r"(?:la\s+|une\s+|l['’]|le\s+|du\s+|de\s+la\s+|à\s+la\s+|au\s+)"
    r"(?P<kind>(?i:société|entreprise|cabinet|bureau\s+d['’]études|association|syndicat(?:\s+(?:mixte|intercommunal))?"
    r"|agence|office|établissement|groupement|communauté\s+de\s+communes|communauté\s+d['’]agglomération"
    r")|SARL|SAS|SA)\s+"
)
_NAME_WORD = rf"(?:[{_UP}][\w’'&+.-]*|[{_UP}0-9]{{2,}})"  # "A+B URBANISME", "AT&T"
_NAME = rf"{_NAME_WORD}(?:(?:\s+|\s+(?:de\s+l['’]|de\s+la\s+|des\s+|du\s+|de\s+|d['’]|et\s+))?{_NAME_WORD})*"
_INTRODUCED = re.compile(rf"(?<!\w){_KIND}(?P<name>{_NAME})")
_ACRONYM_DEF = re.compile(rf"\((?P<acr>[{_UP}][{_UP}0-9]{{1,7}})\)")
_BODY_HEADS = {
    "syndicat",
    "agence",
    "office",
    "etablissement",
    "societe",
    "association",
    "communaute",
    "unite",
    "commission",
    "comite",
    "conseil",
    "chambre",
    "caisse",
    "centre",
    "union",
    "federation",
    "institut",
    "service",
    "direction",
}
_LINKS = {"de", "du", "des", "d", "l", "la", "le", "les", "et", "a", "au", "aux", "en"}
_PERSON_OR_TITLE = re.compile(
    r"(?:Monsieur|Madame|Messieurs|Mesdames|M\.|Mme|MM\.|Maire|Président|Présidente|Conseil|Adjoint)\b|[A-Z]\.?$"
)


def find_organisations(text: str) -> list[OrgMatch]:
    try:
        return _find(text)
    except Exception:  # never break a question
        return []


def _kinds(words: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s'’-]+", fold(words)) if w and w not in _LINKS)


def _find(text: str) -> list[OrgMatch]:
    out: list[OrgMatch] = []

    def add(start: int, end: int, canonical: str | None, kinds: str) -> None:
        if any(start < o.end and end > o.start for o in out):
            return
        surface = text[start:end]
        name = re.sub(r"\s+", " ", canonical or surface).strip()
        out.append(OrgMatch(start, end, surface, name, tuple(dict.fromkeys(_kinds(kinds) + _kinds(name)))))

    for pattern, canonical, kinds in _KNOWN:
        head, place = (pattern[: -len(_PLACE)], _PLACE) if pattern.endswith(_PLACE) else (pattern, "")
        for m in re.finditer(rf"(?<!\w)(?i:{head}){place}", text):
            add(m.start(), m.end(), canonical, kinds)
    for m in _INTRODUCED.finditer(text):
        kind = m.group("kind")
        # a company is named by its name ("CHARPENTIER PM"), a syndicate by its kind and name
        company = fold(kind) in ("societe", "entreprise", "cabinet", "sarl", "sas", "sa")
        if company and _PERSON_OR_TITLE.match(m.group("name")):
            continue  # "Choix du cabinet Monsieur le Maire, rapporteur": no company named
        add(m.start("kind"), m.end("name"), m.group("name") if company else None, kind)
    # acronyms: well-known ones, and those the text defines as a body, each with a place after it
    defined: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        before = re.split(r"[.;:!?()\n]", text[max(0, m.start() - 120) : m.start()])[-1]
        words = [w for w in re.split(r"[\s'’-]+", before.strip()) if w]
        initials = [i for i, w in enumerate(words) if w[:1].isupper() and fold(w) not in _LINKS]
        # the expansion: the words from the one whose initial starts the acronym
        for i in initials:
            if fold(words[i])[:1] == fold(m.group("acr"))[:1] and fold(words[i]) in _BODY_HEADS:
                defined[m.group("acr")] = " ".join(words[i:])
                break
    acronyms = {**_KNOWN_ACRONYMS, **defined}  # a definition in the text wins
    names = "|".join(sorted((re.escape(a) for a in acronyms), key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w(])(?P<acr>{names})(?![\w)]){_PLACE}", text):
        add(m.start(), m.end(), None, acronyms[m.group("acr")])
    for m in _PARTNER.finditer(text):
        acr = m.group("acr")
        if acr not in _NOT_BODIES and acr not in acronyms:
            add(m.start("acr"), m.end("acr"), None, "")
    out.sort(key=lambda o: o.start)
    return out
