"""Which parts of a deliberation's text report the debate rather than the deliberation itself.

French minutes put around the deliberation proper (its exposé, the table voted, the decision)
the members' interventions: "M. FAVROLE interroge sur…", "Monsieur Tanguy s'étonne…",
"Madame le maire répond…". Figures quoted there are not the deliberation's. The minutes mark the
parts with a few conventions, which this module follows line by line:

- an intervention opens with a named member ("M. X", "Mme Y", "Monsieur Z, adjoint, …",
  possibly after a short clause: "A l'issue du rapport, M. X précise…"); office holders named by
  their office ("Madame le maire", "Monsieur le Président") present and answer;
- a debate opens with an intervention that asks, objects or remarks ("demande", "s'étonne",
  "fait remarquer", "répond"…); once the decision is stated ("Après en avoir délibéré",
  "Le conseil municipal … décide", "DECIDE", "Vote :"), or once the visas ("Vu …",
  "Considérant …") close the report, any intervention by another member than the presenters
  opens it. The first paragraph is the exposé whoever speaks, and so is an intervention that
  presents or proposes ("M. RIBEIRO présente le budget", "M. ROBERT propose aux membres…");
- a debate runs until the decision formula, or until the report resumes: the visas, "Il est
  proposé…", "Etes-vous d'accord…", the maire or the président proposing or putting to the vote;
- when a "Rapporteur :" line announces a "Rapport" marker, what stands between them is a
  preliminary talk, not the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SP = r"[ \u00a0]"
_PERSON = r"(?:M\.|MM\.|Mme\.?|Mmes\.?|Mlle\.?|Monsieur|Madame|Messieurs|Mesdames)"
_OFFICE = r"(?i:le|la|les|l['’]|maire|pr[ée]sident|vice|adjoint|conseill|secr[ée]taire)\b"
_NAME = rf"(?!{_OFFICE})[A-ZÀ-Ý][\w'’\-]*\.?(?:{_SP}+[A-ZÀ-Ý][\w'’\-]*){{0,2}}"
# a short clause before the speaker: "A l'issue du rapport présenté par M. CORMONT, M. GUILLAUME précise"
_CLAUSE = (
    r"(?:(?:À|A|En|Pour|Après|Suite|Concernant|Sur|Lors|Dans|Au|Aux|Quant|Interrogée?|Enfin|Puis|Ensuite"
    r"|De\s+plus|Par\s+ailleurs)\b[^\n;:•]{0,80}?,[ \u00a0]*)"
)
_PARTICLES = r"(?:(?:lui|leur|ne|n['’]|se|s['’]|y|également|aussi|alors|ensuite)[ \u00a0]*)"
INTERVENTION = re.compile(
    rf"^{_SP}*{_CLAUSE}?{_PERSON}{_SP}+(?P<name>{_NAME}){_SP}*"
    rf"(?:,(?P<apposition>[^,\n]{{1,80}}),{_SP}*|{_SP}+(?=[a-zà-ÿ]))"
    rf"(?!(?:de|du|des|d['’]|la|le|les|l['’]|et|ou|à|au|aux|pour|par|sur|dans|avec|en)\b)"
    rf"(?P<rest>{_PARTICLES}*[a-zà-ÿ].*)"
)
# what a member says when the debate opens: a question, an objection, a remark, an answer
_DEBATE_VERB = re.compile(
    rf"^{_PARTICLES}*"
    r"(?:demande(?!\s+(?:aux\s|au\s|à\s+l['’]))|interroge|questionne|interpelle|étonne|inquiète|remarque"
    r"|fait[ \u00a0]+(?:remarquer|observer|part|valoir|savoir)|regrette|déplore|souhaite|répond|réplique|rétorque"
    r"|estime|considère|constate|conteste|objecte|critique|juge|trouve|pense|craint|oppose|intervient|observe"
    r"|soulève|signale|alerte|souligne|insiste|abstient|comprend|exprime|sollicite|partage|demandent|pose)\b",
    re.IGNORECASE,
)
# an intervention that presents or proposes is the report, whoever makes it
_PRESENTS = re.compile(
    r"\b(?:présente|expose|soumet)\s+(?:le|la|les|l['’]|au|aux|un|une|son|sa|ses)\b"
    r"|\bpropose\s+(?:aux\s+membres|au\s+conseil|à\s+l['’]assembl[ée]e|d['’]approuver|d['’]adopter|de\s+retenir"
    r"|l['’]approbation|l['’]adoption)"
    r"|\binforme\s+(?:le\s+conseil|les\s+membres|l['’]assembl[ée]e)",
    re.IGNORECASE,
)
# the report resumes after a debate
_RESUMES = re.compile(
    r"^\W*(?:Vu\b|Consid[ée]rant\b|Il\s+(?:est|vous\s+est)\s+(?:donc\s+|aujourd['’]hui\s+)?propos[ée]"
    r"|[ÊE]tes[\s–-]*vous\s+d['’]accord|Acceptez[\s–-]*vous|Le\s+plan\s+de\s+financement"
    r"|Le\s+conseil\s+(?:municipal|communautaire)\s+est\s+(?:invité|appelé|amené)"
    r"|(?:Madame|Monsieur|M\.|Mme)\s+(?:le|la)\s+(?:maire|pr[ée]sident|vice-pr[ée]sident)\b[^.\n]{0,60}?"
    r"\b(?:propose|soumet|présente|demande\s+aux\s+membres|met\s+aux\s+voix|est\s+propos[ée]))",
    re.IGNORECASE,
)
DECISION = re.compile(
    r"apr[èe]s\s+(?:en\s+)?avoir\s+(?:d[ée]lib[ée]r[ée]|entendu\s+l['’]expos[ée])"
    r"|^\W*(?:le\s+conseil\s+(?:municipal|communautaire|syndical)|l['’]assembl[ée]e(?:\s+d[ée]lib[ée]rante)?"
    r"|les\s+membres\s+du\s+conseil(?:\s+\w+)?)\b[^.\n]{0,60}?"
    r"\b(?:d[ée]cide|approuve|adopte|autorise|[ée]met|accepte|valide|prend\s+acte)\b"
    r"|^\W*(?:D[ÉE]CIDE|D[ÉE]LIB[ÈE]RE)\b"
    r"|^\W*Votes?\s*:"
    r"|^\W*(?:adopt[ée]e?s?|approuv[ée]e?s?)\s+(?:à\s+l['’]unanimit[ée]|à\s+la\s+majorit[ée]|par\s+\d+)",
    re.IGNORECASE,
)
_VISA = re.compile(r"^\W*Vu\b", re.IGNORECASE)
# the minutes say that the debate opens
_OPENS = re.compile(
    r"^\W*(?:À|A)\s+l['’]issue\s+d[eu]\s+(?:la\s+|l['’]|ce(?:tte)?\s+)?(?:rapport|présentation|exposé)"
    r"|^\W*(?:Un|Le)\s+débat\s+(?:s['’]instaure|s['’]engage|s['’]ouvre|est\s+ouvert)|^\W*D[ée]bats?\s*:",
    re.IGNORECASE,
)
# a label or a table row ("Bols d'air 400 €", "Montant HT"): no debate goes on there
_LABEL_ROW = re.compile(r"^\W*[^\d\n.!?]{1,40}?[ \u00a0:–-]\d[\d \u00a0.,]*[ \u00a0]?(?:€|euros?\b)", re.IGNORECASE)


def _tableish(line: str) -> bool:
    """A label or a table row, not the continuation of a sentence."""
    first = re.search(r"\w", line)
    if first is None or first.group(0).islower() or re.search(r"[.,;:!?]\s*$", line):
        return False
    if len(line.split()) <= 6:
        return True
    m = _LABEL_ROW.match(line)
    return bool(m) and len(m.group(0).split()) <= 7


RAPPORTEUR = re.compile(r"^\W*Rapporteu(?:r|se)s?\s*:\s*(?P<who>.*)$", re.IGNORECASE)
RAPPORT = re.compile(r"^\W*Rapport(?:\s*:)?(?:\s*$|\s+(?=[A-ZÀ-Ý]))")
_GIVES_FLOOR = re.compile(rf"(?:parole|rapporteur)\s+(?:à|:)\s*{_PERSON}?\s*(?P<name>{_NAME})", re.IGNORECASE)


def _surname(name: str) -> str:
    return name.strip(" .,").split()[-1].lower() if name.strip(" .,") else ""


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def debate_ranges(parts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """For each part of one deliberation's text (in reading order: its own text, then the
    headings and texts of its sub-sections), the character ranges that are debate or
    preliminary talk."""
    lines = [(i, a, b, line) for i, part in enumerate(parts) for a, b, line in _lines(part)]
    presenters: set[str] = set()
    rapporteur = None
    for k, (*_, line) in enumerate(lines):
        m = RAPPORTEUR.match(line)
        if m:
            rapporteur = k if rapporteur is None else rapporteur
            presenters.update(w.lower() for w in re.findall(r"[A-ZÀ-Ý][\w'’\-]+", m.group("who")))
    marker = None
    if rapporteur is not None:  # a "Rapport" marker announced by a "Rapporteur :" line
        marker = next((k for k in range(rapporteur + 1, len(lines)) if RAPPORT.match(lines[k][3])), None)
    out: list[list[tuple[int, int]]] = [[] for _ in parts]
    state = "expose"
    first = True  # the first paragraph is the exposé, whoever speaks
    visas = False
    for k, (i, a, b, line) in enumerate(lines):
        if not line.strip() or RAPPORTEUR.match(line):
            continue
        if marker is not None and k < marker:
            out[i].append((a, b))  # preliminary talk before the report
            first = False
            continue
        speaker = INTERVENTION.match(line)
        if first:
            presenters.update(_surname(m.group("name")) for m in _GIVES_FLOOR.finditer(line))
            if speaker:
                presenters.add(_surname(speaker.group("name")))
        if k == marker:
            state = "expose"
        elif DECISION.search(line):
            state = "decision"
        elif _OPENS.match(line) and not first:
            state = "debate"
        elif speaker and not first:
            if _PRESENTS.search(line):
                state = "expose"
            elif (
                _DEBATE_VERB.match(speaker.group("rest"))
                or state == "decision"
                or (visas and _surname(speaker.group("name")) not in presenters)
            ):
                state = "debate"
        elif state == "debate" and (_RESUMES.match(line) or _tableish(line)):
            state = "expose"
        if _VISA.match(line):
            visas = True
        first = False
        if state == "debate":
            out[i].append((a, b))
    return [_merged(r) for r in out]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Consecutive lines as one range (a figure may run over a line break: "200\\neuros")."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def in_ranges(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b + 1 for a, b in ranges)
