"""What is embedded for a passage: one text, or several windows of it (several vectors).

A long passage embedded whole gets the mean of its tokens' states: a figure or a decision in its
second half weighs little against the rest, and questions about it miss the passage. A model
that says how many tokens a word costs (``Embedder.word_tokens``) gets passages longer than
``WINDOW_TOKENS * SPLIT_FROM`` split into windows of about ``WINDOW_TOKENS`` tokens of text,
cut at word boundaries (at a sentence or line end near the ideal cut when there is one), each
with the passage's context (title, section path) in front. Each window is a row of the vector
index under the passage's id; a search keeps a passage's best window (``VectorIndex.search``).
Short passages are embedded exactly as before (same text, same content key: their vectors and
the embedding cache stay valid).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from greffier.index.embeddings import passage_text

WINDOW_TOKENS = 160  # tokens of passage text per window (the context comes on top)
SPLIT_FROM = 1.5  # a passage is split from WINDOW_TOKENS * SPLIT_FROM tokens of text
_SLACK = 0.25  # a cut may move this fraction of a window to land on a sentence or line end
_PIECE = re.compile(r"\S+\s*")
_ENDS = re.compile(r"[.;:!?…»)]\s*$|\n\s*$")


def windows(text: str, count: Callable[[str], int], size: int | None = None) -> list[str]:
    """``text`` cut into windows of about ``size`` tokens (``count``: tokens of one word), or
    ``[text]`` when it is shorter than ``size * SPLIT_FROM``."""
    size = size or WINDOW_TOKENS
    pieces = [m.group(0) for m in _PIECE.finditer(text)]
    costs = [count(p.strip()) for p in pieces]
    total = sum(costs)
    if total <= size * SPLIT_FROM or len(pieces) < 2:
        return [text]
    parts = math.ceil(total / size)
    target = total / parts
    ends = [0]
    acc = 0
    for c in costs:
        acc += c
        ends.append(acc)  # ends[i]: tokens before piece i
    cuts = [0]
    for k in range(1, parts):
        ideal = target * k
        lo, hi = ideal - _SLACK * target, ideal + _SLACK * target
        near = [i for i in range(cuts[-1] + 1, len(pieces)) if lo <= ends[i] <= hi]
        sentence = [i for i in near if _ENDS.search(pieces[i - 1])]
        pool = sentence or near or [i for i in range(cuts[-1] + 1, len(pieces))]
        if not pool:
            break
        cuts.append(min(pool, key=lambda i: abs(ends[i] - ideal)))
    cuts.append(len(pieces))
    out = ["".join(pieces[a:b]).strip() for a, b in zip(cuts, cuts[1:]) if b > a]
    return [w for w in out if w] or [text]


def passage_units(section_path: Sequence[str], text: str, title: str, count: Callable[[str], int] | None) -> list[str]:
    """The texts embedded for one passage, each with its context (:func:`passage_text`)."""
    if count is None:
        return [passage_text(section_path, text, title)]
    return [passage_text(section_path, w, title) for w in windows(text, count)]


def units_label(embedder: object | None) -> str:
    """What one vector stands for with this model, as the index config records it: a window of
    WINDOW_TOKENS tokens for a model that counts tokens (e5), else a whole passage. An index whose
    vectors were built with other units is re-embedded by ``greffier embed --model M``."""
    return f"windows-{WINDOW_TOKENS}" if getattr(embedder, "word_tokens", None) is not None else "passages"
