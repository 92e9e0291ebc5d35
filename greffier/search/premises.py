"""What a question takes for granted, checked against the document its answer is read in.

"Le conseil municipal de Plougrescant a-t-il approuvé … le 10 juillet 2012 ?" asked of a corpus
without Plougrescant must not be answered by Chéméré's vote of that day, nor "Quel cabinet a été
choisi en novembre 2004 …" by the cabinet chosen in 2013. An answer is given only when its document
writes every proper name the question writes (a place, a street, a firm: a capitalised word inside
the sentence, its issuer's name included), and, when the question names a year, when its document
is of a year near it or writes that year. And a thing the question names by a word no passage of
the index writes ("le projet de skatepark") is not in the corpus: no date, body, vote, list or
figure read elsewhere answers it. A question whose premises the corpus does not hold has no answer
in it: greffier says so rather than answer another commune's, another year's or another thing's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greffier.extract.dates import find_dates
from greffier.extract.headings import fold
from greffier.extract.identity import issuer_key
from greffier.search.facets import contradicts
from greffier.search.question import parse_question
from greffier.search.subject import subject_weights
from greffier.search.understand import issuer_in_question

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.evidence import Weigher

# a word written with a capital inside a sentence: a name ("Plougrescant", "Saint-Pardoux-la-Rivière",
# "Veritas"), not the sentence's first word, nor a brand written in mixed case ("PayFip")
_TITLED = re.compile(r"(?:(?<=[\w,;:()«»\"'’]\s)|(?<=[dDlL]['’]))([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-Za-zà-ÿ]+)*)(?![\wÀ-ÿ])")
# capitalised words that are no name: titles, bodies, kinds of acts, months, days
_NOT_NAMES = frozenset(
    fold(w)
    for w in """
    Monsieur Madame Mademoiselle Maire Président Présidente Préfet Préfète Conseil Conseiller Conseillère
    Commune Ville Mairie Région Département Métropole Communauté Syndicat Préfecture État Etat République
    Le La Les Un Une Des Du De Au Aux Et Ou En Pour Par Sur Dans Avec Quel Quelle Quels Quelles Donnez Qui
    Quand Combien Comment Pourquoi Depuis Selon Lors Avant Après
    Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre
    Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Budget Compte Rapport Plan Programme Séance
    """.split()
)
# a word introduced by one of these names a thing (a verb is not: "quelles communes envoient …")
_DETERMINERS = frozenset("le la les l du des de d au aux un une son sa ses leur leurs".split())
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# a reference the question cites: an act's number ("n° 2936/24", "2025-132-003", "DG2025-002"), a file's
# ("BPC 2015/2"), a parcel's ("ZA 89"), a road's ("RD973"); not a date, a year, a span of years, an indicator's code
_REFERENCE = re.compile(
    r"(?<![\w/.-])(?:[A-Z]{1,6}[ -]?)?\d{1,4}(?:[/_.-]\d{1,4})+(?![\w/-])|(?<![\w/.-])[A-Z]{2,6}[ -]?\d{2,6}(?![\w/.-])"
)
_NOT_REFERENCE = re.compile(
    r"(?:[A-Z]{2,6}[ -]?)?(?:19|20)\d\d(?:[-/](?:19|20)?\d\d)?"  # a year, a span of years, "BP 2024"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"  # a date
    r"|[PD]\d{3}\.\d[A-Z]?"  # an indicator's code, which the reports often leave unprinted
)
YEAR_SLACK = 1  # a decision of December minuted in January, a budget voted the year before
KINDS = frozenset({"date", "direction", "vote", "list", "figure", "indicator", "person"})
# the kinds whose question names a thing by the words the minutes write; a figure is read from a
# table line whose label the question may name by a synonym ("masse salariale": "charges de personnel")
THING_KINDS = frozenset({"date", "direction", "vote", "list"})


def asked_places(question: str) -> tuple[str, ...]:
    """The proper names a question writes with a capital inside its sentences (folded, each part of
    a hyphenated name apart: "Saint-Pardoux-la-Rivière" is saint, pardoux, la, riviere)."""
    out: list[str] = []
    for m in _TITLED.finditer(question.replace("’", "'")):
        word = m.group(1)
        if fold(word) in _NOT_NAMES:
            continue
        out.extend(p for p in fold(word).split("-") if len(p) > 2)
    return tuple(dict.fromkeys(out))


def asked_years(question: str) -> tuple[int, ...]:
    return tuple(sorted({int(y) for y in _YEAR.findall(question)}))


def unknown_things(wg: Weigher, question: str) -> tuple[str, ...]:
    """The subject words of ``question`` (:func:`greffier.search.subject.subject_weights`) that name
    a thing (after a determiner) and that no passage of the index writes."""
    subject = subject_weights(wg, parse_question(question))
    words = _WORD.findall(question.replace("’", "'"))
    out = []
    for before, word in zip(["", *words], words, strict=False):
        if fold(before) not in _DETERMINERS or word.isdigit():
            continue
        stems = [s for s in wg.stems(word) if s in subject]
        if stems and not any(wg.known(s) for s in stems):
            out.append(word)
    return tuple(out)


def premise_missing(
    question: str, doc_text: str, doc_year: int | None, issuer: str | None = None, near: str | None = None
) -> str | None:
    """What the question takes for granted that the answer's document does not hold (None when it
    holds all): a proper name it never writes, or a year it is not of and never writes near the
    answer (``near``: the answer's pages; the whole document when not given: a 2012 act recalling
    a 2004 decision on another page does not answer for 2004)."""
    words = set(re.findall(r"\w+", fold(f"{issuer or ''} {doc_text}")))
    missing = [n for n in asked_places(question) if n not in words]
    if missing:
        return f"its document never writes {', '.join(missing)}, which the question names"
    years = asked_years(question)
    written = words if near is None else set(re.findall(r"\w+", near))
    if years and not any(
        (doc_year is not None and abs(doc_year - y) <= YEAR_SLACK) or str(y) in written for y in years
    ):
        return f"its document is of {doc_year} and never writes {', '.join(map(str, years))} near the answer"
    return None


def asked_references(question: str) -> tuple[str, ...]:
    """The references a question cites, as written ("BPC 2015/2", "2025-132-003")."""
    out = [m.group(0) for m in _REFERENCE.finditer(question)]
    return tuple(dict.fromkeys(r for r in out if not _NOT_REFERENCE.fullmatch(r)))


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", "", fold(text))


def missing_reference(question: str, near: str) -> str | None:
    """A reference the question cites that the answer's pages (``near``) never write: the answer is
    another act's, another file's ("BPC 2015/1" read for "BPC 2015/2"), not the one asked about."""
    written = _squeeze(near)
    missing = [r for r in asked_references(question) if _squeeze(r) not in written]
    return f"its pages never write {', '.join(missing)}, which the question cites" if missing else None


def other_meeting(question: str, doc_date: str | None, issuer_dates: set[str]) -> str | None:
    """The question names a meeting by its day ("la séance du 22 avril 2014", "le 7 juillet 2015"),
    the issuer has a document of that day (``issuer_dates``: the dates of its documents), but the
    answer is read in a document dated another day (the next meeting's minutes, another session's
    vote): not the meeting asked about. Measured with bench/ablation.py (the answer's page hidden,
    tune questions): such answers are withheld, and no right answer of the tune questions is read
    outside the day's minutes when the question names a day (the two read elsewhere name a month:
    "depuis janvier 2025")."""
    if not doc_date:
        return None
    days = {d.iso for d in find_dates(question) if d.precision == "day"}
    held = days & issuer_dates
    if not held or doc_date in days:
        return None
    return f"the question names the meeting of {', '.join(sorted(held))}; the answer is read in one of {doc_date}"


def other_issuer(named: str | None, doc_issuer: str | None) -> str | None:
    """The question names an issuer ("la Métropole", "Pierrefonds", "la CCLO") and the answer is read
    in a document of another one: another collectivité's figure for the same subject. Measured with
    bench/ablation.py: on the tune questions no right answer is read in another issuer's document
    than the one the question names; with the answer's page hidden, one such answer was (a community of
    communes' call count for the Métropole's switchboard). A document without an issuer is not
    another issuer's."""
    if not named or not doc_issuer or issuer_key(named) == issuer_key(doc_issuer):
        return None
    return f"the question is about {named}; the answer is read in a document of {doc_issuer}"


def not_the_named_collectivite(
    g: Greffier, question: str, named: str | None, naming: set[str] | frozenset[str] = frozenset()
) -> Callable[[str], str | None]:
    """Why a document is not the collectivité's the question is about (None when it may be): another
    issuer's than the one it names (:func:`other_issuer`) unless it writes the words that named it
    (``naming``), or, printing no issuer, one that never writes a place the question names. Memoized
    per document: a trend asks it per year."""
    places = asked_places(question)
    memo: dict[str, str | None] = {}

    def why(doc_id: str) -> str | None:
        if doc_id not in memo:
            doc = g.store.document(doc_id)
            if doc is None:
                memo[doc_id] = None
                return None
            text = " ".join([doc.path, doc.title, doc.issuer or "", *(p.text for p in g.store.pages(doc_id))])
            words = set(re.findall(r"\w+", fold(text)))
            reason = other_issuer(named, doc.issuer)
            if reason and naming and naming <= words:  # another body's document writing the name
                reason = None
            # a document printing no issuer (an RPQS of a commune that is nowhere named as issuer):
            # the places the question names must be written in it
            if reason is None and not doc.issuer and places:
                missing = [n for n in places if n not in words]
                if missing:
                    reason = f"its document never writes {', '.join(missing)}, which the question names"
            memo[doc_id] = reason
        return memo[doc_id]

    return why


_ASKED_EXERCICE = re.compile(
    r"\b(?:compte\s+administratif|compte\s+de\s+gestion|compte\s+financier\s+unique|exercice)\s+"
    r"(?:de\s+l['’]\s*exercice\s+)?((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_WRITTEN_EXERCICE = re.compile(r"\bexercices?\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def other_exercice(question: str, evidence: str) -> str | None:
    """The question asks the accounts of one year ("le compte administratif 2010") and the answer's
    sentence states another year's ("Compte administratif de l'exercice 2009"): another figure."""
    asked = {int(y) for y in _ASKED_EXERCICE.findall(question)}
    written = {int(y) for y in _WRITTEN_EXERCICE.findall(evidence)}
    if asked and written and not asked & written:
        return (
            f"the answer's sentence is of the exercice {', '.join(map(str, sorted(written)))}, "
            f"the question asks {', '.join(map(str, sorted(asked)))}"
        )
    return None


def unheld_premise(g: Greffier, wg: Weigher, result: dict[str, Any]) -> str | None:
    """What an answer of ``ask`` (a date, body, vote, list or figure) takes for granted that the
    corpus does not hold: a thing named by a word it never writes (:func:`unknown_things`), or a place or year
    its document does not hold (:func:`premise_missing`)."""
    if result.get("answer") is None or result.get("kind") not in KINDS or not result.get("doc_id"):
        return None
    doc = g.store.document(result["doc_id"])
    if doc is None:
        return None
    pages = g.store.pages(doc.doc_id)
    # its path too: a document printing no issuer is its corpus folder's ("chemere/Subventions 2012.pdf")
    text = " ".join([doc.path, doc.title, *(p.text for p in pages)])
    if result.get("kind") in THING_KINDS:
        written = set(re.findall(r"\w+", fold(f"{doc.issuer or ''} {text}")))
        unknown = [w for w in unknown_things(wg, result.get("question") or "") if fold(w) not in written]
        if unknown:
            return f"no passage of the index writes {', '.join(unknown)}, which the question names"
    facet = contradicts(result.get("question") or "", result.get("evidence") or "")
    if facet:  # the other service's price, the other section's total (greffier.search.facets)
        return facet
    exercice = other_exercice(result.get("question") or "", result.get("evidence") or "")
    if exercice:
        return exercice
    named, naming = issuer_in_question(result.get("question") or "", g.store.issuers())
    elsewhere = other_issuer(named, doc.issuer)
    # another body's document that writes the collectivité's name (a community's contract for the
    # commune's water, its report on each member commune) may hold the commune's figure
    if elsewhere and not (naming and naming <= set(re.findall(r"\w+", fold(text)))):
        return elsewhere
    dates = {d.date for d in g.documents() if d.date and d.issuer == doc.issuer}
    other = other_meeting(result.get("question") or "", doc.date, dates)
    if other:
        return other
    page = result.get("page")
    near = None
    if isinstance(page, int):  # the answer's page and the ones around it (an act over two pages)
        near = " ".join(p.text for p in pages if abs(p.number - page) <= 1)
        # an act's number is printed at its head, an item's beside it: the pages up to the answer's
        # (a vote: its own pages only)
        upto = near if result.get("kind") == "vote" else " ".join(p.text for p in pages if p.number <= page + 1)
        cited = missing_reference(result.get("question") or "", f"{doc.title} {upto}")
        if cited:
            return cited
    return premise_missing(result.get("question") or "", text, doc.year, doc.issuer, near)
