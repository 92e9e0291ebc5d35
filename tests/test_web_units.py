"""The pieces of greffier serve that need no server: highlighted snippets, the chart, the text
matcher of the page view, the exports, the failures log."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("markupsafe")

from greffier.index.failures import read_failures, record_failures
from greffier.web.chart import svg_chart
from greffier.web.pages import Haystack, mark_text, ocr_boxes
from greffier.web.registers import parse_amount, to_csv
from greffier.web.text import csv_safe, french_reason, highlight, mark_query, number_fr


def test_highlight_escapes_every_piece_and_marks_matches() -> None:
    html = str(highlight("… le **tarif** <script>x</script> & **cantine** …"))
    assert html == "… le <mark>tarif</mark> &lt;script&gt;x&lt;/script&gt; &amp; <mark>cantine</mark> …"
    assert "<mark>" not in str(highlight("unbalanced **mark"))


def test_a_literal_double_star_of_the_document_is_not_a_mark() -> None:
    def snippet_of(text: str) -> str:  # marks "tarif" as greffier's snippet maker does
        return re.sub(r"\btarif\b", "**tarif**", text)

    html = str(highlight(mark_query("le **gras** tarif", snippet_of)))
    assert html == "le **gras** <mark>tarif</mark>"


def test_french_numbers_and_reasons() -> None:
    assert number_fr(1861.0) == "1\u202f861"
    assert number_fr(2.25) == "2,25"
    assert french_reason("no candidate fits well enough").startswith("aucune valeur")
    assert "2013 à 2015" in french_reason("no value fits well enough for any year from 2013 to 2015")
    assert french_reason("something new") == "something new"


def test_chart_breaks_the_line_at_a_missing_year() -> None:
    series = [{"year": 2019, "value": 10.0}, {"year": 2020, "value": 12.0}, {"year": 2022, "value": 11.0}]
    svg = str(svg_chart(series, [2021], "€"))
    assert svg.count('class="point"') == 3
    assert svg.count("<polyline") == 1  # 2019-2020 joined; 2022 alone after the gap
    assert svg.count('class="missing">n.d.</text>') == 1
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert xs == sorted(xs) and xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.5)
    assert svg_chart([], [2020]) == ""


def test_chart_escapes_its_labels() -> None:
    svg = str(svg_chart([{"year": 2020, "value": 1.0}, {"year": 2021, "value": 2.0}], [], "<b>"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_haystack_finds_cleaned_text_on_the_raw_page() -> None:
    raw = "Préparation et suivi des assem-\r\nblées : 1 861 délibérations,\r\n773 décisions"
    hay = Haystack((c, i) for i, c in enumerate(raw))
    spans = hay.find("• Préparation et suivi des assemblées : 1 861 délibérations, 773 décisions,")
    assert spans == [(0, len(hay.text))]
    assert hay.find("rien de tout cela ne figure ici") == []
    # a run too short to mean anything alone is not highlighted
    assert hay.find("suivi xyzzy") == []


def test_haystack_places_runs_near_the_longest_one() -> None:
    raw = "EAU abonnement. Tableau. EAU Redevance de prélèvement 0,07 €"
    hay = Haystack((c, i) for i, c in enumerate(raw))
    spans = hay.find("ASSAINISSEMENT > EAU Redevance de prélèvement: 0,07 €")
    assert len(spans) == 1 and raw[int(hay.origin[spans[0][0]]) :].startswith("EAU Redevance")  # type: ignore[call-overload]


def test_ocr_boxes_join_the_words_of_a_line() -> None:
    lines = [
        [["Compte", 10, 20, 50, 30, 95], ["rendu", 55, 20, 80, 30, 95]],
        [["La", 10, 40, 20, 50, 90], ["salle", 25, 40, 50, 50, 90], ["des", 55, 40, 70, 50, 90]],
        [["fêtes", 10, 60, 40, 70, 90], ["rénovée", 45, 60, 90, 70, 90]],
    ]
    boxes = ocr_boxes(lines, 100.0, 100.0, ["la salle des fetes"])  # type: ignore[arg-type]
    assert len(boxes) == 2  # one per OCR line found
    first, second = sorted(boxes, key=lambda b: b.top)
    assert first.x0 == pytest.approx(0.085) and first.x1 == pytest.approx(0.715)
    assert second.x1 == pytest.approx(0.415)  # "fêtes" only, not "rénovée"


def test_mark_text_escapes_and_marks() -> None:
    html = str(mark_text("<i>Le</i> tarif de la\ncantine est de 3,50 €.", ["tarif de la cantine"]))
    assert html == "&lt;i&gt;Le&lt;/i&gt; <mark>tarif de la\ncantine</mark> est de 3,50 €."


def test_csv_export_quotes_formulas_but_not_numbers() -> None:
    assert csv_safe('=HYPERLINK("http://x")').startswith("'")
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("-12,5") == "-12,5" and csv_safe(-3) == -3
    text = to_csv([{"a": "=1+1", "b": [1, 2], "c": None}], ["a", "b", "c"])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b", "c"], ["'=1+1", "[1, 2]", ""]]


def test_amount_bounds_typed_by_a_person() -> None:
    assert parse_amount("1 500") == 1500 and parse_amount("1500,50") == 1500.5
    assert parse_amount("abc") is None and parse_amount("") is None and parse_amount("1e300") is None


@dataclass(frozen=True)
class _Result:
    path: str
    doc_id: str | None
    status: str
    error: str | None = None


def test_failures_are_remembered_until_the_file_is_read(tmp_path: Path) -> None:
    record_failures(tmp_path, [_Result("a.pdf", None, "failed", "a.pdf: not a PDF"), _Result("b.pdf", "b", "ingested")])
    assert [(f["path"], f["error"]) for f in read_failures(tmp_path)] == [("a.pdf", "a.pdf: not a PDF")]
    record_failures(tmp_path, [_Result("a.pdf", "a", "ingested")])
    assert read_failures(tmp_path) == []
    (tmp_path / "ingest-failures.json").write_text("{broken", encoding="utf-8")
    assert read_failures(tmp_path) == []
