"""Retrieval evaluation: Recall@1/5/10 and MRR@10 of each search mode on a gold question set.

Questions are JSON lines (``tests/gold/questions/retrieval.jsonl``): ``id``, ``question``,
``style`` (keyword | paraphrase), ``split`` (dev | test) and ``answers``, each with a ``source``
(path relative to the corpus root), a 1-based ``page`` and a verbatim ``quote``.

A retrieved passage is correct when it comes from an answer's source file and (``match``):

* ``either`` (default): its page span ``page..page_end`` covers the answer page, or it contains
  the quote;
* ``quote``: it contains the quote (stricter: a page of a text export is a coarse stretch);
* ``page``: its page span covers the answer page.

Quotes and passages are compared with whitespace collapsed and apostrophes unified.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import InputError, UsageError
from greffier.index.keyword import Filters
from greffier.search.fusion import fuse
from greffier.search.hybrid import MODES
from greffier.search.query import parse_query

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)

SPLITS = ("dev", "test", "all")
MATCHES = ("either", "quote", "page")
GROUPS = ("all", "keyword", "paraphrase")
CUTOFFS = (1, 5, 10)
DEPTH = 10  # ranks looked at (MRR@10)
CANDIDATES = 50  # per retriever, for fusion tuning


@dataclass(frozen=True)
class Answer:
    source: str
    page: int
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    style: str  # keyword | paraphrase
    split: str  # dev | test
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Candidate:
    """A retrieved passage, as the evaluation sees it."""

    source: str | None  # its file, relative to the corpus root (None: outside it)
    page: int
    page_end: int
    text: str


@dataclass(frozen=True)
class ModeScores:
    split: str
    group: str  # all | keyword | paraphrase
    mode: str
    questions: int
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    note: str = ""


def load_questions(path: Path) -> list[Question]:
    out: list[Question] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the questions ({exc})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(
                Question(
                    id=str(d["id"]),
                    question=str(d["question"]),
                    style=str(d.get("style", "keyword")),
                    split=str(d.get("split", "dev")),
                    answers=tuple(Answer(str(a["source"]), int(a["page"]), str(a["quote"])) for a in d["answers"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(str(path), f"line {n}: not a retrieval question ({type(exc).__name__}: {exc})") from exc
    return out


def select(questions: Iterable[Question], split: str) -> list[Question]:
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r} (choose from {', '.join(SPLITS)})")
    return [q for q in questions if split == "all" or q.split == split]


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


def is_correct(candidate: Candidate, question: Question, match: str = "either") -> bool:
    for a in question.answers:
        if candidate.source != a.source:
            continue
        if match in ("either", "page") and candidate.page <= a.page <= candidate.page_end:
            return True
        if match in ("either", "quote") and normalize(a.quote) in normalize(candidate.text):
            return True
    return False


def first_hit(candidates: Sequence[Candidate], question: Question, match: str) -> int | None:
    """The 1-based rank of the first correct candidate, or None."""
    for rank, c in enumerate(candidates[:DEPTH], start=1):
        if is_correct(c, question, match):
            return rank
    return None


def score(split: str, group: str, mode: str, ranks: Sequence[int | None], note: str = "") -> ModeScores:
    n = len(ranks)

    def recall(k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / n if n else 0.0

    mrr = sum(1.0 / r for r in ranks if r is not None and r <= DEPTH) / n if n else 0.0
    return ModeScores(split, group, mode, n, recall(1), recall(5), recall(10), mrr, note)


class _Resolver:
    """Passage ids to candidates, with their source relative to the corpus root."""

    def __init__(self, g: Greffier, corpus_root: Path) -> None:
        self.g = g
        root = corpus_root.resolve()
        self.sources: dict[str, str | None] = {}
        for d in g.documents():
            try:
                self.sources[d.doc_id] = Path(d.path).resolve().relative_to(root).as_posix()
            except ValueError:
                self.sources[d.doc_id] = None
        if not any(self.sources.values()):
            log.warning("no document of the index lies under %s: every answer will be missed", root)

    def __call__(self, ids: Sequence[str]) -> list[Candidate]:
        passages = self.g.store.passages_by_id(list(ids))
        return [
            Candidate(self.sources.get(p.doc_id), p.page, p.page_end, p.text)
            for p in (passages.get(i) for i in ids)
            if p is not None
        ]


def _rank(g: Greffier, question: str, mode: str, limit: int) -> tuple[str, list[tuple[str, float]]]:
    try:
        q = parse_query(question)
    except UsageError:
        return mode, []
    used, hits = g.rank(q, mode, Filters(), limit)
    return used, [(h.passage_id, h.score) for h in hits]


def evaluate_retrieval(
    g: Greffier,
    questions: Sequence[Question],
    corpus_root: Path,
    modes: Sequence[str] = MODES,
    split: str = "all",
    match: str = "either",
) -> list[ModeScores]:
    """Scores per (group, mode) on the questions of ``split``, through the real retrieval path."""
    if match not in MATCHES:
        raise UsageError(f"unknown match rule {match!r} (choose from {', '.join(MATCHES)})")
    chosen = select(questions, split)
    if not chosen:
        raise UsageError(f"no question in split {split!r}")
    resolve = _Resolver(g, corpus_root)
    ranks: dict[str, list[tuple[Question, int | None]]] = {}
    notes: dict[str, str] = {}
    for mode in modes:
        rows = []
        for q in chosen:
            used, ranked = _rank(g, q.question, mode, DEPTH)
            if used != mode:
                notes[mode] = f"no vectors: ran as {used}"
            rows.append((q, first_hit(resolve([pid for pid, _ in ranked]), q, match)))
        ranks[mode] = rows
    return _table(split, modes, ranks, notes)


def _table(
    split: str, modes: Sequence[str], ranks: dict[str, list[tuple[Question, int | None]]], notes: dict[str, str]
) -> list[ModeScores]:
    out = []
    for group in GROUPS:
        for mode in modes:
            kept = [r for q, r in ranks[mode] if group == "all" or q.style == group]
            out.append(score(split, group, mode, kept, notes.get(mode, "")))
    return out


def tune_fusion(
    g: Greffier,
    questions: Sequence[Question],
    corpus_root: Path,
    split: str = "dev",
    match: str = "either",
    weights: Sequence[float] = tuple(i / 20 for i in range(21)),
    rrf_ks: Sequence[int] = (10, 30, 60, 100),
) -> list[dict[str, Any]]:
    """Hybrid scores for each fusion setting on ``split`` (meant for dev only): one keyword and
    one semantic ranking per question (``CANDIDATES`` deep), fused offline."""
    chosen = select(questions, split)
    resolve = _Resolver(g, corpus_root)
    pairs = []
    for q in chosen:
        _, kw = _rank(g, q.question, "keyword", CANDIDATES)
        _, sem = _rank(g, q.question, "semantic", CANDIDATES)
        pairs.append((q, kw, sem))
    settings: list[tuple[str, float, int]] = [("weighted", w, 60) for w in weights]
    settings += [("zscore", w, 60) for w in weights]
    settings += [("rrf", 0.0, k) for k in rrf_ks]
    rows = []
    for strategy, weight, k in settings:
        hits: list[tuple[Question, int | None]] = []
        for q, kw, sem in pairs:
            fused = fuse(kw, sem, strategy, weight, k)[:DEPTH]
            hits.append((q, first_hit(resolve([f.passage_id for f in fused]), q, match)))
        row: dict[str, Any] = {"strategy": strategy, "keyword_weight": weight if strategy != "rrf" else None}
        row["rrf_k"] = k if strategy == "rrf" else None
        for group in GROUPS:
            s = score(split, group, "hybrid", [r for q, r in hits if group == "all" or q.style == group])
            row[f"{group}_r5"] = round(s.recall_at_5, 3)
            row[f"{group}_mrr10"] = round(s.mrr_at_10, 3)
        rows.append(row)
    return rows


def best_fusion(grid: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The setting of a :func:`tune_fusion` grid to keep: best R@5 over all questions, then best
    MRR@10, then the paraphrased questions' R@5; among equals, the first of the grid."""
    if not grid:
        raise UsageError("no fusion setting to choose from")
    return max(grid, key=lambda r: (r["all_r5"], r["all_mrr10"], r["paraphrase_r5"]))
