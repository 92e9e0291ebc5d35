#!/usr/bin/env python3
"""Validate the hand-built gold question sets against the corpus text layer.

Checks, for retrieval.jsonl, answers.jsonl and (when present) heldout.jsonl:
  * schema (ids, styles, types, splits, required fields);
  * every quote is a verbatim substring of the cited page once whitespace is
    collapsed on both sides (PDF pages read with pypdfium2, 1-based; the AMP
    text report split on its "Reçu au Contrôle de légalité" stamps);
  * retrieval quotes are 10-25 words long;
  * figure values can be found in their quote (French number formats);
  * dev/test splits alternate within each style (retrieval) or type (answers),
    and each split holds both styles and every document kind.

A held-out answers file (heldout.jsonl, or any answers-format file whose rows
have split "heldout") is checked like answers.jsonl, except that ids are
h001, h002, ..., every row has split "heldout" (no dev/test alternation),
quotes are 10-30 words, and non-trend answers may not cite a document that
answers.jsonl uses as a source (the set must stay on unseen documents).

A second held-out file (heldout2.jsonl, or any answers-format file whose rows
have split "heldout2") gets the same checks as heldout.jsonl, except that ids
are k001, k002, ..., every row has split "heldout2", any document may be cited,
and a non-trend answer may not repeat the (source, page, value) of a question
in answers.jsonl or heldout.jsonl.

Usage:  python check_questions.py [--corpus /work/shared/corpus] [-v] [--file F ...]
        (without --file: retrieval.jsonl, answers.jsonl and heldout.jsonl if present;
         with --file: only the given answers-format files)
Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path("/work/shared/corpus")
AMP_SOURCE = "amp-2017/rapport-activite-2017.txt"
AMP_STAMP = "Reçu au Contrôle de légalité le 02 novembre 2018"

RETRIEVAL_STYLES = {"keyword", "paraphrase"}
ANSWER_STYLES = {"direct", "paraphrase"}
ANSWER_TYPES = {"figure", "date", "direction", "trend"}
SPLITS = ("dev", "test")
HELDOUT = "heldout"
HELDOUT2 = "heldout2"

_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """Collapse every run of whitespace (incl. NBSP, narrow NBSP) to one space."""
    return _WS.sub(" ", text).strip()


def doc_kind(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    if source.startswith("amp-2017/"):
        return "activity_report"
    if source.startswith("pierrefonds/"):
        if name.startswith("REPERTOIRE"):
            return "deliberation_list"
        return "pierrefonds_minutes"
    if source.startswith("lisieres-oise/"):
        if "RPQS-OM" in name:
            return "rpqs_waste"
        if "SPANC" in name:
            return "spanc"
        return "lisieres_minutes"
    return "other"


class Corpus:
    def __init__(self, root: Path):
        self.root = root

    @functools.cache
    def pdf_pages(self, source: str) -> tuple[str, ...]:
        import pypdfium2 as pdfium  # imported lazily: only needed for PDFs

        doc = pdfium.PdfDocument(str(self.root / source))
        try:
            return tuple(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        finally:
            doc.close()

    @functools.cache
    def amp_pages(self) -> dict[int, str]:
        """Split the AMP text on its stamps.

        Text before the first stamp is page 1; each stamp is followed by the
        number of the next page, and the text up to the next stamp is filed
        under that number (the exact page is unknown between stamps).
        """
        text = (self.root / AMP_SOURCE).read_text(encoding="utf-8")
        segments = text.split(AMP_STAMP)
        pages = {1: segments[0]}
        for seg in segments[1:]:
            m = re.match(r"\s*(\d+)\s", seg)
            if not m:
                raise ValueError("AMP stamp not followed by a page number")
            pages[int(m.group(1))] = seg
        return pages

    def page_text(self, source: str, page: int) -> str | None:
        if source == AMP_SOURCE:
            return self.amp_pages().get(page)
        path = self.root / source
        if not path.exists():
            return None
        pages = self.pdf_pages(source)
        if not 1 <= page <= len(pages):
            return None
        return pages[page - 1]


def number_renderings(value: float) -> set[str]:
    """French and English renderings of a number, for a loose value-in-quote check."""
    out: set[str] = set()
    if isinstance(value, bool):
        return out
    ints = int(round(value))
    for decimals in (0, 1, 2, 3, 4):
        s = f"{value:.{decimals}f}"
        if decimals == 0 and abs(value - ints) > 1e-9:
            continue
        if decimals and float(s) != round(value, decimals):
            continue
        intpart, _, frac = s.partition(".")
        neg = intpart.startswith("-")
        intpart = intpart.lstrip("-")
        groups = []
        while intpart:
            groups.insert(0, intpart[-3:])
            intpart = intpart[:-3]
        for sep in ("", " ", "\u00a0", ".", "\u202f"):
            body = sep.join(groups)
            if neg:
                body = "-" + body
            if frac:
                for dec in (",", "."):
                    out.add(body + dec + frac)
            else:
                out.add(body)
    return {o for o in out if o}


def value_in_quote(value, quote: str) -> bool:
    q = norm(quote)
    q_nospace = q.replace(" ", "")
    for r in number_renderings(float(value)):
        if r in q or r.replace(" ", "") in q_nospace:
            return True
    # large round numbers written with words ("2,5 milliards", "13,6 M€")
    for scale, words in ((1e9, ("milliard",)), (1e6, ("million", "M€", "M €"))):
        if abs(value) >= scale:
            small = value / scale
            for r in number_renderings(round(small, 3)):
                for w in words:
                    if re.search(re.escape(r) + r"\s*" + re.escape(w), q):
                        return True
    return False


def load_jsonl(path: Path, errors: list[str]) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            errors.append(f"{path.name}:{n}: invalid JSON ({e})")
    return rows


def check_quote(
    corpus: Corpus, ev: dict, where: str, errors: list[str], min_words: int | None = None, max_words: int | None = None
) -> None:
    for key in ("source", "page", "quote"):
        if key not in ev:
            errors.append(f"{where}: missing '{key}'")
            return
    if not isinstance(ev["page"], int):
        errors.append(f"{where}: page must be an int")
        return
    text = corpus.page_text(ev["source"], ev["page"])
    if text is None:
        errors.append(f"{where}: no page {ev['page']} in {ev['source']}")
        return
    quote = norm(ev["quote"])
    if ev["quote"] != quote:
        errors.append(f"{where}: quote is not whitespace-normalised")
    if quote not in norm(text):
        errors.append(f"{where}: quote not found on {ev['source']} p.{ev['page']}: {quote!r}")
    n = len(quote.split())
    if min_words is not None and n < min_words:
        errors.append(f"{where}: quote has {n} words (< {min_words})")
    if max_words is not None and n > max_words:
        errors.append(f"{where}: quote has {n} words (> {max_words})")


def check_alternation(rows: list[dict], group_key: str, fname: str, errors: list[str]) -> None:
    by_group = defaultdict(list)
    for r in rows:
        by_group[r.get(group_key)].append(r)
    for g, items in by_group.items():
        items.sort(key=lambda r: r["id"])
        for i, r in enumerate(items):
            expected = SPLITS[i % 2]
            if r.get("split") != expected:
                errors.append(
                    f"{fname} {r['id']}: split {r.get('split')!r}, expected {expected!r} "
                    f"(alternation within {group_key}={g})"
                )


def check_retrieval(corpus: Corpus, path: Path, errors: list[str]) -> list[dict]:
    rows = load_jsonl(path, errors)
    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            errors.append(f"{path.name}: duplicate id {i}")
    for r in rows:
        rid = r.get("id", "?")
        if not re.fullmatch(r"r\d{3}", str(rid)):
            errors.append(f"{path.name} {rid}: bad id")
        if r.get("style") not in RETRIEVAL_STYLES:
            errors.append(f"{path.name} {rid}: bad style {r.get('style')!r}")
        if r.get("split") not in SPLITS:
            errors.append(f"{path.name} {rid}: bad split {r.get('split')!r}")
        if not str(r.get("question", "")).strip():
            errors.append(f"{path.name} {rid}: empty question")
        answers = r.get("answers")
        if not isinstance(answers, list) or not answers:
            errors.append(f"{path.name} {rid}: answers must be a non-empty list")
            continue
        for k, ev in enumerate(answers):
            check_quote(corpus, ev, f"{path.name} {rid} answers[{k}]", errors, 10, 25)
    check_alternation(rows, "style", path.name, errors)
    # coverage of each split
    for split in SPLITS:
        part = [r for r in rows if r.get("split") == split]
        styles = {r.get("style") for r in part}
        if styles != RETRIEVAL_STYLES:
            errors.append(f"{path.name}: split {split} lacks styles {RETRIEVAL_STYLES - styles}")
        kinds = {doc_kind(ev["source"]) for r in part for ev in r.get("answers", []) if "source" in ev}
        all_kinds = {doc_kind(ev["source"]) for r in rows for ev in r.get("answers", []) if "source" in ev}
        if kinds != all_kinds:
            errors.append(f"{path.name}: split {split} lacks kinds {all_kinds - kinds}")
    n_para = sum(r.get("style") == "paraphrase" for r in rows)
    if n_para * 2 < len(rows):
        errors.append(f"{path.name}: only {n_para}/{len(rows)} paraphrase questions")
    return rows


def check_answer_evidence(
    corpus: Corpus, ev: dict, qtype: str, where: str, errors: list[str], word_limits: tuple = (None, None)
) -> None:
    check_quote(corpus, ev, where, errors, *word_limits)
    if "unit" not in ev:
        errors.append(f"{where}: missing 'unit'")
    val = ev.get("value")
    if qtype == "date":
        if not (isinstance(val, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", val)):
            errors.append(f"{where}: date value must be an ISO date string, got {val!r}")
    elif qtype == "direction":
        if not (isinstance(val, str) and val.strip()):
            errors.append(f"{where}: direction value must be a name")
        elif norm(val).lower() not in norm(ev.get("quote", "")).lower():
            errors.append(f"{where}: direction name not found in its quote")
    else:  # figure or trend point
        if not isinstance(val, (int, float)) or isinstance(val, bool):
            errors.append(f"{where}: value must be a number, got {val!r}")
        elif not ev.get("value_check_skip") and not value_in_quote(val, ev.get("quote", "")):
            errors.append(f"{where}: value {val!r} not recognisable in quote {ev.get('quote')!r}")


def heldout_kind(path: Path, rows: list[dict]) -> str | None:
    """HELDOUT or HELDOUT2 for a held-out answers file, None for answers.jsonl."""
    for kind in (HELDOUT, HELDOUT2):
        if path.stem == kind or any(r.get("split") == kind for r in rows):
            return kind
    return None


def is_heldout(path: Path, rows: list[dict]) -> bool:
    return heldout_kind(path, rows) is not None


def answer_key(ev: dict) -> tuple:
    """(source, page, value) of an answer, numbers compared as floats."""
    val = ev.get("value")
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        val = float(val)
    elif isinstance(val, str):
        val = norm(val)
    return ev.get("source"), ev.get("page"), val


def answer_keys(rows: list[dict]) -> set[tuple]:
    """(source, page, value) of every non-trend answer in rows."""
    return {answer_key(r["answer"]) for r in rows if r.get("type") != "trend" and isinstance(r.get("answer"), dict)}


def check_answers(
    corpus: Corpus,
    path: Path,
    errors: list[str],
    seen_sources: set[str] | None = None,
    known_answers: set[tuple] | None = None,
) -> list[dict]:
    """Check an answers-format file; held-out files get the rules in the module docstring.

    seen_sources: the sources answers.jsonl cites (only used for held-out files).
    known_answers: (source, page, value) of answers.jsonl and heldout.jsonl answers
    (only used for heldout2 files).
    """
    rows = load_jsonl(path, errors)
    kind = heldout_kind(path, rows)
    heldout = kind is not None
    id_re = {HELDOUT: r"h\d{3}", HELDOUT2: r"k\d{3}"}.get(kind, r"a\d{3}")
    splits = (kind,) if heldout else SPLITS
    limits = (10, 30) if heldout else (None, None)
    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            errors.append(f"{path.name}: duplicate id {i}")
    for r in rows:
        rid = r.get("id", "?")
        where = f"{path.name} {rid}"
        if not re.fullmatch(id_re, str(rid)):
            errors.append(f"{where}: bad id")
        qtype = r.get("type")
        if qtype not in ANSWER_TYPES:
            errors.append(f"{where}: bad type {qtype!r}")
            continue
        if r.get("style") not in ANSWER_STYLES:
            errors.append(f"{where}: bad style {r.get('style')!r}")
        if r.get("split") not in splits:
            errors.append(f"{where}: bad split {r.get('split')!r}")
        if not str(r.get("question", "")).strip():
            errors.append(f"{where}: empty question")
        if qtype == "trend":
            series = r.get("series")
            if not isinstance(series, list) or len(series) < 2:
                errors.append(f"{where}: trend needs a series of >= 2 years")
                continue
            years = [p.get("year") for p in series]
            if years != list(range(years[0], years[0] + len(years))):
                errors.append(f"{where}: series years must be consecutive and sorted: {years}")
            known = 0
            for p in series:
                pw = f"{where} year {p.get('year')}"
                if p.get("value") is None:
                    extra = set(p) - {"year", "value"}
                    if extra:
                        errors.append(f"{pw}: null year must only hold year/value (has {extra})")
                    continue
                known += 1
                check_answer_evidence(corpus, p, "figure", pw, errors, limits)
            if known < 2:
                errors.append(f"{where}: trend has fewer than 2 known values")
        else:
            if "answer" not in r:
                errors.append(f"{where}: missing 'answer'")
                continue
            if r["answer"] is None:
                if r.get("reason") != "not in corpus":
                    errors.append(f"{where}: null answer needs reason 'not in corpus'")
                continue
            check_answer_evidence(corpus, r["answer"], qtype, f"{where} answer", errors, limits)
            if kind == HELDOUT and seen_sources and r["answer"].get("source") in seen_sources:
                errors.append(f"{where}: source {r['answer']['source']} is already used by answers.jsonl")
            if kind == HELDOUT2 and known_answers and answer_key(r["answer"]) in known_answers:
                errors.append(f"{where}: answer (source, page, value) already asked in answers.jsonl or heldout.jsonl")
    if not heldout:
        check_alternation(rows, "type", path.name, errors)
    return rows


def answer_sources(rows: list[dict]) -> set[str]:
    out = set()
    for r in rows:
        evs = (r.get("series") or []) if r.get("type") == "trend" else [r.get("answer") or {}]
        out.update(ev["source"] for ev in evs if ev.get("source"))
    return out


def summarise_heldout(name: str, rows: list[dict]) -> str:
    lines = [f"{name}: {len(rows)} questions"]
    for (t, s), n in sorted(Counter((r.get("type"), r.get("style")) for r in rows).items()):
        lines.append(f"  {t:9s} {s:10s} {n}")
    n_para = sum(r.get("style") == "paraphrase" for r in rows)
    lines.append(f"  paraphrase share: {n_para}/{len(rows)} = {n_para / max(len(rows), 1):.0%}")
    nulls = sum(1 for r in rows if r.get("type") != "trend" and r.get("answer") is None)
    lines.append(f"  unanswerable (answer null): {nulls}")
    docs = Counter()
    for r in rows:
        for src in answer_sources([r]):
            docs[src] += 1
    lines.append(f"  documents cited: {len(docs)}")
    for src, n in sorted(docs.items()):
        lines.append(f"    {n:3d} {src}")
    return "\n".join(lines)


def summarise(retrieval: list[dict], answers: list[dict]) -> str:
    lines = []
    c = Counter((r.get("style"), r.get("split")) for r in retrieval)
    lines.append(f"retrieval: {len(retrieval)} questions")
    for (style, split), n in sorted(c.items()):
        lines.append(f"  {style:10s} {split:4s} {n}")
    kinds = Counter((doc_kind(r["answers"][0]["source"]), r.get("split")) for r in retrieval)
    for (kind, split), n in sorted(kinds.items()):
        lines.append(f"  kind {kind:20s} {split:4s} {n}")
    lines.append(f"answers: {len(answers)} questions")
    c = Counter((r.get("type"), r.get("style"), r.get("split")) for r in answers)
    for (t, s, sp), n in sorted(c.items()):
        lines.append(f"  {t:9s} {s:10s} {sp:4s} {n}")
    nulls = sum(1 for r in answers if r.get("type") != "trend" and r.get("answer") is None)
    lines.append(f"  unanswerable (answer null): {nulls}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--dir", type=Path, default=HERE)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument(
        "--file", type=Path, action="append", default=[],
        help="check only this answers-format file (repeatable); heldout rules apply to splits 'heldout' and 'heldout2'",
    )
    args = ap.parse_args(argv)

    corpus = Corpus(args.corpus)
    errors: list[str] = []
    seen = set()
    if (args.dir / "answers.jsonl").exists():
        seen = answer_sources(load_jsonl(args.dir / "answers.jsonl", []))
    if args.file:
        known: set[tuple] = set()
        for name in ("answers.jsonl", "heldout.jsonl"):
            if (args.dir / name).exists():
                known |= answer_keys(load_jsonl(args.dir / name, []))
        summaries = []
        for f in args.file:
            rows = check_answers(corpus, f, errors, seen, known)
            summaries.append(summarise_heldout(f.name, rows) if is_heldout(f, rows) else summarise([], rows))
        if args.verbose or not errors:
            print("\n".join(summaries))
    else:
        retrieval = check_retrieval(corpus, args.dir / "retrieval.jsonl", errors)
        answers = check_answers(corpus, args.dir / "answers.jsonl", errors)
        heldout_path = args.dir / "heldout.jsonl"
        heldout = check_answers(corpus, heldout_path, errors, seen) if heldout_path.exists() else None
        if args.verbose or not errors:
            print(summarise(retrieval, answers))
            if heldout is not None:
                print(summarise_heldout(heldout_path.name, heldout))
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
