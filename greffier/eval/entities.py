"""Entity evaluation against hand-annotated gold: precision, recall, F1 per type.

A predicted entity matches a gold one when the type is the same, the spans overlap and the
normalized value agrees (AMOUNT: value and unit; DATE: iso; DIRECTION: canonical name,
accents and case ignored; DELIBERATION: ref). ORG, PERSON and PLACE (spaCy, when
``GREFFIER_NER`` or ``ner`` turns it on) match on type and overlap alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greffier.extract.entities import extract_entities_from_text
from greffier.extract.headings import fold
from greffier.extract.ner import NAME_TYPES, ner_model

TYPES = ("AMOUNT", "DATE", "DIRECTION", "DELIBERATION")


def _value_ok(kind: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if kind == "AMOUNT":
        gv, pv = gold.get("value"), pred.get("value")
        if gv is None or pv is None or abs(float(gv) - float(pv)) > 1e-6 * max(1.0, abs(float(gv))):
            return False
        return (gold.get("unit") or "") == (pred.get("unit") or "")
    if kind == "DATE":
        return gold.get("iso") == pred.get("iso")
    if kind == "DIRECTION":
        return fold(gold.get("canonical") or gold.get("text", "")) == fold(pred.get("canonical") or "")
    if kind == "DELIBERATION":
        return (gold.get("ref") or "").replace(" ", "") == (pred.get("ref") or "")
    return True


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_entities(gold_dir: Path, ner: str | bool | None = None) -> dict[str, TypeScore]:
    """Run the extractor on every gold passage text and score it per type. ``ner``: the spaCy
    model for ORG/PERSON/PLACE (None: as ``GREFFIER_NER`` says; False: those types are left out)."""
    model = ner_model(ner)
    types = TYPES + NAME_TYPES if model else TYPES
    scores = {t: TypeScore() for t in types}
    files = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else [gold_dir]
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        if "passages" not in data:
            continue
        for passage in data["passages"]:
            text = passage["text"]
            preds = [
                e
                for e in extract_entities_from_text(
                    text, doc_year=data.get("year"), issuer=data.get("issuer"), ner=model or False
                )
                if e["type"] in types
            ]
            golds = [g for g in passage["entities"] if g["type"] in types]
            used: set[int] = set()
            for p in preds:
                hit = None
                for i, g in enumerate(golds):
                    if i in used or g["type"] != p["type"]:
                        continue
                    if g["start"] < p["end"] and p["start"] < g["end"] and _value_ok(p["type"], g, p):
                        hit = i
                        break
                if hit is None:
                    scores[p["type"]].fp += 1
                    scores[p["type"]].errors.append(f"FP {f.stem} p{passage['page']}: {p['text']!r} {_brief(p)}")
                else:
                    used.add(hit)
                    scores[p["type"]].tp += 1
            for i, g in enumerate(golds):
                if i not in used:
                    scores[g["type"]].fn += 1
                    scores[g["type"]].errors.append(f"FN {f.stem} p{passage['page']}: {g['text']!r} {_brief(g)}")
    return scores


def _brief(e: dict[str, Any]) -> str:
    keys = ("value", "unit", "iso", "canonical", "ref", "quantity_of")
    return " ".join(f"{k}={e[k]}" for k in keys if e.get(k) is not None)
