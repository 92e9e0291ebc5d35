"""The files an ingest takes: arguments expanded, every path that cannot be taken named with why.

Nothing here raises for one bad path: an undecodable name, a symbolic-link loop, an unreadable or
vanished file or directory each come back as one (path, reason) pair, and the batch goes on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from greffier.extract.formats import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)


def shown(path: str | Path | bytes) -> str:
    """A path as text that can always be printed and stored: bytes that are not UTF-8 (kept by
    Python as lone surrogates) become ``\\xNN``."""
    if isinstance(path, bytes):
        return path.decode("utf-8", "backslashreplace")
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def undecodable(path: str | Path) -> bool:
    try:
        str(path).encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def resolved(path: Path) -> str | None:
    """The absolute, symlink-free path, or None when it cannot be worked out (a loop)."""
    try:
        return str(path.resolve(strict=False))
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's "Symlink loop"
        return None


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"


def _check_file(p: Path) -> str | None:
    """Why a file cannot be taken, or None."""
    if undecodable(p):
        return "file name is not valid UTF-8 (rename the file)"
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {p.suffix or '(none)'} (greffier reads .pdf and .txt)"
    if resolved(p) is None:
        return "symbolic link loop"
    if not os.access(p, os.R_OK):
        return "permission denied"
    return None


def _walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Supported files under ``root`` (sorted), with those that cannot be taken; symbolic links to
    directories are not followed (no loops), unreadable directories are reported."""
    found: list[tuple[Path, str | None]] = []

    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        found.append((where, _why(exc)))

    for dirpath, _dirs, files in os.walk(root, onerror=failed, followlinks=False):
        for name in files:
            f = Path(dirpath) / name
            if not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            try:
                st = os.stat(f)
            except OSError as exc:
                found.append((f, _why(exc)))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # a socket, a fifo...
            found.append((f, _check_file(f)))
    if not found:
        log.warning("%s: no .pdf or .txt file in this directory", shown(root))
    yield from sorted(found, key=lambda item: shown(item[0]))


def expand_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Files to ingest, each with an error when it cannot be taken. Directories are walked."""
    for raw in paths:
        p = Path(os.fsdecode(raw)) if isinstance(raw, bytes) else Path(raw)
        try:
            st = os.stat(p)
        except OSError as exc:
            yield p, _why(exc)
            continue
        except ValueError as exc:  # an embedded NUL
            yield p, f"invalid path ({exc})"
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(p)
        else:
            yield p, _check_file(p)
