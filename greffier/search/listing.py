"""Questions whose answer is a list of names: "Quels conseillers ont été élus membres titulaires de
…", "Qui sont les délégués …", "Quelles entreprises ont été retenues …", "Quelles communes …", "Dans
quelles rues …". The answer is read from one enumeration of the minutes, never counted.

French minutes write such lists in three ways, all read here:

* runs of persons, "Prénom NOM" (or "NOM Prénom") joined by commas or "et", after a role label:
  "Titulaires : Jean-Paul LERAY, Philippe GAILLARD Suppléants : Georges LECLEVE";
* inline enumerations of proper names: "les effluents des communes d'Audierne, Plouhinec et
  Pont-Croix", "zone collectif : rue Daniel Guezingar, venelle de Kergadec, rue Molière";
* blocks of lines after a line ending with a colon: "sont retenues les entreprises suivantes :"
  then "• Gros Oeuvre : Didier FAVREAU", "• Peinture : Rodolphe BRUN" (the name after the lot's
  label), or "auprès de :" then "Crédit Agricole Atlantique Vendée pour un montant de …".

Each enumeration is scored by the share of the question's weighted words in the text that introduces
it; a role label other than the one asked ("Suppléants" for "titulaires") halves it, a count the
question states ("les trois délégués") that the list does not have lowers it. greffier abstains
when no enumeration is clearly the one asked about.
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

_PERSON_NOUNS = (
    "conseillers|conseilleres|elus|delegues|membres|representants|titulaires|suppleants|personnes|candidats"
    "|adjoints|agents|laureats|beneficiaires|habitants|jures|administres|intervenants"
)
_OTHER_NOUNS = (
    "entreprises|societes|organismes|banques|etablissements|preteurs|associations|cabinets|bureaux|prestataires"
    "|attributaires|syndicats|partenaires|communes|villes|rues|voies|stations|collectivites|structures|financeurs"
    "|ecoles|lycees|colleges|projets|equipements|batiments|sites|quartiers|lieux|hameaux|lotissements"
)
_LIST_QUESTION = re.compile(
    rf"\b(?:quels|quelles)\s+(?:sont\s+les\s+)?(?P<noun>{_PERSON_NOUNS}|{_OTHER_NOUNS})\b"
    rf"|\bqui\s+(?:sont|etaient|seront|ont\s+ete)\s+les\s+(?:\w+\s+)?(?P<noun2>{_PERSON_NOUNS})\b"
    rf"|\bqui\s+(?:represente|representent|siege|siegent)\b.*\b(?P<noun3>titulaires|suppleants|delegues|membres)\b"
)
_NUMBER_WORDS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10}
_ROLES = ("titulaire", "suppleant", "president", "vice-president")

_UP = "A-ZÉÈÊÀÂÇÎÏÔÖÙÛÜ"
_LOW = "a-zéèêëàâçîïôöùûüœ"
_FIRST = rf"[{_UP}][{_LOW}]+(?:[-\s]?[{_UP}][{_LOW}]+)?"
_SURNAME = rf"[{_UP}][{_UP}'’]+(?:[-\s][{_UP}][{_UP}'’]+)*"
_NOT_FIRST = {"titulaire", "titulaires", "suppleant", "suppleants", "president", "presidente", "membres", "monsieur"}
_PERSON = re.compile(
    rf"(?:(?:M\.|Mme|Monsieur|Madame|Messieurs|Mesdames)\s+)?(?:(?P<first>{_FIRST})\s+(?P<last>{_SURNAME})\b"
    rf"|(?P<last2>{_SURNAME})\s+(?P<first2>{_FIRST})\b)"
)
_CIVILITY = re.compile(r"^(?:(?:M|MM)\.\s*|(?:Mme|Mmes|Mlle|Monsieur|Madame|Messieurs|Mesdames)\s+)")
_JOIN = re.compile(r"\s*(?:,|\bet\b|&)\s*")
_STREET = r"(?:rue|avenue|venelle|impasse|chemin|allée|place|boulevard|route|quai|square|cours)"
_LINK = r"(?:de\s+la\s+|de\s+l['’]|de\s+|du\s+|des\s+|d['’]|la\s+|le\s+|les\s+|l['’]|en\s+|sur\s+)"
_PROPER = rf"[{_UP}][\w'’\-]*"
_ITEM = rf"(?:{_STREET}\s+{_LINK}?)?{_PROPER}(?:\s+{_LINK}?(?:{_PROPER}|\d+\b)){{0,4}}"
_ENUM = re.compile(rf"(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})+(?:\s*,?\s+et\s+{_ITEM})?|{_ITEM}\s+et\s+{_ITEM})")
_SENTENCE_END = re.compile(r"[^.;\n]*")
_BLOCK_LINE = re.compile(r"^\s*[•▪■◦●\-–]\s*")
_CAPS_HEADING = re.compile(rf"^[{_UP}0-9\s'’\-]+:?\s*$")
_LEAD = re.compile(rf"^(?:{_STREET}\s+{_LINK}?)?{_PROPER}(?:\s+{_LINK}?{_PROPER}){{0,6}}")

MIN_SCORE = 0.45  # share of the question's weighted words in the enumeration's introduction (tune lists)
MIN_MARGIN = 0.08  # over the best other enumeration
MIN_ITEMS = 2  # the question asks names in the plural: one name read is a list read short
ROLE_OTHER = 0.5  # an enumeration labelled with another role than the one asked
COUNT_OTHER = 0.7  # an enumeration with another number of names than the question states
LABEL_SHARE = 0.3  # weight of its own words (role label, rest of its sentence) against its introduction's
BEFORE = 250  # characters before an enumeration that introduce it
AFTER = 100  # characters of the rest of its sentence
NOUN_BEFORE = 40  # characters before an inline list where the noun asked must be written
PAGES_SEARCHED = 12


@dataclass(frozen=True)
class Enumeration:
    doc_id: str
    page: int
    items: tuple[str, ...]
    label: str  # the few words just before it ("Titulaires :")
    context: str  # the text introducing it
    evidence: str
    role: str = ""  # the words just before it, where a role is written ("Suppléants :")
    score: float = 0.0


def list_noun(question: str) -> str | None:
    """The plural noun of a question asking a list of names ("conseillers", "communes"), else None."""
    m = _LIST_QUESTION.search(fold(question.replace("’", "'")))
    return (m.group("noun") or m.group("noun2") or m.group("noun3")) if m else None


def list_kind(question: str) -> str | None:
    """ "person" or "other" when the question asks a list of names, else None."""
    noun = list_noun(question)
    if noun is None:
        return None
    return "person" if re.fullmatch(_PERSON_NOUNS, noun) else "other"


def _clean(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufffe", "-")).strip(" ,;:.")


def person_runs(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of persons' names joined by commas or "et": (start, end, names)."""
    runs: list[tuple[int, int, list[str]]] = []
    for m in _PERSON.finditer(text):
        first = m.group("first") or m.group("first2")
        if fold(first).split("-")[0].split()[0] in _NOT_FIRST:
            continue
        name = _clean(m.group(0)[m.start("first" if m.group("first") else "last2") - m.start() :])
        if runs and _JOIN.fullmatch(text[runs[-1][1] : m.start()]):
            runs[-1] = (runs[-1][0], m.end(), [*runs[-1][2], name])
        else:
            runs.append((m.start(), m.end(), [name]))
    return runs


def inline_enumerations(text: str, noun: str = "") -> list[tuple[int, int, list[str]]]:
    """Proper names (or streets) in one sentence, joined by commas and a last "et", when they are
    of the noun asked: streets for "rues", or the noun written just before ("des communes
    d'Audierne, Plouhinec et …"). Capitalised words of a table's header are no such list."""
    out = []
    stem = fold(noun)[:5]
    for m in _ENUM.finditer(text):
        items = [_clean(x) for x in re.split(r"\s*,\s*|\s+et\s+", m.group("items")) if x.strip()]
        if len(items) < 2 or any(len(x.split()) > 6 for x in items):
            continue
        streets = all(re.match(_STREET, x, re.IGNORECASE) for x in items)
        named = bool(stem) and stem in fold(text[max(0, m.start() - NOUN_BEFORE) : m.start()])
        if (streets and stem in ("rues", "voies")) or named:
            out.append((m.start(), m.end(), items))
    return out


def _name_like(item: str) -> bool:
    """A person, a name holding a word in capitals ("LMB", "Crédit Mutuel LACO"), or two capitalised
    words or more ("Crédit Agricole Atlantique Vendée"); not one common word ("Durée", "Février")."""
    words = item.split()
    caps = [w for w in words if w[:1].isupper()]
    return _is_person(item) or any(len(w) >= 2 and w.isupper() for w in words) or len(caps) >= 2


def line_blocks(text: str) -> list[tuple[int, int, list[str]]]:
    """The names of the lines after a line ending with a colon: the value after a lot's label
    ("• Peinture : Rodolphe BRUN"), else the proper name leading the line ("Caisse d'Epargne des
    Pays de la Loire pour un montant de …"). The block ends at a bulleted line starting in lower
    case ("• de donner tous pouvoirs"), a heading in capitals, or a line naming nothing."""
    out = []
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    covered = 0
    for i, intro in enumerate(lines):
        if offsets[i] < covered or not intro.rstrip().endswith(":") or _CAPS_HEADING.match(intro.strip()):
            continue
        items: list[str] = []
        end = offsets[i + 1]
        for j in range(i + 1, min(len(lines), i + 16)):
            line = lines[j]
            bulleted = bool(_BLOCK_LINE.match(line))
            body = _BLOCK_LINE.sub("", line).strip()
            if not body or (_CAPS_HEADING.match(body) and body.endswith(":")) or (bulleted and body[0].islower()):
                break
            if not bulleted and not body[0].isupper():
                continue  # the previous line going on ("€uros à taux fixe …")
            value = body.partition(":")[2].strip() if ":" in body else body
            civil = _CIVILITY.match(value)  # "M. Gurvan KERLOC'H, président de la commission"
            if civil:
                value = value[civil.end() :]
                value = value[:1].upper() + value[1:]  # "Mme isabelle COSSEC-PETIT" (OCR)
            if not value:
                continue  # a lot's label, its holder on the next line
            m = _LEAD.match(value)
            if (
                not m
                or not _name_like(_clean(m.group(0)))
                or len(person_runs(value)[:1] and person_runs(value)[0][2]) > 1
            ):
                if civil:
                    items = []  # a person's line not read: the list would be read short
                break  # no name, or a list of its own ("Membres élus : A, B, C")
            items.append(_clean(m.group(0)))
            end = offsets[j + 1]
        items = list(dict.fromkeys(items))
        if len(items) >= 2:
            out.append((offsets[i + 1], end, items))  # its introduction is the colon's line
            covered = end
    return out


def _is_person(name: str) -> bool:
    return bool(_PERSON.fullmatch(name))


_HEADER_WORDS = frozenset(
    "total totaux ht ttc option options tranche montant montants entreprise entreprises prix offre offres lot lots "
    "designation quantite unitaire base".split()
)


def _header_like(item: str) -> bool:
    """Two words or more of a table's header ("TOTAL TRANCHE FERME HT"): a column, not a name."""
    return sum(1 for w in re.findall(r"[a-z]+", fold(item)) if w in _HEADER_WORDS) >= 2


def enumerations_of_text(doc_id: str, page: int, text: str, kind: str, noun: str = "") -> list[Enumeration]:
    blocks = line_blocks(text)
    if kind == "person":  # a block of persons' names only
        blocks = [b for b in blocks if all(_is_person(x) for x in b[2])]
    found = blocks + (person_runs(text) if kind == "person" else inline_enumerations(text, noun))
    if kind != "person":
        found += person_runs(text)  # firms named after their owner ("Didier FAVREAU")
    # a table's header read as names ("ENTREPRISE TOTAL TRANCHE FERME HT OPTION 2 HT") lists nothing
    found = [f for f in found if not any(_header_like(x) for x in f[2])]
    found.sort()
    out = []
    for i, (start, end, items) in enumerate(found):
        ctx_start = max(0, start - BEFORE)
        # the enumeration before, unless only a role label stands between ("… GUIGNON Suppléants :")
        prev = [f for f in found[:i] if f[1] <= start]
        if prev and len(text[prev[-1][1] : start].strip()) >= 30:
            ctx_start = max(ctx_start, prev[-1][1])
        following = next((f[0] for f in found[i + 1 :] if f[0] >= end), len(text))
        rest = _SENTENCE_END.match(text[end : min(following, end + AFTER)]).group(0)  # type: ignore[union-attr]
        # its own words: the role label before it, the rest of its sentence after it
        role = text[max(ctx_start, prev[-1][1] if prev else 0, start - 40) : start]
        label = role + " " + rest
        # its sentence may go on after it ("… Plouhinec et Pont-Croix.", "… se portent candidats pour
        # être délégués titulaires")
        context = text[ctx_start:start] + " " + rest
        evidence = re.sub(r"\s+", " ", text[max(ctx_start, start - 120) : end]).strip()
        out.append(Enumeration(doc_id, page, tuple(items), label, context, evidence, role))
    return out


def _asked_count(question: str) -> int | None:
    m = re.search(
        r"\bles\s+(\w+)\s+(?:\w+\s+)?(?:délégués|membres|représentants|titulaires|élus|conseillers)", question
    )
    return _NUMBER_WORDS.get(fold(m.group(1))) if m else None


def _pages(g: Greffier, q: Question, issuer: str | None, years: tuple[int | None, int | None]) -> list[tuple[str, int]]:
    """The meeting's pages when the question names one, else the pages of the search's hits: the
    issuer's, and those of documents whose issuer is unknown (a town's bulletin, which may be its)."""
    # the meeting's pages when the question names one, then the search's (a month named may be
    # another document's: "le rapport de zonage de février 2025")
    seen = [(p.doc_id, p.number) for d in q.meeting for p in g.store.pages(d)]
    terms = re.sub(r'["+]|(?<!\w)-|-(?!\w)', " ", q.terms or q.text)
    unknown = {d.doc_id for d in g.documents() if not d.issuer}
    for scope in (issuer, None) if issuer else (None,):
        try:
            hits = g.search(
                terms, g.filters(year_from=years[0], year_to=years[1], issuer=scope), limit=20, snippets=False
            )
        except Exception:  # an empty query
            continue
        keys = [(h.doc_id, h.page) for h in hits if scope is not None or issuer is None or h.doc_id in unknown]
        seen += [k for k in dict.fromkeys(keys) if k not in seen][:PAGES_SEARCHED]
    return seen


def answer_list(
    g: Greffier, question: str, q: Question, wg: Weigher, issuer: str | None, years: tuple[int | None, int | None]
) -> dict[str, Any] | None:
    """The list the question asks for, an abstention with the nearest lists, or None when the
    question asks no list."""
    kind = list_kind(question)
    if kind is None:
        return None
    weights = question_weights(wg, q)
    folded = fold(question)
    asked_role = next((r for r in _ROLES if r in folded), None)
    count = _asked_count(question)
    scored: list[Enumeration] = []
    for doc_id, number in _pages(g, q, issuer, years):
        text = (g.store.page_text(doc_id, number) or "").replace("\ufffe", "-")
        for e in enumerations_of_text(doc_id, number, text, kind, list_noun(question) or ""):
            # the text introducing it, and its own label ("Membres élus :" after "Président :")
            score = (1 - LABEL_SHARE) * coverage(weights, wg.tokens(e.context))
            score += LABEL_SHARE * coverage(weights, wg.tokens(e.label))
            if len(e.items) < 2:
                score *= COUNT_OTHER  # the question asks names, in the plural
            label_roles = {r for r in _ROLES if r in fold(e.role)}
            if asked_role and label_roles and asked_role not in label_roles:
                score *= ROLE_OTHER
            if count and len(e.items) != count:
                score *= COUNT_OTHER
            scored.append(Enumeration(**{**e.__dict__, "score": round(score, 4)}))
    scored.sort(key=lambda e: e.score, reverse=True)
    base = {"question": question, "kind": "list", "years": [q.year_from, q.year_to]}
    rows = [_row(g, e) for e in scored[:3]]
    if not scored:
        return {**base, "answer": None, "reason": "no list of names in the passages found", "candidates": []}
    best = scored[0]
    other = next((e.score for e in scored[1:] if set(e.items) != set(best.items)), 0.0)
    rows[0] |= subject_fields(wg, q, best.context, best.label)
    if best.score < MIN_SCORE or best.score - other < MIN_MARGIN or len(best.items) < MIN_ITEMS:
        return {**base, "answer": None, "reason": "no list clearly is the one asked about", "candidates": rows}
    return {**base, **rows[0], "alternatives": rows[1:]}


def _row(g: Greffier, e: Enumeration) -> dict[str, Any]:
    doc = g.store.document(e.doc_id)
    return {
        "answer": ", ".join(e.items),
        "value": list(e.items),
        "items": list(e.items),
        "unit": None,
        "kind": "list",
        "year": doc.year if doc else None,
        "confidence": round(min(1.0, e.score), 3),
        "doc_id": e.doc_id,
        "title": doc.title if doc else None,
        "page": e.page,
        "evidence": e.evidence,
    }
