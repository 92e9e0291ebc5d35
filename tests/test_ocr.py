"""OCR: which pages need it, Tesseract on a real scan, the cache, provenance, and life without it.

The scan is corpus/audierne-arrete-DG2025-002.pdf (a mayor's order of Audierne, image only,
with an @ctes stamp); its lines were transcribed by hand in tests/gold/ocr/lines.jsonl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.cli import main
from greffier.eval.ocr import align_page, normalize, semiglobal
from greffier.extract import ocr
from greffier.extract.pipeline import parse_file
from greffier.extract.plausibility import ocr_reason, plausibility
from greffier.extract.scan import OcrOptions

from .conftest import CORPUS, GOLD

SCAN = CORPUS / "audierne-arrete-DG2025-002.pdf"
needs_tesseract = pytest.mark.skipif(ocr.unavailable() is not None, reason=f"no OCR here: {ocr.unavailable()}")


def _gold_lines() -> list[str]:
    for line in (GOLD / "ocr" / "lines.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["source"].endswith("DG2025-002.pdf") and row["page"] == 1:
            return row["lines"]
    raise AssertionError("the gold page of DG2025-002 is missing")


# -- which pages need OCR (no engine needed) ------------------------------------------------------
PROSE = (
    "Le Conseil municipal, après avoir entendu son rapporteur en son exposé et délibéré, décide à "
    "l'unanimité des membres présents de se porter acquéreur des parcelles cadastrées F 565 et F 585 "
    "pour un montant total de 17 500,00 €, et donne tous pouvoirs à Monsieur le Maire."
)
# the text layer of a hand-filled form read by a bad earlier OCR (Pierrefonds, 28 May 2020)
GARBAGE = (
    "le ...V.!4aQf. . Y.\\4,uI .... du mois .\\)o ae..........f.Yl4&[ à ..... heures q/^ ....{:.... "
    "s'ç|st{éuni lç conseil municipal de la commune ' ,/' / lt I ll/'^, f rl -oe ....2t.ltt*!Onn*= "
    "Absents r, ...:f.çl.MGuY fui,kq,rr ,lwry.oà .' ,:..à...r.e.Fl1fr.$.ç-....4;LqÊ ta présidence ae u âJ,â/re"
)
STAMP = (
    "Envoyé en préfecture le 03/03/2025\nReçu en préfecture le 03/03/2025\nID : 029-200054724-20250228-DG2025_002-AR"
)


def test_a_page_of_prose_keeps_its_text_layer() -> None:
    assert plausibility(PROSE) > 0.95
    assert ocr_reason(PROSE, ink=0.08) is None


def test_a_garbage_text_layer_is_read_again() -> None:
    assert plausibility(GARBAGE) < 0.8
    assert ocr_reason(GARBAGE, ink=0.08) == "garbage text layer"


def test_a_stamp_alone_over_an_image_is_a_scan_but_a_blank_page_is_not() -> None:
    assert ocr_reason(STAMP, ink=0.06) == "text layer is only a stamp or a header"
    assert ocr_reason("", ink=0.06) == "no text layer"
    assert ocr_reason("", ink=0.0) is None  # nothing to read
    # a slide-style divider page: a short title is real text, with its fonts
    assert ocr_reason("2. Le service public d'assainissement", ink=0.3) is None


def test_cer_alignment_counts_misreadings_not_line_cuts() -> None:
    assert semiglobal("Conseil", "le Conseil municipal") == 0
    assert semiglobal("Conseil", "le Consei1 municipal") == 1
    rows = align_page(["Le maire de la commune d'Audierne,"], ["Le maire de la commune", "d’Audierne, Vu l'article"])
    assert rows[0][2] == 0  # a gold line cut in two by Tesseract costs nothing
    assert normalize("l’article  L.1111-2") == "l'article L.1111-2"


# -- Tesseract on a real scan ----------------------------------------------------------------------
@pytest.mark.ocr
@needs_tesseract
def test_scan_is_read_and_carries_its_confidence(tmp_path: Path) -> None:
    parsed = parse_file(SCAN, "dg", ocr=OcrOptions("auto", str(tmp_path / "cache.sqlite")))
    doc = parsed.document
    assert doc.status == "ingested" and doc.ocr_pages == 1
    page = parsed.pages[0]
    assert page.ocr and page.ocr_conf is not None and page.ocr_conf > 80
    gold = _gold_lines()
    read = [ln for p in parsed.pages for ln in p.text.split("\n")]
    aligned = align_page(gold, read)
    cer = sum(r[2] for r in aligned) / sum(len(r[0]) for r in aligned)
    assert cer < 0.03, [r for r in aligned if r[2]][:5]
    # the same pipeline as a text layer: identity and the order as a record
    assert doc.issuer == "Commune d'Audierne" and doc.kind == "arrete" and doc.body == "maire"
    assert doc.date == "2025-02-28" and doc.siren == "200054724"
    assert [d.ref for d in parsed.deliberations] == ["DG2025-002"]
    assert parsed.deliberations[0].outcome == "ordered"


@pytest.mark.ocr
@needs_tesseract
def test_a_page_is_never_read_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = str(tmp_path / "cache.sqlite")
    first = parse_file(SCAN, "dg", ocr=OcrOptions("auto", cache))

    def no_tesseract(*args: object, **kwargs: object) -> None:
        raise AssertionError("Tesseract ran although the page is cached")

    monkeypatch.setattr(ocr, "recognize", no_tesseract)
    again = parse_file(SCAN, "dg", ocr=OcrOptions("auto", cache))
    assert again.pages[0].text == first.pages[0].text and again.pages[0].ocr_conf == first.pages[0].ocr_conf


@pytest.mark.ocr
@needs_tesseract
def test_ingest_search_and_provenance(tmp_path: Path) -> None:
    runner = CliRunner()
    index = str(tmp_path / "idx")
    out = runner.invoke(main, ["ingest", str(SCAN), "--index", index, "--format", "json"])
    assert out.exit_code == 0, out.output
    row = json.loads(out.stdout)[0]
    assert row["status"] == "ingested" and row["ocr_pages"] == 1
    assert (tmp_path / "idx" / "ocr-cache.sqlite").is_file()
    hits = json.loads(
        runner.invoke(
            main, ["search", "commission de contrôle consultation", "--index", index, "--format", "json"]
        ).stdout
    )
    assert hits and hits[0]["ocr"] is True and hits[0]["ocr_conf"] > 80
    status = json.loads(runner.invoke(main, ["status", "--index", index, "--format", "json"]).stdout)
    assert status["ocr_pages"] == 1
    docs = json.loads(runner.invoke(main, ["docs", "--index", index, "--format", "json"]).stdout)
    assert docs[0]["ocr_pages"] == 1 and docs[0]["issuer"] == "Commune d'Audierne"


def test_without_tesseract_scans_are_needs_ocr_and_one_warning_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "unavailable", lambda: f"Tesseract is not installed; {ocr.INSTALL_HINT}")
    monkeypatch.setenv("GREFFIER_WORKERS", "1")  # parse here, where Tesseract is "missing"
    runner = CliRunner()
    out = runner.invoke(
        main, ["ingest", str(SCAN), str(CORPUS / "20250306-PV.pdf"), "--index", str(tmp_path / "i"), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    rows = {Path(r["path"]).name: r for r in json.loads(out.stdout)}
    assert rows[SCAN.name]["status"] == "needs_ocr" and rows["20250306-PV.pdf"]["status"] == "ingested"
    warnings = [ln for ln in out.stderr.splitlines() if ln.startswith("warning:") and "needs_ocr" in ln]
    assert len(warnings) == 1 and "tesseract-ocr-fra" in warnings[0]


def test_ocr_never_leaves_scans_unread(tmp_path: Path) -> None:
    parsed = parse_file(SCAN, "dg", ocr=OcrOptions("never"))
    assert parsed.document.status == "needs_ocr" and parsed.document.ocr_pages == 0


@pytest.mark.ocr
@needs_tesseract
def test_eval_ocr_prints_error_rates(tmp_path: Path) -> None:
    gold = tmp_path / "lines.jsonl"
    row = {"source": SCAN.name, "page": 1, "quality": "clean", "lines": _gold_lines()}
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["eval", "ocr", str(gold), "--corpus-root", str(CORPUS), "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    overall = next(r for r in rows if r["source"] == "[all]")
    assert overall["lines"] == len(_gold_lines()) and overall["cer"] < 0.03 and overall["wer"] < 0.1


class _Word:
    """A word of tesserocr's result iterator; text None: Tesseract found it but cannot spell it."""

    def __init__(self, text: str | None, begins_line: bool, x: int) -> None:
        self.text, self.begins_line, self.x = text, begins_line, x

    def GetUTF8Text(self, level: int) -> str:
        if self.text is None:
            raise RuntimeError("No text returned")
        return self.text

    def BoundingBox(self, level: int) -> tuple[int, int, int, int]:
        return (self.x, 100, self.x + 40, 130)

    def IsAtBeginningOf(self, level: int) -> bool:
        return self.begins_line

    def Confidence(self, level: int) -> float:
        return 91.0


def test_a_word_tesseract_cannot_spell_loses_only_that_word(monkeypatch: pytest.MonkeyPatch) -> None:
    # tesserocr raises "No text returned" for a speck in a ruled cell: the page used to be lost
    tesserocr = pytest.importorskip("tesserocr")
    words = [
        _Word("Pour", True, 0),
        _Word("23", False, 50),
        _Word(None, True, 0),  # the speck opens the next line
        _Word("Contre", False, 50),
        _Word("0", False, 100),
    ]

    class Api:
        def Recognize(self) -> None:
            pass

        def GetIterator(self) -> object:
            return object()

    monkeypatch.setattr(tesserocr, "iterate_level", lambda it, level: iter(words))
    engine = ocr._Engine.__new__(ocr._Engine)
    engine.api = Api()
    lines = engine._iterate(1.0)
    assert [[w.text for w in ln] for ln in lines] == [["Pour", "23"], ["Contre", "0"]]
