"""greffier serve, over HTTP (Starlette's TestClient): every route, and hostile inputs."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient

from greffier.api import Greffier
from greffier.extract.ocr import OcrPage
from greffier.extract.ocr_cache import CACHE_NAME, OcrCache
from greffier.settings import Settings
from greffier.web.app import create_app

from .pdfmaker import PdfPage, write_pdf

HOSTILE_TITLE = "<script>alert('titre')</script> Rapport d'activité 2020"
HOSTILE_TEXT = (
    "La cantine scolaire <img src=x onerror=alert(1)> applique un tarif de 3,50 € par repas.\n"
    "Le service **Restauration** <b>gras</b> a servi 12 000 repas en 2020.\n"
)


def client_for(index: Path) -> TestClient:
    app = create_app(Settings(index_dir=index, workers=1))
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


@pytest.fixture(scope="module")
def demo(demo_index: Path):  # type: ignore[no-untyped-def]
    with client_for(demo_index) as c:
        yield c


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents whose text is HTML and script, a PDF, a scan, and a file that cannot be read."""
    src = tmp_path_factory.mktemp("hostile-src")
    (src / "hostile.txt").write_text(HOSTILE_TITLE + "\n\n" + HOSTILE_TEXT * 3, encoding="utf-8")
    page = PdfPage()
    page.text(72, 100, "Commune de Testville <script>alert(2)</script>", size=14)
    page.text(72, 140, "Le tarif de la piscine municipale est de 4,20 euros par entrée.")
    page.text(72, 160, "La piscine municipale ouvre ses portes le 1er juin 2021.")
    write_pdf(src / "piscine.pdf", [page, PdfPage()])
    scanned = PdfPage()
    scanned.text(72, 120, "Compte rendu du conseil : la salle des fetes sera renovee en 2022.")
    write_pdf(src / "scan.pdf", [scanned])
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a real PDF file")
    index = tmp_path_factory.mktemp("hostile-index")
    with Greffier(Settings(index_dir=index, workers=1, ocr="never")) as g:
        results = g.ingest([src])
        statuses = {Path(r.path).name: r.status for r in results}
        assert statuses["broken.pdf"] == "failed"
        scan = g.store.document_by_path(str((src / "scan.pdf").resolve()))
    # the scan's page as if OCR had read it: flagged in the store, its words in the OCR cache
    assert scan is not None
    db = sqlite3.connect(index / "greffier.sqlite")
    with db:
        db.execute("UPDATE pages SET ocr = 1, ocr_conf = 88.0 WHERE doc_id = ? AND number = 1", (scan.doc_id,))
    db.close()
    words = [["la", 72, 110, 84, 124, 90], ["salle", 88, 110, 115, 124, 90], ["des", 119, 110, 135, 124, 90]]
    words += [["fetes", 139, 110, 165, 124, 91], ["sera", 169, 110, 190, 124, 92]]
    cache = OcrCache(index / CACHE_NAME)
    cache.put(scan.sha256, 1, OcrPage.from_json({"lines": [words], "conf": 90, "dpi": 300, "engine": "test"}))
    cache.close()
    return index


@pytest.fixture(scope="module")
def hostile(hostile_index: Path):  # type: ignore[no-untyped-def]
    with client_for(hostile_index) as c:
        yield c


def _doc_id(client: TestClient, name: str) -> str:
    html = client.get("/documents").text
    found = re.search(r'href="/document/([^"]*' + re.escape(name) + r'[^"]*)"', html)
    assert found, f"{name} not listed"
    return found.group(1)


# -- search ------------------------------------------------------------------------------------
def test_search_shows_cited_results_with_marks(demo: TestClient) -> None:
    r = demo.get("/", params={"q": "tarif restauration scolaire", "mode": "keyword"})
    assert r.status_code == 200
    html = r.text
    hits = re.findall(r'<li class="hit">(.*?)</li>', html, re.S)
    assert len(hits) == 10
    first = hits[0]
    assert "<mark>" in first and "**" not in html
    assert re.search(r'href="/page/[^"/]+/\d+\?passage=', first)
    assert re.search(r"page \d+", first) and 'class="year"' in first and 'class="kind"' in first
    # facets with counts; the URL holds the query
    for facet in ("annee", "emetteur", "type", "entite"):
        assert f'data-facet="{facet}"' in html
    assert re.search(r'href="/\?q=tarif\+restauration\+scolaire&amp;mode=keyword&amp;annee=\d{4}"', html)


def test_facet_filters_and_pagination(demo: TestClient) -> None:
    q = {"q": "conseil municipal", "mode": "keyword"}
    html = demo.get("/", params=q).text
    year, count = re.search(r'&amp;annee=(\d{4})">\1</a> <span class="count">(\d+)</span>', html).groups()  # type: ignore[union-attr]
    filtered = demo.get("/", params={**q, "annee": year}).text
    years = re.findall(r'<span class="year">([^<]*)</span>', filtered)
    assert years and set(years) == {year}
    assert "✕ " + year in filtered  # the active filter can be removed
    page1 = re.findall(r'href="(/page/[^"]+)"', demo.get("/", params=q).text)
    page2 = re.findall(r'href="(/page/[^"]+)"', demo.get("/", params={**q, "p": "2"}).text)
    assert page2 and not set(page1) & set(page2)
    assert int(count) >= 1


def test_entity_type_facet_keeps_passages_with_such_entities(demo: TestClient) -> None:
    html = demo.get("/", params={"q": "délibération", "mode": "keyword", "entite": "AMOUNT"}).text
    assert 'class="hit"' in html
    assert "✕ Montant / quantité" in html


def test_semantic_without_vectors_is_an_error_page(demo: TestClient) -> None:
    r = demo.get("/", params={"q": "eau potable", "mode": "semantic"})
    assert r.status_code == 400
    assert "Erreur" in r.text and "Traceback" not in r.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "x" * 501}, 400),
        ({"q": "eau", "p": "999"}, 400),
        ({"q": "eau", "p": "abc"}, 400),
        ({"q": "eau", "mode": "<script>"}, 400),
        ({"q": "eau", "annee": "99999999999999999999"}, 400),
        ({"q": "eau", "type": "'; DROP TABLE documents; --"}, 400),
        ({"q": "eau", "emetteur": "nulle part"}, 400),
        ({"q": '"unbalanced'}, 400),
    ],
)
def test_bad_search_parameters_are_pages_not_tracebacks(demo: TestClient, params: dict, status: int) -> None:
    r = demo.get("/", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text and "<script>" not in r.text


# -- hostile documents and queries -------------------------------------------------------------
def test_document_strings_are_escaped_everywhere(hostile: TestClient) -> None:
    html = hostile.get("/", params={"q": "cantine tarif", "mode": "keyword"}).text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>gras</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>cantine</mark>" in html
    # a literal ** of the document is text, never a mark
    restauration = hostile.get("/", params={"q": "repas servi", "mode": "keyword"}).text
    assert "**Restauration**" in restauration and "<mark>Restauration</mark>" not in restauration
    for path in ("/documents", f"/document/{_doc_id(hostile, 'hostile')}", f"/page/{_doc_id(hostile, 'hostile')}/1"):
        page = hostile.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    page_text = hostile.get(f"/page/{_doc_id(hostile, 'hostile')}/1").text
    assert "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt;" in page_text


def test_hostile_query_is_escaped(hostile: TestClient) -> None:
    q = '"><script>alert(document.cookie)</script><img src=x onerror=alert(1)>'
    for path in ("/", "/question"):
        r = hostile.get(path, params={"q": q})
        assert "<script>alert(document.cookie)" not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;alert(document.cookie)" in r.text


def test_security_headers_and_hosts(hostile: TestClient) -> None:
    r = hostile.get("/")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert hostile.get("/", headers={"host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/static/../greffier.sqlite",
        "/static/%2e%2e/%2e%2e/greffier.sqlite",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/image/..%2f..%2fgreffier.sqlite/1.png",
        "/image/%2e%2e/1.png",
        "/page/..%2f..%2fetc%2fpasswd/1",
        "/document/..%2fgreffier.sqlite",
        "/tableau/..%2f..%2fetc%2fpasswd",
        "/web-cache/",
        "/greffier.sqlite",
    ],
)
def test_no_path_outside_the_index_is_served(hostile: TestClient, path: str) -> None:
    r = hostile.get(path)
    assert r.status_code == 404
    assert b"SQLite format" not in r.content and b"root:" not in r.content
    assert "Traceback" not in r.text


def test_unknown_ids_are_404_pages(hostile: TestClient) -> None:
    doc = _doc_id(hostile, "piscine")
    for path in (
        "/document/nope",
        "/page/nope/1",
        f"/page/{doc}/99",
        f"/page/{doc}/0",
        "/image/nope/1.png",
        f"/image/{doc}/3.png",
        "/tableau/nope:t001",
        "/nothing-here",
    ):
        r = hostile.get(path)
        assert r.status_code == 404, path
        assert "Introuvable" in r.text and r.headers["content-type"].startswith("text/html")


def test_long_highlight_is_refused(hostile: TestClient) -> None:
    doc = _doc_id(hostile, "piscine")
    assert hostile.get(f"/page/{doc}/1", params={"hl": "a" * 2001}).status_code == 400


# -- page view ---------------------------------------------------------------------------------
def test_page_image_is_rendered_once_and_cached(hostile: TestClient, hostile_index: Path) -> None:
    doc = _doc_id(hostile, "piscine")
    r = hostile.get(f"/image/{doc}/1.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    cached = list((hostile_index / "web-cache").glob("*-p1-*.png"))
    assert len(cached) == 1
    before = cached[0].stat().st_mtime_ns
    assert hostile.get(f"/image/{doc}/1.png").content == r.content
    assert cached[0].stat().st_mtime_ns == before


def test_page_view_highlights_the_evidence_on_a_text_layer_page(hostile: TestClient) -> None:
    doc = _doc_id(hostile, "piscine")
    html = hostile.get(f"/page/{doc}/1", params={"hl": "La piscine municipale ouvre ses portes"}).text
    rects = re.findall(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', html)
    assert len(rects) == 1
    x, y, w, h = map(float, rects[0])
    # the sentence is set 160 pt below the top of an 842 pt page, from x = 72 pt of 595
    assert abs(y + h - 160 / 842 * 1000) < 15 and abs(x - 72 / 595 * 1000) < 10 and w > 250
    assert 'rel="next"' in html and 'rel="prev"' not in html and f'href="/document/{doc}"' in html
    missing = hostile.get(f"/page/{doc}/1", params={"hl": "une phrase qui n'existe nulle part ici"}).text
    assert "<rect" not in missing and "pas été retrouvé" in missing


def test_page_view_highlights_on_an_ocr_page_from_the_ocr_cache(hostile: TestClient) -> None:
    doc = _doc_id(hostile, "scan")
    html = hostile.get(f"/page/{doc}/1", params={"hl": "la salle des fêtes sera"}).text
    assert "page lue par OCR" in html and "88 %" in html
    rects = re.findall(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', html)
    assert len(rects) == 1
    x, y, w, _ = map(float, rects[0])
    assert abs(x - (72 - 1.5) / 595 * 1000) < 1 and abs(y - (110 - 1.5) / 842 * 1000) < 1
    assert abs(x + w - (190 + 1.5) / 595 * 1000) < 1


def test_page_view_of_a_text_export_shows_its_text(demo: TestClient) -> None:
    html = demo.get("/page/amp-rapport-activite-2017/65", params={"hl": "1 861 délibérations"}).text
    assert "pas d&#39;image de page" in html and "1 861 délibérations" in html
    assert "<img" not in html


# -- question ----------------------------------------------------------------------------------
def test_question_answer_with_confidence_evidence_and_page(demo: TestClient) -> None:
    q = "Combien de délibérations la Métropole Aix-Marseille-Provence a-t-elle préparées en 2017 ?"
    html = demo.get("/question", params={"q": q}).text
    assert re.search(r'<h2 class="answer">1 861 délibérations</h2>', html)
    assert re.search(r'class="confidence">\d+ %</strong>', html)
    assert "Préparation et suivi des assemblées" in html
    assert re.search(r'href="/page/amp-rapport-activite-2017/65\?hl=', html)


def test_question_abstains_with_reason_and_candidates(demo: TestClient) -> None:
    html = demo.get("/question", params={"q": "Quel est le prix du repas à la cantine ?"}).text
    assert "greffier s'abstient" in html
    assert "Pourquoi : aucune valeur trouvée ne correspond assez bien" in html
    assert "Candidats examinés" in html and 'class="cite-link"' in html


def test_trend_series_table_and_chart_with_missing_year(demo: TestClient) -> None:
    html = demo.get("/question", params={"q": "Évolution du taux TFNB entre 2013 et 2015", "serie": "1"}).text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and html.count('class="point"') == 2
    assert 'class="missing">n.d.</text>' in html
    rows = re.findall(r"<tr(?: class=\"missing-row\")?><td>(\d{4})</td>", html)
    assert rows == ["2013", "2014", "2015"]
    assert '<tr class="missing-row"><td>2013</td>' in html


# -- registers ---------------------------------------------------------------------------------
def test_deliberations_filters_and_exports(demo: TestClient) -> None:
    html = demo.get("/deliberations", params={"annee": "2015"}).text
    total = int(re.search(r"Délibérations <span class=\"muted\">(\d+)</span>", html).group(1))  # type: ignore[union-attr]
    assert total > 0
    rows = json.loads(demo.get("/deliberations", params={"annee": "2015", "format": "json"}).text)
    assert len(rows) == total and all((r["date"] or "2015").startswith("2015") for r in rows)
    r = demo.get("/deliberations", params={"annee": "2015", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == total and list(table[0])[:4] == ["ref", "date", "issuer", "body"]
    scdl = list(csv.DictReader(io.StringIO(demo.get("/deliberations", params={"format": "scdl"}).text)))
    assert scdl and "DELIB_OBJET" in scdl[0] and "COLL_NOM" in scdl[0]
    unanimous = json.loads(demo.get("/deliberations", params={"vote": "unanimite", "format": "json"}).text)
    assert unanimous and all(r["vote"]["unanimite"] for r in unanimous)
    ranged = json.loads(demo.get("/deliberations", params={"min": "1 000", "max": "5000", "format": "json"}).text)
    assert ranged and all(any(a["unit"] == "EUR" and 1000 <= a["value"] <= 5000 for a in r["amounts"]) for r in ranged)
    assert len(ranged) < len(json.loads(demo.get("/deliberations", params={"format": "json"}).text))


def test_tables_and_directions_registers(demo: TestClient) -> None:
    html = demo.get("/tableaux").text
    link = re.search(r'href="/tableau/([^"]+)">', html).group(1)  # type: ignore[union-attr]
    assert demo.get(f"/tableau/{link}").status_code == 200
    one = list(csv.reader(io.StringIO(demo.get(f"/tableau/{link}", params={"format": "csv"}).text)))
    assert one and any(cell for cell in one[0])
    spanc = json.loads(demo.get("/tableaux", params={"annee": "2023", "format": "json"}).text)
    assert spanc and all(t["year"] == 2023 and t["rows"] for t in spanc)
    listed = list(csv.DictReader(io.StringIO(demo.get("/tableaux", params={"format": "csv"}).text)))
    assert len(listed) > len(spanc)
    directions = json.loads(demo.get("/directions", params={"format": "json"}).text)
    assert directions and {"canonical", "acronym", "cited"} <= set(directions[0])
    some = demo.get("/directions", params={"texte": "finances", "format": "json"}).json()
    assert some and all("financ" in (d["canonical"] + (d["acronym"] or "")).lower() for d in some)
    assert "Directions et services" in demo.get("/directions").text


def test_documents_list_statuses(hostile: TestClient) -> None:
    html = hostile.get("/documents").text
    assert html.count('class="status-ingested"') == 3
    failed = re.search(r'<tr class="status-failed">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "broken.pdf" in failed and 'class="reason small"' in failed


def test_serve_cli_help_and_missing_index(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from greffier.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "greffier serve --index" in result.output
    missing = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no greffier index" in missing.output


def test_cli_does_not_import_the_web_stack() -> None:
    code = (
        "import sys, greffier.cli; "
        "print(any(m.split('.')[0] in ('starlette', 'uvicorn', 'jinja2') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_indicators_register_filters_and_exports(demo) -> None:  # type: ignore[no-untyped-def]
    """The indicators register lists the records with their source page, filters by code, issuer
    and year, and exports what it shows as CSV and JSON; hostile filters are plain text."""
    r = demo.get("/indicateurs")
    assert r.status_code == 200 and "Indicateurs" in r.text
    rows = demo.get("/indicateurs", params={"format": "json"}).json()
    assert rows, "corpus/ holds the SPANC 2023 report: some indicators are read"
    first = rows[0]
    assert {"indicator", "value", "year", "doc_id", "page"} <= set(first)
    assert f"/page/{first['doc_id']}/{first['page']}" in r.text  # each row cites its page
    year = next(x["year"] for x in rows if x["year"])
    only = demo.get("/indicateurs", params={"annee": str(year), "format": "json"}).json()
    assert only and all(x["year"] == year for x in only) and len(only) <= len(rows)
    csv_text = demo.get("/indicateurs", params={"format": "csv"}).text
    assert csv_text.splitlines()[0].startswith("indicator,code,value")
    evil = demo.get("/indicateurs", params={"code": "<script>alert(1)</script>", "annee": "20x5"})
    assert evil.status_code in (200, 400) and "<script>alert(1)</script>" not in evil.text  # an error page at worst
