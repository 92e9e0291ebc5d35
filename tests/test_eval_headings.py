"""`greffier eval headings`: per document and pooled figures, the tune/report split, details for tune only."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from greffier.cli import main

from .conftest import CORPUS, GOLD


def _gold_tree(tmp_path: Path) -> Path:
    """tmp/headings (tune): the SPANC outline plus one heading that is not in the report;
    tmp/headings_heldout (report): the PV outline, and a gold whose document is nowhere."""
    root = tmp_path / "gold"
    (root / "headings").mkdir(parents=True)
    (root / "headings_heldout").mkdir()
    spanc = json.loads((GOLD / "headings" / "spanc-rapport-annuel-2023.json").read_text(encoding="utf-8"))
    spanc["headings"].append({"heading": "Chapitre que le rapport n'a pas", "level": 1})
    (root / "headings" / "spanc.json").write_text(json.dumps(spanc), encoding="utf-8")
    pv = (GOLD / "headings" / "20250306-PV.json").read_text(encoding="utf-8")
    (root / "headings_heldout" / "pv.json").write_text(pv, encoding="utf-8")
    missing = {"source": "nowhere/absent.pdf", "headings": [{"heading": "Préambule", "level": 1}]}
    (root / "headings_heldout" / "absent.json").write_text(json.dumps(missing), encoding="utf-8")
    return root


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["eval", "headings", *args], catch_exceptions=False)
    return r.exit_code, r.stdout


def test_rows_per_document_and_pooled_per_split(tmp_path: Path) -> None:
    root = _gold_tree(tmp_path)
    code, out = _run(str(root), "--corpus-root", str(CORPUS), "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    docs = {r["source"]: r for r in rows if not r["source"].startswith("TOTAL")}
    assert docs["spanc-rapport-annuel-2023.pdf"]["split"] == "tune"
    assert docs["20250306-PV.pdf"]["split"] == "report"
    absent = docs["nowhere/absent.pdf"]
    assert absent["error"] and absent["found"] == 0 and absent["recall"] == 0
    spanc = docs["spanc-rapport-annuel-2023.pdf"]
    assert spanc["matched"] <= spanc["gold"] - 1  # the invented chapter cannot be found
    p, r = spanc["precision"], spanc["recall"]
    assert abs(spanc["f1"] - 2 * p * r / (p + r)) < 0.01
    totals = {r["split"]: r for r in rows if r["source"].startswith("TOTAL")}
    assert set(totals) == {"tune", "report", "all"}
    assert totals["report"]["gold"] == docs["20250306-PV.pdf"]["gold"] + 1
    assert totals["all"]["matched"] == sum(d["matched"] for d in docs.values())


def test_split_keeps_only_its_documents(tmp_path: Path) -> None:
    code, out = _run(str(_gold_tree(tmp_path)), "--corpus-root", str(CORPUS), "--split", "tune", "--format", "json")
    assert code == 0
    assert {r["split"] for r in json.loads(out)} == {"tune", "all"}


def test_details_only_for_tune_documents(tmp_path: Path) -> None:
    root = _gold_tree(tmp_path)
    code, _ = _run(str(root), "--corpus-root", str(CORPUS), "--details")  # --split all has report documents
    assert code == 2
    code, out = _run(str(root), "--corpus-root", str(CORPUS), "--details", "--split", "tune", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["source"] for r in rows} <= {"spanc-rapport-annuel-2023.pdf"}
    assert {
        "source": "spanc-rapport-annuel-2023.pdf",
        "what": "missed",
        "heading": "Chapitre que le rapport n'a pas",
    } in rows


def test_page_range_outline_judges_only_those_pages(tmp_path: Path) -> None:
    """A gold with "pages": [first, last] outlines part of a long document: headings found on
    other pages are not counted as spurious, those on its pages still are."""
    spanc = json.loads((GOLD / "headings" / "spanc-rapport-annuel-2023.json").read_text(encoding="utf-8"))
    first = min(h["page"] for h in spanc["headings"])
    part = [h for h in spanc["headings"] if h["page"] == first]
    folder = tmp_path / "headings_heldout2"
    folder.mkdir()
    whole = folder / "whole.json"
    whole.write_text(json.dumps({"source": spanc["source"], "headings": part}), encoding="utf-8")
    code, out = _run(str(whole), "--corpus-root", str(CORPUS), "--format", "json")
    assert code == 0, out
    unbounded = json.loads(out)[0]
    ranged = folder / "ranged.json"
    one_page = {"source": spanc["source"], "headings": part, "pages": [first, first]}
    ranged.write_text(json.dumps(one_page), encoding="utf-8")
    code, out = _run(str(ranged), "--corpus-root", str(CORPUS), "--format", "json")
    assert code == 0, out
    row = json.loads(out)[0]
    assert row["split"] == "report"  # headings_heldout2 is a report folder
    assert row["found"] < unbounded["found"] and row["matched"] == unbounded["matched"]
    assert row["precision"] > unbounded["precision"]
    bad = folder / "bad.json"
    bad.write_text(json.dumps({"source": spanc["source"], "headings": part, "pages": [3, 1]}), encoding="utf-8")
    code, _ = _run(str(bad), "--corpus-root", str(CORPUS))
    assert code != 0
