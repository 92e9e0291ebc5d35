"""Questions on a vote ("le conseil municipal a-t-il approuvé … ?", "avec quel vote ?", "à quelle
majorité ?"): answered by the deliberation record whose object the question names, with its
outcome and its vote, citing its page; never by a figure of the passage.

A record is the answer when the question's words cover at least half of its object's words (three
at least) and no other record comes close; else greffier abstains and lists the nearest ones.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from greffier.extract.headings import fold
from greffier.records import Deliberation, Vote

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.evidence import Weigher
    from greffier.search.question import Question

VOTE_QUESTION = re.compile(
    r"(?:a-t-(?:il|elle)|ont-(?:ils|elles)|a[- ]t[- ]on|est-(?:il|elle))\s+(?:été\s+)?"
    r"(?:approuv|adopt|accord|accept|vot|valid|autoris|rejet|refus|décid|acquis|retenu|attribu|prononc|fix|donn)"
    r"|avec\s+quel\s+vote|quel\s+(?:a\s+été\s+|fut\s+|était\s+)?(?:le\s+)?(?:résultat\s+du\s+)?vote"
    r"|(?:à|avec|par)\s+quelle\s+majorité|(?:par\s+)?combien\s+de\s+voix|à\s+l'unanimité\s*\?"
    r"|comment\s+(?:s'est\s+réparti|s'est\s+déroulé|se\s+répartit)\s+le\s+vote|comment\b.{3,160}\bété\s+voté",
    re.IGNORECASE,
)
_STOP = {
    "conseil", "municipal", "municipale", "communautaire", "commune", "quel", "quelle", "vote", "votes", "avec",
    "approuve", "adopte", "accorde", "valide", "autorise", "rejete", "refuse", "decide", "sance", "seance",
    "reunion", "dans", "pour", "majorite", "unanimite", "elle", "ils", "elles", "cette", "celle",
    "leur", "leurs", "sont", "etait", "etre", "avoir", "lors", "sous", "entre", "depuis", "juillet", "janvier",
    "fevrier", "mars", "avril", "juin", "aout", "septembre", "octobre", "novembre", "decembre",
}  # fmt: skip
_MIN_COVER = 0.5
_MIN_COMMON = 3
_MIN_MARGIN = 0.15


_ASKS_VOTE = re.compile(
    r"avec\s+quel\s+vote|quel\s+(?:a\s+été\s+|fut\s+|était\s+)?(?:le\s+)?(?:résultat\s+du\s+)?vote"
    r"|(?:à|avec|par)\s+quelle\s+majorité|combien\s+de\s+voix"
    r"|comment\s+(?:s'est\s+réparti|s'est\s+déroulé|se\s+répartit)\s+le\s+vote|comment\b.{3,160}\bété\s+voté",
    re.IGNORECASE,
)
_OPTION_COUNT = re.compile(r"(?<!par )\bcombien\s+de\s+voix\s+(?:ont|a|se\s+sont)\b", re.IGNORECASE)
_ASKS_VALUE = re.compile(r"\b(?:quel(?:le)?s?|combien|quand|qui|que|quoi|où|comment|pourquoi)\b|\bqu'", re.IGNORECASE)


def is_vote_question(text: str) -> bool:
    """'… a-t-il approuvé … ?' (whether, with no other question word) or '… avec quel vote ?'; not
    'quelle subvention le conseil a-t-il adoptée ?', which asks a figure."""
    text = text.replace("’", "'")
    if _OPTION_COUNT.search(text):
        return False  # "combien de voix ont soutenu une augmentation d'un point": a count, of one option
    if _ASKS_VOTE.search(text):
        return True
    return bool(VOTE_QUESTION.search(text)) and not _ASKS_VALUE.search(text)


def _words(text: str) -> set[str]:
    return {w[:7] for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) >= 4 and w not in _STOP}


def _describe(d: Deliberation) -> str:
    return describe_vote(d.outcome, d.vote)


def describe_vote(outcome_key: str | None, v: Vote | None) -> str:
    """A vote in words: "adopté (15 pour, 2 abstention(s))", "adopté à l'unanimité", "rejeté"."""
    outcome = {
        "adopted": "adopté",
        "rejected": "rejeté",
        "refused": "refusé (décision de ne pas le faire)",
        "postponed": "ajourné",
        "withdrawn": "retiré",
    }.get(outcome_key or "", outcome_key or "sans décision écrite")
    if v is None:
        return outcome
    parts = [
        f"{n} {label}" for n, label in ((v.pour, "pour"), (v.contre, "contre"), (v.abstention, "abstention(s)")) if n
    ]
    if v.unanimite and not parts:
        return f"{outcome} à l'unanimité"
    return f"{outcome} ({', '.join(parts)})" if parts else outcome


def vote_value(outcome: str | None, v: Vote | None, votants: int | None = None) -> dict[str, Any]:
    """A vote answer's value: approved or not, the outcome and the counts written. A unanimous vote
    with no tally written counts every voter for it when the minutes give their number ("Votants :
    28", the vote's own or ``votants``, the meeting's)."""
    voters = (v.votants or votants) if v else None
    unanimous_for = voters if v and v.unanimite and v.pour is None and not v.contre and not v.abstention else None
    return {
        "approved": outcome == "adopted",
        "outcome": outcome,
        "pour": v.pour if v and v.pour is not None else unanimous_for,
        "contre": v.contre if v else None,
        "abstention": v.abstention if v else None,
        "unanimite": bool(v and v.unanimite),
    }


def _row(d: Deliberation, score: float, title: str | None) -> dict[str, Any]:
    return {
        "answer": _describe(d),
        "value": vote_value(d.outcome, d.vote),
        "unit": None,
        "kind": "vote",
        "year": int(d.date[:4]) if d.date else None,
        "confidence": round(score, 3),
        "doc_id": d.doc_id,
        "title": title,
        "page": d.page_start,
        "ref": d.ref,
        "date": d.date,
        "evidence": d.title,
    }


def answer_vote(
    g: Greffier,
    question: str,
    year_from: int | None,
    year_to: int | None,
    issuer: str | None,
    parsed: Question | None = None,
    wg: Weigher | None = None,
) -> dict[str, Any]:
    """The decision the question is about, with its outcome and vote, or an abstention: read from
    the minutes' text first (:mod:`greffier.search.decisions`, when the parsed question and a
    weigher are given), else from the deliberation records."""
    from_text = None
    if parsed is not None and wg is not None:
        from greffier.search.decisions import answer_from_text

        from_text = answer_from_text(g, question, parsed, wg, issuer, (year_from, year_to))
        if from_text is not None and from_text.get("answer") is not None:
            return from_text
    from_records = _answer_from_records(g, question, year_from, year_to, issuer)
    if from_records.get("answer") is not None and parsed is not None and wg is not None:
        from greffier.search.subject import subject_fields

        from_records |= subject_fields(wg, parsed, from_records.get("evidence") or "")
    if from_records.get("answer") is None and from_text is not None:
        return {**from_text, "candidates": from_text.get("candidates", []) + from_records.get("candidates", [])}
    return from_records


def _answer_from_records(
    g: Greffier, question: str, year_from: int | None, year_to: int | None, issuer: str | None
) -> dict[str, Any]:
    """The record the question is about, with its outcome and vote, or an abstention."""
    docs = {d.doc_id: d for d in g.documents()}
    wanted = _words(question)
    day = re.search(
        r"\b([0-3]?\d)(?:er)?\s+(janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre"
        r"|octobre|novembre|décembre|decembre)\s+((?:19|20)\d{2})",
        question,
        re.IGNORECASE,
    )
    scored: list[tuple[float, Deliberation]] = []
    for d in g.deliberations():
        doc = docs.get(d.doc_id)
        if issuer and (doc is None or fold(issuer) not in fold(doc.issuer or "")):
            continue
        year = int(d.date[:4]) if d.date else None
        if year_from and year and not (year_from <= year <= (year_to or year_from)):
            continue
        title = _words(d.title)
        common = len(wanted & title)
        if not title or common < min(_MIN_COMMON, len(title)):
            continue
        score = common / len(title)
        if day and d.date and d.date.endswith(f"-{int(day.group(1)):02d}"):
            score += 0.1  # the meeting the question names
        scored.append((score, d))
    scored.sort(key=lambda t: -t[0])
    base = {"question": question, "kind": "vote", "years": [year_from, year_to]}
    rows = [_row(d, s, docs[d.doc_id].title if d.doc_id in docs else None) for s, d in scored[:3]]
    if not scored or scored[0][0] < _MIN_COVER:
        return {
            **base,
            "answer": None,
            "reason": "no deliberation record names what the question asks",
            "candidates": rows,
        }
    best, second = scored[0][0], next((s for s, d in scored[1:] if d.title != scored[0][1].title), 0.0)
    if best - second < _MIN_MARGIN or scored[0][1].outcome is None:
        return {
            **base,
            "answer": None,
            "reason": "several records fit, or the record states no decision",
            "candidates": rows,
        }
    return {**base, **rows[0], "alternatives": rows[1:]}
