"""Which date a question asks, among the dates every act carries.

A French deliberation, its extract and its decree carry, besides the date of the meeting and of what
it decides, the dates of its paperwork: "Date de convocation : 28/10/2014", "Date d'affichage :
05/11/2014", "Transmis en préfecture le …", "Reçu en préfecture le …", "Accusé de réception …",
"Publié le …", "Rendu exécutoire le …", "Mis en ligne le …". Such a date answers only a question on
that paperwork ("quand les conseillers ont-ils été convoqués ?"); a question on the meeting, the
decision or what it decides never ("à quelle date le conseil a-t-il approuvé le PLU ?"). Nor does
the date of a law, decree or order its visas cite ("Vu la loi n° 2015-991 du 7 août 2015"), unless the
question asks about such a text.
"""

from __future__ import annotations

import re

# the paperwork a date's label or the words just before it name, by family
_STAMPS = {
    "convocation": r"convocation|convoqu\w*",
    "display": r"affich\w*",
    "publication": r"publi[ée]e?s?\b|publication|mise?\s+en\s+ligne",
    "transmission": r"transmis\w*|t[ée]l[ée]transmis\w*|re[çc]u\w*\s+(?:le|en|à)\b"
    r"|accus[ée]\s+de\s+r[ée]ception|ex[ée]cutoire|envoy[ée]e?s?|date\s+d['’]\s*envoi",
}
# the label then at most a few link words before the date ("Date d'affichage : ", "transmis en
# préfecture le ", "Reçu le ")
_STAMP_BEFORE = {
    family: re.compile(rf"(?:{words})[^.;\n\d]{{0,25}}$", re.IGNORECASE) for family, words in _STAMPS.items()
}
_STAMP_ASKED = {family: re.compile(rf"\b(?:{words})", re.IGNORECASE) for family, words in _STAMPS.items()}
# the date of a law, decree or order cited in an act's visas ("Vu la loi n° 2015-991 du 7 août 2015",
# "le décret du 20 mai 2021", "l'arrêté préfectoral en date du …"): the date of that text, not of the act
_LEGAL_BEFORE = re.compile(
    r"\b(?:loi|lois|décret|decret|ordonnance|circulaire|directive|arrêté|arrete|code)\b"
    r"(?:\s+(?:n°|no|n[°o]?\.?)\s*[\w./-]+|\s+(?:préfectoral|prefectoral|ministériel|municipal|interministériel|"
    r"organique|constitutionnelle|du\s+maire|du\s+président|de\s+la\s+présidente))*\s+(?:en\s+date\s+)?du\s*$",
    re.IGNORECASE,
)
_LEGAL_ASKED = re.compile(r"\b(?:loi|décret|decret|ordonnance|circulaire|directive|arrêté|arrete)\b", re.IGNORECASE)
LEGAL_OTHER = 0.5  # a legal text's date, for a question on something else
STAMP_AGREES = 1.15  # a date of the paperwork the question asks about
STAMP_OTHER = 0.5  # a paperwork date, for a question on something else (or on other paperwork)
STAMP_ABSENT = 0.85  # a date with no paperwork label, for a question on paperwork


def stamp_of(before: str) -> str | None:
    """The paperwork family the words just before a date name ("convocation", "display",
    "publication", "transmission"), else None."""
    tail = before[-60:]
    for family, pattern in _STAMP_BEFORE.items():
        if pattern.search(tail):
            return family
    return None


def asked_stamp(question: str) -> str | None:
    """The paperwork a date question asks about, else None (a meeting, a decision, an event)."""
    for family, pattern in _STAMP_ASKED.items():
        if pattern.search(question):
            return family
    return None


def role_factor(question: str, before: str) -> float:
    """How a date whose preceding words are ``before`` fits the date ``question`` asks."""
    if _LEGAL_BEFORE.search(before[-80:]) and not _LEGAL_ASKED.search(question):
        return LEGAL_OTHER
    asked, stamp = asked_stamp(question), stamp_of(before)
    if asked is None:
        return STAMP_OTHER if stamp else 1.0
    if stamp == asked:
        return STAMP_AGREES
    return STAMP_OTHER if stamp else STAMP_ABSENT


# the date of the meeting or deliberation itself ("lors de la séance du", "par délibération en date du"):
# not when a decision takes effect or ends, which "depuis quand", "à partir de quand", "jusqu'à quand"
# ask ("Par délibération du 12 mars 2019, … à compter du 1er avril 2019")
_ACT_BEFORE = re.compile(
    r"\b(?:séance|seance|réunion|reunion|délibération|deliberation|conseil\s+(?:municipal|communautaire|syndical))"
    r"(?:\s+\w+){0,3}?\s+(?:du|en\s+date\s+du)\s*$",
    re.IGNORECASE,
)
_ACT_ASKED = re.compile(r"séance|seance|réunion|reunion|délibér|deliber|réuni|voté|adopté|approuvé", re.IGNORECASE)
ACT_FOR_RELATION = 0.75


def act_date_factor(relation: str | None, question: str, before: str) -> float:
    """Less for the date of the act itself when ``question`` asks from or until when something holds
    (``relation``: "since", "until") and names no meeting or decision as what it asks."""
    if relation is None or _ACT_ASKED.search(question):
        return 1.0
    return ACT_FOR_RELATION if _ACT_BEFORE.search(before[-80:]) else 1.0


# what a dated act decided, written after its date: "du 6 décembre 2022 approuvant la modification
# simplifiée n°1 du Plan Local d'Urbanisme" is the date of a change to the plan, not of the plan; a
# question on the plan itself ("à quelle date le PLU a-t-il été approuvé ?") does not want it
_AMENDS = (
    r"modification|révision|revision|mise\s+à\s+jour|abrogation|avenant|prorogation|prolongation"
    r"|mise\s+en\s+compatibilité|retrait"
)
# ... right after the date, or after the participle saying what the act did ("du 6 décembre 2022
# approuvant la modification"); not after other words ("du 24 juin 1997, puis un avenant"): another act
_AMENDMENT_AFTER = re.compile(
    r"^\s*(?:(?:approuvant|adoptant|prescrivant|portant(?:\s+sur)?|relative?\s+à|autorisant|arrêtant|engageant"
    rf"|lançant|décidant|validant)\s+)?(?:la|le|l['’]|les|un|une|son|sa)?\s*(?P<what>{_AMENDS})\b",
    re.IGNORECASE,
)
AMENDMENT_OTHER = 0.85


def amendment_factor(question: str, after: str) -> float:
    """Less for the date of an act amending another ("… approuvant la modification n°1 du PLU")
    when ``question`` does not ask about an amendment."""
    m = _AMENDMENT_AFTER.match(after[:80])
    if m is None:
        return 1.0
    asked = re.search(_AMENDS, question, re.IGNORECASE)
    return 1.0 if asked else AMENDMENT_OTHER


def date_role_factor(question: str, relation: str | None, sentence: str, start: int, end: int) -> float:
    """How the date at [start, end) of ``sentence`` fits the date ``question`` asks: its paperwork
    or legal-text label, the act's own date for a "since / until when", an amendment's date."""
    before = sentence[max(0, start - 80) : start]
    return (
        role_factor(question, before)
        * act_date_factor(relation, question, before)
        * amendment_factor(question, sentence[end:])
    )
