"""Validated settings: where the index lives and which backends it uses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from greffier.errors import UsageError
from greffier.extract.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS
from greffier.extract.ner import DEFAULT_NER, ENV_NER, ner_model
from greffier.index.embeddings import normalize_spec
from greffier.index.keyword import BACKENDS
from greffier.search.fusion import STRATEGIES

ENV_INDEX = "GREFFIER_INDEX"
ENV_WORKERS = "GREFFIER_WORKERS"
ENV_EMBEDDING_MODEL = "GREFFIER_EMBEDDING_MODEL"
ENV_OCR = "GREFFIER_OCR"
OCR_MODES = ("auto", "always", "never")
ENV_PARSE_MEMORY_MB = "GREFFIER_PARSE_MEMORY_MB"
ENV_PARSE_SECONDS = "GREFFIER_PARSE_SECONDS"

# Hybrid fusion, tuned on the dev half of tests/gold/questions/retrieval.jsonl (see README), per
# embedding model: (strategy, keyword weight, rrf k). An index's own tuning (`greffier eval retrieval
# --tune --save`, in its config) comes before these; Settings' explicit values before both.
FUSION_STRATEGY = "weighted"
FUSION_KEYWORD_WEIGHT = 0.8
FUSION_RRF_K = 60
MODEL_FUSION: dict[str, tuple[str, float, int]] = {
    "usem3": (FUSION_STRATEGY, FUSION_KEYWORD_WEIGHT, FUSION_RRF_K),
    "e5": ("zscore", 0.4, FUSION_RRF_K),
}


def default_index_dir() -> Path:
    """``GREFFIER_INDEX``, else the user data directory."""
    env = os.environ.get(ENV_INDEX)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("greffier", appauthor=False)) / "index"


def _default_workers() -> int:
    env = os.environ.get(ENV_WORKERS)
    if env:
        try:
            return max(1, int(env))
        except ValueError as exc:
            raise UsageError(f"{ENV_WORKERS}={env!r} is not a whole number") from exc
    # at least 2: workers = 1 parses in the ingest process itself, without the per-document bounds
    return max(2, min(4, os.cpu_count() or 1))


def _env_number(name: str, default: float) -> float:
    env = os.environ.get(name)
    if not env:
        return default
    try:
        return float(env)
    except ValueError as exc:
        raise UsageError(f"{name}={env!r} is not a number") from exc


def _default_memory_mb() -> int:
    return int(_env_number(ENV_PARSE_MEMORY_MB, DEFAULT_MEMORY_MB))


def _default_seconds() -> float:
    return _env_number(ENV_PARSE_SECONDS, DEFAULT_SECONDS)


def _default_embedding_model() -> str | None:
    return os.environ.get(ENV_EMBEDDING_MODEL) or None


def _default_ner() -> str:
    return os.environ.get(ENV_NER) or DEFAULT_NER


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=default_index_dir)
    keyword_backend: str | None = None  # None: whatever the index was built with (tantivy for a new one)
    workers: int = field(default_factory=_default_workers)
    # None: the index's own model (e5 for a new index); "none": no vectors, keyword search only
    embedding_model: str | None = field(default_factory=_default_embedding_model)
    # None: the index's tuned fusion, else its model's (MODEL_FUSION), else FUSION_*
    fusion: str | None = None
    keyword_weight: float | None = None
    rrf_k: int | None = None
    # ORG/PERSON/PLACE entities from spaCy: "on", "off" or a model (fr_core_news_sm, fr_core_news_md);
    # GREFFIER_NER, else off (on, ingest falls below 25 pages/s). Ingest hands it to every parse job.
    ner: str = field(default_factory=_default_ner)
    # scanned pages: "auto" (pages with no usable text layer), "always" (every PDF page), "never"
    ocr: str = field(default_factory=lambda: os.environ.get(ENV_OCR) or "auto")
    # bounds of one document's parse, in worker processes (workers > 1): address space of a worker
    # (RLIMIT_AS) and time; a document over one is failed, the batch goes on. 0: no bound.
    # GREFFIER_PARSE_MEMORY_MB, GREFFIER_PARSE_SECONDS. With workers = 1, files are parsed in the
    # ingest process itself, unbounded (tests, debugging).
    parse_memory_mb: int = field(default_factory=_default_memory_mb)
    parse_seconds: float = field(default_factory=_default_seconds)
    # a reader that never writes (a read-only directory is opened so anyway); ingest is refused
    read_only: bool = False

    def __post_init__(self) -> None:
        if self.keyword_backend is not None and self.keyword_backend not in BACKENDS:
            raise UsageError(f"unknown keyword backend {self.keyword_backend!r} (choose from {', '.join(BACKENDS)})")
        if self.ocr not in OCR_MODES:
            raise UsageError(f"unknown OCR mode {self.ocr!r} (choose from {', '.join(OCR_MODES)})")
        if self.workers < 1:
            raise UsageError("workers must be at least 1")
        if self.parse_memory_mb < 0 or self.parse_seconds < 0:
            raise UsageError("parse limits must not be negative (0: no limit)")
        object.__setattr__(self, "index_dir", Path(self.index_dir).expanduser())
        if self.embedding_model is not None:
            object.__setattr__(self, "embedding_model", normalize_spec(self.embedding_model))
        if self.fusion is not None and self.fusion not in STRATEGIES:
            raise UsageError(f"unknown fusion strategy {self.fusion!r} (choose from {', '.join(STRATEGIES)})")
        if self.keyword_weight is not None and not 0.0 <= self.keyword_weight <= 1.0:
            raise UsageError(f"keyword weight {self.keyword_weight} is not between 0 and 1")
        if self.rrf_k is not None and self.rrf_k < 0:
            raise UsageError("rrf k must not be negative")
        ner_model(self.ner)  # UsageError when malformed
