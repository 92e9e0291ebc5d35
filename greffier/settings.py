"""Validated settings: where the index lives and which backends it uses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from greffier.errors import UsageError
from greffier.index.keyword import BACKENDS

ENV_INDEX = "GREFFIER_INDEX"
ENV_WORKERS = "GREFFIER_WORKERS"


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
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=default_index_dir)
    keyword_backend: str | None = None  # None: whatever the index was built with (tantivy for a new one)
    workers: int = field(default_factory=_default_workers)

    def __post_init__(self) -> None:
        if self.keyword_backend is not None and self.keyword_backend not in BACKENDS:
            raise UsageError(f"unknown keyword backend {self.keyword_backend!r} (choose from {', '.join(BACKENDS)})")
        if self.workers < 1:
            raise UsageError("workers must be at least 1")
        object.__setattr__(self, "index_dir", Path(self.index_dir).expanduser())
