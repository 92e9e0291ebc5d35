"""`ask` latency (p50/p95) and peak memory over the answer questions, on an existing index.

Usage: python bench/ask.py --index DIR [--questions tests/gold/questions/answers.jsonl]
Build the index first: greffier ingest ../shared/corpus --index DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from greffier.api import Greffier
from greffier.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument(
        "--questions", type=Path, default=Path(__file__).resolve().parents[1] / "tests/gold/questions/answers.jsonl"
    )
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    asks = [r["question"] for r in rows if r["type"] != "trend"]
    with Greffier(Settings(index_dir=args.index)) as g:
        for q in asks[:5]:  # warm-up: model load, caches
            g.ask(q)
        times = []
        for q in asks:
            t = time.perf_counter()
            g.ask(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ask: {len(times)} questions, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target <= 300 ms)")
    print(f"peak RSS {rss:.0f} MB (target <= 1024 MB); load average {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
