"""The index's config file, written beside it: an index refuses a mismatched configuration."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from greffier.errors import IndexMismatchError
from greffier.index.store import SCHEMA_VERSION

CONFIG_NAME = "greffier-index.json"


@dataclass(frozen=True)
class IndexConfig:
    schema_version: int
    keyword_backend: str
    analyzer: str
    # passage vectors: None until an embedding model has written some (an index built before had none)
    embedding_model: str | None = None
    embedding_dim: int | None = None
    embedding_normalized: bool | None = None
    # what one vector stands for (greffier.index.units.units_label); None: written before it was
    # recorded, when every vector was a whole passage
    embedding_units: str | None = None
    # hybrid fusion tuned for this index's model (`greffier eval retrieval --tune --save`); None:
    # the model's built-in setting (greffier.settings.MODEL_FUSION)
    fusion_strategy: str | None = None
    fusion_keyword_weight: float | None = None
    fusion_rrf_k: int | None = None

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / (CONFIG_NAME + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, directory / CONFIG_NAME)

    @staticmethod
    def load(directory: Path) -> IndexConfig | None:
        path = directory / CONFIG_NAME
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return IndexConfig(
                schema_version=int(data["schema_version"]),
                keyword_backend=str(data["keyword_backend"]),
                analyzer=str(data["analyzer"]),
                embedding_model=None if data.get("embedding_model") is None else str(data["embedding_model"]),
                embedding_dim=None if data.get("embedding_dim") is None else int(data["embedding_dim"]),
                embedding_normalized=(
                    None if data.get("embedding_normalized") is None else bool(data["embedding_normalized"])
                ),
                embedding_units=None if data.get("embedding_units") is None else str(data["embedding_units"]),
                fusion_strategy=None if data.get("fusion_strategy") is None else str(data["fusion_strategy"]),
                fusion_keyword_weight=(
                    None if data.get("fusion_keyword_weight") is None else float(data["fusion_keyword_weight"])
                ),
                fusion_rrf_k=None if data.get("fusion_rrf_k") is None else int(data["fusion_rrf_k"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexMismatchError(f"{path}: unreadable index config ({exc})") from exc

    def check(self, wanted: IndexConfig, directory: Path) -> None:
        """Raise :class:`IndexMismatchError` when ``wanted`` differs from this saved config."""
        if self.schema_version != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"index {directory} has schema version {self.schema_version}, this greffier needs "
                f"{SCHEMA_VERSION}: re-ingest into a new --index directory"
            )
        for name in ("keyword_backend", "analyzer"):
            have, want = getattr(self, name), getattr(wanted, name)
            if have != want:
                raise IndexMismatchError(
                    f"index {directory} was built with {name}={have!r}, not {want!r}: use the same setting "
                    "or ingest into another --index directory"
                )

    def with_embedding(self, model: str, dim: int, normalized: bool, units: str | None = None) -> IndexConfig:
        return replace(
            self, embedding_model=model, embedding_dim=dim, embedding_normalized=normalized, embedding_units=units
        )

    @property
    def units(self) -> str:
        """What one vector stands for (an index written before this was recorded: whole passages)."""
        return self.embedding_units or "passages"

    def for_model(self, model: str, dim: int, normalized: bool, units: str | None = None) -> IndexConfig:
        """The config of this index re-embedded with another model (its fusion not tuned yet)."""
        return replace(
            self.with_embedding(model, dim, normalized, units),
            fusion_strategy=None,
            fusion_keyword_weight=None,
            fusion_rrf_k=None,
        )

    def with_fusion(self, strategy: str, keyword_weight: float, rrf_k: int) -> IndexConfig:
        return replace(self, fusion_strategy=strategy, fusion_keyword_weight=keyword_weight, fusion_rrf_k=rrf_k)

    def check_embedding(self, model: str, directory: Path) -> None:
        """Raise :class:`IndexMismatchError` when the index's vectors come from another model."""
        if self.embedding_model is not None and self.embedding_model != model:
            raise IndexMismatchError(
                f"index {directory} was embedded with model {self.embedding_model!r}, not {model!r}: "
                "a query must use the index's own model (leave --embedding-model out); re-embed the index "
                f"with `greffier embed --model {model}`, or ingest into another --index directory"
            )
