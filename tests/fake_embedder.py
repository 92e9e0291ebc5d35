"""A model-free embedder for tests: hashed bags of accent-folded words (and their 5-letter
prefixes), L2-normalized. Lexical, not semantic: enough to test storage, filters, fusion and
consistency without loading a model."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

DIM = 64


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


class HashEmbedder:
    normalized = True
    calls: ClassVar[list[int]] = []  # passages embedded per call, across instances (for incremental tests)

    def __init__(self, spec: str = "test-hash") -> None:
        self.name = spec
        self.dim = DIM

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for w in re.findall(r"\w{3,}", _fold(text)):
            for token in {w, w[:5]}:
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")
                v[h % DIM] += 1.0 if (h >> 16) & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        HashEmbedder.calls.append(len(texts))
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)
