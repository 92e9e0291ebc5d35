"""Answer evaluation: accuracy (exact value and unit), wrong-answer rate, abstention rate, and for
trends the share of series whose printed values are all right but that lack some years."""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greffier.errors import InputError, UsageError
from greffier.extract.dates import NUMERIC_DATE, find_dates, make_date
from greffier.extract.headings import fold
from greffier.extract.identity import issuer_key
from greffier.extract.numbers import parse_number

if TYPE_CHECKING:
    from greffier.api import Greffier

# The issuers of blind3.jsonl that ask may be tuned on (bench/answers_fit.py trains only on these and
# on the in-house sets, whose rows name no issuer); every other issuer is reported, never tuned on.
TUNE_ISSUERS = frozenset(
    {
        "Commune de Chéméré",
        "Commune d'Audierne",
        "SIVOM de la Baie d'Audierne",
        "Commune de Abainville",
        "Commune d'Alloue",
        "Commune de Brillac",
        "Commune de Jons",
        "Région Bretagne",
        "Région Grand Est",
    }
)
PARTS = ("all", "tune", "report")


_TUNE_KEYS = frozenset(issuer_key(n) for n in TUNE_ISSUERS)  # one key per collectivité, however spelled


def in_part(r: dict[str, Any], part: str) -> bool:
    """Whether a question belongs to the tune or report issuers (rows naming no issuer: tune)."""
    if part == "all":
        return True
    tune = not r.get("issuer") or issuer_key(str(r["issuer"])) in _TUNE_KEYS
    return tune if part == "tune" else not tune


# a question file written by someone else may spell units, types and values its own way (the unit
# aliases are looked up folded: "m³" as "m3", "EUR/m²" as "eur/m2")
_UNIT_ALIASES = {
    "eur/m3": "other", "eur/m2": "other",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "€ ht": "EUR", "€ ttc": "EUR", "eur ht": "EUR",
    "eur ttc": "EUR", "pourcent": "%", "pourcentage": "%", "percent": "%", "pct": "%",
    "tonne": "t", "tonnes": "t", "m3": "m3", "metres cubes": "m3", "hectare": "ha", "hectares": "ha",
    "kilometre": "km", "kilometres": "km", "m2": "m2", "metres carres": "m2", "nombre": "count", "number": "count",
    "m": "m", "ml": "m", "metre": "m", "metres": "m", "metres lineaires": "m",
}  # fmt: skip
_EUR_OF = re.compile(
    r"^(?:EUR|€|euros?)(?:\s*(?:HT|TTC|H\.T\.|T\.T\.C\.))?\s*(?:/|\bpar\b)\s*[a-zà-ÿ]{3,}", re.IGNORECASE
)
_NOUN_UNIT = re.compile(r"[A-Za-zÀ-ÿ’'-]+(?:\s+(?:[A-Za-zÀ-ÿ’'-]+|\d+))*")
_KNOWN_UNITS = {"EUR", "%", "t", "m3", "ha", "km", "m", "m2", "count", "kg", "h", "other"}
_TYPE_ALIASES = {
    "amount": "figure", "montant": "figure", "number": "figure", "nombre": "figure", "value": "figure",
    "org": "direction", "organisation": "direction", "organization": "direction", "organisme": "direction",
    "body": "direction", "service": "direction", "series": "trend", "evolution": "trend",
    "liste": "list", "names": "list", "yesno": "vote", "decision": "vote",
}  # fmt: skip


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of a JSON-lines file, each with a ``type`` (figure, date, direction, trend: read
    from the row, or from its answer when it has none). Raises :class:`InputError` naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read ({exc})") from exc
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}", f"not a JSON object ({exc.msg})") from exc
        if not isinstance(r, dict) or not isinstance(r.get("question"), str) or not r["question"].strip():
            raise InputError(f"{path}:{n}", "no question")
        if "series" not in r and "answer" not in r:
            raise InputError(f"{path}:{n}", 'neither an "answer" (null when the corpus has none) nor a "series"')
        if "series" not in r and isinstance(r.get("answer"), dict) and isinstance(r["answer"].get("series"), list):
            r["series"] = r["answer"]["series"]  # a trend written {"answer": {"series": [...]}}
        r["type"] = _type_of(r)
        if r["type"] == "trend":
            try:
                r["series"] = [{**y, "year": int(y["year"])} for y in r.get("series") or []]
            except (TypeError, KeyError, ValueError) as exc:
                raise InputError(f"{path}:{n}", "a series point without a year") from exc
        rows.append(r)
    if not rows:
        raise InputError(str(path), "no question")
    return rows


def _type_of(r: dict[str, Any]) -> str:
    t = str(r.get("type") or "").strip().lower()
    t = _TYPE_ALIASES.get(t, t)
    if t in ("figure", "date", "direction", "trend", "vote", "list"):
        return t
    if isinstance(r.get("series"), list):
        return "trend"
    value = (r.get("answer") or {}).get("value") if isinstance(r.get("answer"), dict) else None
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "vote"
    if isinstance(value, str) and (_iso(value) or NUMERIC_DATE.fullmatch(value.strip())):
        return "date"
    if isinstance(value, str) and parse_number(value) is None:
        return "direction"
    return "figure"


def _iso(value: str) -> str | None:
    """A date written ISO (2013-10-31, 2013-10), French numeric (31/10/2013) or in words."""
    v = value.strip()
    if len(v) > 10 and v[:4].isdigit() and v[4] == "-" and v[10] == "T":
        v = v[:10]  # a date and time (2025-04-28T19:00): greffier answers days, judged on the day
    if len(v) in (7, 10) and v[:4].isdigit() and v[4] == "-":
        return v
    m = NUMERIC_DATE.fullmatch(v)
    if m and len(m.group(3)) == 4:
        return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    found = find_dates(v)
    return found[0].iso if len(found) == 1 else None


def _gold_unit(unit: Any) -> str | None:
    if unit is None:
        return None
    u = str(unit).strip()
    if u in _KNOWN_UNITS:
        return u
    # ("EUR TTC/m3", "€ HT/m3": a price per m3 whatever its tax basis)
    alias = _UNIT_ALIASES.get(fold(u)) or _UNIT_ALIASES.get(re.sub(r"\s*(?:ht|ttc)\s*(?=/)", "", fold(u)))
    if alias:
        return alias
    # a rate per 100 km of network (SISPEA P252.2, P253.2): "points/100 km", "nb/100 km"
    if re.search(r"(?:/|\bpar\b|\bpour\b|\bper\b)\s*100\s*km\b", u, re.IGNORECASE):
        return "per 100 km"
    # euros of something: "EUR/repas", "EUR HT/mois", "€ par habitant" (a price per m3 or m2 is "other")
    if _EUR_OF.match(u):
        return "EUR"
    # "habitants", "délibérations", "contrôles de branchements", "points sur 120": a count of them
    return "count" if _NOUN_UNIT.fullmatch(u) else u


def _same_value(gold: dict[str, Any], got: dict[str, Any], kind: str) -> bool:
    gv, pv = gold.get("value"), got.get("value")
    if gv is None or pv is None:
        return False
    if isinstance(gv, dict) or kind == "vote":  # {"approved": true, "pour": 15, ...}: every count the gold gives
        if not isinstance(gv, dict) or not isinstance(pv, dict):
            return False
        if "approved" in gv and bool(gv["approved"]) != bool(pv.get("approved")):
            return False
        counts_ok = all(pv.get(k) == gv[k] for k in ("pour", "contre", "abstention") if gv.get(k))
        return counts_ok and (not gv.get("unanimite") or bool(pv.get("unanimite")))
    if kind == "date":
        gv = _iso(str(gv)) or str(gv)
        return str(pv).startswith(gv) and len(str(pv)) == len(gv)
    if kind == "list" or isinstance(gv, list):
        return isinstance(pv, list) and same_items(gv, pv)
    if kind == "direction":
        return _same_name(str(gv), str(pv))
    if isinstance(gv, str):
        gv = parse_number(gv)  # "1 234,56"
    gu, pu = _gold_unit(gold.get("unit")), _gold_unit(got.get("unit"))
    try:
        # the same quantity in another unit of the same measure: "15,25 km" answers "en mètres" 15 250
        g_base, p_base = _in_base(float(gv), gu), _in_base(float(pv), pu)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    ok = abs(g_base[0] - p_base[0]) <= 1e-6 * max(1.0, abs(g_base[0]))
    return ok and (gu is None or g_base[1] == p_base[1])


# units of one measure, to the base unit: a length in km or m, an area in ha or m2
_SCALES = {"km": ("m", 1000.0), "ha": ("m2", 10000.0)}


def _in_base(value: float, unit: str | None) -> tuple[float, str | None]:
    base, factor = _SCALES.get(unit or "", (unit, 1.0))
    return value * factor, base


# what a name is called is not the name: "la société Véolia Eau" names Véolia Eau, "le SDEF" the SDEF
_NAME_LEAD = re.compile(
    r"^(?:(?:le|la|les|l|the)\s+)?(?:(?:societe|entreprise|cabinet|association|prestataire|groupe|sarl|sas|eurl"
    r"|bureau\s+d\s*etudes?)\s+)?"
)


def _name_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9+&]+", " ", fold(name)).strip()
    return _NAME_LEAD.sub("", key).strip() or key


# a person's role printed after the name: "Gurvan KERLOC'H, maire", "Louis LE FRANC, préfet du Finistère"
_PERSON_ROLE = re.compile(r",\s*[a-zà-ÿ][^,]*$")


def _same_name(gold: str, got: str) -> bool:
    b = _name_key(got)
    # a gold name may add where the body is or its acronym in brackets: "CDC Conseils (Machecoul)",
    # "Fédération … des pays de la Loire (FREDON)": the name without them, or the acronym, is the name
    bracketed = re.findall(r"\(([^()]*)\)", gold)
    for variant in (gold, re.sub(r"\s*\([^()]*\)", "", gold), *(x for x in bracketed if x.strip().isupper())):
        a = _name_key(variant)
        if a and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85):
            return True
    a = _name_key(gold)
    # the same person with or without the role after the name (a body's name has no such tail)
    a, b = _name_key(_PERSON_ROLE.sub("", gold)), _name_key(_PERSON_ROLE.sub("", got))
    return bool(a) and a == b


def _item_matches(gold: str, got: str) -> bool:
    """One listed name for another: the same once folded, or one holding the other whole
    ("Station d'épuration « Le Bourg »" for "Le Bourg")."""
    a, b = _name_key(gold), _name_key(got)
    if not a or not b:
        return False
    return _same_name(gold, got) or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def same_items(gold: list[Any], got: list[Any]) -> bool:
    """A list answer is right when every gold item is among the answer's and the answer lists
    nothing else: no tolerance for an extra name, which would be a person or firm wrongly said to
    be designated (repeated items, as a firm holding two lots, count once)."""
    gold_items = list(dict.fromkeys(str(x) for x in gold if str(x).strip()))
    got_items = list(dict.fromkeys(str(x) for x in got if str(x).strip()))
    if not gold_items or not got_items:
        return False
    found = all(any(_item_matches(g, p) for p in got_items) for g in gold_items)
    extra = [p for p in got_items if not any(_item_matches(g, p) for g in gold_items)]
    return found and not extra


def _group_of(r: dict[str, Any], by: str | None) -> str:
    if by == "issuer":
        return str(r.get("issuer") or "?")
    if by == "type":
        return str(r.get("type") or "?")
    if by == "folder":  # the corpus folder of the answer's source; unanswerable rows by issuer
        answer = r.get("answer") or {}
        source = answer.get("source") if isinstance(answer, dict) else None
        source = source or next((y.get("source") for y in r.get("series") or [] if y.get("source")), None)
        return source.split("/", 1)[0] if source else f"({r.get('issuer') or '?'})"
    return "all"


def answer_outcomes(g: Greffier, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each question asked once: its group (ask/trend), outcome (right, wrong, abstained,
    incomplete) and the answer's confidence (None when greffier abstained)."""
    out = []
    for r in rows:
        got = g.ask(r["question"])
        if r["type"] == "trend":
            series = {s["year"]: s for s in got.get("series", [])} if got.get("kind") == "trend" else {}
            unanswerable = not any(s.get("value") is not None for s in r.get("series") or [])
            if unanswerable:  # no year's value is in the corpus: right only when greffier prints none
                outcome = "wrong" if series else "right"
            elif not series:
                outcome = "abstained"
            else:
                gold_years = {s["year"]: s for s in r["series"]}
                # a printed value that is wrong (or printed for a year the corpus has no value for,
                # or for a year outside the gold) makes the series wrong; right values with some
                # years reported missing make it incomplete; every year right makes it right
                printed_wrong = any(
                    y not in gold_years
                    or gold_years[y].get("value") is None
                    or not _same_value(gold_years[y], p, "figure")
                    for y, p in series.items()
                )
                lacking = any(s.get("value") is not None and s["year"] not in series for s in r["series"])
                outcome = "wrong" if printed_wrong else "incomplete" if lacking else "right"
            out.append(
                {"row": r, "group": "trend", "outcome": outcome, "confidence": None, "unanswerable": unanswerable}
            )
            continue
        gold = r.get("answer")
        if got.get("answer") is None:
            outcome = "right" if gold is None else "abstained"
        elif gold is None:
            outcome = "wrong"
        else:
            outcome = "right" if _same_value(gold, got, r["type"]) else "wrong"
        conf = got.get("confidence") if got.get("answer") is not None else None
        out.append({"row": r, "group": "ask", "outcome": outcome, "confidence": conf, "unanswerable": gold is None})
    return out


def evaluate_answers(
    g: Greffier, questions: Path, split: str = "all", by: str | None = None, part: str = "all"
) -> list[dict[str, Any]]:
    """Accuracy, wrong and abstention rates of ask and trend, per ``by`` group (issuer, corpus
    folder) when asked, then overall; ``part``: only the tune or the report issuers."""
    rows = [r for r in load_questions(questions) if in_part(r, part)]
    if split != "all":
        splits = sorted({str(r.get("split")) for r in rows})
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            raise UsageError(f"{questions}: no question of split {split!r} (its splits: {', '.join(splits)})")
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"n": 0, "right": 0, "wrong": 0, "abstained": 0, "incomplete": 0}
    )
    for o in answer_outcomes(g, rows):
        keys = [(o["group"], "all")]
        if by:
            keys.insert(0, (o["group"], _group_of(o["row"], by)))
        for key in keys:
            tally[key]["n"] += 1
            tally[key][o["outcome"]] += 1
    out = []
    for (group, part), t in sorted(tally.items(), key=lambda kv: (kv[0][0], kv[0][1] == "all", kv[0][1])):
        n = t["n"] or 1
        out.append(
            {
                "group": group,
                "split": split,
                "part": part,
                "questions": t["n"],
                "accuracy": round(t["right"] / n, 3),
                "wrong_rate": round(t["wrong"] / n, 3),
                "abstention_rate": round(t["abstained"] / n, 3),
                "incomplete_rate": round(t["incomplete"] / n, 3),  # trends: right values, some years missing
            }
        )
    for group in ("ask", "trend"):  # both rows always, as before
        if not any(r["group"] == group for r in out):
            out.append(
                {"group": group, "split": split, "part": "all", "questions": 0, "accuracy": 0.0, "wrong_rate": 0.0}
                | {"abstention_rate": 0.0, "incomplete_rate": 0.0}
            )
    return out


CURVE_THRESHOLDS = (0.0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def answer_curve(g: Greffier, questions: Path, split: str = "all", part: str = "all") -> list[dict[str, Any]]:
    """Accuracy, wrong rate and coverage of ask (not trends) if answers under each confidence
    threshold were withheld (``ask --min-confidence``): a user picks a stricter threshold here."""
    rows = [r for r in load_questions(questions) if r["type"] != "trend" and in_part(r, part)]
    if split != "all":
        rows = [r for r in rows if r.get("split") == split]
    outcomes = answer_outcomes(g, rows)
    n = len(outcomes) or 1
    out = []
    for t in CURVE_THRESHOLDS:
        right = wrong = answered = right_answered = 0
        for o in outcomes:
            if o["confidence"] is not None and o["confidence"] >= t:
                answered += 1
                right_answered += o["outcome"] == "right"
                wrong += o["outcome"] == "wrong"
            else:  # withheld: right only when the corpus has no answer
                right += o["unanswerable"]
        out.append(
            {
                "min_confidence": t,
                "questions": len(outcomes),
                "answered": round(answered / n, 3),
                "accuracy": round((right + right_answered) / n, 3),
                "wrong_rate": round(wrong / n, 3),
                "precision": round(right_answered / answered, 3) if answered else None,
            }
        )
    return out
