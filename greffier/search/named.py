"""Questions asking which firm, association, consultancy or lender ("Quelle entreprise a remporté le
marché …", "À quelle association … a-t-elle confié …", "Quel bureau d'études …", "Quel prestataire …"):
the proper name written after a noun of that kind in the sentence the question points to.

Minutes name the holder of a contract after its kind: "de retenir l'offre de l'entreprise BREHARD TP
pour un montant de …", "celle de la société LMB de SAINTE PAZANNE", "à l'association TRAJET", "au
cabinet A+B URBANISME ET ENVIRONNEMENT", "exploité par la société Véolia Eau", or after a label:
"Nom du délégataire : VEOLIA". A kind noun written with a capital belongs to the name ("au Bureau
VERITAS", "avec la Banque des Territoires"). The name stops at a lower-case word and at a place
written after "de" ("LMB de SAINTE PAZANNE").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greffier.extract.headings import fold
from greffier.search.evidence import Weigher, coverage, question_weights
from greffier.search.subject import subject_fields

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.question import Question

# kinds of body, by the group a question's noun and a text's noun must share
_GROUPS = {
    "firm": (
        "entreprise", "entreprises", "societe", "sarl", "sas", "eurl", "sa", "groupement", "cabinet", "bureau",
        "prestataire", "delegataire", "exploitant", "titulaire", "attributaire",
    ),
    "association": ("association", "compagnie", "troupe", "collectif", "ensemble"),
    "lender": ("banque", "etablissement", "organisme", "caisse", "preteur"),
}  # fmt: skip
_ASKED = re.compile(
    r"\bquel(?:le)?\s+(entreprise|societe|association|compagnie|troupe|cabinet|bureau d'etudes?|bureau"
    r"|prestataire|delegataire|exploitant|attributaire|titulaire du marche|etablissement|banque|organisme preteur"
    r"|preteur)\b"
)
_UP = "A-ZÉÈÊÀÂÇÎÏÔÖÙÛÜ"
_LOW = "a-zéèêëàâçîïôöùûüœ"
_CAPS = rf"(?=[{_UP}0-9&+'’.\-]*[{_UP}])[{_UP}0-9](?:[{_UP}0-9&+'’\-]|\.(?=[{_UP}0-9]))+"  # BREHARD, TP, A+B, S.A.
_CAPITALISED = rf"[{_UP}][{_LOW}'’\-]+"  # Véolia, Territoires
_LINK = r"(?:de\s+la|des|du|de|d['’])"
# "BRETHOME & CIE", "Dupont et Fils", "A+B Urbanisme et Environnement": joined parts of one name
# (not "SAUR et VEOLIA", two firms in capitals)
_JOIN = rf"(?:&[ \t]*(?:{_CAPS}|{_CAPITALISED})|et[ \t]+(?:{_CAPITALISED}|CIE\b|FILS\b))"
_WORD = rf"(?:{_CAPS}|{_CAPITALISED}|{_LINK}[ \t]*{_CAPITALISED}|{_JOIN})"
_NAME = rf"(?:{_CAPS}|{_CAPITALISED})(?:[ \t]+{_WORD}){{0,5}}"  # on one line
_KIND_NOUN = (
    r"entreprise|soci[ée]t[ée]|sarl|sas|eurl|groupement|cabinet|bureau\s+d['’]\s*[ée]tudes?|bureau|association"
    r"|banque|caisse"
)
# ("de retenir le cabinet suivant : - CDC Conseils de Machecoul")
_FOLLOWING = r"(?:(?i:suivante?s?)\s*:\s*[-–•]?\s*)?"
_AFTER_KIND = re.compile(rf"(?<![\w])(?P<kind>(?i:{_KIND_NOUN}))\s+{_FOLLOWING}(?P<name>(?:{_LINK}\s*)?{_NAME})")
# a name in quotes after its kind: "la Compagnie de théâtre « Voyage Imaginaire »", "l'association « Les Amis »"
_QUOTED = re.compile(
    r"(?<![\w])(?P<kind>(?i:compagnie|troupe|association|collectif|ensemble))(?:\s+(?:de|d['’])\s*[^\W\d_]+)?"
    r"\s*«\s*(?P<name>[^«»\n]{2,60}?)\s*»"
)
_LABELLED = re.compile(
    r"(?i:(?:nom\s+du\s+|nom\s+de\s+l['’]\s*)?(?P<kind>délégataire|prestataire|exploitant|titulaire\s+du\s+marché"
    r"|attributaire)\s*:)\s*(?P<name>{_NAME})".replace("{_NAME}", _NAME)
)
_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)", re.MULTILINE)
# words that end a name ("TRAJET Monsieur le Maire") or show a table's header, not a name ("Montant")
_STOP_NAMES = {
    "monsieur", "madame", "le", "la", "les", "de", "du", "des", "conseil", "commune", "maire", "cette", "ce",
    "montant", "objet", "total", "tranche", "option", "options", "date", "nom", "offre", "prix", "lot",
    # a firm's legal mentions in a letterhead: "SAS Capital 10 000€ - RCS : Lyon …" names no firm
    "capital", "rcs", "siret", "siren",
    # what a firm is asked to do, capitalised at a line's start: "l'entreprise / Travaux de voirie …"
    "travaux", "programme", "marche", "fourniture", "fournitures", "prestations", "prestation",
}  # fmt: skip
MIN_SCORE = 0.6  # share of the question's weighted words around the name (tune: right answers score 0.63 or more)
MIN_MARGIN = 0.08  # over the best other name
BEFORE = 500  # characters before the name's sentence that introduce it (the act's heading)
NEAR = 60  # characters before the name (half as many after) that say what it did
NEAR_SHARE = 0.2
# a name under MIN_SCORE is answered when it leads every other name by this share of its score
LEAD_SCORE = 0.4
LEAD_SHARE = 0.4
PAGES_SEARCHED = 12


@dataclass(frozen=True)
class Named:
    doc_id: str
    page: int
    name: str
    kind: str
    sentence: str
    context: str
    near: str = ""  # the words just around the name
    score: float = 0.0


def asked_group(question: str) -> str | None:
    """The group of the kind of body the question asks ("firm", "association", "lender"), or None."""
    m = _ASKED.search(fold(question.replace("’", "'")))
    if not m:
        return None
    noun = m.group(1).split()[0]
    if noun == "etablissement" and not re.search(r"\b(?:pret|emprunt|financ|bancaire)", fold(question)):
        return None  # "quel établissement public …" asks no lender
    return next((g for g, nouns in _GROUPS.items() if noun in nouns), None)


def _group_of(kind: str) -> str | None:
    noun = fold(kind).split()[0]
    return next((g for g, nouns in _GROUPS.items() if noun in nouns), None)


def names_of_text(doc_id: str, page: int, text: str, before: str = "") -> list[Named]:
    """Every name written after a kind noun or a holder's label, with its sentence and context
    (``before``: the end of the previous page, where the act's report may begin)."""
    out = []
    offset = len(before)
    text = before + text
    for m in _QUOTED.finditer(text, offset):  # the quoted name with its kind: "Compagnie de théâtre « … »"
        name = re.sub(r"\s+", " ", m.group(0)).strip()
        out.append(_named(doc_id, page, text, m, name[0].upper() + name[1:], m.group("kind")))
    for pattern in (_AFTER_KIND, _LABELLED):
        for m in pattern.finditer(text, offset):
            kind = m.group("kind")
            if kind.isupper() and len(kind) > 3:
                continue  # "SOCIETE Montant total H.T.": a table's header
            name = m.group("name").strip()
            # a word the name's pattern cut ("L’H" of "L’Hotellier"): the whole word
            name += re.match(r"[\w'’\-]*", text[m.end("name") :]).group(0)  # type: ignore[union-attr]
            if re.match(_LINK + r"\s", name) and not kind[0].isupper():
                continue  # "la société de SAINTE PAZANNE": a place; "la Banque des Territoires" is a name
            # "LMB de SAINTE PAZANNE": a place in capitals after "de" is no part of the name
            name = re.split(rf"\s+(?:de|d['’])\s*(?={_CAPS}\b)", name)[0]
            words = name.split()
            first = 1 if re.match(_LINK + r"$", words[0]) else 0  # "(Banque) des Territoires"
            cut = next((i for i, w in enumerate(words) if i >= first and fold(w) in _STOP_NAMES), len(words))
            name = " ".join(words[:cut])
            if len(name) < 2:
                continue
            if kind[0].isupper() and pattern is _AFTER_KIND:  # "Bureau VERITAS", "Banque des Territoires"
                name = f"{kind} {name}"
            out.append(_named(doc_id, page, text, m, re.sub(r"\s+", " ", name), kind))
    return out


def _named(doc_id: str, page: int, text: str, m: re.Match[str], name: str, kind: str) -> Named:
    """A name read at ``m`` with its sentence, its context (the act's words before the sentence) and
    the words just around it ("de retenir l'offre de l'entreprise")."""
    s = next((x for x in _SENTENCE.finditer(text) if x.start() <= m.start() < x.end()), None)
    sentence = s.group(0).strip() if s else text[max(0, m.start() - 100) : m.end() + 100]
    lo = max(0, (s.start() if s else m.start()) - BEFORE)
    context = text[lo : s.end() if s else m.end()]
    near = text[max(0, m.start() - NEAR) : m.end() + NEAR // 2]
    return Named(doc_id, page, name, kind, sentence, context, near)


def _pages(g: Greffier, q: Question, issuer: str | None, years: tuple[int | None, int | None]) -> list[tuple[str, int]]:
    # the meeting's pages when the question names one, then the search's (a month named may be
    # another document's: "le rapport de zonage de février 2025")
    seen = [(p.doc_id, p.number) for d in q.meeting for p in g.store.pages(d)]
    terms = re.sub(r'["+]|(?<!\w)-|-(?!\w)', " ", q.terms or q.text)
    unknown = {d.doc_id for d in g.documents() if not d.issuer}
    for scope in (issuer, None) if issuer else (None,):
        filters = g.filters(year_from=years[0], year_to=years[1], issuer=scope)
        try:
            hits = g.search(terms, filters, limit=20, snippets=False)
        except Exception:  # an empty query
            continue
        keys = [(h.doc_id, h.page) for h in hits if scope is not None or issuer is None or h.doc_id in unknown]
        seen += [k for k in dict.fromkeys(keys) if k not in seen][:PAGES_SEARCHED]
    return seen


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9+&]+", " ", fold(name)).strip()


def answer_named(
    g: Greffier, question: str, q: Question, wg: Weigher, issuer: str | None, years: tuple[int | None, int | None]
) -> dict[str, Any] | None:
    """The body the question asks for, an abstention listing the names seen, or None when the
    question asks no such body or no name of its kind is written where the question points."""
    group = asked_group(question)
    if group is None:
        return None
    weights = question_weights(wg, q)
    scored: list[Named] = []
    for doc_id, number in _pages(g, q, issuer, years):
        text = (g.store.page_text(doc_id, number) or "").replace("\ufffe", "-")
        prev = (g.store.page_text(doc_id, number - 1) or "") if number > 1 else ""
        for n in names_of_text(doc_id, number, text, prev[-BEFORE:]):
            if _group_of(n.kind) != group:
                continue
            # the act's words, and those just around the name: two firms of one sentence ("retenir
            # l'offre de l'entreprise COLAS …, l'entreprise EUROVIA étant moins bien classée") differ there
            score = (1 - NEAR_SHARE) * coverage(weights, wg.tokens(n.context))
            score += NEAR_SHARE * coverage(weights, wg.tokens(n.near))
            scored.append(Named(**{**n.__dict__, "score": round(score, 4)}))
    if not scored:
        return None
    scored.sort(key=lambda n: n.score, reverse=True)
    best = scored[0]
    other = next((n.score for n in scored[1:] if _key(n.name) != _key(best.name)), 0.0)
    base = {"question": question, "kind": "direction", "years": [q.year_from, q.year_to]}
    seen: set[str] = set()
    rows = []
    for n in scored:
        if _key(n.name) not in seen and len(rows) < 3:
            seen.add(_key(n.name))
            rows.append(_row(g, n))
    rows[0] |= subject_fields(wg, q, best.context, best.near)
    clear = best.score >= MIN_SCORE and best.score - other >= MIN_MARGIN
    # a weaker score, but no other name comes near it ("SANI-COUV" at 0.59, the next name at 0.31)
    leads = best.score >= LEAD_SCORE and best.score - other >= LEAD_SHARE * best.score
    if not (clear or leads):
        return {**base, "answer": None, "reason": "no name of the kind asked clearly fits", "candidates": rows}
    return {**base, **rows[0], "alternatives": rows[1:]}


def _row(g: Greffier, n: Named) -> dict[str, Any]:
    doc = g.store.document(n.doc_id)
    return {
        "answer": n.name,
        "value": n.name,
        "unit": None,
        "kind": "direction",
        "year": doc.year if doc else None,
        "confidence": round(min(1.0, n.score), 3),
        "doc_id": n.doc_id,
        "title": doc.title if doc else None,
        "page": n.page,
        "evidence": n.sentence,
    }
