"""Page-level parallelism for long scans: their pages are read by every parse worker at once.

Documents are shared among the parse workers, not pages: a 60-page scan alone in a batch (or
the last one of a batch) would be read on one core. So just before the job that parses such a
file, :func:`plan` puts one *warm-up* job per other worker, each reading every n-th page into the
OCR cache (:func:`warm`: pages k, k + n, k + 2n, ... for k = 2..n); the parse job reads pages 1,
n + 1, ... itself and waits for the others to reach the cache
(:class:`~greffier.extract.scan.ScanReader`; if one never comes, it reads the rest itself). Memory
stays that of the workers (one Tesseract each); a warm-up job is bounded like a parse job (memory,
and time per page through the heartbeat).

Nothing of a file is read in the ingest process (it is not bounded as the workers are): a PDF of
:data:`MIN_BYTES` or more gets warm-up jobs, which read their pages as the parse would (a page
needs OCR or not), stop at once on a text-layer document, and say in the cache when they run and
when they are done (a page the parse waits for may then never come: it reads it itself).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from greffier.extract import ocr
from greffier.extract.ink import page_ink
from greffier.extract.limits import heartbeat
from greffier.extract.ocr_cache import OcrCache
from greffier.extract.pdf import open_pdf, page_renderer
from greffier.extract.plausibility import ocr_reason

log = logging.getLogger(__name__)

WARM = "ocr-warm"  # the second field of a warm-up job, where a parse job holds its doc id
MIN_BYTES = 200_000  # a scanned page at 200-300 dpi weighs 50-400 KB


def plan(jobs: list[tuple[Any, ...]], workers: int, options: Any) -> list[tuple[Any, ...]]:
    """The jobs with, just before each long scan's parse job, one warm-up job per other worker:
    ``(path, WARM, sha256, first page, step, options)``; the parse job (``(path, doc_id, sha256,
    ..., options)``) reads the remaining pages itself and waits for the others (its options'
    ``warm_step``). Parse jobs are handed out in order, so both start together."""
    # (whether Tesseract is here is asked in the workers: loading it here would grow this process)
    if workers < 2 or options.mode == "never" or not options.cache:
        return list(jobs)
    out: list[tuple[Any, ...]] = []
    for job in jobs:
        path = Path(str(job[0]))
        # nothing of the file is read here (the parse is bounded in the workers, this process is
        # not): a PDF big enough to be a scan of several pages gets warm-up jobs, which find out
        if path.suffix.lower() == ".pdf" and path.is_file() and path.stat().st_size >= MIN_BYTES:
            # pages 2..n, n + 2..2n, ... by the warm-up jobs; 1, n + 1, ... by the parse job itself
            out.extend((job[0], WARM, job[2], k, workers, options) for k in range(2, workers + 1))
            job = (*job[:-1], replace(job[-1], warm_step=workers))
        out.append(job)
    return out


def warm(job: tuple[Any, ...]) -> int:
    """Read pages first, first + step, ... of a PDF into the OCR cache (those that need OCR and
    are not cached yet); the count of pages read. Never raises: the parse job reports problems."""
    path, _, sha, first, step, options = job
    if ocr.unavailable():
        return 0
    cache = OcrCache(Path(options.cache))
    engine = ocr.engine_name()
    read = 0
    cache.set_warm(sha, first, "running")
    try:
        pdf = open_pdf(Path(path))
    except Exception:
        cache.set_warm(sha, first, "done")
        cache.close()
        return 0
    try:
        for number in range(first, len(pdf) + 1, step):
            if cache.get(sha, number, options.dpi, engine) is not None:
                continue
            page = pdf[number - 1]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n")
            textpage.close()
            share = page_ink(page, text)
            reason = "always" if options.mode == "always" else ocr_reason(text, share)
            if number == first and reason is None and len(text.strip()) >= 200:
                page.close()
                break  # a text-layer document: the parse reads the odd scanned page itself
            if reason is not None:
                image, scale = page_renderer(page)(options.dpi)
                cache.put(sha, number, ocr.recognize(image, scale, options.dpi))
                read += 1
                heartbeat()
            page.close()
    except Exception as exc:  # the parse job reads the page again and reports
        log.debug("%s: OCR warm-up stopped (%s)", path, exc)
    finally:
        pdf.close()
        cache.set_warm(sha, first, "done")
        cache.close()
    return read
