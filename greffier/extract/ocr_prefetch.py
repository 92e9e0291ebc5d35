"""Page-level parallelism for long scans: their pages are read by every parse worker at once.

Documents are shared among the parse workers, not pages: a 60-page scan alone in a batch (or
the last one of a batch) would be read on one core. So just before the job that parses such a
file, :func:`plan` puts one *warm-up* job per other worker, each reading every n-th page into the
OCR cache (:func:`warm`: pages k, k + n, k + 2n, ... for k = 2..n); the parse job reads pages 1,
n + 1, ... itself and waits for the others to reach the cache
(:class:`~greffier.extract.scan.ScanReader`; if one never comes, it reads the rest itself). Memory
stays that of the workers (one Tesseract each); a warm-up job is bounded like a parse job (memory,
and time per page through the heartbeat).

A file is split when it has at least :data:`MIN_PAGES` pages and its first page has no text layer
(a scan); which pages need OCR is then decided page by page, as the parse does.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from greffier.extract import ocr
from greffier.extract.limits import heartbeat
from greffier.extract.ocr_cache import OcrCache
from greffier.extract.pdf import ink_share, open_pdf, page_renderer
from greffier.extract.plausibility import ocr_reason

log = logging.getLogger(__name__)

WARM = "ocr-warm"  # the second field of a warm-up job, where a parse job holds its doc id
MIN_PAGES = 4


def _scan_pages(path: str) -> int:
    """The page count of a PDF whose first page has no text layer; 0 for anything else."""
    if not path.lower().endswith(".pdf"):
        return 0
    try:
        pdf = open_pdf(Path(path))
    except Exception:  # the parse job reports a bad file
        return 0
    try:
        n = len(pdf)
        if n < MIN_PAGES:
            return 0
        page = pdf[0]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
        return n if len(text.strip()) < 15 else 0
    except Exception:
        return 0
    finally:
        pdf.close()


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
        pages = _scan_pages(str(job[0]))
        if pages:
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
    try:
        pdf = open_pdf(Path(path))
    except Exception:
        return 0
    try:
        for number in range(first, len(pdf) + 1, step):
            if cache.get(sha, number, options.dpi, engine) is not None:
                continue
            page = pdf[number - 1]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n")
            textpage.close()
            share = ink_share(page) if len(text.strip()) < 600 else 0.0
            if options.mode == "always" or ocr_reason(text, share) is not None:
                image, scale = page_renderer(page)(options.dpi)
                cache.put(sha, number, ocr.recognize(image, scale, options.dpi))
                read += 1
                heartbeat()
            page.close()
    except Exception as exc:  # the parse job reads the page again and reports
        log.debug("%s: OCR warm-up stopped (%s)", path, exc)
    finally:
        pdf.close()
        cache.close()
    return read
