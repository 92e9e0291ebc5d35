"""Understanding a French question: what kind of answer, which years, what is measured."""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.headings import fold
from greffier.search.asked_years import listed_years, with_previous


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # figure | date | direction | trend | fact | open (why, how, where, whether)
    year_from: int | None
    year_to: int | None
    unit: str | None  # EUR | % | count | m3 | t | ha | km | area (m2 or ha) | None
    counted: str | None  # the counted noun of "combien de X"
    terms: str  # the words to search for (question words and years removed)
    meeting: tuple[str, ...] = ()  # the documents of the meeting the question names ("du 14 décembre 2015")
    scope: tuple[str, ...] = ()  # the only documents to search: those the question names ("à Abainville")
    years: tuple[int, ...] = ()  # a series' years when it lists some ("en 2009, 2012 et 2015"), else all

    @property
    def single_year(self) -> int | None:
        return self.year_from if self.year_from is not None and self.year_from == self.year_to else None


# (a word inside a compound is no question word: "Cuise-la-Motte", "tout-à-l'égout" stay whole)
_QUESTION_WORDS = re.compile(
    r"(?<![\w-])(?:combien|quel(?:le)?s?|quand|comment|pourquoi|qui|que|quoi|où|est-ce|est|sont|a-t-(?:il|elle)"
    r"|ont-(?:ils|elles)|a|ont|été|était|étaient|t|il|elle|ils|elles|l'|d'|à|au|aux|du|de|des|la|le|les|un|une"
    r"|en|sur|pour|par|dans|y|ce|cette|ces|son|sa|ses|leur|leurs|qu'|s'|n'|ne|pas|année|années|chaque|entre|et"
    r"|depuis|jusqu'en|dernier|dernière|montant|nombre)\b",
    re.IGNORECASE,
)
_SERIES_WORDS = re.compile(r"\b(?:évolu\w*|varié\w*|successi\w*|respectivement|puis)\b")
_OVER_YEARS = re.compile(r"année après année|d'année en année|année par année|au fil des années|ces dernières années")
_PAST = re.compile(r"\b(?:a|ont|avait|avaient|était|étaient)\b|\b(?:a|ont)-t-(?:il|elle|ils|elles)\b")
_UNIT_HINTS = (
    # ("le taux de la redevance", "le taux de redevance pour modernisation des réseaux": euros per m3)
    (
        "%",
        r"\btaux\b(?!\s+(?:de\s+(?:la\s+)?|d['’]\s*)?(?:redevance|surtaxe))|pourcentage|\bpart\b|proportion|%"
        r"|dans quelle mesure|\bcouvert(?:es?|s)?\b",
    ),
    ("m3", r"\bm3\b|m³|mètres? cubes?|\bvolume"),
    ("t", r"\btonnes?\b|tonnage"),
    ("ha", r"hectares?"),
    ("area", r"\bsurface|superficie|\bm2\b|m²|mètres? carrés?"),
    ("km", r"kilomètres?|\bkm\b|\bdistance\b|\blongueur|\blinéaires?\b"),  # a length, in km or metres
    (
        "EUR",
        r"montant|co[uû]t|co[uû]té|co[uû]te|\bvaut\b|prix|tarif|budget|subvention|euros?|€|somme|d[ée]pens|recette|"
        r"redevance|dette|encours|loyer|indemnit|prime|enveloppe|hors taxes|\bht\b|\bttc\b|rembours|"
        r"résultat|\bsolde|excédent|déficit|\bvaleur\b|contribution|cotisation|dotation|\bdevis\b|factur|\bfrais\b|"
        r"versement|emprunt|\bproduit (?:de|des|du|d')|salaire|rémunér|\btraitement\b|gratification|\bparticipation\b|"
        r"plafonds? de ressources|"
        r"combien .*(?:pay|touch|vers|rapport|co[uû]t|dépens|reçu|perç|accord|attribu|allou|apport|vend|engag|réclam"
        r"|obten)",
    ),
)


_MEASURES = {
    "tonnes": "t",
    "tonne": "t",
    "hectares": "ha",
    "hectare": "ha",
    "m3": "m3",
    "kilometres": "km",
    "kilometre": "km",
    "km": "km",
    "metres cubes": "m3",
    "metre cube": "m3",
    "metres carres": "area",
    "metre carre": "area",
}
# "combien de temps", "pour combien d'années": a duration, counted in any of these
_DURATION = "ans années mois semaines jours heures"


# a question whose head noun is a count: the words after it do not make it a sum of money
_COUNT_HEAD = re.compile(
    r"^\W*quel(?:le)?s?\s+(?:est|était|sont|étaient)\s+(?:le|la|l'|les)\s*(?:population|nombre|effectifs?)\b"
)


# why, how, where, whether, and "pour quelle période" (a duration or a span; "sur quelle période" asks a
# span of dates: a date question, answered by a range, see asks_date)
_OPEN_LEAD = r"\W*(?:pourquoi|comment|où|d'où|par où|est-ce qu|(?:pour|pendant|sur) quelle période)\b"


# a question asking a body: a direction, a service, a firm, who acts
_BODY_ASKED = re.compile(
    r"quel(?:le)?s? (?:direction|service|pôle|mission|dga|structure|organisme|entité|cellule|juridiction|instance"
    r"|société|entreprise|prestataire|syndicat|établissement|cabinet|bureau d'études|opérateur|agence|autorité"
    r"|administration|collectivité|partenaire|association|titulaire|attributaire|délégataire"
    r"|fournisseur|maître d'(?:œ|oe)uvre"
    # a person who acts: "quel agent du service urbanisme est le contact …"
    r"|agent|agente|interlocuteur|interlocutrice|référent|référente|personne|élu|élue)\b"
    r"|quel(?:le)?s? (?:est|était|sont) (?:le|la|les|l') ?(?:prestataire|titulaire|attributaire|délégataire"
    r"|fournisseur|maître d'(?:œ|oe)uvre|organisme)\b"
    r"|qui (?:pilote|gère|est chargée?|conduit|mène|a (?:mené|conduit|piloté))\b"
    r"|^\W*(?:par )?qui\b"
    r"|qui (?:est|sont|était) (?:le|la|les|l') ?(?:prestataire|titulaire|attributaire|délégataire|fournisseur)\b"
    r"|^\W*à qui\b"
)


def parse_question(text: str, latest_year: int | None = None) -> Question:
    t = text.strip()
    low = t.lower().replace("’", "'")
    # a school or budget year written "2025/2026" or "2025-2026" is the year it starts
    low = re.sub(
        r"\b((?:19|20)\d{2})\s?[/-]\s?((?:19|20)\d{2})\b",
        lambda m: m.group(1) if int(m.group(2)) == int(m.group(1)) + 1 else m.group(0),
        low,
    )
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", low)]
    year_from = year_to = None
    m = (
        re.search(r"(?:entre|de)\s+((?:19|20)\d{2})\s+(?:et|à)\s+((?:19|20)\d{2})", low)
        or re.search(r"(?:en|pour)\s+((?:19|20)\d{2})\s+et\s+(?:en\s+|pour\s+)?((?:19|20)\d{2})", low)
        # "pour le budget précédent (2023) et pour le BP 2024": two years, each with its budget's words
        or re.search(
            r"\(((?:19|20)\d{2})\)\s+et\s+(?:pour\s+|en\s+|au\s+)?(?:(?:le|la|l'|du|de)\s*)?(?:\w+\s+){0,2}((?:19|20)\d{2})",
            low,
        )
        # "pour les rentrées 2016 à 2020", "de la rentrée 2016 à la rentrée 2020"
        # "du BP 2023 au BP 2024", "de l'exercice 2019 à l'exercice 2021"
        or re.search(
            r"((?:19|20)\d{2})\s+(?:à|au|jusqu'à|jusqu'en)\s+(?:(?:la|l'|le)\s*)?(?:[^\W\d]+\s+){0,2}"
            r"((?:19|20)\d{2})",
            low,
        )
    )  # "pour 2024 et 2025": both years, a series
    # "entre la séance du 16 octobre 2024 et celle du 9 juillet 2025": two days of two years, a span
    days = re.search(
        r"\bentre\b[^?]{0,60}?\b\d{1,2}(?:er)?\s+[^\W\d]+\s+((?:19|20)\d{2})\s+et\s+[^?]{0,40}?"
        r"\b\d{1,2}(?:er)?\s+[^\W\d]+\s+((?:19|20)\d{2})",
        low,
    )
    if m is None and days is not None and days.group(1) != days.group(2):
        m = days
    listed = listed_years(low)  # "en 2009, 2012 et 2015": those years only
    if listed and m is not None and len(listed) == 2 and re.match(r"(?:entre|de)\s", m.group(0)):
        listed = ()  # "entre 2009 et 2015": a range
    if listed:
        year_from, year_to = listed[0], listed[-1]
    elif m:
        year_from, year_to = int(m.group(1)), int(m.group(2))
    elif re.search(r"depuis\s+((?:19|20)\d{2})", low):
        year_from = int(re.search(r"depuis\s+((?:19|20)\d{2})", low).group(1))  # type: ignore[union-attr]
        year_to = latest_year
    elif years:
        year_from = year_to = years[-1]
    elif latest_year is not None and re.search(r"l'an dernier|l'année dernière", low):
        year_from = year_to = latest_year - 1
    elif latest_year is not None and re.search(r"cette année", low):
        year_from = year_to = latest_year
    # "quand" asks a date at the start or after "depuis"/"jusqu'à"; inside a clause it is a
    # conjunction: "jusqu'à combien ..., quand il n'y a ni gouttière ..." asks a figure
    asks_date = re.search(
        r"^\W*quand\b|(?:depuis|jusqu'à|à partir de|dès) quand\b|quelle date|(?:en|depuis|dans) quelle année|quel jour"
        r"|quelle (?:est|était|sera) la date\b"
        # a meeting is named by its date: "lors de quelle séance", "le procès-verbal de quelle séance"
        r"|quelle (?:séance|réunion)\b"
        # "sur quelle période …", "de quand date la délibération …"
        r"|\b(?:sur|pendant|durant) quelle période\b|quelle (?:est|était|sera) la période\b|^\W*de quand\b"
        # "Quel arrêté … est abrogé ? Donnez sa date."
        r"|\b(?:donne[rz]|précise[rz]|indique[rz])\s+(?:sa|la|leur)\s+date\b",
        low,
    )
    # "chaque année" alone is a yearly figure ("combien coûte chaque année le stockage ?"); with a
    # range of years ("chaque année de 2015 à 2020") the range makes it a series
    trend = not asks_date and (
        bool(re.search(r"évolu|d'une année sur l'autre|au fil des ans", low))
        or m is not None
        or bool(listed)
        # "année après année", "au fil des années"; "a-t-elle collecté chaque année" with no year
        # (a past over several years), not "combien coûte chaque année" (a yearly figure)
        or bool(_OVER_YEARS.search(low))
        or (not years and "chaque année" in low and bool(_PAST.search(low)))
        or bool(re.search(r"depuis\s+(?:19|20)\d{2}", low))
    )
    body_asked = _BODY_ASKED.search(low)
    if asks_date and body_asked and body_asked.start() < asks_date.start() and " et " in low[: asks_date.start()]:
        # "Quel organisme a émis un avis défavorable …, et à quelle date ?": the body first, its date
        # as a second part (the date stays in the body's evidence)
        asks_date = None
    if trend:
        kind = "trend"
        previous = with_previous(low, years)  # "entre le budget précédent et le BP 2024"
        if previous and year_from == year_to:
            year_from, year_to = previous
    elif asks_date:
        kind = "date"
    elif body_asked:
        kind = "direction"
    elif re.search(
        r"combien|quel(?:le)? (?:est|était|sont)? ?(?:le |la |l')?(?:montant|nombre|taux|prix|tarif|coût|somme|"
        r"population|volume|tonnage|part|budget|total|encours|rendement|limite|plafond|seuil|durée|surface|"
        r"superficie|enveloppe|capacité|longueur|distance|quantité|proportion)",
        low,
    ) or re.search(r"\b(?:montant|taux|prix|tarif|coût|somme|nombre)\b", low):
        kind = "figure"
    elif re.match(r"\s*(?:quel(?:le)?s?|à combien|jusqu'à quel)\b", low):
        kind = "figure"  # "quel est le produit de la TEOM", "quelle distance", "quel tarif"
    elif re.match(_OPEN_LEAD, low) or (
        not re.search(r"\b(?:qu(?:e|oi|el|elle|els|elles)|qui|combien|quand)\b", low)
        and re.search(r"-t-(?:il|elle|ils|elles|on)\b|\w-(?:il|elle|ils|elles)\b", low)
    ):
        kind = "open"  # why, how, where, whether: no figure, date or body answers it
    else:
        kind = "fact"
    unit = None
    # "la redevance par kilomètre", "le prix du m3", "un abonné consommant 120 m3": the unit a rate is
    # counted by, or a quantity the question gives, is not the answer's unit
    measures = r"(?:kilomètres?|km|m3|m³|mètres? cubes?|tonnes?|hectares?|ha|t)\b"
    # ("le prix TTC du mètre cube", "le tarif HT au m3": a tax basis may stand between)
    rate_of = r"\b(?:par|au|(prix|tarif|co[uû]t)(?:\s+(?:ttc|ht|moyen|unitaire))?\s+(?:du|d'un|au))\s+"
    measured = re.sub(rate_of + measures, r" \1 ", low)
    measured = re.sub(rf"\b\d[\d\s.,]*\s*{measures}", " ", measured)
    for name, pattern in _UNIT_HINTS:
        if re.search(pattern, measured):
            unit = name
            break
    if _COUNT_HEAD.search(low):
        unit = None  # "quelle est la population totale ... retenue pour la redevance": a count, not money
    counted = None
    cm = re.search(r"combien\s+(?:de\s+|d')(\w+(?:\s+(?:cubes?|carrés?))?)", low)
    if cm:
        counted = cm.group(1)
        measure = _MEASURES.get(fold(counted))
        if fold(counted) in ("euros", "argent"):
            unit, counted = "EUR", None
        elif measure:  # "combien de tonnes", "combien de kilomètres": a measure, not a count
            unit, counted = measure, None
        elif unit is None or unit == "EUR" or (unit == "%" and fold(counted) not in ("point", "points")):
            unit = "count"  # ("combien de voix … le taux": voices; "de combien de points le taux": a rate)
        if counted and fold(counted) == "temps":
            counted = _DURATION  # "3 ans", "4 années", "36 mois" all answer "combien de temps"
        elif counted and fold(counted) in ("annees", "annee", "ans"):
            counted = "ans années"  # "pour combien d'années": "conclu pour 3 ans"
    elif unit is None and kind in ("figure", "trend") and re.search(r"\bdurée\b", low):
        unit, counted = "count", _DURATION  # "quelle est la durée de la convention ?": 3 ans, 36 mois
    elif unit is None and kind in ("figure", "trend") and re.search(r"\bnombre\b|\beffectifs?\b|\bpopulation\b", low):
        unit = "count"
        nm = re.search(r"nombre\s+(?:de\s+|d')(\w+)", low)
        counted = nm.group(1) if nm else None
    terms = re.sub(r"-t-(?:il|elle|ils|elles|on)\b|-(?:il|elle|ils|elles|on|ce)\b", " ", low)
    terms = re.sub(r"\b(?:19|20)\d{2}\b", " ", terms)
    terms = _QUESTION_WORDS.sub(" ", terms)
    if kind == "trend":  # "comment a évolué", "évoluent-elles": how a series is asked, not what it measures
        terms = _SERIES_WORDS.sub(" ", terms)
    terms = re.sub(r"[?!.,;:()«»\"]", " ", terms)
    terms = re.sub(r"\s+", " ", terms).strip()
    series_years = listed if kind == "trend" and len(listed) < (listed[-1] - listed[0] + 1 if listed else 0) else ()
    return Question(t, kind, year_from, year_to, unit, counted, terms, years=series_years)
