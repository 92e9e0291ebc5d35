"""AMOUNT entities: money (€ HT/TTC, k€/M€, millions d'euros), percentages, areas, volumes,
masses, durations and counts with their noun. Never raises.

Page numbers, years, article and reference numbers, times of day, postcodes and phone numbers
are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.dates import MONTH_WORDS
from greffier.extract.numbers import (
    COUNTED_AFTER_YEAR,
    NUMBER_RE,
    SP,
    WORD_NUMBER_RE,
    parse_number,
    words_to_number,
)

_S = rf"[{SP}\t]"  # a space inside an amount
_GAP = rf"(?:[{SP}\t]*(?:\n[{SP}\t]*){{0,2}})"  # spaces and up to two line breaks ("12" / "M€")


@dataclass(frozen=True)
class AmountMatch:
    start: int
    end: int
    text: str
    value: float
    unit: str  # EUR, %, count, m2, ha, m3, km, t, kg, h, other
    currency: str | None
    tax: str | None
    quantity_of: str | None


_TAX = (
    rf"(?P<tax>{_S}*(?:\(?\s*(?:HT|H\.T\.?|TTC|T\.T\.C\.?|hors[{SP}]taxes?|toutes[{SP}]taxes[{SP}]comprises"
    rf"|net(?:[{SP}]de[{SP}]taxe)?)\)?)(?![\w]))?"
)
_MULT = r"(?P<mult>milliards?|millions?|Mds?|M|k|K|mille)"
_UNIT_RE = re.compile(
    rf"^{_GAP}(?:"
    rf"(?P<money>(?:{_MULT}{_S}*)?(?:€|euros?\b|EUR\b)|(?P<mult2>milliards?|millions?|mille)\s+d['’]\s*euros?\b)"
    rf"|(?P<pct>%|pour{_S}?cents?\b|points?\b)"
    rf"|(?P<m2>m²|m2\b|mètres?{_S}carrés?)|(?P<km2>km²|km2\b)|(?P<ha>ha\b|hectares?\b)"
    rf"|(?P<m3>m³|m3\b|mètres?{_S}cubes?)|(?P<km>km\b|kilomètres?\b)"
    rf"|(?P<t>t\b|tonnes?\b)|(?P<kg>kg\b|kilos?\b)|(?P<h>h\b(?!{_S}?\d)|heures?\b)"
    rf"|(?P<ml>ml\b|mètres?{_S}linéaires?\b)|(?P<l>litres?\b|l\b)"
    rf"|(?P<bigmult>milliards?\b|millions?\b)"
    rf")",
    re.IGNORECASE,
)
_MULTIPLIERS = {
    "k": 1e3,
    "mille": 1e3,
    "m": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "md": 1e9,
    "mds": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
}
_NUM = re.compile(rf"(?<![\w.,/\-])(?P<sign>[+−]{_S}?|-(?=\d))?(?P<num>{NUMBER_RE})(?![\d_]|[.,]\d)")
_RATE = re.compile(r"^(?:/\s?[A-Za-zéèà.³²0-9]+){1,2}")  # "€/m3", "kg/habitant", "kg/hab/an"
_WORDNUM = re.compile(rf"(?<![\w-])(?P<num>{WORD_NUMBER_RE})(?=\s+\w)", re.IGNORECASE)
_NOUN = re.compile(
    rf"^{_GAP}(?:(?P<adj>premiers?|nouve(?:aux|lles?|l)|seule?s?|autres|grands?|petit(?:e?s)?){_S}+)?"
    r"(?P<noun>[a-zà-öø-ÿœ][a-zà-öø-ÿœ'’-]*|[A-ZÀ-Ü][a-zà-öø-ÿœ'’-]+s\b|[A-Z]{2,}s?\b)"
)
_NOT_NOUNS = set(
    """de du des d et à au aux en le la les l un une pour sur par ou dont qui que avec dans sans entre
    contre vers ans_ sont est a été ont seront était ce ces cet cette son sa ses leur leurs il elle ils
    elles on se ne pas plus moins soit janvier février fevrier mars avril mai juin juillet août aout
    septembre octobre novembre décembre decembre er ème e eme et/ou mn min jours_ fois_ x""".split()
)
_PRECEDING_EXCLUDE = re.compile(
    r"(?:\b(?:articles?|art\.?|alinéas?|n°|no\.?|numéros?|page|p\.|pages|lot|lots|chapitre|compte|comptes|"
    r"annexe|tableau|fiche|parcelles?|section|cadastr\w*|rue|avenue|route|chemin|impasse|allée|place|bd|boulevard|"
    r"[LRD]\.?|tél\.?|téléphone|fax|version|décret|loi|arrêté|ordonnance|délibération|décision|code|titre|"
    r"indice|échelon|catégorie|classe|n)\s*$)|[°/]\s*$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def _unit_of(m: re.Match[str]) -> tuple[str, str | None, float]:
    """(unit, currency, multiplier) of a unit match."""
    g = m.groupdict()
    if g.get("money"):
        mult = (g.get("mult") or g.get("mult2") or "").lower()
        return "EUR", "EUR", _MULTIPLIERS.get(mult, 1.0)
    if g.get("bigmult"):
        return "count", None, _MULTIPLIERS[g["bigmult"].lower()]
    for name, unit in (
        ("pct", "%"),
        ("m2", "m2"),
        ("km2", "other"),
        ("ha", "ha"),
        ("m3", "m3"),
        ("km", "km"),
        ("t", "t"),
        ("kg", "kg"),
        ("h", "h"),
        ("ml", "other"),
        ("l", "other"),
    ):
        if g.get(name):
            return unit, None, 1.0
    return "other", None, 1.0


def _excluded_context(text: str, start: int, end: int, raw: str) -> bool:
    before = text[max(0, start - 20) : start]
    if _PRECEDING_EXCLUDE.search(before) and not (
        re.search(r"\bcompte\s*$", before) and COUNTED_AFTER_YEAR.match(text[end : end + 20])
    ):  # "compte 6574" is an account; "la commune compte 2017 habitants" is not
        return True
    after = text[end : end + 3]
    if re.match(r"^\s?h\s?\d", after) or re.match(r"^[°èe](?:r|me)?\b", after):  # 20h30, 2°, 3ème
        return True
    if re.match(r"^[/\-_.]\d", after) or re.search(r"\d[/\-_.]$", before):  # 12/04, 2024-45, 2024_01
        return True
    if re.search(r"[A-Za-z]$", before):  # DEL2024, VP.168
        return True
    return False


def find_amounts(text: str) -> list[AmountMatch]:
    """Every amount in ``text``, in order, without overlaps."""
    out: list[AmountMatch] = []
    try:
        out.extend(_digit_amounts(text))
        taken = [(a.start, a.end) for a in out]
        for a in _word_amounts(text):
            if not any(a.start < e and a.end > s for s, e in taken):
                out.append(a)
    except Exception:  # a parser must never break ingestion
        return sorted(out, key=lambda a: a.start)
    return sorted(out, key=lambda a: a.start)


# what follows a number and can belong to it (a unit, a rate, a tax mark, a counted noun, the high
# bound of a range) is read in this many characters: never the rest of the text (a long page of
# figures would be copied once per figure)
_AHEAD = 240


def _digit_amounts(text: str) -> list[AmountMatch]:
    out: list[AmountMatch] = []
    for m in _NUM.finditer(text):
        raw = m.group("num")
        start, end = m.start("num"), m.end("num")
        value = parse_number(raw)
        if value is None or _excluded_context(text, start, end, raw):
            continue
        sign = m.group("sign")
        # a minus sign on the line before its number ("-\n3 500 €")
        if not sign:
            prev = re.search(r"([\-−])\s*\n\s*$", text[max(0, start - 4) : start])
            if prev:
                sign = prev.group(1)
        if sign and sign.strip() in "-−" and (m.start() == 0 or not text[m.start() - 1].isalnum()):
            value = -value
            start = m.start() if m.group("sign") else start
        elif sign and sign.strip() == "+":
            start = m.start()
        tail = text[end : end + _AHEAD]
        um = _UNIT_RE.match(tail)
        if um:
            unit, currency, mult = _unit_of(um)
            stop = end + um.end()
            rate = _RATE.match(text[stop : stop + _AHEAD])
            if rate:  # a rate per something: "2.47 €/m3", "194,8 kg/habitant"
                unit = "other"
                stop += rate.end()
            tax = None
            if currency:
                mark = _tax_mark(text, stop)
                if mark:
                    tax, stop = mark
                else:
                    tax = _tax_nearby(text, m.start(), stop) or _tax_after(text, stop)
            quantity_of = None
            if unit == "count":  # "3 millions d'habitants"
                nm = re.match(rf"{_S}*d['’]\s*(\w+)", text[stop : stop + _AHEAD])
                if nm:
                    quantity_of = nm.group(1)
                    stop += nm.end()
            out.append(AmountMatch(start, stop, text[start:stop], value * mult, unit, currency, tax, quantity_of))
            continue
        ranged = _range_low(text, start, end, value)
        if ranged is not None:  # "entre 1200 et 1500 €": the low bound takes the high one's unit
            out.append(ranged)
            continue
        if (_YEAR.match(raw) and not COUNTED_AFTER_YEAR.match(tail)) or (
            "." in raw and "," not in raw and len(raw.split(".")[-1]) != 3
        ):
            continue  # a bare year is a date ("2017 habitants" is not); "VP.168"-like codes are not counts
        if tail[:1].isalpha():
            continue  # glued letters that are no unit: "3ème", "365j", "2B"
        field = _COUNT_FIELD.search(text[max(0, start - 80) : start])
        after = _NOUN.match(tail)
        # (the word after may be the next field's label, "… : 17 Présents : 12", or no noun, "15 dont 2")
        label_after = (
            after is None
            or after.group("noun").lower() in _NOT_NOUNS
            or bool(re.match(r"(?:[ \t]+[^\W\d_]+){0,2}[ \t]*:", tail[after.end() :]))
        )
        if field and label_after and "." not in raw and "," not in raw:
            # a count written as a field: "Nombre de Conseillers en exercice : 17", "Nombre d'abonnés = 132"
            noun = field.group("noun") or field.group("member")
            out.append(AmountMatch(start, end, raw, value, "count", None, None, noun))
            continue
        nm = _NOUN.match(tail)
        if nm:
            noun = nm.group("noun")
            if noun.lower() in _NOT_NOUNS or re.fullmatch(r"\d{5}", raw):  # postcodes: "60350 Attichy"
                continue
            if noun.isupper() and len(noun) >= 3 and _CAPS_GOES_ON.match(tail[nm.end() :]):
                continue  # a folio before a title in capitals: "11 CONSEIL MUNICIPAL SEANCE DU …"
            stop = end + nm.end()
            out.append(AmountMatch(start, stop, text[start:stop], value, "count", None, None, noun))
    return out


_COUNT_FIELD = re.compile(
    r"(?:\b[Nn](?:ombre|OMBRE|b\.?)\s+(?:de|d['’]|des)\s*(?P<noun>[^\W\d_]{3,})[^\d:=\n]{0,40}"
    # the roll of a meeting: "Membres en exercice : 29", "Membres présents : 25", "Votants : 27"
    r"|\b(?P<member>(?i:membres|conseillers|présents|votants|absents|exprimés|pouvoirs|procurations))"
    r"(?:[ \t]+(?:en[ \t]+exercice|présents|votants|représentés|absents))?[ \t]*)[:=]\s*$"
)
_CAPS_GOES_ON = re.compile(r"[ \t]+[A-ZÉÈÊÀÂÇÎÔÛ]{2,}\b")


def _tax_mark(text: str, at: int) -> tuple[str, int] | None:
    """The tax mark written right at ``at`` ("HT", "TTC", "hors taxes", "net") and where it ends."""
    tm = re.match(_TAX, text[at : at + _AHEAD], re.IGNORECASE)
    if not tm or not tm.group("tax"):
        return None
    word = re.sub(r"[\s().]", "", tm.group("tax").upper())
    return ("HT" if word.startswith(("HT", "HORS", "NET")) else "TTC"), at + tm.end()


def _tax_nearby(text: str, start: int, end: int) -> str | None:
    """HT/TTC given by the line's label: "Abonnement annuel (HT) 29 €"."""
    line_start = text.rfind("\n", 0, start) + 1
    label = text[max(line_start, start - 60) : start]
    marks = list(re.finditer(r"\bH\.?T\.?(?=\W|$)|\bT\.?T\.?C\.?(?=\W|$)|hors taxes?|toutes taxes", label))
    if not marks or re.search(r"\d", label[marks[-1].end() :]):
        return None  # no label, or another figure stands between the label and this one
    mark = marks[-1]
    if re.search(r"(?:€|\beuros?|\bEUR)\s*\(?\s*$", label[: mark.start()]):
        return None  # "35 024.96 € HT) soit 1 800 €": the mark is the earlier figure's own
    if re.search(r"[.;!?](?:\s|$)", label[mark.end() :]):
        return None  # "(toutes taxes comprises). Soit 3.06 €": a sentence ends in between
    return "TTC" if mark.group(0).upper().startswith(("T", "TOUTES")) else "HT"


_TAX_AFTER = re.compile(
    r"^(?P<gap>[^€\n.;:!?()]{1,45}?)\(\s*(?P<mark>HT|H\.T\.?|TTC|T\.T\.C\.?|hors\s+taxes?|toutes\s+taxes\s+comprises)\s*\)",
    re.IGNORECASE,
)
_MONTHS = MONTH_WORDS
_DATE_IN_GAP = re.compile(
    rf"\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})(?:\s+(?:19|20)\d{{2}})?\b|\b(?:19|20)\d{{2}}\b", re.IGNORECASE
)


def _tax_after(text: str, stop: int) -> str | None:
    """HT/TTC given in brackets after a short complement: "296.16 € au 1er janvier 2015 (toutes
    taxes comprises)". Only dates may stand in between (no other figure, no euro, no sentence end)."""
    m = _TAX_AFTER.match(text[stop : stop + 80])
    if not m or re.search(r"\beuros?\b|\bEUR\b", m.group("gap"), re.IGNORECASE):
        return None
    if re.search(r"\d", _DATE_IN_GAP.sub("", m.group("gap"))):
        return None
    word = m.group("mark").upper()
    return "TTC" if word.startswith(("T", "TOUTES")) else "HT"


_RANGE_HIGH = re.compile(rf"^{_S}+et{_S}+(?P<num>{NUMBER_RE})(?![\d_]|[.,]\d)")


def _range_low(text: str, start: int, end: int, value: float) -> AmountMatch | None:
    """The low bound of "entre X et Y <unit>", with the unit (and tax) of the high bound."""
    if not re.search(r"\bentre\s+$", text[max(0, start - 8) : start], re.IGNORECASE):
        return None
    high = _RANGE_HIGH.match(text[end : end + _AHEAD])
    if not high:
        return None
    after = end + high.end()
    um = _UNIT_RE.match(text[after : after + _AHEAD])
    if not um:
        return None
    unit, currency, mult = _unit_of(um)
    stop = after + um.end()
    if _RATE.match(text[stop : stop + _AHEAD]):
        unit = "other"
    mark = _tax_mark(text, stop) if currency else None
    tax = mark[0] if mark else None
    return AmountMatch(start, end, text[start:end], value * mult, unit, currency, tax, None)


def _word_amounts(text: str) -> list[AmountMatch]:
    out = []
    for m in _WORDNUM.finditer(text):
        raw = re.sub(r"^(?:et|un|une)[ -]+(?=\w)", "", m.group("num").strip(" -"), flags=re.IGNORECASE)
        if raw != m.group("num").strip(" -") and raw.lower() in ("un", "une"):
            continue
        if raw.lower() in ("un", "une", "et", "cent", "mille"):
            # "une seule" is a count; other "un/une" are articles
            seule = re.match(rf"{_S}+seule?s?\s+(\w+)", text[m.end() :])
            if raw.lower() in ("un", "une") and seule:
                stop = m.end() + seule.end()
                out.append(
                    AmountMatch(m.start(), stop, text[m.start() : stop], 1.0, "count", None, None, seule.group(1))
                )
            continue
        value = words_to_number(raw)
        if value is None or 1900 <= value <= 2100:  # "deux mille vingt-cinq" is a year
            continue
        begin = (
            m.start()
            + len(m.group("num"))
            - len(m.group("num").lstrip())
            + (len(m.group("num").strip(" -")) - len(raw))
        )
        after = begin + len(raw)
        big = re.match(r"\s+(millions?|milliards?)\s+d['’]\s*(\w+)", text[after : after + _AHEAD])
        if big:  # "deux millions d'habitants"
            stop = after + big.end()
            mult = _MULTIPLIERS[big.group(1).lower()]
            euros = big.group(2).lower().startswith("euro")
            out.append(
                AmountMatch(
                    begin,
                    stop,
                    text[begin:stop],
                    value * mult,
                    "EUR" if euros else "count",
                    "EUR" if euros else None,
                    None,
                    None if euros else big.group(2),
                )
            )
            continue
        nm = _NOUN.match(text[after : after + _AHEAD])
        if not nm or nm.group("noun").lower() in _NOT_NOUNS:
            continue
        noun = nm.group("noun")
        if value > 1 and not re.search(r"[sx]$", noun) and not noun.isupper():
            continue  # "trois doit": a plural noun must follow a number above one
        stop = after + nm.end()
        out.append(AmountMatch(begin, stop, text[begin:stop], float(value), "count", None, None, noun))
    return out
