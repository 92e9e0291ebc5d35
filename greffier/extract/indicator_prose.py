"""The sentence reader of :mod:`greffier.extract.indicators`: "dessert 275 habitants au 31/12/2021
(270 au 31/12/2020)", "le taux de desserte ... est de 97,78 % (97,04 % pour 2020)", "= 96,8 % (97,4 %
en 2021)" under a heading that prints the indicator's code.

A sentence naming an indicator (a name or synonym of the reference table, or its code) gives the
first figure after the name whose unit fits the indicator (a count of habitants needs the word
"habitants"); its year is the date or year printed next to it, else the one before it in the
sentence, else the document's. A bracket right after it, "(V en YEAR)", gives the value of another
year. A sentence saying the figure is not given ("non renseigné", "n'a pas été communiqué", "sans
objet") gives a record without a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from greffier.extract.indicator_ref import (
    IndicatorDef,
    by_code,
    find_codes,
    get,
    heading_indicator,
    indicators,
    narrowed,
)
from greffier.extract.indicator_values import DATE, NOT_APPLICABLE, NOT_GIVEN, YEAR, Figure, clean, figures, year_of


@dataclass(frozen=True)
class Candidate:
    ind: IndicatorDef
    value: float | None
    unit: str
    year: int | None
    as_of: str | None
    page: int
    evidence: str
    from_table: bool
    status: str = "value"
    decimals: int = 0
    commune: str | None = None  # the commune a row of a multi-commune table gives, else the report's


# -- units -----------------------------------------------------------------------------------


def unit_for(ind: IndicatorDef, fig: Figure | None, label: str = "") -> str | None:
    """The record's unit for a figure printed with ``fig.unit``, or None when incompatible."""
    printed = fig.unit if fig else None
    want = ind.unit
    if printed is None:
        low = label.lower()
        if want == "km" and re.search(r"\(ml\)|\bml\b|\(m\)|\[m\]|\[ml\]", low):
            return "m"
        amount = r"[\[(]\s*(?:€|euros?)\s*[\])]|\ben\s+(?:€|euros?)(?!\s*/)"
        if ind.key in ("P207.0", "P109.0") and re.search(amount, low):
            return "EUR"  # the amount abandoned, printed under "[€]" rather than per m³
        return want
    if printed == want:
        return want
    if want == "EUR/m3" and printed == "EUR":
        return "EUR" if ind.key in ("P207.0", "P109.0") else want
    if want == "km" and printed == "m":
        return "m"
    if want in ("per 100 km", "‰") and printed in ("%", "‰", "per 100 km"):
        return want  # SISPEA rates per 1000 or per 100 km, often printed with a % sign
    if want in ("count", "points") and printed in ("count", "points"):
        return want
    if want == "tMS" and printed == "t":
        return want
    return None


_NOUN = {"D101.0": "habitant", "D201.0": "habitant", "D301.0": "habitant", "population": "habitant"}
_NOUN |= {"abonnes": "abonn", "installations_anc": "installation"}
_SERVED = re.compile(r"\bdesser\w*", re.IGNORECASE)  # "dessert 275 habitants", "a desservi 157 abonnés"
_STRICT = (
    "%",
    "‰",
    "per 100 km",
    "EUR/m3",
    "EUR",
    "km",
    "m3",
    "tMS",
    "years",
    "t",
    "kg/hab",
    "EUR/hab",
    "EUR/t",
    "days",
)
_WHEN = r"(?:au|en|pour l'exercice|pour l'année|pour l'annee|pour|sur l'exercice|l'année|exercice)\s+(?:le\s+)?"
_WHEN_RE = re.compile(rf"{_WHEN}({DATE.pattern}|{YEAR.pattern})", re.IGNORECASE)
_AFTER = re.compile(rf"^\s*(?:h\.?t\.?|ttc)?\s*\*?\s*,?\s*{_WHEN}({DATE.pattern}|{YEAR.pattern})", re.IGNORECASE)
# "est de 305 en 2021 contre 300 en 2020": the other year's figure
_VERSUS = re.compile(
    rf"^[^.;()]{{0,25}}?\bcontre\s+((?:[^,;()]|(?<=\d),(?=\d)){{1,30}}?)\s*{_WHEN}"
    rf"({DATE.pattern}|(?:19|20)\d\d(?!\d))",
    re.IGNORECASE,
)
# "passe de 2,10 € au 1er janvier 2021 à 2,20 € au 1er janvier 2022": the later figure
_TO = re.compile(
    rf"^\s*(?:h\.?t\.?|ttc)?\s*{_WHEN}(?:{DATE.pattern}|(?:19|20)\d\d)\s+[àa]\s+(?P<val>(?:[^,;()]|(?<=\d),(?=\d)){{1,30}}?)\s*"
    rf"{_WHEN}(?P<when>{DATE.pattern}|(?:19|20)\d\d(?!\d))",
    re.IGNORECASE,
)
# "Le prix du service de l'assainissement collectif est de 2,15 € TTC/m³": a price per m³, TTC or for 120 m³
_IS = re.compile(
    r"(?i)\s*(?:[:=]|est\s+de|s'[ée]l[èe]v\w*\s+[àa]|atteint|[ée]tait\s+de|s'[ée]tablit\s+[àa]"
    r"|est\s+(?:estim[ée]e?|[ée]valu[ée]e?)\s+[àa])\s*"
)
_PRICE_CUE = re.compile(r"\bprix\b", re.IGNORECASE)
_BILL_SENTENCE = re.compile(r"(?i)\b120\s*m")
# a figure that says by how much the indicator changed ("en hausse de 0,4 %", "a augmenté de 12
# abonnés", "une baisse de 4,3 %")
_CHANGE_BEFORE = re.compile(
    r"(?i)\b(?:augment\w*|hausse|baiss\w*|diminu\w*|progress\w*|recul\w*|[ée]volu\w*|variation|vari[ée]\w*"
    r"|croissance|r[ée]duction|gagn\w*|perd\w*)\s+(?:de\s+|d['’]\s*)(?:[-+−]\s*)?$"
)

# "augmente de 96 % en 2020 à 98 % en 2021": from one value to the other, no change figure
_FROM_TO = re.compile(r"(?i)\s*(?:%|‰|€|\w+)?\s*(?:(?:en|au)\s+[\w/ ]{2,16}?\s+)?[àa]\s+[-+]?\d")
_BRACKET = re.compile(
    rf"[^()]{{0,45}}?\(\s*(?:soit\s+)?([^()]{{1,30}}?)\s*{_WHEN}({DATE.pattern}|{YEAR.pattern})\s*\)", re.IGNORECASE
)
_ROW_END = re.compile(r"\d(?:[,.]\d+)?\s*(?:%|€|‰)?\s+[-+]?\d[\d ]*(?:[,.]\d+)?\s*(?:%|€|‰)?\s*[/]?\s*$")
_TIMES = re.compile(r"[×∗*´\u0301]\s*$|\sx\s*$")
# rates of events counted per 1000 users or 100 km, zero when the report says there was none
_COUNTED_RATES = ("P151.1", "P155.1", "P251.1", "P252.2", "P258.1")
_NONE_BEFORE = re.compile(r"(?i)\baucun(?:e|s|es)?\s+(?:\w+\s+)?$")
_POTENTIAL = re.compile(r"\s*potentiel", re.IGNORECASE)
_SCALE = re.compile(r"\s*\(\s*(?:non|oui)\s*\)", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÉÈÀ•(])|\s+•\s+")


@cache
def _cue_patterns(domain: str | None) -> tuple[tuple[IndicatorDef, re.Pattern[str]], ...]:
    from greffier.extract.indicator_ref import _allowed

    out = []
    for ind in indicators():
        if not _allowed(ind, domain) or (ind.domain == "budget" and domain != "budget"):
            continue
        for form in ind.forms:
            words = [w for w in form.split() if w not in ("–", "-", "/")]
            if not words or len(form) < 5 or (ind.domain == "dechets" and len(words) < 2):
                continue  # "verre", "textile": a material named in passing, not its tonnage
            body = r"[\W_]+".join(re.escape(w) + r"[sx]?" for w in words)
            out.append((ind, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
        if ind.key in _NOUN and ind.key != "population":
            out.append((ind, _SERVED))
        if ind.code in ("D102.0", "D204.0"):
            out.append((ind, _PRICE_CUE))
    return tuple(out)


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    return "".join(c if not unicodedata.combining(c) else "" for c in text)


def _cues(sent: str, domain: str | None) -> list[tuple[IndicatorDef, int, int]]:
    folded = _fold(sent)
    found: list[tuple[IndicatorDef, int, int]] = []
    for ind, pat in _cue_patterns(domain):
        for m in pat.finditer(folded):
            found.append((ind, m.start(), m.end()))
    for start, end, code in find_codes(sent):
        ind = by_code(code, domain)
        if ind is not None:
            found.append((ind, start, end))
    best: dict[str, tuple[IndicatorDef, int, int]] = {}
    for ind, s, e in found:  # one cue per indicator: the longest
        if ind.key not in best or e - s > best[ind.key][2] - best[ind.key][1]:
            best[ind.key] = (ind, s, e)
    return list(best.values())


def _fits(ind: IndicatorDef, fig: Figure, exact: bool) -> str | None:
    noun = _NOUN.get(ind.key)
    if noun:
        return ind.unit if fig.noun and fig.noun.startswith(noun) else None
    if exact:
        return ind.unit if fig.unit == ind.unit else None
    if fig.unit is None and ind.unit in _STRICT:
        return None
    return unit_for(ind, fig)


def _year(sent: str, cue_start: int, fig: Figure, year: int | None) -> tuple[int | None, str | None]:
    m = _AFTER.match(sent[fig.end : fig.end + 45])
    if m:
        got = year_of(m.group(1))
        if got:
            return got
    before = list(_WHEN_RE.finditer(sent[: fig.start]))
    if before:
        got = year_of(before[-1].group(1))
        if got:
            return got
    return year, None


def _read(sent: str, ind: IndicatorDef, start: int, end: int, page: int, year: int | None) -> list[Candidate]:
    window = []
    for f in figures(sent):
        if _SCALE.match(sent[f.end : f.end + 8]):
            if f.start >= end:
                break  # "0 (non) – 10 (oui) 10": a scoring grid's scale then points, no value of the cue
            continue
        if _TIMES.search(sent[max(0, f.start - 4) : f.start]):
            continue  # "abonnés desservis / abonnés potentiels × 100": a formula's constant
        if ind.key == "abonnes" and _POTENTIAL.match(sent[f.end : f.end + 14]):
            continue  # "97,78 % des 135 abonnés potentiels": the zone's potential subscribers
        changed = _CHANGE_BEFORE.search(sent[max(0, f.start - 40) : f.start])
        if changed and not _FROM_TO.match(sent[f.end : f.end + 40]):
            continue  # "progresse de 2 % pour atteindre 98 %": the change, not the value
        if end <= f.start <= end + 250:
            window.append(f)
    fig, unit = None, None
    if (
        ind.unit == "points"
        and len(window) > 1
        and window[0].value in (100, 120, 140, 200)
        and (window[1].unit == "points" or re.fullmatch(r"[\s\-–/:]*", sent[window[0].end : window[1].start]))
        and window[1].value <= window[0].value
    ):
        window = window[1:]  # "120/120 75/120", "TOTAL 120 - 107": the scale, then the score
    cue = sent[start:end]
    if _PRICE_CUE.fullmatch(cue):
        # the bare word "prix": a price per m³ close after it, in a sentence about the 120 m³ bill
        priced = _BILL_SENTENCE.search(sent) is not None
        window = [f for f in window if f.unit == ind.unit and f.start - end <= 80] if priced else []
    for exact in (True, False):
        for f in window:
            unit = _fits(ind, f, exact)
            if unit:
                fig = f
                break
        if fig:
            break
    if fig is None and window and ind.key in _NOUN and not _SERVED.fullmatch(cue):
        # "Le nombre d'abonnés est de 305": the figure right after the indicator's name
        first = window[0]
        if first.unit is None and first.decimals == 0 and _IS.fullmatch(sent[end : first.start]):
            fig, unit = first, ind.unit
    if fig is not None and narrowed(ind, sent[end : fig.start]):
        return []  # "le taux de conformité des installations contrôlées lors des ventes est de 41 %"
    if fig is None or unit is None:
        if ind.code in _COUNTED_RATES and _NONE_BEFORE.search(sent[max(0, start - 20) : start]):
            # "Aucune réclamation écrite n'a été reçue", "aucun point noir": a rate of zero
            y = _WHEN_RE.search(sent)
            got = year_of(y.group(1)) if y else None
            return [Candidate(ind, 0.0, ind.unit, got[0] if got else year, None, page, sent, False, "value")]
        if NOT_GIVEN.search(sent[start:]) and (end - start >= 12):
            y = _WHEN_RE.search(sent)
            got = year_of(y.group(1)) if y else None
            yr = got[0] if got else year
            status = "sans objet" if NOT_APPLICABLE.search(sent) else "non renseigné"
            out = [Candidate(ind, None, ind.unit, yr, None, page, sent, False, status)]
            prev = _BRACKET.search(sent[start:])
            inner = figures(prev.group(1)) if prev else []
            got = year_of(prev.group(2)) if prev else None
            if inner and got and got[0] != yr and (inner[0].unit is None or inner[0].unit == ind.unit):
                out.append(Candidate(ind, inner[0].value, ind.unit, got[0], got[1], page, sent, False, "value"))
            return out
        return []
    yr, as_of = _year(sent, start, fig, year)
    if ind.code in ("D102.0", "D204.0") and as_of is None and yr is not None and yr != year:
        as_of = f"{yr}-01-01"
    out = [Candidate(ind, fig.value, unit, yr, as_of, page, sent, False, "value", fig.decimals)]
    if ind.key.startswith("tonnage_"):
        # "ordures ménagères résiduelles 3 164 T 195,74 kg / hab. / an": the flow's ratio follows
        nxt = next((f for f in window if f.start > fig.start), None)
        ratio = get(ind.key.replace("tonnage_", "ratio_", 1))
        if ratio is not None and nxt is not None and nxt.unit == "kg/hab" and nxt.start - fig.end < 12:
            out.append(Candidate(ratio, nxt.value, "kg/hab", yr, None, page, sent, False, "value", nxt.decimals))
    after = sent[fig.end : fig.end + 120]
    m = _BRACKET.match(after) or _VERSUS.match(after) or _TO.match(after)
    if m:
        named = m.groupdict()
        inner = figures(named.get("val") or m.group(1))
        got = year_of(named.get("when") or m.group(2))
        if inner and got and got[0] != yr:
            f2 = inner[0]
            u2 = unit if f2.unit is None or f2.noun else _fits(ind, f2, False)
            if u2 == unit:
                out.append(Candidate(ind, f2.value, unit, got[0], got[1], page, sent, False, "value", f2.decimals))
    return out


_HEADLINE_NOUNS = {
    "menage": "menages",
    "commune": "communes_membres",
    "installation": "installations_anc",
    "abonne": "abonnes",
    "habitant": "population",
}
_HEADLINE = re.compile(
    r"(?<![\w,.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)\s+"
    r"(m[ée]nages?|communes?|installations?|abonn[ée]s?|habitants?)(?=\s*$|\s+\d|\s*[•|–-])",
    re.IGNORECASE,
)


def headline_candidates(page: int, text: str, domain: str | None, year: int | None) -> list[Candidate]:
    """Key figures of a report's infographic pages, printed figure first on short lines ("6 513
    ménages", "20 communes", "16 164 habitants", "1 365 installations"): the service's figures of
    the report's year. Habitants are the territory's population only in a waste or SPANC report
    (a sewerage report's "275 habitants" is the served population, read with its sentence)."""
    from greffier.extract.indicator_ref import _allowed, get

    out: list[Candidate] = []
    for line in text.split("\n"):
        line = clean(line)
        if not re.match(r"^\d", line) or len(line.split()) > 14:
            continue
        for m in _HEADLINE.finditer(line):
            noun = _fold(m.group(2)).lower().rstrip("s")
            key = _HEADLINE_NOUNS.get(noun)
            if key == "population" and domain not in ("dechets", "assainissement_non_collectif"):
                continue
            ind = get(key) if key else None
            if ind is None or not _allowed(ind, domain):
                continue
            value = float(re.sub(r"\D", "", m.group(1)))
            out.append(Candidate(ind, value, ind.unit, year, None, page, line, False, "value"))
    return out


def _not_given_here(sent: str) -> bool:
    """A sentence that says the heading's indicators are not given or do not apply, and gives no
    figure of its own (a threshold such as "2 000 EH" aside)."""
    if not NOT_GIVEN.search(sent) or len(sent.split()) > 40:
        return False
    rest = re.sub(r"(?i)\d[\d\s]*(?:eh|equivalents?[- ]habitants?|kg\s*dbo5?\S*)", "", sent)
    return not any(f.unit in ("%", "points", "EUR", "EUR/m3") for f in figures(rest))


def prose_candidates(
    page: int, text: str, domain: str | None, year: int | None, rows: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Candidates from the sentences of one page's text; a sentence that ends with one of ``rows``
    (lines the row reader read as a label and its figures, "... | 2,35 | 2,41 | €/m3") is left to
    it, whose columns give each figure its year."""
    out: list[Candidate] = []
    context: IndicatorDef | None = None
    heading: list[IndicatorDef] = []  # the indicators the last heading prints the codes of
    since_heading = 0
    text = re.sub(r"(?<![.:;!?])\n(?=[a-zà-ü(])", " ", text)  # a sentence cut across lines
    text = re.sub(r"\b(du|de|la|le|les|des|au|aux|à|et|en|par|pour|sur)\n", r"\1 ", text)
    for para in text.split("\n"):
        for sent in _SENTENCE.split(clean(para)):
            if not sent:
                continue
            codes = find_codes(sent)
            if (_ROW_END.search(sent) and "(" not in sent[-60:]) or any(sent.endswith(r) for r in rows):
                continue  # a table row ("... 95,9% 96,5%"): the row reader's, with its columns
            cues = _cues(sent, domain)
            since_heading += 1
            if not codes and (named_heading := heading_indicator(sent, domain)) is not None:
                context = named_heading  # "C. Taux de débordement d'effluents dans les locaux des usagers"
            if codes and not any(f.unit for f in figures(sent[: codes[-1][0]])):
                context = by_code(codes[-1][2], domain) or context
                named = [i for i in (by_code(c[2], domain) for c in codes) if i is not None]
                if named and not NOT_GIVEN.search(sent):
                    heading, since_heading = list({i.key: i for i in named}.values()), 0
            if heading and since_heading <= 6 and not codes and _not_given_here(sent):
                # "Conformités ... (P203.3), (P204.3), (P205.3)" / "Le service n'est pas concerné par ces
                # indicateurs": each indicator of the heading, without a value
                status = "sans objet" if NOT_APPLICABLE.search(sent) else "non renseigné"
                y = _WHEN_RE.search(sent)
                got = year_of(y.group(1)) if y else None
                for ind in heading:
                    out.append(Candidate(ind, None, ind.unit, got[0] if got else year, None, page, sent, False, status))
                heading = []
                continue
            if context is not None and context.unit in _STRICT:
                m = re.search(r"(?:=|\bsoit\b)\s*(?=[-−]?\s?\d)", sent)
                named = [c for c in cues if c[1] < m.start()] if m else []
                # the heading's indicator, unless the formula names another coded indicator before "="
                rival = [c for c in named if c[0].code and c[0].unit in _STRICT and c[0].key != context.key]
                if m and not rival and all(c[0].key != context.key for c in named):
                    cues = [c for c in cues if c[0].key != context.key] + [(context, m.start(), m.start())]
            for ind, start, end in cues:
                out += _read(sent, ind, start, end, page, year)
    return out
