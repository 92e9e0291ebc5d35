"""The reference table of indicators (``greffier/data/indicators.csv``), loaded once.

Official RPQS indicators (SISPEA codes: drinking water D1xx/P1xx, collective sewerage D2xx/P2xx,
non-collective sewerage D3xx/P3xx), a few descriptive figures every RPQS prints without a code
(subscribers, billed volumes, network length, debt), and budget aggregates (M14/M57: real
operating and investment spending and revenue, savings, debt, tax rates). Each row has a key (the
SISPEA code when there is one), the code, printed aliases, a domain, a French name, a unit, a short
definition and French synonyms used to recognise it in text and table rows.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

DOMAINS = ("eau_potable", "assainissement_collectif", "assainissement_non_collectif", "dechets", "budget", "service")
# the same indicator under each water domain (SISPEA numbers them per service)
_EQUIVALENT = {
    "D101.0": "D201.0",
    "D102.0": "D204.0",
    "P103.2B": "P202.2B",
    "P107.2": "P253.2",
    "P109.0": "P207.0",
    "P153.2": "P256.2",
    "P154.0": "P257.0",
    "P155.1": "P258.1",
}
_CODE = re.compile(r"\b((?:[DP]\.?[123]\d\d\.\d[AB]?)|VP\.\d{3}|DC\.\d{3})(?![\d.]*\d)", re.IGNORECASE)


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    code: str  # SISPEA code, "" for a figure without one
    aliases: tuple[str, ...]  # other codes printed for it (VP variables, misprints)
    domain: str
    name: str
    unit: str
    definition: str
    synonyms: tuple[str, ...]  # as written in the CSV
    forms: tuple[str, ...]  # the synonyms and the name, normalized (see :func:`norm`)
    whole: tuple[str, ...] = ()  # short labels that name it only when they are the whole label ("=abonnes")


def norm(text: str) -> str:
    """Lowercase, accent-free, singular-ish words: the form names and labels are compared in."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("œ", "oe")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("m³", "m3").replace("m 3", "m3")
    words = re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*|[%€‰/–-]", text)
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" and not w[-2].isdigit() else w for w in words)


@cache
def indicators() -> tuple[IndicatorDef, ...]:
    text = resources.files("greffier.data").joinpath("indicators.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        listed = [s.strip() for s in row["synonyms"].split("|") if s.strip()]
        synonyms = tuple(s for s in listed if not s.startswith("="))
        forms = tuple(dict.fromkeys(f for f in (norm(s) for s in (*synonyms, row["name"])) if f))
        whole = tuple(content_words(norm(s[1:])) for s in listed if s.startswith("="))
        out.append(
            IndicatorDef(
                key=row["key"],
                code=row["code"],
                aliases=tuple(a for a in row["aliases"].split("|") if a),
                domain=row["domain"],
                name=row["name"],
                unit=row["unit"],
                definition=row["definition"],
                synonyms=synonyms,
                forms=forms,
                whole=whole,
            )
        )
    return tuple(out)


@cache
def _by_code() -> dict[str, IndicatorDef]:
    table: dict[str, IndicatorDef] = {}
    for ind in indicators():
        for c in (ind.code, *ind.aliases):
            if c:
                table.setdefault(_canonical_code(c), ind)
    return table


def get(key: str) -> IndicatorDef | None:
    return next((i for i in indicators() if i.key == key), None)


def _canonical_code(raw: str) -> str:
    return re.sub(r"^([DP])\.(?=\d)", r"\1", raw.upper())


def by_code(raw: str, domain: str | None = None) -> IndicatorDef | None:
    """The indicator a printed code names; a water code in a sewerage report (or the reverse)
    is read as the same indicator of the report's own service."""
    code = _canonical_code(raw)
    ind = _by_code().get(code)
    if ind is None or domain not in ("eau_potable", "assainissement_collectif"):
        return ind
    if ind.domain != domain:
        pairs = _EQUIVALENT if domain == "assainissement_collectif" else {v: k for k, v in _EQUIVALENT.items()}
        other = pairs.get(ind.code)
        if other:
            return _by_code().get(other, ind)
    return ind


def find_codes(text: str) -> list[tuple[int, int, str]]:
    """Codes printed in ``text``: (start, end, code)."""
    return [(m.start(), m.end(), m.group(1)) for m in _CODE.finditer(text)]


def _allowed(ind: IndicatorDef, domain: str | None) -> bool:
    if domain is None:
        return True
    if ind.domain in ("service", "budget"):
        return True
    if domain == "budget":
        return False
    return ind.domain == domain


# words a label may add, drop or abbreviate without naming another indicator: "Taux de débordement
# des effluents" is "taux de débordement d'effluents", "Tx d'impayés" "taux d'impayés", "Nb
# d'abonnés" "nombre d'abonnés", "Qté de boues" "quantité de boues", "Perf. STEP" "performance station"
# unit signs a label prints inside its name: "Prix TTC (€) du service au m³ pour 120 m³"
_SIGNS = frozenset("€ % ‰".split())
_STOP = frozenset("a au aux d dan de de des du en et l la le les par pour sur un une".split())
_ABBREVIATIONS = {
    "nb": "nombre",
    "nbre": "nombre",
    "tx": "taux",
    "qte": "quantite",
    "vol": "volume",
    "ind": "indice",
    "perf": "performance",
    "conf": "conformite",
    "renouv": "renouvellement",
    "lin": "lineaire",
    "hab": "habitant",
    "pop": "population",
    "step": "station",
    "steu": "station",
    "epur": "epuration",
    "mt": "montant",
    "rdt": "rendement",
}


def content_words(normed: str) -> str:
    """A normalized name or label (see :func:`norm`) reduced to its content words, abbreviations
    written out."""
    return " ".join(_expanded().get(w, w) for w in normed.split() if w not in _STOP and w not in _SIGNS)


@cache
def _expanded() -> dict[str, str]:
    return {short: norm(full) for short, full in _ABBREVIATIONS.items()}  # "taux" is normed "tau"


@cache
def _content_forms() -> tuple[tuple[IndicatorDef, str, str], ...]:
    """(indicator, form, form's content words) for every form of 3 characters or more."""
    return tuple((ind, form, content_words(form)) for ind in indicators() for form in ind.forms if len(form) > 2)


# what a short label may print around its name: "Linéaire (ml)", "Abonnés (nombre)", "Prix TTC (€/m3)"
_UNIT_WORDS = frozenset("km ml m m3 % ‰ € / – - nombre nb u unite hab ttc ht total valeur".split())


def match_name(text: str, domain: str | None = None) -> tuple[IndicatorDef, str] | None:
    """The indicator whose longest name or synonym occurs in ``text`` (word-aligned, compared on
    content words: articles and prepositions aside, abbreviations written out), with the form that
    matched; indicators of another service than ``domain`` are not considered. A short label
    ("Abonnés", "Linéaire (ml)") names the indicator it is the whole name of."""
    words = content_words(norm(text))
    folded = f" {words} "
    best: tuple[tuple[int, int], IndicatorDef, str] | None = None
    for ind, form, form_words in _content_forms():
        if not form_words or f" {form_words} " not in folded or not _allowed(ind, domain):
            continue
        size = (len(form_words.split()), len(form))
        if best is None or size > best[0]:
            best = (size, ind, form)
    if best is None:
        core = " ".join(w for w in words.split() if w not in _UNIT_WORDS and not w.isdigit())
        priced = " ".join(w for w in words.split() if (w not in _UNIT_WORDS or w == "m3") and not w.isdigit())
        whole = [ind for ind in indicators() if core and core in ind.whole and _allowed(ind, domain)]
        if not whole and priced != core:  # "Prix au m3": the m³ is part of the name
            whole = [ind for ind in indicators() if priced in ind.whole and _allowed(ind, domain)]
            core = priced
        if len(whole) == 1:
            return whole[0], core
        if len(words.split()) <= 6:
            # a short label with the name's words in another order: "Abonnés (nombre)"
            return _words_in(set(words.split()), domain)
    return (best[1], best[2]) if best else None


def _words_in(words: set[str], domain: str | None) -> tuple[IndicatorDef, str] | None:
    """The indicator with the longest name (two content words or more) whose words are all in
    ``words``, with that name; None when two indicators tie."""
    best: dict[str, tuple[int, IndicatorDef, str]] = {}
    for ind, form, form_words in _content_forms():
        need = set(form_words.split())
        if len(need) >= 2 and need <= words and _allowed(ind, domain):
            if ind.key not in best or len(need) > best[ind.key][0]:
                best[ind.key] = (len(need), ind, form)
    if not best:
        return None
    top = max(n for n, _, _ in best.values())
    winners = [(ind, form) for n, ind, form in best.values() if n == top]
    return winners[0] if len(winners) == 1 else None


def heading_indicator(text: str, domain: str | None = None) -> IndicatorDef | None:
    """The SISPEA indicator a heading names in words, without printing its code ("C. Taux de
    desserte par le réseau d'assainissement collectif", "Taux de boues évacuées selon les filières
    conformes à la réglementation"): a short line without figures whose words are, for the most
    part, one coded indicator's name. None for a sentence, a line naming several indicators, or a
    figure without a code."""
    line = re.sub(r"^\s*(?:[A-Z]|[IVX]+|\d{1,2}(?:\.\d{1,2})*)\s*[.)–-]\s+", "", text.strip())  # "C. ", "3.2 "
    if not line or len(line.split()) > 16 or re.search(r"\d", re.sub(r"\b(?:120\s*)?m[3³]", "", line)):
        return None
    if line.rstrip().endswith((".", ";", ",")):
        return None
    hit = match_name(line, domain)
    if hit is None or not hit[0].code:
        return None
    words = content_words(norm(line)).split()
    named = content_words(hit[1]).split()
    return hit[0] if len(named) >= 2 and len(named) >= 0.6 * len(words) else None


# words that make a label name a part of what an indicator measures: the SPANC's compliance rate
# P301.3 is over every installation checked since the service began, not over one kind of check
_NARROWED = {
    "P301.3": re.compile(r"\b(?:neuve?|vente|cession|mutation|transaction)\b"),
}


def narrowed(ind: IndicatorDef, text: str) -> bool:
    """Whether ``text`` (a row's label, the words of a sentence after the indicator's name) names a
    part of what ``ind`` measures ("Taux de conformité des installations neuves")."""
    pattern = _NARROWED.get(ind.code)
    return bool(pattern and pattern.search(norm(text)))


def match_words(text: str, domain: str | None = None) -> IndicatorDef | None:
    """The indicator one of whose names has all its content words (two or more) somewhere in
    ``text``, in any order: a table's header cells run together by the text layer ("Nombre total |
    Nombre total" / "d'abonnés au 31/12/2020 | d'abonnés au 31/12/2021"). The one with the longest
    such name; None when two indicators tie."""
    hit = _words_in(set(content_words(norm(text)).split()), domain)
    return hit[0] if hit else None


def resolve(name_or_code: str, domain: str | None = None) -> IndicatorDef | None:
    """An indicator from a key, a code or a name (a question, a gold label)."""
    text = name_or_code.strip()
    direct = get(text)
    if direct is not None:
        return direct
    codes = find_codes(text)
    if codes:
        return by_code(codes[0][2], domain)
    hit = match_name(text, domain)
    return hit[0] if hit else None


def service_domain(text: str) -> str | None:
    """The service a report describes, from its title and first pages."""
    t = norm(text)
    counts = {
        "assainissement_non_collectif": t.count("non collectif") + 3 * t.count("spanc"),
        "assainissement_collectif": t.count("assainissement collectif") + t.count("eaux usee"),
        "eau_potable": t.count("eau potable"),
        "dechets": t.count("dechet") + t.count("ordure"),
        "budget": 3 * (t.count("balance generale") + t.count("vote de l'assemblee") + t.count("vote de l assemblee"))
        + 2 * t.count("budget primitif"),
    }
    counts["assainissement_collectif"] -= counts["assainissement_non_collectif"]
    domain, n = max(counts.items(), key=lambda kv: kv[1])
    return domain if n > 0 else None
