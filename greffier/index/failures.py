"""Files that failed to ingest, remembered beside the index (``ingest-failures.json``).

The store holds only documents that were read; a file that could not be (corrupt, encrypted,
unsupported) is listed here with its reason until a later ingest reads it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FAILURES_NAME = "ingest-failures.json"


def read_failures(index_dir: Path) -> list[dict[str, Any]]:
    """``{path, doc_id, error, at}`` for each file whose last ingest failed, by path."""
    try:
        data = json.loads((index_dir / FAILURES_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("%s unreadable (%s)", index_dir / FAILURES_NAME, exc)
        return []
    rows = data.get("failures", []) if isinstance(data, dict) else []
    return sorted((r for r in rows if isinstance(r, dict) and "path" in r), key=lambda r: str(r["path"]))


def record_failures(index_dir: Path, results: Iterable[Any]) -> None:
    """Update the list with one ingest's results: failed files added, files read since removed."""
    known = {str(r["path"]): r for r in read_failures(index_dir)}
    before = dict(known)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for r in results:
        if r.status == "failed":
            known[r.path] = {"path": r.path, "doc_id": r.doc_id, "error": r.error or "", "at": now}
        else:
            known.pop(r.path, None)
    if known == before:
        return
    target = index_dir / FAILURES_NAME
    try:
        if not known:
            target.unlink(missing_ok=True)
            return
        fd, tmp = tempfile.mkstemp(dir=index_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"failures": sorted(known.values(), key=lambda r: r["path"])}, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("%s not written (%s)", target, exc)
