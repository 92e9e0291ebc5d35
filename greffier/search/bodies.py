"""Bodies as answers: a direction described by the sentence, or a body named in the passage.

"Quel service est chargé de …": the direction a sentence has as its subject, or an organisation
(service, syndicat, juridiction …) named near the question's words, of the kind the question asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from greffier.extract.directions import find_directions
from greffier.extract.headings import fold
from greffier.extract.organisations import OrgMatch, find_organisations
from greffier.records import Entity, Passage, SearchHit
from greffier.search.candidate import WEIGHTS, Candidate
from greffier.search.evidence import Weigher, coverage, matches, proximity, span_of
from greffier.search.question import Question

# a body written as a partner of the one acting ("en lien avec la Direction de l'Eau", "avec l'appui
# de l'ADEME", "en partenariat avec") is not who did what the question asks, unless it asks "avec qui"
_PARTNER_BEFORE = re.compile(
    r"(?:en\s+lien|en\s+liaison|en\s+partenariat|en\s+collaboration|en\s+concertation|de\s+concert|en\s+relation)"
    r"\s+avec\s*(?:la|le|les|l['’])?\s*$"
    r"|(?:avec|grâce\s+à)\s+(?:l['’]\s*appui|le\s+soutien|le\s+concours|l['’]\s*aide|l['’]\s*accompagnement)"
    r"\s+(?:de\s+la|du|des|de\s+l['’]|d['’])\s*$"
    r"|(?:aux\s+côtés|auprès)\s+(?:de\s+la|du|des|de\s+l['’]|d['’])\s*$",
    re.IGNORECASE,
)
_ASKS_PARTNER = re.compile(
    r"\bavec\s+(?:qui|quel|quelle|quels|quelles)\b|\bauprès\s+de\s+qu|\bpartenaire", re.IGNORECASE
)
PARTNER_FACTOR = 0.6
# a question asking a person ("qui présidait la séance", "qui signe les arrêtés", "à quel agent le
# maire a-t-il délégué …"): a body, a service or a firm never answers it
_PERSON_ASKED = re.compile(
    r"\bqui\s+(?:présid|preside|signe|a\s+signé|a\s+été\s+(?:élu|nommé|désigné|recruté)|est\s+(?:le|la|l['’])\s*"
    r"(?:maire|président|présidente|adjoint|adjointe|rapporteur|secrétaire|directeur|directrice|trésorier))"
    r"|\bquel(?:le)?\s+(?:agent|élu|élue|adjoint|adjointe|conseiller|conseillère|personne|maire|président|présidente"
    r"|rapporteur|secrétaire|directeur|directrice|habitant|habitante)\b",
    re.IGNORECASE,
)


def asks_person(question: str) -> bool:
    """Whether ``question`` asks for a person, which no body answers."""
    return bool(_PERSON_ASKED.search(question.replace("’", "'")))


ORG_WINDOW = 15  # words either side of a body that say what it does (dev)
ORG_KIND_FACTORS = (1.2, 0.85)  # a body of the kind asked ("quelle juridiction"), of another kind (dev)
SUBJECT_PROXIMITY = 0.5  # a direction described by the sentence, not named in it (dev)

_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)|[^\n]+", re.MULTILINE)
# a direction introduced as the subject of what follows: "La Direction du Foncier et du Patrimoine :"
_INTRODUCED = re.compile(r"^\W*(?:(?:La|Le|L['’])\s*)?$")


@dataclass(frozen=True)
class Found:
    """What a question's search found, with what scores it: the hits and their passages, the
    entities of their sections, the question's weights, the weigher, the best hit's score and the
    (memoized) coverage of a passage."""

    hits: list[SearchHit]
    passages: dict[str, Passage]
    by_section: dict[str, list[Entity]]
    weights: dict[str, float]
    wg: Weigher
    top: float
    passage_coverage: Callable[[Passage], float]


def subject_candidates(ctx: Found) -> list[Candidate]:
    """Activity reports describe a direction under its name: "La Direction du Foncier et du
    Patrimoine :" (a heading, or a line ending in a colon), then "Cette direction centralise ..."
    with no name. The direction a passage describes answers "quelle direction centralise ...",
    cited with its name and the passage's sentence that matches the question."""
    passages, by_section, weights, wg, top = ctx.passages, ctx.by_section, ctx.weights, ctx.wg, ctx.top
    out: list[Candidate] = []
    for h in ctx.hits:
        p = passages.get(h.passage_id)
        if p is None or p.start == p.end:
            continue
        # the passage's sentence that holds most of the question's words
        best: tuple[float, int, str] | None = None
        for m in _SENTENCE.finditer(p.text):
            text = m.group(0).strip()
            if len(text) < 20:
                continue
            cov = coverage(weights, wg.tokens(text))
            if best is None or cov > best[0]:
                best = (cov, p.start + m.start(), text)
        if best is None or best[0] == 0:
            continue
        cov, at, sentence = best
        # the last direction introduced before that sentence in the section, else the heading's
        introduced = [
            e
            for e in by_section.get(p.section_id, [])
            if e.type == "DIRECTION" and e.end <= at and e.sentence.rstrip().endswith(":")
        ]
        if introduced:
            subject = max(introduced, key=lambda e: e.start)
            name, canonical, page = subject.text, subject.canonical, subject.page
            lead = subject.sentence.strip()
        elif p.section_path:
            heading = p.section_path[-1].strip()
            found = find_directions(heading)
            if not found or not _INTRODUCED.match(heading[: found[0].start]) or not heading.endswith(":"):
                continue
            name, canonical, page, lead = found[0].text, found[0].canonical, p.page, heading
        else:
            continue
        entity = Entity(
            entity_id=f"{p.passage_id}#subject",
            type="DIRECTION",
            text=name,
            doc_id=p.doc_id,
            page=page,
            section_id=p.section_id,
            start=at,
            end=at,
            sentence=f"{lead} … {sentence}",
            canonical=canonical,
        )
        passage_cov = ctx.passage_coverage(p)
        features = (h.score / top, passage_cov, cov, cov * SUBJECT_PROXIMITY)
        score = sum(w * f for w, f in zip(WEIGHTS, features))
        near = round(features[3], 4)
        out.append(Candidate(entity, h, round(score, 4), round(cov, 4), near, features[0], passage_cov))
    return out


def org_candidates(q: Question, ctx: Found) -> list[Candidate]:
    """The bodies other than the issuer's directions that the passages name ("l'UTD de Lassigny
    programme une réfection"), scored like a value: the question's words in its sentence and near it.
    A body the question itself names is not its answer; one already a DIRECTION entity (the DGFIP of
    "La DGFIP (Direction Générale des Finances Publiques)") is not a second candidate."""
    passages, by_section, weights, wg, top = ctx.passages, ctx.by_section, ctx.weights, ctx.wg, ctx.top
    asked = set(wg.stems(q.text))
    out: list[Candidate] = []
    for h in ctx.hits:
        p = passages.get(h.passage_id)
        if p is None or p.start == p.end:
            continue
        directions = [e for e in by_section.get(p.section_id, []) if e.type == "DIRECTION"]
        bodies = find_organisations(p.text)
        # "La DGFIP (Direction Générale ...)": an acronym written beside a direction names it
        known = {d.acronym for d in directions if d.acronym} | {
            o.text for o in bodies for d in directions if -4 <= d.start - (p.start + o.end) <= 4
        }
        orgs = [
            o
            for o in bodies
            if o.text not in known
            and not any(d.start < p.start + o.end and p.start + o.start < d.end for d in directions)
            and not _named_by(wg, o, asked)
        ]
        if not orgs:
            continue
        retrieval = h.score / top
        cov = ctx.passage_coverage(p)
        for m in _SENTENCE.finditer(p.text):
            inside = [o for o in orgs if m.start() <= o.start and o.end <= m.end()]
            if not inside:
                continue
            sentence = m.group(0)
            tokens = wg.tokens(sentence)
            found = matches(weights, tokens)
            overlap = coverage(weights, tokens, found)
            if overlap == 0:
                continue
            for o in inside:
                at = o.start - m.start()
                span = span_of(tokens, at, at + len(o.text)) or (0, 0)
                near = proximity(weights, tokens, span, found)
                # the question's words in the body's own name do not say it did what is asked, nor
                # do words far from it in a long sentence: "l'Agence de l'Eau", at the end of a
                # bullet about the "délégataire du service de l'eau", is not that délégataire
                around = [
                    t
                    for t in tokens
                    if not span[0] <= t.index <= span[1] and span[0] - ORG_WINDOW <= t.index <= span[1] + ORG_WINDOW
                ]
                own = coverage(weights, around)
                entity = Entity(
                    entity_id=f"{p.passage_id}#org{o.start}",
                    type="ORG",
                    text=o.text,
                    doc_id=p.doc_id,
                    page=p.page,
                    section_id=p.section_id,
                    start=p.start + o.start,
                    end=p.start + o.end,
                    sentence=sentence.strip(),
                    canonical=o.canonical,
                )
                score = sum(w * f for w, f in zip(WEIGHTS, (retrieval, cov, own, near)))
                score *= partner_factor(q.text, sentence[:at])
                rounded = (round(score, 4), round(own, 4), round(near, 4))
                out.append(Candidate(entity, h, *rounded, retrieval, cov, kinds=o.kinds))
    return out


def partner_factor(question: str, before: str) -> float:
    """How much a body whose preceding words are ``before`` may answer ``question``: less when it is
    written as the partner of the one acting and the question does not ask for a partner."""
    if _PARTNER_BEFORE.search(before[-50:]) and not _ASKS_PARTNER.search(question):
        return PARTNER_FACTOR
    return 1.0


def _named_by(wg: Weigher, o: OrgMatch, asked: set[str]) -> bool:
    """Whether the question names the body itself ("l'apport de l'ADTO à la SAO"): then it is no answer."""
    name = {t for w in re.findall(r"\w+", o.canonical) if len(w) > 2 for t in wg.stems(w)}
    return bool(name) and name <= asked


# "quel service départemental", "quelle juridiction financière", "quelle société": the kind of body asked
_ASKED_KIND = re.compile(
    r"\bquel(?:le)?s?\s+((?!est\b|sont\b|était\b)[^\W\d]+(?:\s+(?!de\b|du\b|des\b|a\b|ont\b|est\b)[^\W\d]+)?)"
)
_ANY_KIND = {"organisme", "structure", "entite", "acteur", "partenaire", "organisation"}


def asked_kind(question: str) -> set[str]:
    m = _ASKED_KIND.search(question.lower())
    if not m:
        return set()
    words = {w for w in re.split(r"[\s'’-]+", fold(m.group(1))) if len(w) > 2}
    return set() if words & _ANY_KIND else words


def kind_agreement(asked: set[str], c: Candidate) -> float:
    """A body of the kind the question asks for ("quel service départemental": the UTD, a
    departmental unit) weighs more, a body of another kind less."""
    e = c.entity
    if e.type == "ORG":
        kinds = set(c.kinds)
    else:  # a direction or service of the issuer
        kinds = {"direction", "service", *re.split(r"[\s'’-]+", fold(e.canonical or e.text))}
    stems = {w[:6] for w in kinds}
    return ORG_KIND_FACTORS[0] if any(w[:6] in stems for w in asked) else ORG_KIND_FACTORS[1]


# a total: "le montant total", "au total", "TOTAL", "cumulé"
