"""Who presided, who signed, who was the meeting's secretary: a person read from the formula every
French act writes for that role, in the documents the question points to.

No body answers "Qui présidait la séance …", "Qui a signé l'arrêté …": these questions were always
withheld. The roles are written the same way in any collectivité's acts: "sous la présidence de
Monsieur Joseph EVENAT, maire", "Présidence de : M. X", "Secrétaire de séance : Madame Y", "X a été
élue secrétaire de séance", and at an act's foot "Le préfet, / Signé / Louis LE FRANC", "Le maire, /
Gurvan KERLOC'H", "Pour le préfet et par délégation, le secrétaire général, Z". The answer is the one
person every pointed document names in that role; two different people, or none, and greffier
abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greffier.extract.dates import find_dates
from greffier.extract.headings import fold

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.question import Question

_CIVILITY = r"(?:M\.|Mme|Mlle|MM\.|Monsieur|Madame|Mademoiselle)"
_FIRST = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)?"
_LAST = r"[A-ZÀ-Ý][A-ZÀ-Ý'’]+(?:[- ][A-ZÀ-Ý][A-ZÀ-Ý'’]+){0,2}(?![a-zà-ÿ])"
# "Joseph EVENAT", "Anne-Marie GIRAUD-MAZEAS", "Gurvan KERLOC’H", "Louis LE FRANC"; after a civility
# also "Didier Loas"
_NAME = (
    rf"(?:{_CIVILITY}\s+(?P<name>{_FIRST}\s+(?:{_LAST}|[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?))"
    rf"|(?P<bare>{_FIRST}\s+{_LAST}))"
)
_ROLE_AFTER = r"(?P<role>,\s*(?:maire|préfet|préfète|président|présidente|sous-préfet|sous-préfète|adjoint[e]?|"
_ROLE_AFTER += r"secrétaire général[e]?|directeur|directrice)\b[^,\n.]{0,40})?"

# a delegation's holder, written "Mme COSSEC-PETIT Isabelle" (surname first) as often as not
_HOLDER = (
    rf"(?:{_CIVILITY}\s+(?:(?P<name>{_FIRST}\s+{_LAST})|(?P<last_first>{_LAST}\s+{_FIRST}))"
    rf"|(?P<bare>{_FIRST}\s+{_LAST}))"
)
_HOLDER_ROLE = r"(?P<role>,\s*(?i:(?:maire|adjoint|adjointe|conseill|directeur|directrice|responsable|chef|secrétaire|"
_HOLDER_ROLE += r"attaché|attachée|rédacteur|rédactrice)[^,\n.;]{0,60}))?"

_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "delegate": (
        # "Délégation permanente est donnée à Mme COSSEC-PETIT Isabelle, Directrice Générale des Services"
        re.compile(
            rf"(?i:d[ée]l[ée]gation\s+(?:permanente\s+|temporaire\s+)?(?:de\s+(?:signature|fonctions?)\s+)?"
            rf"(?:est\s+)?donn[ée]e\s+à)\s+{_HOLDER}{_HOLDER_ROLE}"
        ),
        # "donne délégation de signature à Monsieur X, adjoint"
        re.compile(
            rf"(?i:donne\s+d[ée]l[ée]gation\s+(?:de\s+(?:signature|fonctions?)\s+)?à)\s+{_HOLDER}{_HOLDER_ROLE}"
        ),
    ),
    "preside": (
        re.compile(rf"(?i:pr[ée]sidence\s+(?:de\s*:?|du|d['’]))\s*{_NAME}{_ROLE_AFTER}"),
        re.compile(rf"(?i:pr[ée]sid[ée]e?\s+par)\s+{_NAME}{_ROLE_AFTER}"),
        re.compile(rf"(?i:pr[ée]sident(?:e)?\s+de\s+(?:la\s+)?s[ée]ance)\s*:\s*{_NAME}"),
    ),
    "secretary": (
        re.compile(rf"(?i:secr[ée]taire\s+de\s+s[ée]ance)\s*:?\s*{_NAME}"),
        re.compile(
            rf"{_NAME}\s+(?:a\s+été|est)\s+(?:élue?|désignée?|nommée?)\s+(?:comme\s+|en\s+qualité\s+de\s+)?secr"
        ),
    ),
    "sign": (
        re.compile(
            rf"(?im:^\s*(?:pour\s+)?(?:le|la)\s+(?P<role>maire|préfet|préfète|président|présidente|sous-préfet|sous-préfète)"
            rf"\b[^\n]{{0,80}}\n(?:\s*(?:sign[ée]|P/?O)\s*:?\s*\n)?\s*){_NAME}"
        ),
        # "Audierne, le 28 février 2025 Le maire, Gurvan KERLOC'H" (an OCR joins the foot's lines): the
        # name ends its line, unlike "Le maire, M. X, expose …"
        re.compile(
            rf"(?m:\b(?:Le|La|le|la)\s+(?P<role>maire|préfet|préfète|président|présidente)\s*,\s*(?:sign[ée]\s*:?\s*)?)"
            rf"{_NAME}\s*$",
            re.MULTILINE,
        ),
        re.compile(rf"(?i:sign[ée])\s*:\s*{_NAME}"),
        re.compile(rf"(?i:par\s+délégation),?\s+(?:le|la)\s+[^,\n]{{3,60}},?\s*\n?\s*{_NAME}"),
    ),
}
_ASKED_ROLE = (
    ("secretary", re.compile(r"secr[ée]taire\s+de\s+(?:la\s+)?s[ée]ance", re.IGNORECASE)),
    ("preside", re.compile(r"\bpr[ée]sid(?:ait|e|é|ée|ent|aient|ence)\b", re.IGNORECASE)),
    ("delegate", re.compile(r"\bd[ée]l[ée]gation\b|\bd[ée]l[ée]gu[ée]", re.IGNORECASE)),
    ("sign", re.compile(r"\bsign(?:é|ée|e|ent|ait|aient|ataire)\b", re.IGNORECASE)),
)
MAX_DOCS = 6  # the documents a question points to, when it names none


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # the role as printed after the name ("maire"), or ""
    doc_id: str
    page: int
    evidence: str


def asked_role(question: str) -> str | None:
    """The role a "qui …" question asks for: presided, signed, secretary of the meeting."""
    if not re.search(r"\bqui\b|\bquel(?:le)?\s+(?:élu|élue|personne|signataire)", question, re.IGNORECASE):
        return None
    return next((role for role, pattern in _ASKED_ROLE if pattern.search(question)), None)


def persons_in(text: str, role: str, doc_id: str = "", page: int = 0) -> list[Person]:
    """The people ``text`` names in ``role``, in order."""
    out: list[Person] = []
    for pattern in _PATTERNS[role]:
        for m in pattern.finditer(text):
            name = _name_of(m)
            if any(person_key(p.name) == person_key(name) for p in out):
                continue  # one person read by two formulas
            printed = (m.groupdict().get("role") or "").strip(" ,")
            line = text[text.rfind("\n", 0, m.start()) + 1 : text.find("\n", m.end()) % (len(text) + 1)]
            out.append(Person(name, printed, doc_id, page, re.sub(r"\s+", " ", line or m.group(0)).strip()))
    return out


def _name_of(m: re.Match[str]) -> str:
    """The name a formula read, first name first ("COSSEC-PETIT Isabelle" is Isabelle COSSEC-PETIT)."""
    groups = m.groupdict()
    if groups.get("last_first"):
        *last, first = re.sub(r"\s+", " ", groups["last_first"]).strip().split(" ")
        return f"{first} {' '.join(last)}"
    return re.sub(r"\s+", " ", groups.get("name") or groups.get("bare") or "").strip()


def person_key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", fold(name).replace("’", "'")).strip()


def _documents(g: Greffier, q: Question, issuer: str | None, years: tuple[int | None, int | None]) -> list[str]:
    if q.meeting:
        return list(q.meeting)
    if q.scope and len(q.scope) <= MAX_DOCS:
        return list(q.scope)
    terms = re.sub(r'["+]|(?<!\w)-|-(?!\w)', " ", q.terms or q.text)
    try:
        hits = g.search(terms, g.filters(year_from=years[0], year_to=years[1], issuer=issuer), limit=20, snippets=False)
    except Exception:  # an empty query
        return list(q.scope)[:MAX_DOCS]
    found = list(dict.fromkeys(h.doc_id for h in hits))
    if q.scope:  # an issuer's many documents: those the search finds first ("l'arrêté DG2025-004")
        found = [d for d in found if d in q.scope]
    return found[:MAX_DOCS]


def answer_person(
    g: Greffier, question: str, q: Question, issuer: str | None, years: tuple[int | None, int | None]
) -> dict[str, Any] | None:
    """The one person the pointed documents name in the role asked, an abstention naming those
    read when they disagree, or None when the question asks no such role or no document names one."""
    role = asked_role(question)
    if role is None:
        return None
    if not q.meeting and any(d.precision == "day" for d in find_dates(question)):
        # a meeting named by its day that no document is of: another meeting's president is no answer
        why = "no document of the meeting the question names"
        return {"question": question, "kind": "person", "role": role, "answer": None, "reason": why, "candidates": []}
    found: list[Person] = []
    for doc_id in _documents(g, q, issuer, years):
        for p in g.store.pages(doc_id):
            found += persons_in(p.text, role, doc_id, p.number)
    if not found:
        return None
    base = {"question": question, "kind": "person", "years": [q.year_from, q.year_to], "role": role}
    names = list(dict.fromkeys(person_key(p.name) for p in found))
    rows = [_row(g, next(p for p in found if person_key(p.name) == k)) for k in names[:3]]
    if len(names) > 1:
        return {**base, "answer": None, "reason": f"the documents name {len(names)} different people in that role",
                "candidates": rows}  # fmt: skip
    return {**base, **rows[0]}


def _row(g: Greffier, p: Person) -> dict[str, Any]:
    doc = g.store.document(p.doc_id)
    shown = f"{p.name}, {p.role}" if p.role else p.name
    return {
        "answer": shown,
        "value": shown,
        "unit": None,
        "year": doc.year if doc else None,
        "doc_id": p.doc_id,
        "title": doc.title if doc else None,
        "issuer": doc.issuer if doc else None,
        "page": p.page,
        "evidence": p.evidence,
    }
