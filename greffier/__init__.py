"""greffier: French public-sector reports as a searchable, citable record."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Greffier", "__version__"]


def __getattr__(name: str) -> Any:  # lazy, so that `import greffier.extract` stays light
    if name == "Greffier":
        from greffier.api import Greffier

        return Greffier
    raise AttributeError(name)
