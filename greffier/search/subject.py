"""What a question is about, apart from what it asks: its subject words, and whether an answer's
evidence names them.

"À quelle date le conseil municipal a-t-il approuvé le plan local d'urbanisme ?" asks a date (the
kind), of a decision (the role: "approuvé"), by a body that every page of its minutes names
("conseil municipal"); what it is about is the "plan local d'urbanisme". A date, a vote, a body or a
list of names read next to other words is another decision's, however close on the page: an answer
counts only when its evidence (the value's sentence and its label, the decision's text, the words
introducing a list) holds enough of the question's subject weight. Words every minutes writes
(conseil, séance, délibération, approuver, voter …), question words, months, years and the kind asked
("date", "direction", "conseillers") are no subject.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from greffier.search.evidence import Weigher, Weights, coverage, matches, question_weights

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.candidate import Candidate
    from greffier.search.question import Question

# written by every decision, meeting or report, whatever it is about (folded)
GENERIC = frozenset(
    """
    conseil conseils municipal municipale municipaux communautaire communautaires commune communes ville mairie
    maire adjoint adjoints elus elu seance seances reunion reunions reuni reunie reunis tenu tenue tenus lieu
    deliberation deliberations deliberer delibere decision decisions decide decider decidee decides
    vote votes voter vote votee votees approuve approuvee approuves approuver approbation adopte adoptee adopter
    adoption valide validee valider autorise autorisee autoriser accorde accordee accorder acte prendre pris prise
    date dates jour jours quand quel quelle quels quelles annee annees mois depuis jusqu partir compter
    combien qui quoi comment pourquoi ete etait sont est avoir etre fait faire cours lors selon dernier derniere
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre premier premiere
    membre membres conseiller conseillers conseillere conseilleres delegue delegues deleguee titulaire titulaires
    suppleant suppleants representant representants designe designes designee designees nomme nommes
    liste noms nom personnes
    direction directions service services charge chargee charges chargees responsable
    entreprise societe association cabinet bureau prestataire retenu retenue retenus attribue attribuee
    """.split()
)
_YEARISH = re.compile(r"^\d+$")


def subject_weights(wg: Weigher, q: Question, extra: tuple[str, ...] = ()) -> Weights:
    """The question's weighted stems, without the words that say what kind of answer it asks or
    that every document of its kind writes (``extra``: more such words, folded)."""
    weights = question_weights(wg, q)
    generic: set[str] = set()
    for word in GENERIC | set(extra):
        generic.update(wg.stems(word))
    kept = {s: w for s, w in weights.items() if s not in generic and not _YEARISH.match(s)}
    aliases = {a: stems for a, stems in weights.aliases.items() if a in kept}
    return Weights(kept, aliases)


def subject_share(wg: Weigher, weights: Weights, *texts: str) -> float | None:
    """The share of the subject's weight that ``texts`` hold together (None when the question has
    no subject word: nothing to check)."""
    if not weights or sum(weights.values()) <= 0:
        return None
    return coverage(weights, wg.tokens(" ".join(t for t in texts if t)))


def rarest_found(wg: Weigher, weights: Weights, *texts: str, n: int = 2) -> float | None:
    """The share of the question's ``n`` rarest subject words that ``texts`` hold (None without a
    subject word): what names one decision among a meeting's ("Impasse du Lavoir", "SOCREA")."""
    if not weights:
        return None
    rare = sorted(weights, key=lambda s: -weights[s])[:n]
    found = matches(Weights({s: weights[s] for s in rare}, weights.aliases), wg.tokens(" ".join(t for t in texts if t)))
    return sum(1 for s in rare if found.get(s)) / len(rare)


def subject_fields(wg: Weigher, q: Question, *texts: str) -> dict[str, float | None]:
    """What an answer row carries of its evidence's subject: ``subject``, the share of the subject's
    weight in ``texts``; ``subject_rare``, the share of its two rarest words there."""
    weights = subject_weights(wg, q)
    return {"subject": subject_share(wg, weights, *texts), "subject_rare": rarest_found(wg, weights, *texts)}


def evidence_texts(g: Greffier, c: Candidate) -> tuple[str, ...]:
    """A candidate value's evidence: its sentence (with the label line above it), its section's
    headings and the act it is read in (the passage): "Convocation : 28 octobre 2014" answers the
    question on the convocation of the meeting the section is about."""
    p = g.store.passages_by_id([c.hit.passage_id]).get(c.hit.passage_id)
    return c.entity.sentence, " ".join(c.hit.section_path), p.text if p else ""
