"""DIRECTION entities: administrative directions and services, with acronyms. Never raises.

Acronyms are resolved from definitions in the same document ("Direction de l'Eau et de
l'Assainissement (DEA)"); an acronym defined twice with different meanings is left
ambiguous, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from greffier.extract.headings import fold

_UP = "A-ZÀ-ÖØ-Þ"
_HEAD = (
    r"(?:Direction|DIRECTION|direction|Sous-direction|Délégation|Service|SERVICE|service|Pôle|PÔLE|Mission|mission"
    r"|Inspection|INSPECTION|Secrétariat|SECRÉTARIAT|Département|Division|Cabinet)"
)
_NOT_NAME = (
    r"(?:Le|La|Les|L['’]|Ce|Cette|Ces|Cet|Il|Elle|Ils|Elles|Un|Une|Des|Dans|En|Au|Aux|Pour|Lui|Par|Sur|Son|Sa"
    r"|Ses|Leur|Afin|Depuis|Avec|Après|Avant|Lors|Nous|On|Si|Or|Puis)\b"
)
_CAP = rf"(?!{_NOT_NAME})[{_UP}][\w'’-]*"
_CONNECT = r"(?:de\s+la|de\s+l['’]|des|du|de|d['’]|et|à\s+la|aux|au|à|en|pour|sur|DE\s+LA|DES|DU|DE|ET|L['’])"
_ACR = rf"\((?P<acr>[{_UP}][{_UP}0-9&-]{{1,9}})\)"
# Inside a name, white space may hold one line break but not a blank line (a new paragraph).
_W = r"\s{0,12}"
_NAME = (
    rf"(?:{_W}(?:{_CAP}|(?:{_CONNECT}{_W})+(?={_CAP})|,{_W}(?=(?:{_CONNECT}{_W})*{_CAP})|\([{_UP}][{_UP}0-9&-]{{1,9}}\){_W}(?={_CAP})"
    r"|déléguée?|adjointe?|générale?))+"
)
DIRECTION_RE = re.compile(rf"(?<![\w])(?P<head>{_HEAD})(?=[ \t\u00a0\n])(?P<name>{_NAME})(?:\s*{_ACR})?", re.UNICODE)
_DGA = re.compile(rf"\b(?P<head>DGA|DGS|DGAS)(?P<name>{_W}déléguée?(?:{_W}{_CAP}|{_W}(?:{_CONNECT}{_W})+(?={_CAP}))+)")
# Bodies that are not administrative units of the issuer.
_NOT_UNITS = re.compile(
    r"^(?:p[ôo]le emploi|d[ée]l[ée]gation de service public|d[ée]partement (?:de|du|des|d['’])\b|service public\b"
    r"|direction de projet$|mission locale|service civique|service d['’]incendie)",
    re.IGNORECASE,
)
_NEXT_UNIT = re.compile(rf"{_W}(?:et|,){_W}(?=(?:Service|Direction|Mission|Pôle|Délégation)\b)")
_GENERIC_WORDS = {"direction", "generale", "adjointe", "service", "services", "deleguee", "mission", "pole"}
_TRIM = re.compile(rf"(?:\s+|,|\s+{_CONNECT})+$")
_GENERIC = {"public", "publics", "civique", "national", "fait", "rendu"}


@dataclass(frozen=True)
class DirectionMatch:
    start: int
    end: int
    text: str
    canonical: str
    acronym: str | None


def _canonical(text: str) -> str:
    text = re.sub(rf"\s*\([{_UP}][{_UP}0-9&-]{{1,9}}\)", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    if text.isupper():
        small = {"DE", "DES", "DU", "ET", "LA", "L'", "L’", "AUX", "AU", "À", "EN"}
        text = " ".join(w.lower() if w in small else w.capitalize() for w in text.split())
    return text[:1].upper() + text[1:]


_ACRONYM_ONLY = re.compile(rf"\((?P<acr>[{_UP}][{_UP}0-9&-]{{1,9}})\)")
_TOKEN = re.compile(r"[\w'’-]+|,")
_SMALL = {"de", "la", "l", "des", "du", "d", "et", "à", "aux", "au", "en", "pour", "sur"}


def acronym_table(text: str) -> dict[str, str | None]:
    """Acronym -> expansion defined in ``text`` (None when defined with two meanings).

    For each "(ACR)", the expansion is the run of words just before it whose capitals
    spell the acronym's first letter at its start ("Direction de l'Eau (DEA)")."""
    seen: dict[str, set[str]] = defaultdict(set)
    for m in _ACRONYM_ONLY.finditer(text):
        acr = m.group("acr")
        window = text[max(0, m.start() - 160) : m.start()]
        window = re.split(r"\n\s*\n|[.;:!?()«»\"]", window)[-1]
        tokens = _TOKEN.findall(window)
        words: list[str] = []
        for tok in reversed(tokens):
            bare = re.sub(r"^[lLdD]['’]", "", tok)
            if tok == "," or bare.lower() in _SMALL or tok.lower() in _SMALL or bare[:1].isupper():
                words.insert(0, tok)
                if len(words) >= 14:
                    break
            else:
                break
        # start at the first capitalized word spelling the acronym's first letter
        while words and not (
            re.sub(r"^[lLdD]['’]", "", words[0])[:1].upper() == acr[0]
            and re.sub(r"^[lLdD]['’]", "", words[0])[:1].isupper()
        ):
            words.pop(0)
        if len(words) < 2:
            continue
        name = re.sub(r"\s+,", ",", " ".join(words))
        name = re.sub(r"^(?:[LlDd]['’])", "", name)
        seen[acr].add(_canonical(name))
    return {a: (next(iter(v)) if len(v) == 1 else None) for a, v in seen.items()}


def find_directions(text: str, acronyms: dict[str, str | None] | None = None) -> list[DirectionMatch]:
    try:
        return _find(text, acronyms or {})
    except Exception:  # never break ingestion
        return []


def _find(text: str, acronyms: dict[str, str | None]) -> list[DirectionMatch]:
    out: list[DirectionMatch] = []
    for pattern in (_DGA, DIRECTION_RE):
        for m in pattern.finditer(text):
            name = m.group("name")
            cut = _NEXT_UNIT.search(name)
            if cut:  # "Service Budget et Service stratégie": two units
                name = name[: cut.start()]
            trimmed = _TRIM.sub("", name)
            if not re.search(rf"[{_UP}]", trimmed) or trimmed.strip().lower() in _GENERIC:
                continue
            end = m.start("name") + len(trimmed)
            acr = m.groupdict().get("acr")
            inner = re.search(rf"\(([{_UP}][{_UP}0-9&-]{{1,9}})\)", trimmed)
            if inner and not acr:
                acr = inner.group(1)
            if any(m.start() < o.end and end > o.start for o in out):
                continue
            surface = text[m.start() : end]
            canonical = _canonical(surface)
            if _NOT_UNITS.match(canonical) or set(fold(canonical).split()) <= _GENERIC_WORDS:
                continue  # another body, or a bare "Direction Générale Adjointe"
            if m.group("head") in ("DGA", "DGS", "DGAS"):
                canonical = _canonical(canonical.replace("DGA", "Direction Générale Adjointe", 1))
            out.append(DirectionMatch(m.start(), end, surface, canonical, acr))
    # bare acronyms defined in the document as directions or services
    units = {
        a: e
        for a, e in acronyms.items()
        if e and re.match(_HEAD, e) and not _NOT_UNITS.match(e) and not set(fold(e).split()) <= _GENERIC_WORDS
    }
    if units:
        pattern = re.compile(
            r"(?<![\w(])(" + "|".join(map(re.escape, sorted(units, key=len, reverse=True))) + r")(?![\w)])"
        )
        for m in pattern.finditer(text):
            if any(m.start() < o.end and m.end() > o.start for o in out):
                continue
            out.append(DirectionMatch(m.start(), m.end(), m.group(0), units[m.group(0)], m.group(0)))
    return sorted(out, key=lambda d: d.start)


def same_direction(a: str, b: str) -> bool:
    return fold(a) == fold(b)


# "La Direction X (DX) est composée de trois directions :", "... qui regroupe le Service Y"
_COMPOSED = re.compile(
    r"^\s*(?:\([^)\n]{1,20}\)\s*)?,?\s*(?:qui\s+)?(?:est\s+|sont\s+)?"
    r"(?:compos[ée]e?s?\s+(?:de|d['’])|se\s+compose\s+(?:de|d['’])|regroupe(?:nt)?|regroupant|comprend|comprenant"
    r"|inclut|incluant|rassemble|est\s+organis[ée]e\s+en)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*[•▪➢✓◦*·–-]")


def composition_parents(text: str, spans: list[tuple[int, int, str]]) -> dict[int, str]:
    """Parents stated in the text: for each direction ``spans[i]`` (start, end, canonical) named
    as a member of another one ("X est composée de : • Y, • Z", "X qui regroupe Y ainsi que Z"),
    ``i`` -> X's canonical name. The statement covers its sentence, or, when it ends with a
    colon, the list items that follow. The nearest statement wins."""
    out: dict[int, str] = {}
    for _start, end, canonical in spans:
        m = _COMPOSED.match(text[end : end + 80])
        if not m:
            continue
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        head = text[end + m.end() : line_end]
        if head.rstrip().endswith(":"):  # the members: the first unit named by each list item below
            pos = line_end + 1
            for line in text[line_end + 1 :].split("\n"):
                if not _LIST_ITEM.match(line):
                    break
                first = next((j for j, (s2, _e2, c2) in enumerate(spans) if pos <= s2 < pos + len(line)), None)
                if first is not None and spans[first][2] != canonical:
                    out[first] = canonical
                pos += len(line) + 1
        else:  # the members are in the same sentence
            stop = re.search(r"[.;](?:\s|$)", head)
            scope_end = end + m.end() + (stop.start() if stop else len(head))
            for j, (s2, _e2, c2) in enumerate(spans):
                if end <= s2 < scope_end and c2 != canonical:
                    out[j] = canonical
    return out
