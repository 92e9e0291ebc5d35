"""Scanned pages: which pages are read from their image, and their OCR lines as text-layer lines.

:func:`greffier.extract.pdf.read_pdf_lines` asks a :class:`ScanReader` about every page. The
reader decides (``auto``: no text layer over an image, a stamp alone, or garbage; ``always``;
``never``), takes the page from the OCR cache or runs Tesseract (:mod:`greffier.extract.ocr`),
and turns the words into :class:`Line` records, so that OCR text goes through the same pipeline
as a text layer. It remembers what it did per page (:class:`PageSource`) for provenance.
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greffier.extract import ocr
from greffier.extract.limits import heartbeat
from greffier.extract.ocr_cache import OcrCache
from greffier.extract.ocr_tables import page_tables
from greffier.extract.plausibility import ocr_reason
from greffier.extract.plumber import RawTable
from greffier.records import Line

log = logging.getLogger(__name__)

OCR_MODES = ("auto", "always", "never")
WARM_WAIT = 45.0  # seconds the parse waits for a page a warm-up job is reading
WARM_START = 5.0  # ... and for that job to start


@dataclass(frozen=True)
class OcrOptions:
    """How ingest treats scans; handed to every parse job (picklable)."""

    mode: str = field(default_factory=lambda: os.environ.get("GREFFIER_OCR") or "auto")
    cache: str | None = None  # path of the OCR cache file; None: no cache
    dpi: int = ocr.DPI
    # > 1: warm-up jobs are reading the pages p with (p - 1) % warm_step != 0 into the cache
    # (greffier.extract.ocr_prefetch); the parse waits for those rather than read them twice
    warm_step: int = 1


@dataclass(frozen=True)
class PageSource:
    number: int
    ocr: bool
    conf: float | None = None  # mean word confidence (0-100) of an OCR page
    reason: str | None = None  # why the page needed OCR
    missing: bool = False  # needed OCR but it could not run (Tesseract missing or failed)


@dataclass
class ScanReader:
    options: OcrOptions
    sha256: str
    sources: dict[int, PageSource] = field(default_factory=dict)
    problem: str | None = None  # why OCR could not run, once per document
    tables: list[tuple[RawTable, str]] = field(default_factory=list)  # ruled tables of OCR pages, captioned
    _cache: OcrCache | None = None
    _waited_out: bool = False  # a warm-up page never came: read the rest here

    def __post_init__(self) -> None:
        if self.options.cache:
            self._cache = OcrCache(Path(self.options.cache))

    def __call__(self, number: int, text: str, ink: float, render: Any, height: float) -> list[Line] | None:
        mode = self.options.mode
        if mode == "never":
            return None
        reason = "ocr always" if mode == "always" else ocr_reason(text, ink)
        if reason is None:
            return None
        result = self._read(number, render, reason)
        if result is None:
            self.sources[number] = PageSource(number, False, None, reason, missing=True)
            return None
        self.sources[number] = PageSource(number, True, result.conf, reason)
        self.tables.extend(page_tables(number, result))
        return ocr_lines(result, number, height)

    def _read(self, number: int, render: Any, reason: str) -> ocr.OcrPage | None:
        problem = ocr.unavailable()
        if problem:
            self.problem = problem
            return None
        engine = ocr.engine_name()
        dpi = self.options.dpi
        if self._cache is not None:
            hit = self._cache.get(self.sha256, number, dpi, engine)
            if hit is None and self.options.warm_step > 1 and (number - 1) % self.options.warm_step:
                hit = self._wait_for_warm_up(number, dpi, engine)
            if hit is not None:
                return hit
        try:
            image, scale = render(dpi)
            result = ocr.recognize(image, scale, dpi)
        except Exception as exc:  # one unreadable page must not lose the document
            log.warning("page %d could not be read by OCR (%s)", number, exc)
            self.problem = f"OCR failed on page {number}: {exc}"
            return None
        log.debug("page %d OCRed (%s): %d lines, confidence %s", number, reason, len(result.lines), result.conf)
        if self._cache is not None:
            self._cache.put(self.sha256, number, result)
        heartbeat()  # a parse worker's time limit counts per OCR page
        return result

    def _wait_for_warm_up(self, number: int, dpi: int, engine: str) -> ocr.OcrPage | None:
        """The page a warm-up job is reading, once it is in the cache. None (read it here) when
        that job has finished without it, has not started within :data:`WARM_START` seconds, or
        gives nothing for :data:`WARM_WAIT` seconds (then no page is waited for again)."""
        if self._waited_out or self._cache is None:
            return None
        first = (number - 1) % self.options.warm_step + 1
        started = time.monotonic()
        while True:
            state = self._cache.warm_state(self.sha256, first)
            hit = self._cache.get(self.sha256, number, dpi, engine)
            if hit is not None or state == "done":
                return hit
            waited = time.monotonic() - started
            if (state is None and waited > WARM_START) or waited > WARM_WAIT:
                log.debug("page %d: no warm-up reading after %.0f s; reading the rest here", number, waited)
                self._waited_out = True
                return None
            time.sleep(0.1)
            heartbeat()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def ocr_lines(result: ocr.OcrPage, number: int, height: float) -> list[Line]:
    """OCR lines as :class:`Line` records. Tesseract gives no font size: every line gets the
    page's usual word height as its size, except lines clearly taller (a title set larger)."""
    lines = [ln for ln in result.lines if ln.text.strip()]
    if not lines:
        return []
    heights = [statistics.median(w.bottom - w.top for w in ln.words) for ln in lines]
    body = statistics.median(heights) or 1.0
    out = []
    for ln, h in zip(lines, heights):
        ratio = h / body
        size = round(body * (ratio if ratio >= 1.3 else 1.0) * 2) / 2 or 1.0
        out.append(
            Line(
                text=ln.text,
                page=number,
                size=size,
                bold=False,
                top=ln.top,
                bottom=ln.bottom,
                x0=ln.x0,
                page_height=height,
            )
        )
    return out
