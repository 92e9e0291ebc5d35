"""The documents a question names: "à Abainville", "la Région Bretagne", "le SIVOM de la Baie".

A question that names a collectivité is about its documents, but the issuer read from a document
is not always there (a water report whose title page says only "Abainville", a budget extract
with no letterhead) and a user's files are often named after their collectivité ("BP_2024_Bretagne",
"RPQS_Abainville_AC_2021", a folder per commune). So each document is known by the words of its
issuer, the issuer as printed, its title, its file name and its folder; a capitalised word of the
question that names few documents (by inverse document frequency over those names) scopes the
question to the documents that share the most specific of them. Generic words of administrative
names (commune, région, rapport, budget …) never scope.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from greffier.extract.headings import fold
from greffier.records import Document

# words that every kind of collectivité or document is named with: they say nothing of which one
GENERIC = frozenset(
    """
    commune communes communaute communautaire ville mairie region regional regionale departement
    departemental departementale metropole syndicat intercommunal intercommunale agglomeration
    conseil municipal municipale prefecture prefet prefete etat republique francaise syndicat
    rapport rapports annuel annuelle budget budgets primitif compte comptes rendu proces verbal
    deliberation deliberations arrete arretes recueil actes administratifs seance seances ordre jour
    service services public publique eau potable assainissement collectif non exercice extrait
    extracted extraits registre liste repertoire chronologique affichage annexe annexes tampon
    convocation pour avec dans des les aux une sur sous entre point points elus membres maire
    president presidente direction directions pole total totale general generale generales
    qualite prix janvier fevrier mars avril juin juillet aout septembre octobre novembre decembre
    """.split()
)
MAX_SHARE = 0.5  # a word naming more than half of the documents names none of them
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z])")
_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> set[str]:
    """The folded words of a name, camel case split ("LaCorneEnVexin"), four letters or more."""
    return {w for w in (fold(x) for x in _WORD.findall(_CAMEL.sub(" ", text))) if len(w) >= 4 and w not in GENERIC}


def document_names(doc: Document) -> set[str]:
    """The words a document is known by: issuer, issuer as printed, title, file name, folder."""
    path = PurePath(doc.path)
    parts = [doc.issuer or "", doc.issuer_printed or "", doc.title, path.stem, path.parent.name]
    return set().union(*(_words(p) for p in parts))


def question_names(question: str) -> set[str]:
    """The capitalised words of a question past its first word ("Abainville", "Bretagne",
    "Corne-en-Vexin" gives corne and vexin), folded."""
    out: set[str] = set()
    tokens = re.findall(r"[^\W\d_][\w'’-]*", question)
    for token in tokens[1:]:
        for part in re.split(r"['’-]", token):
            if part[:1].isupper():
                out |= _words(part)
    return out


@dataclass(frozen=True)
class Naming:
    """The documents a question names, and the question's words that named them."""

    doc_ids: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()


def naming(question: str, documents: Iterable[Document]) -> Naming:
    """The documents the question names, with the words that named them; empty when it names none
    (or names all of them)."""
    docs = list(documents)
    asked = question_names(question)
    if not asked or not docs:
        return Naming()
    names = {d.doc_id: document_names(d) for d in docs}
    df: dict[str, int] = {}
    for ws in names.values():
        for w in ws & asked:
            df[w] = df.get(w, 0) + 1
    n = len(docs)
    idf = {w: math.log(n / c) for w, c in df.items() if c <= MAX_SHARE * n}
    if not idf:
        return Naming()
    scores = {doc_id: sum(idf.get(w, 0.0) for w in ws & asked) for doc_id, ws in names.items()}
    best = max(scores.values())
    if best <= 0:
        return Naming()
    named = tuple(sorted(d for d, s in scores.items() if s >= best - 1e-9))
    return Naming(named, frozenset(asked & set().union(*(names[d] for d in named))))


def named_documents(question: str, documents: Iterable[Document]) -> tuple[str, ...]:
    """The documents the question names, or () when it names none (or names all of them)."""
    return naming(question, documents).doc_ids
