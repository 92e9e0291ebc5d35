"""One writer, many readers: the index's single-writer lock.

A writer (``ingest``, ``check --repair``) holds an exclusive ``flock`` on ``greffier-writer.lock``
in the index directory for as long as it may write, and writes its pid there so that a second
writer can say who holds it. The kernel drops the lock when the process dies (even on kill -9),
so a stale lock file never blocks anyone: its pid is only informative. Readers never touch it.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path

from greffier.errors import IndexDamagedError, WriterBusyError

log = logging.getLogger(__name__)

LOCK_NAME = "greffier-writer.lock"


class WriterLock:
    """The single-writer lock of one index directory (not reentrant)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.path = directory / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: bool = False) -> None:
        """Take the lock; when another process holds it, wait for it (``wait``) or raise
        :class:`WriterBusyError` naming its pid."""
        if self._fd is not None:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise IndexDamagedError(
                f"{self.dir}: cannot write here ({exc.strerror or exc}); an index in a read-only "
                "directory can be searched, not ingested into"
            ) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                pid = _read_pid(fd)
                if not wait:
                    raise WriterBusyError(str(self.dir), pid) from None
                log.warning("waiting for another ingest (pid %s) to finish", pid or "unknown")
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # no pid: nobody holds it
        except OSError:
            pass
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def writer_pid(directory: Path) -> int | None:
    """The pid of the writer that holds the lock of ``directory``, read without taking it (from
    the pid it wrote; None when none is written or that process is gone)."""
    try:
        text = (directory / LOCK_NAME).read_text(encoding="ascii", errors="replace").strip()
        pid = int(text) if text else None
    except (OSError, ValueError):
        return None
    if pid is None:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, someone else's
        return pid
    return pid
