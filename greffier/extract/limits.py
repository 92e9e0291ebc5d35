"""Bounds per document: parsing runs in worker processes, each under a memory limit
(``RLIMIT_AS``) and each document under a time limit. A document over a limit is reported failed
with the reason, its worker is replaced, and the batch goes on.

A small pool of its own rather than :class:`concurrent.futures.ProcessPoolExecutor`: that pool
cannot stop one task that runs too long, and breaks as a whole when one worker dies.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from greffier.errors import InputError

log = logging.getLogger(__name__)

DEFAULT_MEMORY_MB = 1536
DEFAULT_SECONDS = 120.0


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB  # address space of one parse worker; 0: no limit
    seconds: float = DEFAULT_SECONDS  # one document's parse (and embedding); 0: no limit


def _apply_memory_limit(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


_CONN: Connection | None = None  # in a worker: its pipe to the parent


def heartbeat() -> None:
    """Called by long, steady work (OCR, page after page): the time limit starts again from
    now, so that a 60-page scan is bounded per page rather than as a whole. No-op outside a worker."""
    if _CONN is not None:
        try:
            _CONN.send(("alive",))
        except (OSError, ValueError):
            pass


def _worker_main(conn: Connection, memory_mb: int, fn: Callable[[Any], Any]) -> None:
    """A worker: parse the jobs it is sent, one at a time; after a MemoryError, stop (its heap
    may be in pieces) and let the parent start another."""
    global _CONN
    _CONN = conn
    _apply_memory_limit(memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(("start",))  # the time limit runs from here (not from the worker's start-up)
        try:
            result, keep = fn(job), True
        except MemoryError:
            result, keep = InputError(job[0], f"over the memory limit of a parse ({memory_mb} MB)"), False
        if isinstance(result, InputError) and "MemoryError" in result.reason:
            result, keep = InputError(job[0], f"over the memory limit of a parse ({memory_mb} MB)"), False
        try:
            conn.send(("done", result, keep))
        except MemoryError:
            conn.send(("done", InputError(job[0], f"over the memory limit of a parse ({memory_mb} MB)"), False))
            return
        if not keep:
            return


class _Worker:
    def __init__(self, ctx: Any, limits: Limits, fn: Callable[[Any], Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, limits.memory_mb, fn), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.path = ""
        self.deadline = float("inf")

    def give(self, index: int, job: Sequence[Any]) -> None:
        self.index, self.path = index, str(job[0])
        self.deadline = float("inf")  # until the worker says it started the job
        self.conn.send(job)

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                kill = True
            self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_bounded(
    jobs: Sequence[Sequence[Any]], fn: Callable[[Any], Any], workers: int, limits: Limits, ctx: Any
) -> Iterator[Any]:
    """``fn(job)`` for every job, in worker processes under ``limits``, the results in job order.
    ``job[0]`` is the file's path: a job over a limit gives an :class:`InputError` naming it."""
    todo = deque(enumerate(jobs))
    done: dict[int, Any] = {}
    pool = [_Worker(ctx, limits, fn) for _ in range(max(1, min(workers, len(jobs))))]
    out = 0
    try:
        while out < len(jobs):
            for w in pool:
                if w.index is None and todo:
                    i, job = todo.popleft()
                    w.give(i, job)
            busy = [w for w in pool if w.index is not None]
            if not busy:  # cannot happen: every job is either given out or done
                raise RuntimeError("parse pool has nothing to wait for")
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=min(timeout, 3600)))
            for k, w in enumerate(pool):
                if w.index is None:
                    continue
                replace = False
                if w.conn in ready or w.conn.poll():
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        message = ("done", _died(w, limits), False)
                    if message[0] in ("start", "alive"):
                        w.deadline = time.monotonic() + limits.seconds if limits.seconds > 0 else float("inf")
                        continue
                    _, result, keep = message
                    replace = not keep
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    result, replace = _died(w, limits), True
                elif time.monotonic() >= w.deadline:
                    log.warning("%s: parse over %g s: stopped", w.path, limits.seconds)
                    reason = f"parsing took longer than the limit ({limits.seconds:g} s)"
                    result, replace = InputError(w.path, reason), True
                else:
                    continue
                done[w.index] = result
                w.index = None
                if replace:
                    w.stop(kill=True)
                    pool[k] = _Worker(ctx, limits, fn) if todo else w
            while out in done:
                yield done.pop(out)
                out += 1
    finally:
        for w in pool:
            if w.proc.pid is not None and (w.proc.is_alive() or w.proc.exitcode is None):
                w.stop(kill=w.index is not None)


def _died(w: _Worker, limits: Limits) -> InputError:
    w.proc.join(timeout=5)
    code = w.proc.exitcode
    log.warning("%s: the parse worker died (exit code %s)", w.path, code)
    if limits.memory_mb > 0:
        reason = f"the parser died (exit code {code}): over the memory limit ({limits.memory_mb} MB) or a damaged file"
    else:
        reason = f"the parser died (exit code {code}): a damaged file"
    return InputError(w.path, reason)
