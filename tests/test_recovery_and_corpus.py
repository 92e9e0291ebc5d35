"""Interrupted ingests, re-ingest of changed files, and the whole shared corpus."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from greffier.api import STORE_NAME, Greffier
from greffier.settings import Settings

from .conftest import CORPUS


def _snapshot(directory: Path) -> list[tuple]:
    conn = sqlite3.connect(directory / STORE_NAME)
    rows = conn.execute("SELECT passage_id, doc_id, page, text FROM passages ORDER BY passage_id").fetchall()
    conn.close()
    return rows


def test_a_killed_run_is_completed_by_the_next_writer(tmp_path: Path) -> None:
    """Simulate a kill between the store commit and the keyword-index commit: a reader reads the
    last committed state (and writes nothing); the next ingest completes the run."""
    src = CORPUS / "20250306-PV.pdf"
    ref = tmp_path / "ref"
    with Greffier(Settings(index_dir=ref, workers=1)) as g:
        g.ingest([src])
        expected = [h.passage_id for h in g.search("RODP chantiers provisoires")]
    crashed = tmp_path / "crashed"
    with Greffier(Settings(index_dir=crashed, workers=1)) as g:
        g.ingest([src])
        g.keyword.delete_doc("20250306-pv")  # the index loses the document...
        g.keyword.commit()
        g.store.conn.execute("UPDATE documents SET index_state = 'pending'")  # ...as a kill would leave it
    with Greffier(Settings(index_dir=crashed, workers=1)) as g:  # a reader does not recover
        assert g.search("RODP chantiers provisoires") == []
        assert g.store.pending_documents() == ["20250306-pv"]
    with Greffier(Settings(index_dir=crashed, workers=1)) as g:  # the next writer does
        assert g.ingest([src])[0].status == "unchanged"
        assert [h.passage_id for h in g.search("RODP chantiers provisoires")] == expected
        assert g.status()["indexed_passages"] == g.status()["passages"]
    assert _snapshot(crashed) == _snapshot(ref)


def test_a_changed_file_replaces_its_records(tmp_path: Path) -> None:
    f = tmp_path / "rapport.txt"
    f.write_text("01 – LES FINANCES\nLe budget de la piscine municipale est voté.\n", encoding="utf-8")
    idx = tmp_path / "idx"
    with Greffier(Settings(index_dir=idx, workers=1)) as g:
        assert g.ingest([f])[0].status == "ingested"
        assert g.search("piscine")
        f.write_text("01 – LES FINANCES\nLe budget de la médiathèque est voté.\n", encoding="utf-8")
        r = g.ingest([f])[0]
        assert (r.status, r.doc_id) == ("ingested", "rapport")
        assert g.search("piscine") == [] and g.search("médiathèque")[0].doc_id == "rapport"
        assert g.status()["documents"] == 1


def test_unchanged_file_is_a_no_op(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    shutil.copy(CORPUS / "amp-rapport-activite-2017.txt", f)
    idx = tmp_path / "idx"
    with Greffier(Settings(index_dir=idx, workers=1)) as g:
        g.ingest([f])
        before = _snapshot(idx)
        assert g.ingest([f])[0].status == "unchanged"
    assert _snapshot(idx) == before


@pytest.mark.corpus
def test_whole_shared_corpus(shared_corpus: Path, tmp_path: Path) -> None:
    """The three issuers' folders (pinned: the shared corpus grows), the scan among them read by OCR."""
    from greffier.extract import ocr

    folders = [shared_corpus / f for f in ("pierrefonds", "lisieres-oise", "amp-2017")]
    with Greffier(Settings(index_dir=tmp_path / "idx", workers=2)) as g:
        results = g.ingest(folders)
        by_name = {Path(r.path).name: r for r in results}
        assert all(r.status in ("ingested", "needs_ocr") for r in results), [r for r in results if r.error]
        scan = by_name["LISTE-DELIBERATIONS-DU-27-janvier-2026.pdf"]
        if ocr.unavailable() is None:
            assert scan.status == "ingested" and scan.ocr_pages == scan.pages
            assert sum(r.status == "ingested" for r in results) == len(results)
        else:
            assert scan.status == "needs_ocr"
            assert sum(r.status == "ingested" for r in results) == len(results) - 1
        docs = {d.doc_id: d for d in g.documents()}
        minutes = [d for d in docs.values() if d.kind == "proces_verbal"]
        assert len(minutes) >= 45 and all(d.date and d.year == int(d.date[:4]) for d in minutes)
        assert {d.year for d in minutes if d.issuer == "Commune de Pierrefonds"} >= set(range(2015, 2021)) | {
            2024,
            2025,
        }
        assert docs["rapport-activite-2017"].pages == 65
        hits = g.search("taux taxe foncière bâti", g.filters(issuer="Pierrefonds"), limit=20)
        assert hits and all(h.issuer == "Commune de Pierrefonds" for h in hits)
        # every cited page exists in its document
        assert all(1 <= h.page <= docs[h.doc_id].pages for h in hits)
        out = json.dumps([h.snippet for h in hits], ensure_ascii=False)
        assert "\uf0b7" not in out and "\ufffe" not in out


@pytest.mark.corpus
def test_regression_rpqs_glyphs_split_one_per_line(shared_corpus: Path) -> None:
    """Regression: PDFium put each glyph of the RPQS OM 2023 page 2 on its own line."""
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(shared_corpus / "lisieres-oise" / "4.-Annexe-DEL2024-48-RPQS-OM-2023.pdf", "rpqs")
    page2 = next(p for p in parsed.pages if p.number == 2).text
    assert "La Communauté de Communes des Lisières de l’Oise exerce de plein droit" in page2
    assert parsed.document.issuer == "Communauté de communes des Lisières de l’Oise"
    assert parsed.document.kind == "rpqs" and parsed.document.year == 2023
