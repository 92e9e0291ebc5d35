from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _shared_corpus() -> Path | None:
    env = os.environ.get("GREFFIER_SHARED_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"]
    return next((c for c in candidates if (c / "README.md").exists()), None)


SHARED = _shared_corpus()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def shared_corpus() -> Path:
    if SHARED is None:
        pytest.skip("../shared/corpus is not here (a user's clone): integration test skipped")
    return SHARED


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of corpus/ built once per test session (tantivy)."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    directory = tmp_path_factory.mktemp("demo-index")
    from greffier.extract import ocr

    with Greffier(Settings(index_dir=directory, workers=1)) as g:
        results = g.ingest([CORPUS])
    scan_ok = "ingested" if ocr.unavailable() is None else "needs_ocr"  # the one scan of corpus/
    assert all(r.status == (scan_ok if "arrete" in r.path else "ingested") for r in results), results
    return directory


# -- embeddings: no model unless a test asks for one ---------------------------------------
# Tests run keyword-only ("none") and without spaCy names (GREFFIER_NER=off) by default;
# tests of the vector machinery use the model-free
# "test-hash" embedder below; tests that load a real model are marked `models` and say which.
from greffier.index.embeddings import register_backend  # noqa: E402

from .fake_embedder import HashEmbedder  # noqa: E402

register_backend("test-hash", HashEmbedder)


@pytest.fixture(autouse=True, scope="session")
def _no_model_by_default() -> object:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GREFFIER_EMBEDDING_MODEL", "none")
        mp.setenv("GREFFIER_NER", "off")  # spaCy names: tests that want them pass ner= or set it
        yield
