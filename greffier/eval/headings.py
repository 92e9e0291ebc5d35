"""Compare an extracted heading tree with a hand-annotated golden one, and evaluate the
heading gold folders (``greffier eval headings``)."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greffier.errors import InputError, UsageError
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
    # matched headings at another level: (heading, gold level, found level)
    level_errors: tuple[tuple[str, int, int], ...] = ()

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
        level_errors=tuple((g[b][2], g[b][1], f[a][1]) for a, b in pairs if f[a][1] != g[b][1]),
    )


# -- the evaluation over gold folders ---------------------------------------------------------

# Gold folders (under tests/gold/) and their split: ``tune`` documents were looked at while
# writing the heading rules; ``report`` documents (other issuers) only ever give figures.
GOLD_FOLDERS = {
    "headings": "tune",
    "headings_tune": "tune",
    "headings_tune2": "tune",
    "headings_tune3": "tune",
    "headings_heldout": "report",
    "headings_heldout2": "report",
}


@dataclass(frozen=True)
class HeadingGold:
    source: str  # path of the document, relative to a corpus root
    split: str
    headings: tuple[dict, ...]
    pages: tuple[int, int] | None = None  # an outline of these pages only (1-based, inclusive)


def load_gold(gold_root: Path, split: str = "all") -> list[HeadingGold]:
    """Heading golds of ``gold_root`` (tests/gold: its heading folders; or one heading folder;
    or one file), keeping those of ``split``. Raises :class:`InputError` on a malformed file."""
    if gold_root.is_file():
        files = [(gold_root, GOLD_FOLDERS.get(gold_root.parent.name, "tune"))]
    elif gold_root.name in GOLD_FOLDERS:
        files = [(f, GOLD_FOLDERS[gold_root.name]) for f in sorted(gold_root.glob("*.json"))]
    else:
        files = [(f, sp) for folder, sp in GOLD_FOLDERS.items() for f in sorted((gold_root / folder).glob("*.json"))]
    out = []
    for f, sp in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            source, headings = str(data["source"]), tuple(data["headings"])
            for h in headings:
                h["heading"], int(h["level"])
            pages = tuple(int(p) for p in data["pages"]) if data.get("pages") else None
            if pages is not None and (len(pages) != 2 or pages[0] > pages[1]):
                raise ValueError(f"pages must be [first, last], not {data['pages']}")
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(str(f), f"not a heading gold file ({exc})") from exc
        if split in ("all", sp):
            out.append(HeadingGold(source, sp, headings, pages))  # type: ignore[arg-type]
    return out


def found_headings(path: Path) -> list[dict]:
    """The headings greffier finds in a document, as score_headings takes them."""
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(path, "eval")
    return [{"heading": s.heading, "level": s.level, "page": s.page_start} for s in parsed.sections if s.level > 0]


def _resolve(source: str, roots: list[Path]) -> Path | None:
    return next((r / source for r in roots if (r / source).is_file()), None)


def _row(split: str, source: str, score: HeadingScore) -> dict[str, Any]:
    return {
        "split": split,
        "source": source,
        "gold": score.gold,
        "found": score.found,
        "matched": score.matched,
        "precision": round(score.precision, 3),
        "recall": round(score.recall, 3),
        "f1": round(score.f1, 3),
        "level_acc": round(score.level_accuracy, 3),
    }


def evaluate_headings(
    gold_root: Path, roots: list[Path], split: str = "all", details: bool = False
) -> list[dict[str, Any]]:
    """Rows per document, then one pooled row per split (and ``all``): precision, recall, F1
    and level accuracy of the headings found against the gold outline.

    With ``details``, one row per miss, spurious heading and wrong level instead, for ``tune``
    documents only: report documents must never be read heading by heading. A gold whose
    document is under none of ``roots`` gives a row with an error and counts its headings as missed.
    """
    golds = load_gold(gold_root, split)
    if details and any(g.split != "tune" for g in golds):
        raise UsageError("--details lists the misses of tune documents only: use --split tune")
    rows: list[dict[str, Any]] = []
    totals: dict[str, list[HeadingScore]] = {}
    for g in golds:
        path = _resolve(g.source, roots)
        found = found_headings(path) if path is not None else []
        if g.pages is not None:  # the outline covers a page range: judge what is found there only
            found = [h for h in found if g.pages[0] <= h["page"] <= g.pages[1]]
        score = score_headings(list(g.headings), found)
        for key in (g.split, "all"):
            totals.setdefault(key, []).append(score)
        if details:
            rows += [{"source": g.source, "what": "missed", "heading": h} for h in score.missed]
            rows += [{"source": g.source, "what": "spurious", "heading": h} for h in score.spurious]
            rows += [
                {"source": g.source, "what": f"level {fl} (gold {gl})", "heading": h}
                for h, gl, fl in score.level_errors
            ]
            continue
        row = _row(g.split, g.source, score)
        row["error"] = None if path is not None else "document not found under the corpus roots"
        rows.append(row)
    if details:
        return rows
    for key in sorted(totals, key=lambda k: (k == "all", k)):
        pooled = _pool(totals[key])
        rows.append({**_row(key, f"TOTAL ({len(totals[key])} documents)", pooled), "error": None})
    return rows


def _pool(scores: list[HeadingScore]) -> HeadingScore:
    return HeadingScore(
        gold=sum(s.gold for s in scores),
        found=sum(s.found for s in scores),
        matched=sum(s.matched for s in scores),
        level_ok=sum(s.level_ok for s in scores),
        missed=(),
        spurious=(),
    )
