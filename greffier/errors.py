"""Exceptions raised by greffier's library code.

The CLI turns :class:`UsageError` into a click usage error (exit 2) and every other
:class:`GreffierError` into a click exception (exit 1). Library code never prints or exits.
"""

from __future__ import annotations


class GreffierError(Exception):
    """Base class of every error greffier raises on purpose."""


class UsageError(GreffierError):
    """The caller asked for something malformed (bad option value, bad query syntax)."""


class InputError(GreffierError):
    """A source file cannot be read or parsed; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:  # picklable across worker processes
        return (InputError, (self.path, self.reason))


class IndexMismatchError(GreffierError):
    """An index on disk was built with another configuration than the one requested."""


class NotFoundError(GreffierError):
    """A document, section or passage that was asked for does not exist."""


class ModelUnavailableError(GreffierError):
    """A model is not installed locally (greffier never downloads at run time)."""


class OutputError(GreffierError):
    """An output file cannot be written; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str]]:
        return (OutputError, (self.path, self.reason))


class MissingDependencyError(GreffierError):
    """An optional feature needs a package that is not installed; the message says what to install."""


class WriterBusyError(GreffierError):
    """Another process holds the index's single-writer lock (an ingest is running)."""

    def __init__(self, directory: str, pid: int | None) -> None:
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"another ingest ({who}) is running on {directory}: wait for it to finish, or pass --wait")
        self.directory = directory
        self.pid = pid

    def __reduce__(self) -> tuple[type[WriterBusyError], tuple[str, int | None]]:
        return (WriterBusyError, (self.directory, self.pid))


class IndexDamagedError(GreffierError):
    """A part of the index on disk is missing or unreadable; the message says how to repair it."""
