"""Whole-process cost of the CLI: what a person waits for, interpreter start and imports included.

    python bench/cli_start.py --index DIR [--repeat 7] [--query "..."] [--question "..."]

Runs ``greffier --help``, a keyword search, a hybrid search and an ask as separate processes
(``sys.executable -m greffier.cli`` would skip the console script: the script in the venv's bin is
used when found, as a person runs it), ``--repeat`` times each after one warm-up run (files in
the page cache), and prints the median and the best wall-clock time with the CPU time of the
child (user + system). Then ``-X importtime`` of the hybrid search: the 12 slowest imports.

Target (issue 14): hybrid search and ask ≤ 0.5 s as whole processes. Other load on the machine
inflates wall-clock figures: the load average is printed before and after, and the CPU time
beside. Always exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.5


def _greffier() -> list[str]:
    script = Path(sys.executable).with_name("greffier")
    if script.exists():
        return [str(script)]
    found = shutil.which("greffier")
    return [found] if found else [sys.executable, "-m", "greffier.cli"]


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(f"  ! exit {proc.returncode}: {proc.stderr.strip()[:300]}", file=sys.stderr)
    return wall, cpu, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="an ingested index (e.g. of ../shared/corpus)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--query", default="tarif de la restauration scolaire")
    ap.add_argument("--question", default="Quel est le prix du repas à la cantine en 2017 ?")
    args = ap.parse_args()
    if not (args.index / "greffier.sqlite").exists():
        print(f"no greffier index in {args.index}: nothing measured")
        return 0
    env = {**os.environ, "GREFFIER_INDEX": str(args.index)}
    base = _greffier()
    commands = {
        "greffier --help": [*base, "--help"],
        "search --mode keyword": [*base, "-q", "search", args.query, "--mode", "keyword", "--limit", "5"],
        "search (hybrid)": [*base, "-q", "search", args.query, "--limit", "5"],
        "ask": [*base, "-q", "ask", args.question],
    }
    print(f"index {args.index}, load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'command':24} {'median s':>9} {'best s':>7} {'CPU s':>6}  target")
    for name, cmd in commands.items():
        _run(cmd, env)  # warm-up
        runs = [_run(cmd, env) for _ in range(args.repeat)]
        walls = [w for w, _, _ in runs]
        cpu = statistics.median(c for _, c, _ in runs)
        med = statistics.median(walls)
        target = ""
        if name in ("search (hybrid)", "ask"):
            target = f"≤ {TARGET_S} s: {'met' if med <= TARGET_S else 'NOT met'}"
        print(f"{name:24} {med:9.3f} {min(walls):7.3f} {cpu:6.3f}  {target}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "from greffier.cli import main; main()",
            *commands["search (hybrid)"][1:],
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("slowest imports of a hybrid search (cumulative µs):")
    for us, name in sorted(rows, reverse=True)[:12]:
        print(f"  {us:>8} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
