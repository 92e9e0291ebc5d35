"""Searches during an ingest: how many succeed, their latency against an idle index, peak memory.

Builds an index of a corpus (by default the repository's corpus/), then re-ingests it with
``--force`` in a background process (the writer) while this process runs ``greffier search`` in a
loop, each as its own process (as a user would), and reports successes, p50/p95 latency against
the same searches on the idle index, and the peak resident memory of the writer and of a search.

    python bench/reliability.py [CORPUS_DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["tarif restauration scolaire", "budget assainissement", "délibération subvention", "taux taxe foncière"]


def _search(idx: Path, query: str, env: dict[str, str]) -> tuple[bool, float, str]:
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "greffier.cli", "-q", "search", query, "--index", str(idx), "--mode", "keyword"],
        capture_output=True,
        text=True,
        env=env,
    )
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    return r.returncode == 0, time.perf_counter() - t, last


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "corpus"))
    ap.add_argument("--rounds", type=int, default=3, help="force re-ingests of the corpus during the searches")
    args = ap.parse_args()
    env = {**os.environ, "GREFFIER_EMBEDDING_MODEL": os.environ.get("GREFFIER_EMBEDDING_MODEL", "none")}
    with tempfile.TemporaryDirectory() as tmp:
        idx = Path(tmp) / "idx"
        cli = [sys.executable, "-m", "greffier.cli", "-q"]
        ingest = [*cli, "ingest", args.corpus, "--index", str(idx), "--format", "csv"]
        subprocess.run(ingest, check=False, capture_output=True, env=env)
        idle = [_search(idx, q, env) for q in QUERIES * 5]
        busy: list[tuple[bool, float, str]] = []
        second_ingest = None
        for _ in range(args.rounds):
            writer = subprocess.Popen([*ingest, "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            second = subprocess.run(ingest, capture_output=True, text=True, env=env)  # refused while it runs
            if second_ingest is None:
                second_ingest = (second.returncode, second.stderr.strip().splitlines()[-1:])
            while writer.poll() is None:
                for q in QUERIES:
                    busy.append(_search(idx, q, env))
                    if writer.poll() is not None:
                        break
            writer.wait()
        writer_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    ok_idle = [t for ok, t, _ in idle if ok]
    ok_busy = [t for ok, t, _ in busy if ok]
    failures = [msg for ok, _, msg in busy if not ok]
    print(
        f"corpus: {args.corpus}, {args.rounds} forced re-ingest(s), {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"idle searches:          {len(ok_idle)}/{len(idle)} ok, p50 {_pct(ok_idle, 50) * 1000:.0f} ms, "
        f"p95 {_pct(ok_idle, 95) * 1000:.0f} ms"
    )
    if ok_busy:
        print(
            f"searches during ingest: {len(ok_busy)}/{len(busy)} ok, p50 {_pct(ok_busy, 50) * 1000:.0f} ms, "
            f"p95 {_pct(ok_busy, 95) * 1000:.0f} ms"
        )
    else:
        print(f"searches during ingest: 0/{len(busy)} ok")
    for msg in sorted(set(failures))[:5]:
        print(f"  failure: {msg}")
    if second_ingest is not None:
        print(f"a second ingest meanwhile: exit {second_ingest[0]} {second_ingest[1]}")
    print(f"peak RSS of a child process (ingest or search): {writer_peak} MB")


if __name__ == "__main__":
    main()
