"""`greffier serve` latency: p50/p95 per route over HTTP, on an existing index.

Usage: python bench/web.py --index DIR [--rounds N]
Build the index first: greffier ingest ../shared/corpus --index DIR

The server runs in a thread of this process (uvicorn on a free local port) and is queried one
request at a time, as an analyst would. Questions and queries come from tests/gold/questions/.
Page images are measured twice: the first rendering of each page (the cache emptied first) and
the same pages again from the cache. Targets: p95 <= 300 ms per route, <= 500 ms for a first
rendering.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx

from greffier.settings import Settings
from greffier.web.server import BackgroundServer
from greffier.web.service import CACHE_DIR

GOLD = Path(__file__).resolve().parents[1] / "tests/gold/questions"


def _questions(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=40, help="requests per route (default 40)")
    args = ap.parse_args()
    rng = random.Random(7)
    queries = [q["question"] for q in _questions("retrieval.jsonl")]
    asks = [q["question"] for q in _questions("answers.jsonl") if q["type"] != "trend"]
    trends = [q["question"] for q in _questions("answers.jsonl") if q["type"] == "trend"]
    shutil.rmtree(args.index / CACHE_DIR, ignore_errors=True)
    with (
        BackgroundServer(Settings(index_dir=args.index)) as server,
        httpx.Client(base_url=server.url, timeout=300) as http,
    ):
        delibs = http.get("/deliberations", params={"format": "json"}).json()
        pdf_pages = _pdf_pages(http)
        tables = http.get("/tableaux", params={"format": "json"}).json()
        issuers = sorted({d["issuer"] for d in delibs if d.get("issuer")})

        def timed(label: str, make: Callable[[int], tuple[str, dict]], n: int) -> None:
            times = []
            status: dict[int, int] = {}
            for i in range(n):
                path, params = make(i)
                t = time.perf_counter()
                r = http.get(path, params=params)
                times.append((time.perf_counter() - t) * 1000)
                status[r.status_code] = status.get(r.status_code, 0) + 1
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            codes = ", ".join(f"{k}: {v}" for k, v in sorted(status.items()))
            print(f"{label:<34} n={n:<4} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   ({codes})")

        n = args.rounds
        # warm-up: the index, the embedding model, the registers' first reads
        for q in queries[:3]:
            http.get("/", params={"q": q})
        http.get("/question", params={"q": asks[0]})
        print(f"index {args.index}: {len(pdf_pages)} PDF pages, {len(delibs)} deliberations, {len(tables)} tables")
        timed("search (hybrid)", lambda i: ("/", {"q": queries[i % len(queries)]}), n)
        timed("search (keyword)", lambda i: ("/", {"q": queries[i % len(queries)], "mode": "keyword"}), n)
        timed("search, page 2 + year facet", lambda i: ("/", {"q": queries[i % len(queries)], "p": 2}), n)
        timed("question (ask)", lambda i: ("/question", {"q": asks[i % len(asks)]}), n)
        timed("question (trend)", lambda i: ("/question", {"q": trends[i % len(trends)], "serie": "1"}), min(n, 20))
        sample = rng.sample(pdf_pages, min(n, len(pdf_pages)))
        timed(
            "page image, first rendering",
            lambda i: (f"/image/{quote(sample[i][0])}/{sample[i][1]}.png", {}),
            len(sample),
        )
        timed("page image, cached", lambda i: (f"/image/{quote(sample[i][0])}/{sample[i][1]}.png", {}), len(sample))
        hl = [(d["doc_id"], d["page_start"], d["title"][:300]) for d in delibs]
        rng.shuffle(hl)
        timed(
            "page view + evidence boxes",
            lambda i: (f"/page/{quote(hl[i][0])}/{hl[i][1]}", {"hl": hl[i][2]}),
            min(n, len(hl)),
        )
        timed("documents", lambda i: ("/documents", {}), n)
        timed("document", lambda i: (f"/document/{quote(sample[i % len(sample)][0])}", {}), n)
        timed("deliberations (filtered)", lambda i: ("/deliberations", {"emetteur": issuers[i % len(issuers)]}), n)
        timed("deliberations CSV (all)", lambda i: ("/deliberations", {"format": "csv"}), n)
        timed("deliberations SCDL (all)", lambda i: ("/deliberations", {"format": "scdl"}), n)
        timed("tables", lambda i: ("/tableaux", {"p": 1 + i % 3}), n)
        timed("tables JSON (all)", lambda i: ("/tableaux", {"format": "json"}), n)
        timed("table", lambda i: (f"/tableau/{quote(tables[i % len(tables)]['table_id'])}", {}), n)
        timed("directions", lambda i: ("/directions", {}), n)


def _pdf_pages(http: httpx.Client) -> list[tuple[str, int]]:
    """(doc_id, page) of every page of the PDF documents, read from the documents page's export."""
    import re

    html = http.get("/documents").text
    out = []
    for doc_id, pages in re.findall(r'href="/document/([^"]+)">.*?<td class="num">(\d+)</td>', html, re.S):
        doc_html = http.get(f"/page/{doc_id}/1").text
        if "/image/" in doc_html:
            out += [(doc_id, p) for p in range(1, int(pages) + 1)]
    return out


if __name__ == "__main__":
    main()
