"""e5's forward pass in torch, when torch is installed: the same weights as the numpy path
(:mod:`greffier.index.e5_fast`), its matrix products in bfloat16.

Why: the environment may pin OpenBLAS to its AVX2 kernels (``OPENBLAS_CORETYPE=Haswell`` here; greffier
never overrides a user's setting), which caps numpy's float32 products at ~100 GFLOP/s a core. torch's
CPU build multiplies bfloat16 matrices through oneDNN with the CPU's own instructions (AVX-512 BF16
where there is one) whatever OpenBLAS is told: 240-440 GFLOP/s a core here against numpy's ~100
(``bench/e5_engine.py``). torch is optional: without it (the default install) the numpy path runs.

What is bfloat16: the inputs of the four weight products of a layer (weights stored so once at load,
the activations rounded at each product; oneDNN accumulates in float32). The residual stream, the
layer norms, GELU (erf form, the engine's) and attention (one window at a time) stay float32.

Memory: oneDNN keeps state for each shape it multiplies. With every pass of its own length, the
process grew by ~1 MB a passage (2.2 GB at the end of an ingest of 638 pages); rows padded to a
multiple of 256 and float32 attention products (bfloat16 ones were as fast, within the noise) keep
it at ~750 MB (numpy path: ~490 MB). Vectors agree with the engine's to cosine ≥ 0.999 (checked at load on probe texts
with the numpy path's threshold: otherwise the float32 numpy path is used; ``tests/test_e5_torch.py``).

Threads: like the numpy path, each of the caller's threads runs whole passes on one torch thread
(:class:`_OneThread`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_LN2 = 0.6931471805599453  # the numpy path folds log2(e) into the query weights: undone in the softmax's scale
_local = threading.local()
_ROWS = 256  # the products' rows are padded to a multiple of this


def available() -> bool:
    """torch importable, with a CPU bfloat16 product that oneDNN runs (checked on a small one)."""
    try:
        import torch

        a = torch.ones(4, 64, dtype=torch.bfloat16)
        return float((a @ a.T)[0, 0]) == 64.0
    except Exception:  # not installed, broken, or no bfloat16 product here
        return False


class _OneThread:
    """torch on one thread in the calling thread while its passes run. torch's thread count is
    OpenMP's, which is a per-thread setting: each thread that runs passes sets its own (and
    puts it back). Left at 2 in the numpy path's two worker threads, the passes' products ran
    on two OpenMP teams at once and came back with NaN rows (the vector stage of a CLI run)."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def __enter__(self) -> None:
        depth = getattr(_local, "depth", 0)
        if depth == 0:
            _local.saved = self.torch.get_num_threads()
            if _local.saved != 1:
                self.torch.set_num_threads(1)
        _local.depth = depth + 1

    def __exit__(self, *exc: object) -> None:
        _local.depth -= 1
        if _local.depth == 0 and _local.saved != 1:
            self.torch.set_num_threads(_local.saved)


class E5Torch:
    """The encoder's layers in torch over :class:`E5Numpy`'s weights; ``forward`` is a drop-in
    for ``E5Numpy._forward`` (windows end to end, mean-pooled rows)."""

    def __init__(self, model: Any) -> None:
        import torch
        import torch.nn.functional as F

        self.torch, self.F = torch, F
        self.model = model
        self.H, self.NH, self.eps = model.H, model.NH, float(model.eps)
        bf = torch.bfloat16

        def w(a: np.ndarray) -> Any:  # (in, out) weights to (out, in), as F.linear takes them
            return torch.from_numpy(np.ascontiguousarray(a.T)).to(bf).contiguous()

        def t(a: np.ndarray) -> Any:
            return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

        self.layers = []
        for qkv_w, qkv_b, ao_w, ao_b, aln, fi_w, fi_b, fo_w, fo_b, oln in model.layers:
            self.layers.append(
                (
                    (w(qkv_w), t(qkv_b)),
                    (w(ao_w), t(ao_b)),
                    (t(aln[0]), t(aln[1])),
                    (w(fi_w), t(fi_b)),
                    (w(fo_w), t(fo_b)),
                    (t(oln[0]), t(oln[1])),
                )
            )
        self.eln = (t(model.eln[0]), t(model.eln[1]))
        self.one_thread = _OneThread(torch)

    def _linear(self, x: Any, wb: tuple[Any, Any]) -> Any:
        """x (float32) times the bfloat16 weights, plus the bias, in float32."""
        out = self.F.linear(x.to(self.torch.bfloat16), wb[0]).float()
        out += wb[1]
        return out

    def _attend(self, qkv: Any, spans: Sequence[tuple[int, int]]) -> Any:
        """Each window's self-attention in float32 (torch's fused attention ran ~1.6x slower here;
        bfloat16 products were no faster within the noise, and a shape a window length kept
        oneDNN's state growing)."""
        torch = self.torch
        H, NH = self.H, self.NH
        hd = H // NH
        ctx = torch.zeros((qkv.shape[0], H), dtype=torch.float32)  # padding rows stay 0
        for a, b in spans:
            n = b - a
            q, k, v = qkv[a:b].view(n, 3, NH, hd).permute(1, 2, 0, 3).unbind(0)  # (NH, n, hd) each
            scores = torch.bmm(q, k.transpose(1, 2))
            scores *= _LN2
            weights = torch.softmax(scores, dim=-1)
            ctx[a:b] = torch.bmm(weights, v).permute(1, 0, 2).reshape(n, H)
        return ctx

    def forward_embedded(self, x: np.ndarray, lens: Sequence[int]) -> np.ndarray:
        """The layers over ``x`` (word + position embeddings, float32, windows end to end)."""
        torch, F = self.torch, self.F
        bounds = np.cumsum([0, *lens])
        spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
        H, eps = self.H, self.eps
        rows = -(-len(x) // _ROWS) * _ROWS  # few distinct shapes: oneDNN keeps state per shape
        padded = np.zeros((rows, H), dtype=np.float32)
        padded[: len(x)] = x
        with torch.inference_mode(), self.one_thread:
            h = F.layer_norm(torch.from_numpy(padded), (H,), *self.eln, eps)
            for qkv, ao, aln, fi, fo, oln in self.layers:
                ctx = self._attend(self._linear(h, qkv), spans)
                h = F.layer_norm(h + self._linear(ctx, ao), (H,), *aln, eps)
                mid = F.gelu(self._linear(h, fi))
                h = F.layer_norm(h + self._linear(mid, fo), (H,), *oln, eps)
            out = h[: len(x)].numpy()
        return np.add.reduceat(out, bounds[:-1], axis=0) / np.asarray(lens, dtype=np.float32)[:, None]
