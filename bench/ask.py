"""`ask` latency (p50/p95) and peak memory over the answer questions (ask and trend questions apart,
then together), on an existing index.

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
    asks = [r["question"] for r in rows if r.get("type") != "trend"]
    trends = [r["question"] for r in rows if r.get("type") == "trend"]
    with Greffier(Settings(index_dir=args.index)) as g:
        for q in asks[:5]:  # warm-up: model load, caches
            g.ask(q)
        timed = {"ask": _timed(g, asks), "trend questions": _timed(g, trends)}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    every: list[float] = []
    for name, (times, cpu) in timed.items():
        every += times
        if times:
            print(
                f"{name}: {len(times)} questions, p50 {_p(times, 0.5):.1f} ms, p95 {_p(times, 0.95):.1f} ms, "
                f"CPU {1000 * cpu / len(times):.1f} ms a question"
            )
    if every:
        print(
            f"all: {len(every)} questions, p50 {_p(every, 0.5):.1f} ms, p95 {_p(every, 0.95):.1f} ms (target <= 500 ms)"
        )
    print(f"peak RSS {rss:.0f} MB (target <= 1024 MB); load average {open('/proc/loadavg').read().split()[:3]}")


def _timed(g: Greffier, questions: list[str]) -> tuple[list[float], float]:
    """Wall milliseconds of each question, and the CPU seconds of them all."""
    times, cpu = [], time.process_time()
    for q in questions:
        t = time.perf_counter()
        g.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    return times, time.process_time() - cpu


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return statistics.median(ordered) if q == 0.5 else ordered[int(q * (len(ordered) - 1))]


if __name__ == "__main__":
    main()
