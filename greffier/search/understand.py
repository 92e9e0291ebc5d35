"""What a question is about: its kind, years and unit (greffier.search.question), the issuer it
names, the documents it names (greffier.search.scope) and the meeting it names."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from greffier.extract.dates import find_dates
from greffier.extract.headings import fold
from greffier.records import Document
from greffier.search.question import Question, parse_question
from greffier.search.scope import naming

if TYPE_CHECKING:
    from greffier.api import Greffier

_GENERIC_ISSUER_WORDS = {
    "commune",
    "communes",
    "communaute",
    "ville",
    "mairie",
    "conseil",
    "des",
    "de",
    "du",
    "la",
    "le",
    "l",
}


_LINKS = {"de", "du", "des", "d", "l", "la", "le"}
_KIND_WORDS = {"region", "departement", "prefecture", "syndicat", "metropole"}  # what an issuer is, not its name


def _issuer_name_words(issuer: str) -> set[str]:
    """The words that name an issuer: its name's head, without the generic words before it and the
    place that qualifies it after a link word. "Communauté de communes des Lisières de l'Oise" is
    named by "Lisières", not by "Oise" alone: the département's name is in every member commune's
    minutes ("l'agence d'urbanisme de l'Oise", "le bassin Oise-Aronde")."""
    head: set[str] = set()
    first: str | None = None  # "Île-de-France": a short first word is the name's head when it has no other
    for word in re.split(r"[\s'’-]+", fold(issuer)):
        if head and word in _LINKS:
            break
        if first is None and len(word) >= 3 and word not in _GENERIC_ISSUER_WORDS | _LINKS | _KIND_WORDS:
            first = word
        if len(word) >= 4 and word not in _GENERIC_ISSUER_WORDS:
            head.add(word)
    if first is not None and not head - _KIND_WORDS:
        head.add(first)
    return head


def _compounds(text: str) -> list[str]:
    """The hyphenated names of a text ("provence-alpes-cote", "ile-de-france"), folded."""
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", fold(text).replace("’", "'"))


def _acronym(issuer: str) -> str | None:
    """The initials of an issuer's name, link words left out: "cclo" for the Communauté de
    communes des Lisières de l'Oise (None when shorter than three letters)."""
    words = [w for w in re.split(r"[\s'’-]+", fold(issuer)) if w and w not in _LINKS]
    acronym = "".join(w[0] for w in words)
    return acronym if len(acronym) >= 3 else None


def issuer_in_question(question: str, issuers: list[str]) -> tuple[str | None, set[str]]:
    """The issuer a question names ("la Métropole", "Pierrefonds", "la CCLO") and the words
    that named it. Only head words of a single known issuer's name count."""
    words = {i: _issuer_name_words(i) for i in issuers}
    q = set(re.split(r"[\s'’?,.;:()-]+", fold(question)))
    found: dict[str, set[str]] = {}
    compounds = _compounds(question)
    for issuer, ws in words.items():
        others = set().union(*(v for k, v in words.items() if k != issuer)) if len(words) > 1 else set()
        own = (ws - others) & q
        # a word of a hyphenated name the question writes names only the issuer of that whole name:
        # "Provence-Alpes-Côte d'Azur" is not "Auvergne-Rhône-Alpes"
        name = "-".join(re.split(r"[\s'’-]+", fold(issuer)))
        own = {w for w in own if not any(w in c.split("-") and c not in name for c in compounds)}
        acronym = _acronym(issuer)
        if acronym in q:
            own.add(acronym)
        if own:
            found[issuer] = own
    if len(found) == 1:
        ((issuer, named),) = found.items()
        return issuer, named
    if not found:
        # no name, but the kind of body: "la mairie", "le conseil municipal" speak of a commune,
        # "l'intercommunalité", "le conseil communautaire" of a community of communes
        low = question.lower().replace("’", "'")
        kinds = {kind for kind, pattern in _ISSUER_KINDS.items() if re.search(pattern, low)}
        if len(kinds) == 1:
            (kind,) = kinds
            of_kind = [i for i in issuers if fold(i).startswith(kind)]
            if len(of_kind) == 1:
                return of_kind[0], set()
    return None, set()


_ISSUER_KINDS = {
    "commune ": r"\bla commune\b|\bmairie\b|\bconseil municipal\b|\bmunicipa(?:l|le|ux|les)\b|\b(?:le|la) maire\b",
    "communaute": r"\bintercommunalit|\bcommunautaire|\bcommunauté de communes\b",
}


def understand(
    g: Greffier, question: str, year: int | None = None, issuer: str | None = None
) -> tuple[Question, str | None]:
    """The parsed question and the issuer it names (or the one given)."""
    docs = g.documents()
    latest = max((d.year for d in docs if d.year), default=None)
    q = parse_question(question, latest)
    if issuer is None:
        named_issuer, named = issuer_in_question(question, g.store.issuers())
        if named_issuer:
            issuer = named_issuer
            kept = [w for w in q.terms.split() if not (set(re.split(r"[-']", fold(w))) & (named | {"metropole"}))]
            q = replace(q, terms=" ".join(kept) or q.terms)
    if year is not None:
        q = replace(q, year_from=year, year_to=year, years=())
    return _named_meeting(docs, _scoped(q, docs, issuer), issuer), issuer


def _scoped(q: Question, docs: list[Document], issuer: str | None) -> Question:
    """``q`` limited to the documents it names (with the issuer's own, when one is read), the
    naming words out of its search terms (see :mod:`greffier.search.scope`)."""
    named = naming(q.text, docs)
    if not named.doc_ids:
        return q
    scope = set(named.doc_ids) | {d.doc_id for d in docs if issuer is not None and d.issuer == issuer}
    # the words that named them, not every capitalised word ("la station « Village Vacances »")
    kept = [w for w in q.terms.split() if not (set(re.split(r"[-'’]", fold(w))) & named.words)]
    return replace(q, scope=tuple(sorted(scope)), terms=" ".join(kept) or q.terms)


def _named_meeting(documents: list[Document], q: Question, issuer: str | None) -> Question:
    """A question that names a meeting by its date ("présentée au conseil municipal du 14 décembre
    2015", "lors de la séance du 13 juin 2019", or only its month: "adoptée en octobre 2018") points to
    that meeting's minutes: their values weigh
    more, and the date's words, which the minutes write only in their header, are no search terms."""
    dates = find_dates(q.text)
    docs = [d for d in documents if d.date and (issuer is None or d.issuer == issuer)]
    days = [d for d in dates if d.precision == "day"]
    meeting = tuple(sorted(d.doc_id for d in docs if any(day.iso == d.date for day in days)))
    if not meeting:
        # "la première tranche adoptée en octobre 2018": the meetings of that month
        days = [d for d in dates if d.precision == "month"]
        meeting = tuple(sorted(d.doc_id for d in docs if any(d.date and d.date[:7] == m.iso for m in days)))
    if not meeting:
        return q
    terms = q.terms
    for day in days:
        for word in re.findall(r"[^\W\d]+", day.text.lower()):
            terms = re.sub(rf"\b{re.escape(word)}\b", " ", terms)
        if day.precision == "day":
            terms = re.sub(rf"(?<!\d){int(day.iso[8:10])}(?:er)?(?!\d)", " ", terms)
    terms = re.sub(r"\s+", " ", terms).strip() or q.terms
    return replace(q, terms=terms, meeting=meeting)
