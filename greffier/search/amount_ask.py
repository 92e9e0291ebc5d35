"""What a question asks of an amount, and what the words around an amount say of it.

"Le montant total", "par élève", "TTC", "au maximum", "demandé": a question says what kind of sum
it wants; a sentence says whether a figure is a total, per what unit, a ceiling, an amount
requested, the base of a rate. :func:`amount_factor` weighs a candidate amount by how the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.headings import fold
from greffier.records import Entity
from greffier.search.columns import asks_previous, column, previous_column
from greffier.search.evidence import Weigher
from greffier.search.question import Question

PER_UNIT_UNASKED = 0.85  # a value written per unit, when the question asks none (dev+test)
LABEL_NUMBERS = 0.15  # up to x1.15 for a value whose label holds the question's numbers (dev+test)
OTHER_MONEY_NOUN = 0.85  # a sum whose label names another kind of money than the question's (dev+test)
BASE_OF_RATE = 0.8  # the amount a rate is taken of ("50 % de 245 517,80 €"), not the grant itself
CAP_UNASKED = 0.85  # a ceiling ("20 caméras au maximum"), when the question asks none
TOTAL_UNASKED = 0.9  # a value labelled a total ("Total mensuel") when none is asked (blind3 tune -1 wrong)
TOTAL_UNWRITTEN = 0.85  # a value with no "total" near it, when the question asks a total (dev+test)
REQUESTED_FACTOR = 0.85  # an amount requested, when the question asks what was granted or paid (dev+test)
# an amount of zero (a budget table's empty columns, "0 €" beside a work's real cost) and a count
# that is no whole number (a ratio: "1,95 habitants par abonné"): rarely what "combien" asks
# (blind3 tune: Jons, Brillac, Bretagne, Grand Est)
ZERO_AMOUNT = 0.6
FRACTIONAL_COUNT = 0.6
# a budget table's column of the previous budget ("Pour mémoire, budget précédent", "RAR N-1": the
# restes à réaliser carried over): the instruction M57 and M14 layout of every BP and CA, not the
# budget asked unless the question asks it. A question asking a year weighs it as the previous
# year's value (ask.py: year_agreement); one asking none, by this factor
PREVIOUS_COLUMN = 0.6
# a sum whose own label names the other side of a budget's axis than the question ("la section de
# fonctionnement" answered by "investissement : 1 947 744,18 €", "dépenses" by a "Recettes" row):
# the two sections and the two directions of every French budget (blind3 tune: Chéméré, Grand Est)
OTHER_SIDE = 0.7
_SIDES = (("fonctionnement", "investissement"), ("depense", "recette"))

_TOTAL = re.compile(r"\btota(?:l|le|ux|les)\b|\bcumul", re.IGNORECASE)
# a figure's label that says it is a total: "Total mensuel 4 364,09 €", "TOTAL | …", "Sous-total"
_TOTAL_LABEL = re.compile(r"^\W*(?:sous[- ]?)?tota(?:l|ux)\b", re.IGNORECASE)
# what a sum of money is: a question that names one ("le budget total") is not answered by a value
# whose own label names only others ("l'encours total de la dette est de ...")
_MONEY_NOUNS = (
    "budget dette encours subvention dotation emprunt recette dépense loyer redevance cotisation contribution "
    "indemnité prime taxe salaire excédent déficit capital devis"
).split()


def _money_nouns(wg: Weigher, text: str) -> set[str]:
    stems = {s for t in wg.tokens(text) for s in t.stems}
    return {n for n in _MONEY_NOUNS if set(wg.stems(n)) & stems}


_BARE_NUMBER = re.compile(r"(?<![\w.,])\d+(?:,\d+)?(?![\w])")  # "21", "2,5": a number standing alone


def _numbers(text: str) -> set[float]:
    """The numbers written in ``text`` other than years ("De 21 à 28 Heures": 21, 28)."""
    found = {float(n.replace(",", ".")) for n in _BARE_NUMBER.findall(text)}
    return {n for n in found if not 1900 <= n <= 2100}


@dataclass(frozen=True)
class AmountAsk:
    """What a question says of the amount it wants, read once per question."""

    per_unit: tuple[str, ...]  # the stems of "par élève", "chaque mois": the unit a value must be written per
    rate: bool  # the question asks a value per something ("par", "/", "chaque", "unitaire")
    numbers: frozenset[float]  # the numbers it writes ("de 21 à 28 heures", "consommant 120 m3")
    money: frozenset[str]  # the kinds of money it names (budget, dette, subvention ...)
    total: bool  # "le montant total"
    cap: bool  # "au maximum", "plafond", "jusqu'à combien"
    request: bool  # "demandé", "sollicité", "réclamé"
    tax: str | None = None  # "HT" or "TTC" when the question names one ("taxes comprises": TTC)
    previous: bool = False  # the question asks the previous budget's column ("pour mémoire", "RAR") or a year
    sides: tuple[str, ...] = ()  # the budget sides it names ("fonctionnement", "depense"; see _SIDES)


_TAX_ASKED = {
    "TTC": re.compile(r"\bTTC\b|toutes taxes|taxes? comprises?", re.IGNORECASE),
    "HT": re.compile(r"\bHT\b|hors taxes?|hors TVA", re.IGNORECASE),
}


def asked_tax(question: str) -> str | None:
    """The tax basis a question asks ("montant TTC", "hors taxes"), None for none or both."""
    found = [t for t, pattern in _TAX_ASKED.items() if pattern.search(question)]
    return found[0] if len(found) == 1 else None


def amount_asked(wg: Weigher, q: Question) -> AmountAsk:
    low = q.text.lower()
    per = _PER_UNIT.search(low) or _PER_PERIOD.search(low)
    per_word = next((w for w in per.groups() if w), "") if per else ""
    return AmountAsk(
        per_unit=wg.stems(_PERIODS.get(per_word, per_word)) if per_word else (),
        rate=bool(re.search(r"\bpar\b|/|\bchaque\b|\bunitaire|\bau (?:m|km|kilo)", low)),
        numbers=frozenset(float(n.replace(",", ".")) for n in _BARE_NUMBER.findall(q.text)),
        money=frozenset(_money_nouns(wg, q.text)),
        total=bool(_TOTAL.search(q.text)),
        cap=bool(_CAP_ASKED.search(low)),
        request=bool(_REQUESTED.search(q.text)),
        tax=asked_tax(q.text),
        previous=asks_previous(q.text) or q.year_from is not None,  # a year asked: year_agreement weighs it
        sides=_sides_named(q.text),
    )


def amount_factor(
    factor: float, wg: Weigher, ask: AmountAsk, e: Entity, sentence: str, at: int, table_row: bool
) -> float:
    """``factor`` times what the words around an amount say of it against what the question asks:
    written per the unit asked, or per another; labelled with the question's numbers, another kind
    of money, a total or not; the base of a rate, a ceiling, an amount requested."""
    end = at + len(e.text)
    if ask.per_unit:
        factor *= _per_unit_agreement(wg, ask.per_unit, sentence, at, end)
    elif not ask.rate and _RATE_AFTER.match(sentence, end):
        factor *= PER_UNIT_UNASKED  # "30 euros par kilomètre" does not answer "quel montant"
    # the words since the previous figure: "le budget total est de 120 000 € et la commune a soutenu
    # à hauteur de 2 500 €": 2 500 € is not the total
    # (the figures right before it share its label: "TOTAL 14 140 € 20 520 € 13 920 €")
    since = _LAST_FIGURE.split(_FIGURE_RUN.sub("", sentence[max(0, at - 80) : at]))[-1]
    if table_row:
        since = sentence.split("|")[0] + " " + since  # the row's label: "TOTAL | ... 13 920 €"
    label = _numbers(since) if ask.numbers else set()
    if label & ask.numbers:
        # "De 21 à 28 Heures 700 €" for "les agents travaillant de 21 à 28 heures", more than
        # "Au-delà de 28 Heures 1000 €": as much as the label's numbers are the question's
        factor *= 1 + LABEL_NUMBERS * len(label & ask.numbers) / len(label | ask.numbers)
    if ask.money:
        named = _money_nouns(wg, since)
        if named and not named & ask.money:
            factor *= OTHER_MONEY_NOUN  # "l'encours total de la dette est de 2,5 Md€" for "le budget total"
    if ask.sides and _other_side(ask.sides, since):
        factor *= OTHER_SIDE
    if ask.total and not _TOTAL.search(f"{since} {sentence[at : end + 20]}"):
        factor *= TOTAL_UNWRITTEN  # one association's subsidy is not "le montant total des subventions"
    elif not ask.total and _TOTAL_LABEL.match(since):
        factor *= TOTAL_UNASKED  # "Total mensuel 4 364,09 €" does not answer "l'indemnité du maire"
    # ("Remise de 5,00% sur le total soit 10 657,62 €": what "soit" introduces is the result)
    before = sentence[max(0, at - 30) : at]
    if e.unit != "%" and _BASE_OF_RATE.search(before) and not re.search(r"\bsoit\s*$", before):
        factor *= BASE_OF_RATE  # "Subvention de la DRAC : (50 % de 245 517,80 €)": the base, not the grant
    if not ask.cap and (_CAP_BEFORE.search(sentence[max(0, at - 30) : at]) or _CAP_AFTER.match(sentence, end)):
        factor *= CAP_UNASKED  # "l'installation de 20 caméras au maximum" is no count of cameras installed
    if not ask.request and _REQUESTED.search(sentence[max(0, at - 40) : at]):
        factor *= REQUESTED_FACTOR  # "Demandées: 2 000 €" is not what was granted
    if e.value == 0 and e.unit != "%":
        factor *= ZERO_AMOUNT  # "0,00" in a budget's empty column, "0 €" of a work not done
    if e.unit == "count" and e.value is not None and not float(e.value).is_integer():
        factor *= FRACTIONAL_COUNT  # "1,95 habitants par abonné" is a ratio, not a number of people
    if table_row and not ask.previous and previous_column(column(sentence, at)):
        factor *= PREVIOUS_COLUMN  # "Dépenses de fonctionnement – Total | Pour mémoire, budget précédent (1): …"
    return factor


_LAST_FIGURE = re.compile(r"\d(?:[\d\s.,]*\d)?\s*(?:€|euros?\b|%)")
_FIGURE_RUN = re.compile(r"(?:\s*\d(?:[\d\s.,]*\d)?\s*(?:€|euros?\b|%))+\s*$")


# the amount a rate is taken of: "50 % de 245 517,80 €", "calculée au taux de 30 % du montant de ..."
_BASE_OF_RATE = re.compile(r"%\s*(?:HT|TTC)?\s*(?:de|du|sur)\s+(?:la\s+|l['’]\s*|le\s+)?(?:\w+\s+){0,3}?(?:de\s+)?$")


# a ceiling, not an amount: "20 caméras au maximum", "plafonné à 3 500 €", "pouvant atteindre 1 500 €"
_CAP_BEFORE = re.compile(
    r"(?:jusqu['’]\s*à|au\s+maximum|au\s+plus|maximum\s+de|maximale?\s+de|plafonnée?s?\s+à|plafond\s+de"
    r"|pouvant\s+atteindre|dans\s+la\s+limite\s+de|n['’]\s*excédant\s+pas|ne\s+pouvant\s+excéder"
    # "DGE (25% avec un plafond de dépenses fixé à 260 000,00 €) 65 000,00 €": the ceiling, not the grant
    r"|plafond\b[^\d()]{0,25}?\bfixée?s?\s+à)\s*$",
    re.IGNORECASE,
)
_CAP_AFTER = re.compile(r"\s*(?:HT|TTC)?\s*(?:au\s+maximum|au\s+plus|maximum)\b", re.IGNORECASE)
_CAP_ASKED = re.compile(r"maxim|plafon|au plus|limite|jusqu['’]à (?:combien|quel)|excéder|atteindre")


# an amount asked for, not granted: "Comité des Fêtes | 2025 / Demandées: 2 000 €", "sollicite une
# subvention de 2 000 €" (a question about what was requested says so)
_REQUESTED = re.compile(r"\b(?:demand|sollicit|requ[eê]t|réclam)\w*", re.IGNORECASE)


# a value written per unit: "30 euros par kilomètre", "2,47 €/m3", "1.19 € par habitant"
_RATE_AFTER = re.compile(
    r"\s*(?:HT|TTC)?\s*(?:par\s+(?!an\b|ans\b|mois\b|jour\b|semaine\b)\w+|/\s*(?!an\b)[a-zA-Zé³]+)", re.IGNORECASE
)


# "par élève", "par habitant": a per-unit figure (not "par délibération", "par an")
_PER_UNIT = re.compile(r"\bpar\s+(?!an\b|ans\b|délibération|arrêté|décision|courrier|mail|convention)(\w{3,})")
# "combien paie-t-elle chaque mois", "quel loyer mensuel": a value written per month ("120 € HT par
# mois"), not the set-up fee beside it (a year is not asked so: yearly values rarely say "par an")
_PER_PERIOD = re.compile(r"\bchaque\s+(mois|semaine|jour|trimestre)\b|\b(mensuel|hebdomadaire|journalier|trimestriel)")
_PERIODS = {"mensuel": "mois", "hebdomadaire": "semaine", "journalier": "jour", "trimestriel": "trimestre"}


def _sides_named(text: str) -> tuple[str, ...]:
    """The budget sides a text names, each pair's one side when it names only one."""
    words = fold(text)
    out = []
    for pair in _SIDES:
        named = [side for side in pair if re.search(rf"\b{side}", words)]
        if len(named) == 1:
            out.append(named[0])
    return tuple(out)


def _other_side(asked: tuple[str, ...], label: str) -> bool:
    """Whether a value's label names only the other side of a side the question asks."""
    named = set(_sides_named(label))
    return any(other in named for side in asked for pair in _SIDES if side in pair for other in pair if other != side)


def _per_unit_agreement(wg: Weigher, unit: tuple[str, ...], sentence: str, start: int, after: int) -> float:
    """A question about a figure "par élève" wants the value written per pupil: "1 076,38 € par
    élève" (or "/ élève") right after it, not the total three clauses away."""
    right_after = sentence[after : after + 30]
    m = re.match(r"\s*(?:HT|TTC|TTC\.)?\s*(?:par|/)\s*(\w+)", right_after, re.IGNORECASE)
    if m and set(wg.stems(m.group(1))) & set(unit):
        return 1.15
    # "un coût moyen par élève de 1 076,38 €", "par habitant : 108,51 €": the unit just before
    before = sentence[max(0, start - 40) : start]
    m = re.search(r"\bpar\s+(\w+)\s*(?:de|d['’]|:|=|est\s+de|s['’]élève\s+à)\s*$", before, re.IGNORECASE)
    if m and set(wg.stems(m.group(1))) & set(unit):
        return 1.15
    # "un loyer mensuel de 500 €"
    m = re.search(r"\b(mensuel|hebdomadaire|journalier|trimestriel)\w*\s*(?:de|d['’]|:|=|est\s+de)?\s*$", before, re.I)
    if m and set(wg.stems(_PERIODS[m.group(1).lower()])) & set(unit):
        return 1.15
    return 0.85


# "jusqu'à quelle date ... prolongé ?" wants the date a term ends at, "depuis quand ?" the date a
# state starts from: the words just before a date say which it is
