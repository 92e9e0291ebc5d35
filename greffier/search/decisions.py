"""Votes read from the minutes' own text: each vote statement ("Par 16 voix « Pour » et 1
« Abstention », le Conseil municipal … décide", "décident à l'unanimité des membres présents", "Pour :
13 – Contre : 1") closes or opens one decision; the decision whose words hold most of the question's
is the one asked about.

Deliberation records (:mod:`greffier.search.votes`) are only as good as the item headings found at
ingest, and a short heading ("Vote des taux communaux 2012") rarely shares three words with a
question ("a-t-il voté la hausse des taux d'imposition pour 2012 ?"). The text of the decision does.
When the question names a meeting ("le 4 novembre 2014", "lors de la séance du 10 juillet 2012") only
that meeting's minutes are read; otherwise the pages the search finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from greffier.extract.votes import outcome_of, read_vote
from greffier.records import Vote
from greffier.search.evidence import Weigher, coverage, question_weights
from greffier.search.subject import subject_fields
from greffier.search.votes import describe_vote, vote_value

if TYPE_CHECKING:
    from greffier.api import Greffier
    from greffier.search.question import Question

# a sentence that may state a vote: the words minutes use for one
_VOTE_WORDS = re.compile(
    r"\bvoix\b|unanimit|à la majorité|\bPour\s*[»\"”]?\s*:|\bContre\s*[»\"”]?\s*:|\babstentions?\b|\bvotants?\b",
    re.IGNORECASE,
)
_TALLY_LEAD = re.compile(r"\s*[•\-–]?\s*[«“\"]?\s*(?:Pour|Contre|Abstentions?)\s*[»”\"]?\s*:\s*\d", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)", re.MULTILINE)
BEFORE = 1500  # characters of a decision before its vote statement (the report and the debate)
AFTER = 400  # ... and after it ("décide : - d'attribuer le nom … »")
MIN_SCORE = 0.5  # share of the question's weighted words in the decision's text (tune votes)
MEETING_MIN_SCORE = 0.4  # ... when the question names the meeting, whose minutes alone are read
MERGE_GAP = 200  # characters between "à l'unanimité" and its tally for them to be one vote
SHORT_LINE = 60  # a vote's bullet line ("• 8 voix « Contre »,"), to be joined to the next
MIN_MARGIN = 0.08  # over the best decision with another vote
OWN_SHARE = 0.5
EVIDENCE = 300  # characters of a decision's vote and what follows it, shown as its evidence
PAGES_SEARCHED = 12  # pages of the search's hits read when the question names no meeting
# a decision voted that does not do what was asked: "décide de ne pas exonérer", "refuse la
# demande", "émet un avis défavorable", "ne donne pas suite", "s'oppose au projet" (not "ne s'oppose pas")
REFUSAL = re.compile(
    r"\bd[ée]cid\w*[^.;]{0,80}?\bde\s+(?:ne\s+pas|ne\s+plus|refuser|rejeter)\b"
    r"|(?<!ne )\brefus(?:e|ent)\b(?!\s+pas)|[ée]met\w*\s+un\s+avis\s+d[ée]favorable"
    r"|(?<!ne )\bs['’]oppos(?:e|ent)\b(?!\s+pas)|\bne\s+donne\w*\s+pas\s+suite",
    re.IGNORECASE,
)
# a question that itself asks whether something was refused or left unchanged: a decision not to do
# it is its approval
ASKS_REFUSAL = re.compile(
    r"\bne\s+pas\b|\bn['’]\w+\s+pas\b|\bmaint(?:ien|enir|enu)|\brefus|\brejet|d[ée]favorable|\bgel\b|\bgeler\b",
    re.IGNORECASE,
)
REFUSAL_WITHIN = 250  # characters of what a statement ending "décide :" decides, after it


@dataclass(frozen=True)
class Decision:
    doc_id: str
    page: int
    vote: Vote
    outcome: str | None
    statement: str  # the vote's sentence
    context: str  # the decision's text around it
    own: str  # the statement and what it decides
    score: float = 0.0


def casting_vote(text: str) -> str | None:
    """The side of the chair's casting vote on a tie ("La voix de Monsieur le Maire étant
    prépondérante (« Contre »)"): "pour", "contre" or None."""
    m = re.search(r"prépondérante?\W{0,6}(?:\(\s*)?[«\"“]?\s*(pour|contre)\b", text, re.IGNORECASE)
    return m.group(1).lower() if m else None


# where one act ends and the next begins: its reference heading ("• DE-2014/104 –", "2008/43 –")
# or the prefecture's acknowledgement stamped under each act
_ITEM_BOUND = re.compile(
    r"(?:[•▪■]\s*)?\b(?:DE|D)?-?\s?(?:19|20)\d{2}\s?/\s?\d{1,3}\s?[–-]\s|Accusé de réception", re.IGNORECASE
)


def _statements(full: str) -> list[tuple[int, int, Vote]]:
    """The vote statements of a text; the lines of one vote written as bullets ("• 8 voix « Pour »,"
    then "• 8 voix « Contre »,") make one statement."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(full):
        if not _VOTE_WORDS.search(m.group(0)):
            continue
        # (the last bullet may run on into the decision: "• “Abstention”: 5 Le Conseil municipal …")
        bullet = len(m.group(0)) < SHORT_LINE or _TALLY_LEAD.match(m.group(0))
        short = bullet and spans and spans[-1][1] - spans[-1][0] < SHORT_LINE
        if short and not full[spans[-1][1] : m.start()].strip(" \n•-–"):
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((m.start(), m.end()))
    out: list[tuple[int, int, Vote]] = []
    for start, end in spans:
        vote = read_vote(full[start:end])
        if vote is None or (vote.pour is None and vote.contre is None and not vote.unanimite):
            continue
        if out:
            p_start, p_end, p_vote = out[-1]
            merged = _one_vote(p_vote, full[p_start:p_end], vote, full[start:end], full[p_end:start])
            if merged is not None:
                out[-1] = (p_start, end, merged)
                continue
        out.append((start, end, vote))
    return out


def _one_vote(a: Vote, a_text: str, b: Vote, b_text: str, between: str) -> Vote | None:
    """Two statements of one vote: "à l'unanimité" and its bare tally ("Votants : 15 Pour : 15 Contre :
    0 Abstention : 0") written a few lines apart in one item, either first; None when they may be
    two votes (another item's number between them, a tally that decides something itself)."""
    if len(between) > MERGE_GAP or _ITEM_BOUND.search(between) or _NUMBERED.search(between):
        return None
    if a.unanimite and a.pour is None:
        unanimous, tally, tally_text = a, b, b_text
    else:
        unanimous, tally, tally_text = b, a, a_text
    if not unanimous.unanimite or unanimous.pour is not None or tally.unanimite or tally.pour is None:
        return None
    if tally.contre or tally.abstention or not _TALLY_ONLY.fullmatch(tally_text.strip()):
        return None  # votes against or abstentions: no unanimity, two votes
    return Vote(tally.pour, tally.contre, tally.abstention, True, tally.votants, tally.effectif)


# a bare tally: its labels, numbers and punctuation only ("Votants : 15 - Pour : 15 Contre : 0")
_TALLY_ONLY = re.compile(
    r"(?:(?:nombre\s+de\s+)?(?:votants?|pour|contre|abstentions?|suffrages\s+exprimés|exprimés|voix|vote|pr[ée]sents?"
    r"|représentés?)|[\d\s:;,.\-–()«»\"“”])+",
    re.IGNORECASE,
)
# the number of the next item of an agenda, at the start of a line ("4 – Voirie", "12. Subvention")
_NUMBERED = re.compile(r"\n\s*(?:\d{1,3}|[IVX]{1,5})\s*[–\-.)]\s+\S")


def _decided(statement: str, rest: str) -> str:
    """What a vote statement decides: the statement ("…, le Conseil municipal décide de ne pas …"),
    and the lines after it when it ends on a colon ("décide :" then "• de ne pas …"); not the text
    after a statement that closes its item ("Adopté à l'unanimité."), which is the next item's."""
    if statement.rstrip().endswith(":"):
        return statement + rest[:REFUSAL_WITHIN]
    return statement


def decisions_of_text(doc_id: str, page: int, text: str, before: str = "") -> list[Decision]:
    """Every vote statement of a page's text with the decision around it: from the act's heading
    (or the previous vote) to the statement, and what it decides after it up to the next act or
    vote. ``before`` is the end of the previous page (a decision's report often starts there)."""
    full = before + text
    offset = len(before)
    stated = _statements(full)
    bounds = [m.start() for m in _ITEM_BOUND.finditer(full)]
    out = []
    for i, (start, end, vote) in enumerate(stated):
        if end <= offset:
            continue  # the previous page's own
        lo = max([stated[i - 1][1] if i else 0, start - BEFORE, *(b for b in bounds if b < start)])
        hi = min([stated[i + 1][0] if i + 1 < len(stated) else len(full), end + AFTER, *(b for b in bounds if b > end)])
        after = full[start:hi]
        outcome = outcome_of(after, vote=vote)
        if vote.pour is not None and vote.pour == vote.contre:
            side = casting_vote(after)
            outcome = {"pour": "adopted", "contre": "rejected"}.get(side or "", outcome)
        elif outcome is None and vote.pour is not None and vote.pour > (vote.contre or 0):
            outcome = "adopted"  # a majority for it, whatever words follow
        if outcome == "adopted" and REFUSAL.search(_decided(full[start:end], after[end - start :])):
            outcome = "refused"  # "décide … de ne pas donner suite": voted, and what was asked is not done
        out.append(Decision(doc_id, page, vote, outcome, full[start:end].strip(), full[lo:hi].strip(), after.strip()))
    return out


def _pages(
    g: Greffier, q: Question, issuer: str | None, year_window: tuple[int | None, int | None]
) -> list[tuple[str, int]]:
    if q.meeting:
        return [(p.doc_id, p.number) for d in q.meeting for p in g.store.pages(d)]
    filters = g.filters(year_from=year_window[0], year_to=year_window[1], issuer=issuer)
    terms = re.sub(r'["+]|(?<!\w)-|-(?!\w)', " ", q.terms or q.text)
    try:
        hits = g.search(terms, filters, limit=20, snippets=False)
    except Exception:  # an empty query
        return []
    seen: list[tuple[str, int]] = []
    for h in hits:
        if (h.doc_id, h.page) not in seen:
            seen.append((h.doc_id, h.page))
    return seen[:PAGES_SEARCHED]


def find_decisions(
    g: Greffier, q: Question, wg: Weigher, issuer: str | None, year_window: tuple[int | None, int | None]
) -> list[Decision]:
    """The decisions of the pages the question points to, scored by the share of its words in
    their text, best first."""
    weights = question_weights(wg, q)
    out: list[Decision] = []
    for doc_id, number in _pages(g, q, issuer, year_window):
        text = g.store.page_text(doc_id, number) or ""
        prev = g.store.page_text(doc_id, number - 1) or "" if number > 1 else ""
        for d in decisions_of_text(doc_id, number, text, prev[-BEFORE:]):
            # the act's text, and the statement's own words: two decisions of one act ("à
            # l'unanimité, … « Salle Ellipse », à la majorité, … « Impasse du Lavoir »") differ there
            score = OWN_SHARE * coverage(weights, wg.tokens(d.own)) + (1 - OWN_SHARE) * coverage(
                weights, wg.tokens(d.context)
            )
            out.append(Decision(**{**d.__dict__, "score": round(score, 4)}))
    out.sort(key=lambda d: d.score, reverse=True)
    return out


def _describe(d: Decision) -> str:
    return describe_vote(d.outcome, d.vote)


def _meeting_voters(g: Greffier, d: Decision) -> int | None:
    """The number of voters the minutes give for the decision's item (its record's), else the one
    number every record of the document gives (the meeting's "Votants : 28")."""
    records = g.store.deliberations(doc_id=d.doc_id)
    here = {r.vote.votants for r in records if r.vote and r.vote.votants and r.page_start <= d.page <= r.page_end}
    if len(here) == 1:
        return here.pop()
    every = {r.vote.votants for r in records if r.vote and r.vote.votants}
    return every.pop() if len(every) == 1 and not here else None


def decision_row(g: Greffier, d: Decision) -> dict[str, Any]:
    doc = g.store.document(d.doc_id)
    return {
        "answer": _describe(d),
        "value": vote_value(d.outcome, d.vote, _meeting_voters(g, d)),
        "unit": None,
        "kind": "vote",
        "year": doc.year if doc else None,
        "confidence": round(min(1.0, d.score), 3),
        "doc_id": d.doc_id,
        "title": doc.title if doc else None,
        "page": d.page,
        "date": doc.date if doc else None,
        "evidence": re.sub(r"\s+", " ", d.own[:EVIDENCE]).strip(),  # the vote and what it decides
    }


def answer_from_text(
    g: Greffier, question: str, q: Question, wg: Weigher, issuer: str | None, year_window: tuple[int | None, int | None]
) -> dict[str, Any] | None:
    """The vote of the decision the question is about, or None when no decision clearly is."""
    found = find_decisions(g, q, wg, issuer, year_window)
    if not found:
        return None
    if ASKS_REFUSAL.search(question):  # "a-t-il décidé de ne pas augmenter …", "le maintien des taux"
        found = [replace(d, outcome="adopted") if d.outcome == "refused" else d for d in found]
    best = found[0]
    other = next((d.score for d in found[1:] if (d.vote, d.outcome) != (best.vote, best.outcome)), 0.0)
    base = {"question": question, "kind": "vote", "years": [q.year_from, q.year_to]}
    rows = [decision_row(g, d) for d in found[:3]]
    # how much of what the question is about the decision's own text writes (see calibration.py)
    rows[0] |= subject_fields(wg, q, best.context, best.own)
    if (
        best.score < (MEETING_MIN_SCORE if q.meeting else MIN_SCORE)
        or best.score - other < MIN_MARGIN
        or best.outcome is None
    ):
        return {
            **base,
            "answer": None,
            "reason": "no decision of the minutes clearly is the one asked about",
            "candidates": rows,
        }
    return {**base, **rows[0], "alternatives": rows[1:]}
