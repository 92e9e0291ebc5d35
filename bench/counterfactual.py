"""Questions whose answer is certainly not in the corpus, made from the tune questions: how often
ask answers them (every such answer is wrong).

On the tune issuers ask is almost never wrong on dates, bodies, votes and lists, yet on new issuers
it is, mostly by answering a question whose subject the corpus does not hold with another
decision's date, body or vote. The tune questions cannot show that: their subjects are all in the
corpus. This bench makes counterfactual versions of them by three general transformations:

- ``object``: the question's subject words (:func:`greffier.search.subject.subject_weights`, the
  issuer's name kept) replaced by a municipal object from a fixed list whose distinctive words no
  passage of the index holds ("le projet de réfection du terrain de pétanque" …);
- ``year``: each year of the question moved before every year of its issuer's documents (4 years
  before the first);
- ``issuer``: the issuer's place name replaced by a collectivité the corpus does not name.

Questions: blind3.jsonl's tune issuers, tune5.jsonl's tune issuers and answers.jsonl, of types date,
direction, vote, list (figures printed apart). Printed per type and transformation: how many
counterfactual questions and the share answered (= false answers); for the originals right / wrong.
``--dump`` writes every row (the answer before the calibration gate, and after) for offline looks.

    python bench/counterfactual.py --index /tmp/guess-idx [--dump /tmp/cf.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from greffier.api import Greffier
from greffier.eval.answers import _same_value, in_part, load_questions
from greffier.extract.headings import fold
from greffier.extract.identity import issuer_key
from greffier.search import ask as A
from greffier.search.question import parse_question
from greffier.search.subject import subject_weights
from greffier.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "questions"
SETS = ("blind3", "tune5", "answers")
TYPES = ("date", "direction", "vote", "list", "figure")

# municipal objects, masculine and starting with a consonant so that the question's determiner
# reads right once made masculine; the words after ``|`` are the distinctive ones that must be
# absent from every passage
OBJECTS = (
    ("projet de réfection du terrain de pétanque", "petanque"),
    ("contrat d'achat d'un défibrillateur pour la salle des sports", "defibrillateur"),
    ("protocole de jumelage avec Bad Kissingen", "kissingen"),
    ("projet de boulodrome couvert", "boulodrome"),
    ("programme d'éclairage du terrain de padel", "padel"),
    ("bail du kiosque à musique", "kiosque"),
    ("projet de skatepark", "skatepark"),
    ("marché de rénovation du lavoir de Kerbriant", "kerbriant"),
)
PLACES = ("Saint-Pardoux-la-Rivière", "Montclar-sur-Gervanne", "Plougrescant")
REGIONS = ("Région Corse", "Région Guadeloupe")

_WORD = re.compile(r"\w+", re.UNICODE)
# a determiner (with its preposition) right before the replaced words, and its masculine form
_DET = re.compile(
    r"(?i)(?:\b(de la|de l'|de l’|à la|à l'|à l’|du|des|au|aux|le|la|les|l'|l’|d'|d’|un|une"
    r"|ses|son|sa|leurs|leur|de|à))\s*$"
)
_MASC = {
    "de la": "du ", "de l'": "du ", "de l’": "du ", "du": "du ", "des": "du ", "d'": "du ", "d’": "du ",
    "à la": "au ", "à l'": "au ", "à l’": "au ", "au": "au ", "aux": "au ", "de": "du ", "à": "au ",
    "ses": "le ", "son": "le ", "sa": "le ", "leur": "le ", "leurs": "le ",
    "le": "le ", "la": "le ", "les": "le ", "l'": "le ", "l’": "le ", "un": "un ", "une": "un ",
}  # fmt: skip
_PLACE_LEAD = re.compile(
    r"(?i)^(?:commune|ville|région|sivom|syndicat|préfecture|communauté)\b.*?\b(?:de la|de l'|du|des|de|d')\s*"
)


def corpus_words(g: Greffier) -> set[str]:
    words: set[str] = set()
    for p in g.store.passages():
        words.update(_WORD.findall(fold(p.text)))
    return words


def issuer_years(g: Greffier) -> dict[str, list[int]]:
    years: dict[str, list[int]] = defaultdict(list)
    for d in g.store.documents():
        if d.issuer and d.year:
            years[issuer_key(d.issuer)].append(d.year)
    return years


def issuer_of_source(g: Greffier, source: str | None) -> str | None:
    if not source:
        return None
    folder = source.split("/", 1)[0]
    for d in g.store.documents():
        if d.path.split("/")[-2:-1] == [folder] or f"/{folder}/" in f"/{d.path}":
            return d.issuer
    return None


_LINK = frozenset("de du des d la le les l à au aux en et".split())


_DETS = frozenset("le la les l du des de d au aux un une son sa ses leur leurs pour sur".split())


def _phrase(toks: list[re.Match[str]], ws: list[float], best: int) -> tuple[int, int]:
    lo = hi = best
    while True:
        if hi + 1 < len(toks) and ws[hi + 1]:
            hi += 1
        elif hi + 2 < len(toks) and fold(toks[hi + 1].group()) in _LINK and ws[hi + 2]:
            hi += 2
        else:
            break
    while True:
        if lo - 1 >= 0 and ws[lo - 1]:
            lo -= 1
        elif lo - 2 >= 0 and fold(toks[lo - 1].group()) in _LINK and ws[lo - 2]:
            lo -= 2
        else:
            break
    return lo, hi


def object_variant(g: Greffier, question: str, issuer: str | None, obj: str) -> str | None:
    """``question`` with the noun phrase around its rarest subject word (the subject words next to
    it, joined by "de", "du", "à" …; never the issuer's name nor a year) replaced by ``obj``; None
    when the question has no subject word outside the issuer's name."""
    wg = A._weigher(g)
    weights = subject_weights(wg, parse_question(question))
    place = {w for w in _WORD.findall(fold(issuer or "")) if len(w) > 2}
    toks = list(_WORD.finditer(question))

    def weight(m: re.Match[str]) -> float:
        if fold(m.group()) in place or m.group().isdigit():
            return 0.0
        return max((weights.get(s, 0.0) for s in wg.stems(m.group())), default=0.0)

    ws = [weight(m) for m in toks]
    if not any(ws):
        return None
    phrases = []
    for best in sorted(range(len(toks)), key=lambda i: -ws[i]):
        if not ws[best]:
            break
        lo, hi = _phrase(toks, ws, best)
        # a noun phrase: introduced by a determiner or preposition (a verb is not: "a-t-il élu")
        if lo > 0 and fold(toks[lo - 1].group()) in _DETS and question[toks[hi].end() : toks[hi].end() + 1] != "-":
            phrases.append((lo, hi))
            break
    if not phrases:
        return None
    lo, hi = phrases[0]
    start, end = toks[lo].start(), toks[hi].end()
    head = question[:start]
    det = _DET.search(head)
    if det:
        head = head[: det.start()] + _MASC[det.group(1).lower()]
    else:
        head = head + "le "
    return head + obj + question[end:]


def year_variant(question: str, years: list[int]) -> str | None:
    if not years or not re.search(r"\b(?:19|20)\d\d\b", question):
        return None
    first = min(years) - 4
    asked = sorted({int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", question)})
    shift = first - asked[0]
    return re.sub(r"\b((?:19|20)\d\d)\b", lambda m: str(int(m.group(1)) + shift), question)


def issuer_variant(question: str, issuer: str | None, n: int) -> str | None:
    if not issuer:
        return None
    if fold(issuer).startswith("region"):
        m = re.search(re.escape(issuer), question, re.I)
        return question[: m.start()] + REGIONS[n % len(REGIONS)] + question[m.end() :] if m else None
    name = _PLACE_LEAD.sub("", issuer).strip()
    m = re.search(re.escape(name), question, re.I) if name else None
    if not m:  # "Chéméré" written "Chemere" in the index's issuer
        folded = fold(question)
        i = folded.find(fold(name)) if name else -1
        if i < 0:
            return None
        return question[:i] + PLACES[n % len(PLACES)] + question[i + len(name) :]
    return question[: m.start()] + PLACES[n % len(PLACES)] + question[m.end() :]


def rows_of(g: Greffier) -> list[dict[str, Any]]:
    rows = []
    for name in SETS:
        path = GOLD / f"{name}.jsonl"
        if not path.exists():
            continue
        for r in load_questions(path):
            if r["type"] not in TYPES or (name in ("blind3", "tune5") and not in_part(r, "tune")):
                continue
            src = r["answer"].get("source") if isinstance(r.get("answer"), dict) else None
            rows.append({**r, "set": name, "issuer": r.get("issuer") or issuer_of_source(g, src)})
    return rows


def asked(g: Greffier, question: str) -> dict[str, Any]:
    raw = A._answer(g, question)
    return {"raw": raw, "final": A.ask(g, question)}


def _slim(res: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "kind",
        "answer",
        "doc_id",
        "reason",
        "value",
        "subject",
        "subject_rare",
        "confidence",
        "quote",
        "evidence",
        "source",
    )
    return {k: res.get(k) for k in keep if k in res}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    g = Greffier(Settings(index_dir=args.index))
    words = corpus_words(g)
    objects = [o for o, rare in OBJECTS if not any(w in words for w in rare.split())]
    dropped = [o for o, rare in OBJECTS if any(w in words for w in rare.split())]
    print(f"objects absent from the corpus: {len(objects)} (dropped as present: {dropped})", file=sys.stderr)
    places = [p for p in (*PLACES, *REGIONS) if any(w in words for w in _WORD.findall(fold(p)) if len(w) > 3)]
    if places:
        print(f"warning: place words present in the corpus: {places}", file=sys.stderr)
    years = issuer_years(g)
    rows = rows_of(g)[: args.limit or None]
    out = []
    for i, r in enumerate(rows):
        variants = {"original": r["question"]}
        obj = object_variant(g, r["question"], r["issuer"], objects[i % len(objects)])
        if obj:
            variants["object"] = obj
        yr = year_variant(r["question"], years.get(issuer_key(r["issuer"] or ""), []))
        if yr:
            variants["year"] = yr
        iv = issuer_variant(r["question"], r["issuer"], i)
        if iv:
            variants["issuer"] = iv
        for how, question in variants.items():
            res = asked(g, question)
            final = res["final"]
            answered = final.get("answer") is not None
            right = None
            if how == "original":
                gold = r.get("answer")
                right = (gold is None and not answered) or (
                    answered and gold is not None and _same_value(gold, final, r["type"])
                )
            out.append(
                {
                    "id": r.get("id"),
                    "set": r["set"],
                    "type": r["type"],
                    "how": how,
                    "question": question,
                    "answered": answered,
                    "right": right,
                    "gold_none": r.get("answer") is None,
                    "raw": _slim(res["raw"]),
                    "raw_answered": res["raw"].get("answer") is not None,
                }
            )
        print(f"{i + 1}/{len(rows)}", file=sys.stderr, end="\r")
    if args.dump:
        args.dump.write_text(json.dumps(out, ensure_ascii=False, indent=0, default=str), encoding="utf-8")
    report(out)
    return 0


def report(out: list[dict[str, Any]]) -> None:
    print("type       originals: n right wrong abst | counterfactual answered share: object  year  issuer  all")
    for t in TYPES:
        orig = [o for o in out if o["type"] == t and o["how"] == "original"]
        right = sum(1 for o in orig if o["right"])
        wrong = sum(1 for o in orig if o["answered"] and not o["right"])
        cells = []
        allcf = [o for o in out if o["type"] == t and o["how"] != "original"]
        for how in ("object", "year", "issuer"):
            cf = [o for o in allcf if o["how"] == how]
            cells.append(f"{sum(o['answered'] for o in cf)}/{len(cf)}")
        share = sum(o["answered"] for o in allcf) / len(allcf) if allcf else 0.0
        print(
            f"{t:10} {len(orig):4} {right:5} {wrong:5} {len(orig) - right - wrong:4} | "
            f"{cells[0]:>8} {cells[1]:>7} {cells[2]:>7}  {share:.3f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
