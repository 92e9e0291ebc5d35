"""OCR against lines transcribed by hand from page images: character and word error rates.

Gold (``tests/gold/ocr/lines.jsonl``): one page per line, ``{source, page, quality, lines}``.
The gold may not cover a whole page, and Tesseract may cut or join lines differently, so each
gold line is aligned with the OCR text around its best-matching OCR line (the line before and
after included), free to start and end anywhere in it (semi-global edit distance). CER is the
sum of those distances over the gold characters; WER the same on words. Whitespace is collapsed
and apostrophes and double quotes are folded to one form on both sides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from greffier.errors import InputError

_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " "})


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip()


def semiglobal(pattern: Sequence[Any], text: Sequence[Any]) -> int:
    """Edit distance between ``pattern`` and the substring of ``text`` closest to it."""
    if not pattern:
        return 0
    prev = [0] * (len(text) + 1)  # starting anywhere in text is free
    for i, p in enumerate(pattern, start=1):
        cur = [i] + [0] * len(text)
        for j, t in enumerate(text, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (p != t))
        prev = cur
    return min(prev)  # ending anywhere is free


def _trigrams(text: str) -> set[str]:
    t = f"  {text.lower()} "
    return {t[i : i + 3] for i in range(len(t) - 2)}


def align_page(gold: list[str], ocr: list[str]) -> list[tuple[str, str, int, int, int]]:
    """Per gold line: (gold, OCR window, char distance, word distance, gold words)."""
    ocr = [normalize(x) for x in ocr if normalize(x)]
    grams = [_trigrams(x) for x in ocr]
    out = []
    for g in (normalize(x) for x in gold):
        if not g:
            continue
        if not ocr:
            out.append((g, "", len(g), len(g.split()), len(g.split())))
            continue
        gg = _trigrams(g)
        best = max(range(len(ocr)), key=lambda k: len(gg & grams[k]) / (len(gg | grams[k]) or 1))
        window = " ".join(ocr[max(0, best - 1) : best + 2])
        out.append((g, ocr[best], semiglobal(g, window), semiglobal(g.split(), window.split()), len(g.split())))
    return out


def _ocr_page(job: tuple[str, int, int]) -> tuple[list[str], float | None, float]:
    import time

    from greffier.extract import ocr
    from greffier.extract.pdf import render_page

    path, number, dpi = job
    started = time.process_time()
    image, scale = render_page(Path(path), number, dpi)
    result = ocr.recognize(image, scale, dpi)
    return [ln.text for ln in result.lines], result.conf, time.process_time() - started


def load_gold(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["page"] = int(row["page"])
            row["lines"] = [str(x) for x in row["lines"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(str(path), f"line {n}: not a gold page ({exc})") from exc
        rows.append(row)
    return rows


def evaluate_ocr(gold: Path, corpus_root: Path, dpi: int | None = None, workers: int = 2) -> list[dict[str, Any]]:
    """One row per gold page, then one per quality and an 'all' row: CER, WER, OCR confidence."""
    from greffier.extract import ocr

    problem = ocr.unavailable()
    if problem:
        raise InputError(str(gold), problem)
    pages = load_gold(gold)
    use_dpi = dpi or ocr.DPI
    jobs = [(str(corpus_root / p["source"]), p["page"], use_dpi) for p in pages]
    for (path, _, _), p in zip(jobs, pages):
        if not Path(path).is_file():
            raise InputError(path, f"gold page {p['source']} p.{p['page']}: no such file under {corpus_root}")
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(_ocr_page, jobs))
    rows: list[dict[str, Any]] = []
    totals: dict[str, list[float]] = {}
    for p, (ocr_lines, conf, cpu) in zip(pages, results):
        aligned = align_page(p["lines"], ocr_lines)
        chars = sum(len(g) for g, *_ in aligned)
        cerr = sum(c for _, _, c, _, _ in aligned)
        words = sum(w for *_, w in aligned)
        werr = sum(w for _, _, _, w, _ in aligned)
        quality = p.get("quality", "unknown")
        rows.append(
            {
                "source": p["source"],
                "page": p["page"],
                "quality": quality,
                "lines": len(aligned),
                "chars": chars,
                "cer": round(cerr / chars, 4) if chars else 0.0,
                "wer": round(werr / words, 4) if words else 0.0,
                "ocr_conf": conf,
                "cpu_s": round(cpu, 2),
            }
        )
        for key in (quality, "all"):
            t = totals.setdefault(key, [0, 0, 0, 0, 0, 0.0])
            t[0] += len(aligned)
            t[1] += chars
            t[2] += cerr
            t[3] += words
            t[4] += werr
            t[5] += cpu
    for key, (n, chars, cerr, words, werr, cpu) in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        rows.append(
            {
                "source": f"[{key}]",
                "page": None,
                "quality": key,
                "lines": n,
                "chars": chars,
                "cer": round(cerr / chars, 4) if chars else 0.0,
                "wer": round(werr / words, 4) if words else 0.0,
                "ocr_conf": None,
                "cpu_s": round(cpu, 1),
            }
        )
    return rows


def worst_lines(gold: Path, corpus_root: Path, dpi: int | None = None, limit: int = 30) -> list[dict[str, Any]]:
    """The gold lines the OCR got most wrong, with what it read (for --errors)."""
    from greffier.extract import ocr

    out = []
    for p in load_gold(gold):
        lines, _, _ = _ocr_page((str(corpus_root / p["source"]), p["page"], dpi or ocr.DPI))
        for g, got, c, _, _ in align_page(p["lines"], lines):
            if c:
                out.append({"source": p["source"], "page": p["page"], "errors": c, "gold": g, "ocr": got})
    out.sort(key=lambda r: -r["errors"])
    return out[:limit]
