"""Evidence ablation: ask each tune question again with its answer's page hidden, and count how
often greffier then answers with another value (a false answer) instead of abstaining.

On issuers greffier was never tuned on, its wrong answers read *another value of the right subject*:
the passage that holds the answer is missed (not retrieved, not read, another layout) and a
neighbouring figure, date, vote or body is read instead, with evidence that names the subject. The
tune questions rarely show it, because there the right passage is found. This bench makes that
situation on the tune questions: every search, page, entity, table and indicator record of the gold
answer's page(s) (``page`` and ``also_pages``) is hidden, then the question is asked again.

- ``elsewhere``: answered with the gold value read from another page (the value is printed twice);
- ``false``: answered with another value: exactly the failure seen on new issuers;
- ``held``: abstained: what greffier should do.

``--trends``: the same for the tune trend questions, one year at a time: each year the original
series prints right is asked again with that year's gold page hidden; the year is then printed with
another value (``false``), with the gold value read elsewhere, or reported missing (``held``).

Questions: the tune parts of blind3.jsonl, tune5.jsonl, tune6.jsonl and tune7.jsonl (the last two
since the tenth session), answers.jsonl, heldout.jsonl and heldout2.jsonl (in-house: all tune),
answerable, of types figure, date, direction, vote and list.
Printed per type: the originals (right / wrong / abstained), then for the ablated questions whose
original was answered the share of false answers; ``--by-issuer`` adds one row per issuer.

    python bench/ablation.py --index DIR [--trends] [--dump rows.json] [--by-issuer] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from greffier.api import Greffier
from greffier.eval.answers import _same_value, in_part, load_questions
from greffier.extract.identity import issuer_key
from greffier.search import ask as A
from greffier.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "questions"
SETS = ("blind3", "tune5", "tune6", "tune7", "answers", "heldout", "heldout2")
TYPES = ("figure", "date", "direction", "vote", "list")


def gold_pages(g: Greffier, answer: dict[str, Any]) -> set[tuple[str, int]]:
    """The (doc_id, page) pairs the gold answer cites."""
    src = answer.get("source")
    pages = [answer.get("page"), *(answer.get("also_pages") or [])]
    if not src or not any(isinstance(p, int) for p in pages):
        return set()
    docs = [d.doc_id for d in g.store.documents() if d.path.replace("\\", "/").endswith(src)]
    return {(d, p) for d in docs for p in pages if isinstance(p, int)}


@contextmanager
def hidden(g: Greffier, pages: set[tuple[str, int]]):
    """Everything greffier reads of ``pages`` is gone while the block runs."""
    store = g.store
    saved = {
        name: getattr(store, name) for name in ("entities_of_sections", "page_text", "pages", "tables", "indicators")
    }
    search = g.search

    def _search(*a: Any, **k: Any) -> list[Any]:
        return [h for h in search(*a, **k) if (h.doc_id, h.page) not in pages]

    def _entities(*a: Any, **k: Any) -> list[Any]:
        return [e for e in saved["entities_of_sections"](*a, **k) if (e.doc_id, e.page) not in pages]

    def _page_text(doc_id: str, number: int) -> str | None:
        return None if (doc_id, number) in pages else saved["page_text"](doc_id, number)

    def _pages(doc_id: str) -> list[Any]:
        return [p for p in saved["pages"](doc_id) if (doc_id, p.number) not in pages]

    def _tables(*a: Any, **k: Any) -> list[Any]:
        return [t for t in saved["tables"](*a, **k) if (t.doc_id, t.page) not in pages]

    def _indicators(*a: Any, **k: Any) -> list[Any]:
        return [r for r in saved["indicators"](*a, **k) if (r.doc_id, r.page) not in pages]

    g.search = _search  # type: ignore[method-assign]
    store.entities_of_sections, store.page_text, store.pages = _entities, _page_text, _pages  # type: ignore[method-assign]
    store.tables, store.indicators = _tables, _indicators  # type: ignore[method-assign]
    try:
        yield
    finally:
        del g.search
        for name, fn in saved.items():
            setattr(store, name, fn)


def tune_questions() -> Iterator[dict[str, Any]]:
    """Every question of the tune issuers in :data:`SETS` (the in-house sets are all tune), with its set."""
    for name in SETS:
        path = GOLD / f"{name}.jsonl"
        if path.exists():
            for r in load_questions(path):
                if name in ("answers", "heldout", "heldout2") or in_part(r, "tune"):
                    yield {**r, "set": name}


def rows_of(g: Greffier) -> list[dict[str, Any]]:
    """The answerable tune questions of :data:`TYPES` whose gold cites a page, with those pages."""
    rows = []
    for r in tune_questions():
        answer = r.get("answer")
        if r["type"] in TYPES and isinstance(answer, dict):
            pages = gold_pages(g, answer)
            if pages:
                rows.append({**r, "pages": pages})
    return rows


def trend_rows(g: Greffier) -> list[dict[str, Any]]:
    """The tune trend questions with a gold series."""
    return [r for r in tune_questions() if r["type"] == "trend" and r.get("series")]


def ablate_trends(g: Greffier, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(rows):
        got = A.ask(g, r["question"])
        printed = {s["year"]: s for s in got.get("series") or []} if got.get("kind") == "trend" else {}
        for point in r["series"]:
            year = point["year"]
            if point.get("value") is None or year not in printed or not _same_value(point, printed[year], "figure"):
                continue
            pages = gold_pages(g, point)
            if not pages:
                continue
            with hidden(g, pages):
                again = A.ask(g, r["question"])
            series = {s["year"]: s for s in again.get("series") or []} if again.get("kind") == "trend" else {}
            if year not in series:
                outcome = "held"
            else:
                outcome = "elsewhere" if _same_value(point, series[year], "figure") else "false"
            out.append(
                {
                    "id": r.get("id"),
                    "set": r["set"],
                    "type": "trend",
                    "issuer": issuer_key(r.get("issuer") or "") or "?",
                    "original": "right",
                    "ablated": outcome,
                    "question": r["question"],
                    "year": year,
                    "answer": series.get(year, {}).get("value"),
                    "doc_id": series.get(year, {}).get("doc_id"),
                    "page": series.get(year, {}).get("page"),
                }
            )
        print(f"{i + 1}/{len(rows)}", file=sys.stderr, end="\r")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--by-issuer", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--trends", action="store_true", help="ablate the years of the trend questions instead")
    args = ap.parse_args()
    g = Greffier(Settings(index_dir=args.index))
    if args.trends:
        out = ablate_trends(g, trend_rows(g)[: args.limit or None])
        if args.dump:
            args.dump.write_text(json.dumps(out, ensure_ascii=False, indent=0, default=str), encoding="utf-8")
        report(out, "issuer" if args.by_issuer else "type")
        return 0
    rows = rows_of(g)[: args.limit or None]
    out = []
    for i, r in enumerate(rows):
        gold = r["answer"]
        first = A.ask(g, r["question"])
        answered = first.get("answer") is not None
        right = answered and _same_value(gold, first, r["type"])
        with hidden(g, r["pages"]):
            second = A.ask(g, r["question"])
        again = second.get("answer") is not None
        outcome = "held" if not again else ("elsewhere" if _same_value(gold, second, r["type"]) else "false")
        out.append(
            {
                "id": r.get("id"),
                "set": r["set"],
                "type": r["type"],
                "issuer": issuer_key(r.get("issuer") or "") or "?",
                "original": "right" if right else ("wrong" if answered else "abstained"),
                "ablated": outcome,
                "question": r["question"],
                "answer": second.get("answer"),
                "doc_id": second.get("doc_id"),
                "page": second.get("page"),
            }
        )
        print(f"{i + 1}/{len(rows)}", file=sys.stderr, end="\r")
    if args.dump:
        args.dump.write_text(json.dumps(out, ensure_ascii=False, indent=0, default=str), encoding="utf-8")
    report(out, "type")
    if args.by_issuer:
        report(out, "issuer")
    return 0


def report(out: list[dict[str, Any]], key: str) -> None:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in out:
        groups[o[key]].append(o)
    head = f"{key:12} {'n':>4} {'right':>5} {'wrong':>5} {'abst':>5}"
    print(f"{head} | ablated (originals answered): n  false  elsewhere  held  false share")
    for name in sorted(groups, key=lambda k: (TYPES.index(k) if k in TYPES else 9, k)):
        rows = groups[name]
        n = len(rows)
        right = sum(o["original"] == "right" for o in rows)
        wrong = sum(o["original"] == "wrong" for o in rows)
        answered = [o for o in rows if o["original"] != "abstained"]
        false = sum(o["ablated"] == "false" for o in answered)
        elsewhere = sum(o["ablated"] == "elsewhere" for o in answered)
        held = sum(o["ablated"] == "held" for o in answered)
        share = false / len(answered) if answered else 0.0
        print(
            f"{name[:12]:12} {n:4} {right:5} {wrong:5} {n - right - wrong:5} | "
            f"{len(answered):4} {false:6} {elsewhere:10} {held:5}  {share:.3f}"
        )
    allans = [o for o in out if o["original"] != "abstained"]
    if allans:
        share = sum(o["ablated"] == "false" for o in allans) / len(allans)
        print(f"{'all':12} {len(out):4} {'':17} | {len(allans):4} false share {share:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
