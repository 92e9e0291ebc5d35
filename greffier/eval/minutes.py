"""Minutes, deliberations and acts against gold written blind (``tests/gold/minutes/``).

Per document: issuer, deciding body and meeting date. Per decided item: found as a record
(aligned by reference, else by title similarity), and for those found the vote, the outcome and
the euro amounts. Scores are given per issuer and per split: the issuers greffier was tuned on
(``tune``) and the others (``report``), which were never looked at while building the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from greffier.errors import InputError
from greffier.eval.deliberations import align, vote_ok
from greffier.extract.headings import fold
from greffier.extract.identity import issuer_key, with_siren_issuer
from greffier.records import Deliberation, Document

# Folders of ../shared/corpus whose documents were read while writing the rules. Every other
# folder is reported only.
TUNE_FOLDERS = ("chemere", "audierne", "pierrefonds", "lisieres-oise")

_OUTCOMES = {
    "adopté": "adopted",
    "rejeté": "rejected",
    "ajourné": "postponed",
    "retiré": "withdrawn",
    "pris acte": "noted",
    "arrêté": "ordered",
}


def _ref_digits(ref: str | None) -> str:
    return re.sub(r"\D", "", ref or "")


def _amounts(values: Iterable[dict[str, Any]] | None) -> set[float]:
    return {round(float(a["value"]), 2) for a in values or [] if a.get("unit", "EUR") in ("EUR", None)}


def _same_digits(gold: str | None, found: str | None) -> bool:
    """References compared by their digits ("DE-2013/110" = "2013/110"), at least three."""
    digits = _ref_digits(gold)
    return len(digits) >= 3 and digits == _ref_digits(found)


def _vote_dict(d: Deliberation) -> dict[str, Any] | None:
    if d.vote is None:
        return None
    return {k: getattr(d.vote, k) for k in ("pour", "contre", "abstention", "unanimite")}


def _parse(job: tuple[str, str | None]) -> tuple[Document, list[Deliberation]] | str:
    from greffier.extract.pipeline import parse_file
    from greffier.extract.scan import OcrOptions

    path, cache = job
    try:
        parsed = parse_file(Path(path), "eval", ocr=OcrOptions("auto", cache))
    except InputError as exc:
        return exc.reason
    return parsed.document, list(parsed.deliberations)


def default_cache() -> str:
    from platformdirs import user_cache_dir

    return str(Path(user_cache_dir("greffier", appauthor=False)) / "ocr-cache.sqlite")


def evaluate_minutes(
    gold_dir: Path, corpus_root: Path, split: str = "all", workers: int = 2, cache: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(per-issuer and per-split score rows, per-document detail rows)."""
    files = sorted(gold_dir.rglob("*.json")) if gold_dir.is_dir() else [gold_dir]
    golds = []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            data["document"], data["source"]
        except (ValueError, KeyError) as exc:
            raise InputError(str(f), f"not a minutes gold file ({exc})") from exc
        folder = data["source"].split("/", 1)[0]
        data["split"] = "tune" if folder in TUNE_FOLDERS else "report"
        if split in ("all", data["split"]):
            golds.append(data)
    jobs = [(str(corpus_root / g["source"]), cache or default_cache()) for g in golds]
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        parsed = list(pool.map(_parse, jobs))
    # as ingest does for a batch: a document naming no issuer takes its SIREN's
    known: dict[str, str] = {}
    for got in parsed:
        if not isinstance(got, str) and got[0].issuer and got[0].siren:
            known.setdefault(got[0].siren, got[0].issuer)
    parsed = [got if isinstance(got, str) else (with_siren_issuer(got[0], known), got[1]) for got in parsed]
    details = []
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for g, got in zip(golds, parsed):
        gd = g["document"]
        row: dict[str, Any] = {"source": g["source"], "split": g["split"], "issuer_gold": gd.get("issuer")}
        counts = {"docs": 1, "issuer_ok": 0, "date_ok": 0, "body_ok": 0, "items": 0, "found": 0, "records": 0}
        counts.update({"vote_ok": 0, "amounts_ok": 0, "outcome_ok": 0})
        if isinstance(got, str):
            row.update(issuer=None, date=None, body=None, error=got)
            items = g.get("items") or []
            counts["items"] = len(items)
        else:
            doc, records = got
            row.update(issuer=doc.issuer, date=doc.date, body=doc.body, error=None)
            counts["issuer_ok"] = int(issuer_key(doc.issuer) == issuer_key(gd.get("issuer")))
            counts["date_ok"] = int((doc.date or None) == (gd.get("date") or None))
            counts["body_ok"] = int(fold(doc.body or "") == fold(gd.get("body") or ""))
            items = g.get("items") or []
            counts["items"] = len(items)
            counts["records"] = len(records)
            missed, wrong_votes = [], []
            for gi, d in align(items, records, _same_digits):
                if d is None:
                    missed.append(gi.get("title"))
                    continue
                counts["found"] += 1
                good = vote_ok(gi.get("vote"), d)
                counts["vote_ok"] += good
                if not good:
                    wrong_votes.append({"title": gi.get("title"), "gold": gi.get("vote"), "read": _vote_dict(d)})
                counts["amounts_ok"] += _amounts(gi.get("amounts")) == _amounts(d.amounts)
                counts["outcome_ok"] += _OUTCOMES.get(gi.get("outcome") or "", None) == d.outcome
            row["missed"] = missed
            row["wrong_votes"] = wrong_votes
        row.update(counts)
        details.append(row)
        keys = [(g["split"], gd.get("issuer") or "?"), (g["split"], "*"), ("all", "*")]
        if g.get("scan"):
            keys.append(("scans", "*"))  # image-only documents, read by OCR
        for key in keys:
            t = groups.setdefault(key, {})
            for k, v in counts.items():
                t[k] = t.get(k, 0) + v
    rows = []
    for (sp, issuer), t in sorted(
        groups.items(), key=lambda kv: (kv[0][0] == "all", kv[0][0], kv[0][1] == "*", kv[0][1])
    ):
        found = t["found"]
        rows.append(
            {
                "split": sp,
                "issuer": issuer,
                "docs": t["docs"],
                "issuer_ok": round(t["issuer_ok"] / t["docs"], 3),
                "date_ok": round(t["date_ok"] / t["docs"], 3),
                "body_ok": round(t["body_ok"] / t["docs"], 3),
                "items": t["items"],
                "records": t["records"],
                "found": round(found / t["items"], 3) if t["items"] else None,
                "precision": round(found / t["records"], 3) if t["records"] else None,
                "vote_ok": round(t["vote_ok"] / found, 3) if found else None,
                "amounts_ok": round(t["amounts_ok"] / found, 3) if found else None,
                "outcome_ok": round(t["outcome_ok"] / found, 3) if found else None,
            }
        )
    return rows, details
