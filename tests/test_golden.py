"""Section trees of the real documents in corpus/: golden outputs and hand-annotated heading gold.

``pytest --update-golden`` rewrites tests/golden/ from the current output (review the diff).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greffier.eval.headings import score_headings
from greffier.extract.pipeline import parse_file

from .conftest import CORPUS, GOLD, GOLDEN

# the scan's text comes from Tesseract: tests/test_ocr.py checks it against hand-made gold instead
SCANS = {"audierne-arrete-DG2025-002.pdf"}
DOCS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".pdf", ".txt") and p.name not in SCANS)

# Floors measured against tests/gold/headings (hand-annotated); a drop is a regression.
HEADING_FLOORS = {
    "amp-rapport-activite-2017.txt": (0.84, 0.72),  # (F1, level accuracy on matched headings)
    "20250306-PV.pdf": (0.90, 0.95),
    "compte-rendu-17-11-2015.pdf": (0.85, 0.95),
    "spanc-rapport-annuel-2023.pdf": (0.88, 0.90),
}


def _tree(name: str) -> dict:
    parsed = parse_file(CORPUS / name, Path(name).stem.lower())
    d = parsed.document
    return {
        "document": {
            "issuer": d.issuer,
            "kind": d.kind,
            "year": d.year,
            "date": d.date,
            "title": d.title,
            "pages": d.pages,
            "status": d.status,
        },
        "sections": [
            {
                "heading": s.heading,
                "level": s.level,
                "page_start": s.page_start,
                "page_end": s.page_end,
                "path": list(s.path),
                "words": len(s.text.split()),
            }
            for s in parsed.sections
        ],
        "passages": len(parsed.passages),
    }


@pytest.mark.parametrize("name", DOCS)
def test_section_tree_matches_golden(name: str, update_golden: bool) -> None:
    out = _tree(name)
    golden = GOLDEN / f"{name}.json"
    text = json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"golden file {golden.name} was missing and has been written: review it")
    assert json.loads(golden.read_text(encoding="utf-8")) == out


@pytest.mark.parametrize("name", sorted(HEADING_FLOORS))
def test_headings_against_hand_annotated_gold(name: str) -> None:
    gold = json.loads((GOLD / "headings" / (Path(name).stem + ".json")).read_text(encoding="utf-8"))
    parsed = parse_file(CORPUS / gold["source"], "g")
    found = [{"heading": s.heading, "level": s.level} for s in parsed.sections if s.level > 0]
    score = score_headings(gold["headings"], found)
    f1_floor, level_floor = HEADING_FLOORS[name]
    assert score.f1 >= f1_floor, (score, score.missed[:10], score.spurious[:10])
    assert score.level_accuracy >= level_floor, score


def test_amp_chapter_structure() -> None:
    parsed = parse_file(CORPUS / "amp-rapport-activite-2017.txt", "amp")
    by_heading = {s.heading: s for s in parsed.sections}
    chapters = [s.heading for s in parsed.sections if s.level == 1]
    assert chapters[1:] == [
        "01 – LA DIRECTION GENERALE DES SERVICES",
        "02 – LES DIRECTIONS GENERALES ADJOINTES THEMATIQUES",
        "03 – LES DIRECTIONS GENERALES ADJOINTES TRANSVERSALES DE PROJET",
        "04 – LES DIRECTIONS GENERALES ADJOINTES FONCTIONNELLES",
    ]
    mob = by_heading["2-1 – Mobilité, Déplacements, Transports – Espace public et Voirie"]
    assert mob.level == 2 and mob.path[0].startswith("02 –")
    under = [s.heading for s in parsed.sections if s.parent_id == mob.section_id]
    assert under[:2] == ["Les missions", "Faits marquants"]
    numbered = [s.heading for s in parsed.sections if s.level == 2 and s.heading[:1].isdigit()]
    assert len(numbered) == 16  # 2-1..2-7, 3-1, 3-2, 4-1..4-7
    assert parsed.document.stamps == ("Reçu au Contrôle de légalité le 02 novembre 2018",)
    assert all("Reçu au Contrôle" not in p.text for p in parsed.passages)
