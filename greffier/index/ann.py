"""Inverted-file (IVF) kernels of the vector index: spherical k-means lists over the rows of a
float32 matrix, and exact cosines over the rows of the lists a query probes.

Pure functions over numpy arrays (no files, no SQLite): :mod:`greffier.index.vectors` owns the
matrix, the id table and when lists are (re)built, and hands these functions its sizes.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

_DTYPE = np.float32
_KMEANS_ITERS = 5
_KMEANS_SEED = 20_261_126
_COARSE_SAMPLE = 64  # rows per coarse centroid its k-means is trained on
_COARSE_CELLS_PER_ROW = 3  # a row joins the best fine list of its 3 nearest coarse cells
_FINGERPRINT_ROWS = 64
_SPLIT_OVER = 2  # lists over twice the target size are split


@dataclass(frozen=True)
class Ivf:
    """Inverted lists over the first ``rows`` rows of one generation's matrix: list ``i`` is
    rows ``offsets[i]:offsets[i + 1]``, its centroid ``centroids[i]`` (unit length)."""

    rows: int
    offsets: np.ndarray  # int64, lists + 1
    centroids: np.ndarray  # float32, lists x dim
    sizes: np.ndarray  # int64 rows per list
    list_of: np.ndarray  # int32 list of each row


NO_HITS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=_DTYPE))


_GATHER_ROWS = 512  # rows gathered at a time: 1 MB, scored while it is still in the CPU cache


def gathered(data: np.ndarray, q: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosines of scattered rows. Gathered a block at a time: one gather of them all writes a
    copy bigger than the cache, then reads it back (measured: 5.2 ms against 3.3 ms for 4,000)."""
    scores = np.empty(rows.size, dtype=_DTYPE)
    for i in range(0, rows.size, _GATHER_ROWS):
        scores[i : i + _GATHER_ROWS] = data[rows[i : i + _GATHER_ROWS]] @ q
    return scores


def exact(data: np.ndarray, q: np.ndarray, keep: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosines) of the kept rows among ``lo:hi``, every one scored."""
    kept = np.flatnonzero(keep[lo:hi])
    if kept.size == 0:
        return NO_HITS
    if kept.size < (hi - lo) // 3:  # selective filter: gather only the kept rows
        scores = gathered(data, q, lo + kept)
    elif kept.size == hi - lo:
        scores = data[lo:hi] @ q
    else:
        scores = (data[lo:hi] @ q)[kept]
    return lo + kept, np.asarray(scores, dtype=_DTYPE)


def scan_lists(
    ivf: Ivf,
    data: np.ndarray,
    q: np.ndarray,
    keep: np.ndarray,
    filtered: bool,
    limit: int,
    *,
    min_scan: int,
    per_result: int,
    fraction: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosines) of kept rows of the clustered part, from the lists whose centroids are
    closest to ``q``: as many lists as it takes to see the scan budget of kept rows, a share of
    the rows the filters keep (and dead rows of deleted documents do not count)."""
    offsets = ivf.offsets
    sparse = filtered or not keep.all()
    per_list = np.add.reduceat(keep, offsets[:-1], dtype=np.int64) if sparse else ivf.sizes
    total = int(per_list.sum())
    budget = max(min_scan, per_result * limit, math.ceil(fraction * total))
    if total <= budget + budget // 4:  # nearly every kept row: score them all
        return exact(data, q, keep, 0, ivf.rows)
    probe = nearest_lists(ivf.centroids @ q, per_list, budget)
    starts, ends = offsets[probe], offsets[probe + 1]
    if sparse and 3 * int(per_list[probe].sum()) < int((ends - starts).sum()):  # few kept: gather them
        chosen = np.zeros(per_list.size, dtype=bool)
        chosen[probe] = True
        rows = np.flatnonzero(keep)
        rows = rows[chosen[ivf.list_of[rows]]]
        return rows, gathered(data, q, rows)
    cut = np.flatnonzero(starts[1:] != ends[:-1]) + 1  # lists next to each other: one run
    starts = starts[np.concatenate(([0], cut))]
    ends = ends[np.concatenate((cut - 1, [probe.size - 1]))]
    lengths = ends - starts
    before = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    rows = np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))
    scores = np.empty(rows.size, dtype=_DTYPE)
    for start, end, at in zip(starts.tolist(), ends.tolist(), before.tolist()):
        scores[at : at + end - start] = data[start:end] @ q
    if sparse:
        ok = keep[rows]
        rows, scores = rows[ok], scores[ok]
    return rows, scores


def nearest_lists(similarity: np.ndarray, per_list: np.ndarray, budget: int) -> np.ndarray:
    """The lists of highest centroid similarity, best first, until they hold ``budget`` rows;
    returned sorted by position (so that the reads go forward)."""
    n = similarity.size
    held = per_list[per_list > 0]
    guess = min(n, 2 * budget // max(1, int(held.mean())) + 64) if held.size else n
    while True:
        top = np.argpartition(-similarity, guess - 1)[:guess] if guess < n else np.arange(n)
        top = top[np.lexsort((top, -similarity[top]))]
        cumulative = np.cumsum(per_list[top])
        if cumulative[-1] >= budget or guess >= n:
            return np.sort(top[: int(np.searchsorted(cumulative, budget)) + 1])
        guess = min(n, 2 * guess)


def unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.ascontiguousarray(m / np.maximum(norms, 1e-12), dtype=_DTYPE)


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Spherical k-means (Lloyd on dot products) of the rows of ``x``: ``k`` unit centroids
    (at most one per row)."""
    n = x.shape[0]
    k = max(1, min(k, n))
    centroids = unit_rows(x[np.sort(rng.choice(n, k, replace=False))])
    for _ in range(_KMEANS_ITERS):
        scores = x @ centroids.T
        assign = np.argmax(scores, axis=1)
        onehot = np.zeros((k, n), dtype=_DTYPE)
        onehot[assign, np.arange(n)] = 1.0
        sums = onehot @ x
        empty = np.flatnonzero(np.bincount(assign, minlength=k) == 0)
        if empty.size:  # reseed with the rows that fit their centroid worst
            sums[empty] = x[np.argsort(scores[np.arange(n), assign])[: empty.size]]
        centroids = unit_rows(sums)
    return centroids


def cluster(
    matrix: np.ndarray, rows: np.ndarray, *, list_size: int, lists_per_sqrt: float
) -> tuple[np.ndarray, np.ndarray]:
    """Inverted lists over ``matrix[rows]`` (~``list_size`` rows each, fewer and longer lists
    past 100,000 rows: at most ``lists_per_sqrt`` x sqrt(rows)): a permutation of
    ``range(len(rows))`` that puts each list's rows together (in row order within a list), and
    the lists' bounds in it. Two-level spherical k-means, cheap enough for a commit (a few
    seconds at 100,000 rows): ~sqrt(lists) coarse cells trained on a sample, each cell's rows
    split into fine lists, then every row joins the best fine centroid of its nearest coarse
    cells (so that a cell border does not cut a list)."""
    rng = np.random.default_rng(_KMEANS_SEED)
    n = rows.size
    n_lists = max(1, round(min(n / list_size, lists_per_sqrt * math.sqrt(n))))
    sample = np.sort(rng.choice(n, min(n, _COARSE_SAMPLE * max(1, round(math.sqrt(n_lists)))), replace=False))
    coarse = kmeans(np.asarray(matrix[rows[sample]]), round(math.sqrt(n_lists)), rng)
    n_cells = coarse.shape[0]
    m = min(_COARSE_CELLS_PER_ROW, n_cells)
    near = np.empty((n, m), dtype=np.int32)  # nearest coarse cells of each row, best first
    for start in range(0, n, 8192):
        scores = np.asarray(matrix[rows[start : start + 8192]]) @ coarse.T
        top = np.argpartition(-scores, m - 1, axis=1)[:, :m] if m < n_cells else np.argsort(-scores, axis=1)
        best_first = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        near[start : start + 8192] = np.take_along_axis(top, best_first, axis=1)
    fine: list[np.ndarray] = []
    for cell in range(n_cells):
        members = np.flatnonzero(near[:, 0] == cell)
        if members.size == 0:
            fine.append(np.zeros((0, matrix.shape[1]), dtype=_DTYPE))
            continue
        fine.append(kmeans(np.asarray(matrix[rows[members]]), round(members.size * n_lists / n), rng))
    first = np.concatenate(([0], np.cumsum([f.shape[0] for f in fine])))
    best = np.full(n, -np.inf, dtype=_DTYPE)
    assign = np.zeros(n, dtype=np.int64)
    for cell in range(n_cells):
        if fine[cell].shape[0] == 0:
            continue
        members = np.flatnonzero((near == cell).any(axis=1))
        for start in range(0, members.size, 8192):
            idx = members[start : start + 8192]
            scores = np.asarray(matrix[rows[idx]]) @ fine[cell].T
            j = np.argmax(scores, axis=1)
            value = scores[np.arange(idx.size), j]
            better = value > best[idx]
            best[idx[better]] = value[better]
            assign[idx[better]] = first[cell] + j[better]
    # a list far over the target size mixes several topics: its centroid, their average, is far
    # from each of them (a query near one would rank the list low): split it
    counts = np.bincount(assign, minlength=int(first[-1]))
    label = int(first[-1])
    target = n / n_lists
    for big in np.flatnonzero(counts > _SPLIT_OVER * target):
        members = np.flatnonzero(assign == big)
        parts = kmeans(np.asarray(matrix[rows[members]]), round(members.size / target), rng)
        part = np.argmax(np.asarray(matrix[rows[members]]) @ parts.T, axis=1)
        assign[members] = np.where(part == 0, big, label + part - 1)
        label += parts.shape[0] - 1
    order = np.argsort(assign, kind="stable")
    counts = np.bincount(assign, minlength=label)
    offsets = np.concatenate(([0], np.cumsum(counts[counts > 0]))).astype(np.int64)
    return order, offsets


def fingerprint(matrix: np.ndarray, rows: int) -> str:
    """Identifies the first ``rows`` rows of a matrix, from a sample of them (the first, the last
    and evenly spaced ones)."""
    picks = np.unique(np.linspace(0, rows - 1, _FINGERPRINT_ROWS).round().astype(np.int64))
    h = hashlib.blake2b(digest_size=16)
    h.update(str(rows).encode("ascii"))
    h.update(np.ascontiguousarray(matrix[picks], dtype=_DTYPE).tobytes())
    return h.hexdigest()
