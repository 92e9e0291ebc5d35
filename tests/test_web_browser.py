"""greffier serve in a real browser: uvicorn in a thread of this process, Debian's Chromium driven
by Playwright. Skipped when Chromium or Playwright is missing."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import CORPUS

pytest.importorskip("starlette")
sync_api = pytest.importorskip("playwright.sync_api")

from greffier.settings import Settings  # noqa: E402
from greffier.web.server import BackgroundServer  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GREFFIER_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(demo_index: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(Settings(index_dir=demo_index, workers=1)) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium is not installed ({CHROMIUM}): apt-get install -y chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="fr-FR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()
    assert not errors, errors  # no CSP violation, no script error


def _not_blank(png: bytes, size: tuple[int, int]) -> None:
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == size
    stat = ImageStat.Stat(image)
    assert stat.stddev[0] > 10  # text and colours, not one flat colour
    lo, hi = image.getextrema()
    assert hi - lo > 100


def test_search_then_open_the_cited_page(server: BackgroundServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.fill("input[name=q]", "emprises commerciales prix de base")
    page.select_option("select[name=mode]", "keyword")
    page.click("button[type=submit]")
    page.wait_for_selector("li.hit")
    assert "q=emprises+commerciales" in page.url  # the URL holds the query
    first = page.locator("li.hit").first
    assert first.locator("mark").count() >= 2
    assert "**" not in first.inner_text()
    assert "Pierrefonds" in first.inner_text() and "page " in first.inner_text()
    shot = page.screenshot()
    _not_blank(shot, (VIEWPORT["width"], VIEWPORT["height"]))
    if os.environ.get("GREFFIER_SCREENSHOT"):  # docs/serve.png: GREFFIER_SCREENSHOT=docs/serve.png pytest -m browser
        Path(os.environ["GREFFIER_SCREENSHOT"]).write_bytes(shot)
    first.locator("a.hit-title").click()
    page.wait_for_selector(".page-frame img")
    page.wait_for_function("document.querySelector('.page-frame img').naturalWidth > 0")
    assert page.locator(".overlay rect.hl").count() >= 1
    box = page.locator(".page-frame img").bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 700
    assert "page 2 / 14" in page.inner_text("h1")
    page.click("a[rel=next]")
    page.wait_for_url("**/page/compte-rendu-17-11-2015/3")
    page.click("text=le document")
    page.wait_for_url("**/document/compte-rendu-17-11-2015")
    assert page.locator("ul.toc li").count() > 5


def test_ask_a_question_and_read_the_evidence(server: BackgroundServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/question")
    q = "Combien de délibérations la Métropole Aix-Marseille-Provence a-t-elle préparées en 2017 ?"
    page.fill("input[name=q]", q)
    page.click("button[type=submit]")
    page.wait_for_selector("h2.answer")
    assert page.inner_text("h2.answer") == "1 861 délibérations"
    assert page.inner_text(".confidence").endswith("%")
    assert "Préparation et suivi des assemblées" in page.inner_text(".answer-block blockquote.evidence >> nth=0")
    page.locator(".answer-block a.cite-link").first.click()
    page.wait_for_url("**/page/amp-rapport-activite-2017/65**")
    assert "1 861 délibérations" in page.inner_text("pre.page-text mark")


def test_trend_chart_shows_the_missing_year(server: BackgroundServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/question?q=%C3%89volution+du+taux+TFNB+entre+2013+et+2015&serie=1")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart circle.point").count() == 2
    assert page.locator("svg.chart text.missing").text_content() == "n.d."
    assert page.locator("tr.missing-row").inner_text().startswith("2013")


def test_export_deliberations_as_csv(server: BackgroundServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/deliberations")
    page.select_option("select[name=annee]", "2015")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**annee=2015**")
    shown = page.locator("table.delibs tbody tr").count()
    assert shown > 0
    with page.expect_download() as info:
        page.click("text=CSV")
    download = info.value
    assert download.suggested_filename == "deliberations.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == shown and all(r["date"].startswith("2015") for r in rows if r["date"])


def test_documents_page(server: BackgroundServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/documents")
    files = [p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".txt")]
    assert page.locator("table.documents tbody tr").count() == len(files)
    ingested = page.locator("tr.status-ingested").count()
    assert ingested == len(files) or (ingested == len(files) - 1 and page.locator("tr.status-needs_ocr").count() == 1)


def test_search_and_registers_work_with_javascript_off(server: BackgroundServer, browser) -> None:  # type: ignore[no-untyped-def]
    """Search and the registers are plain forms and links: they work in a browser with JavaScript off."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False, locale="fr-FR")
    try:
        pg = context.new_page()
        pg.goto(server.url + "/")
        pg.fill("input[name=q]", "emprises commerciales prix de base")
        pg.click("button[type=submit]")
        pg.wait_for_selector("li.hit")
        assert "q=emprises+commerciales" in pg.url and pg.locator("li.hit").count() >= 1
        pg.goto(server.url + "/deliberations")
        first_page = pg.inner_text("table tbody")
        assert pg.locator("table tbody tr").count() >= 1
        pg.click("text=suivante")  # pagination is a link
        assert pg.locator("table tbody tr").count() >= 1 and pg.inner_text("table tbody") != first_page
    finally:
        context.close()
