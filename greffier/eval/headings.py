"""Compare an extracted heading tree with a hand-annotated golden one."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from greffier.extract.headings import fold

_LEADING_GLYPHS = re.compile(r"^[\s•☑☐→➢✓✔▪►\-−–—*]+")


def _norm(text: str) -> str:
    return fold(_LEADING_GLYPHS.sub("", text))


@dataclass(frozen=True)
class HeadingScore:
    gold: int
    found: int
    matched: int
    level_ok: int  # matched headings whose level equals the gold level
    missed: tuple[str, ...]
    spurious: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def level_accuracy(self) -> float:
        return self.level_ok / self.matched if self.matched else 0.0


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) >= 12 and len(b) >= 12 and (a.startswith(b) or b.startswith(a)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.88


def score_headings(gold: list[dict], found: list[dict]) -> HeadingScore:
    """``gold``/``found``: dicts with ``heading`` and ``level``, in document order.

    Headings are aligned in order by a longest-common-subsequence over "same heading"
    (normalized text equal, a long prefix, or near-equal), so a repeated title is matched
    to its own occurrence.
    """
    g = [(_norm(h["heading"]), int(h["level"]), h["heading"]) for h in gold]
    f = [(_norm(h["heading"]), int(h["level"]), h["heading"]) for h in found]
    n, m = len(f), len(g)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if _same(f[i][0], g[j][0]):
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if _same(f[i][0], g[j][0]) and table[i][j] == table[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    matched_f = {a for a, _ in pairs}
    matched_g = {b for _, b in pairs}
    level_ok = sum(1 for a, b in pairs if f[a][1] == g[b][1])
    return HeadingScore(
        gold=m,
        found=n,
        matched=len(pairs),
        level_ok=level_ok,
        missed=tuple(g[j][2] for j in range(m) if j not in matched_g),
        spurious=tuple(f[i][2] for i in range(n) if i not in matched_f),
    )
