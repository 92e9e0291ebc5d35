"""Tesseract OCR behind one small module: a page image -> lines of words with boxes and confidence.

Two ways to reach Tesseract 5, chosen once per process:

* ``tesserocr`` (in-process, the model is loaded once per worker): the default where its wheel
  installs (Linux x86-64);
* the ``tesseract`` command (Debian's ``tesseract-ocr``), read as TSV: anywhere else.

Both need the French model (Debian ``tesseract-ocr-fra``; ``osd`` for rotation). Nothing here
knows about PDFs: :mod:`greffier.extract.pdf` renders the page and hands the image in. Boxes
come back in PDF points, top-left origin, like :class:`greffier.records.Line`.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greffier.extract.ocr_grid import ImageGrid, find_grids

log = logging.getLogger(__name__)
# Pages are read in parallel by the parse workers: one thread each (set before Tesseract loads).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "fra"
DPI = 300  # measured on tests/gold/ocr (see bench/README): 300 beats 200 on small print
INSTALL_HINT = "install Tesseract 5 with French to read scans: apt-get install tesseract-ocr tesseract-ocr-fra"
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
_LOW_CONF = 60.0  # below this mean word confidence, the page may be rotated
_MIN_WORDS = 8
_RULE_BAND_IN = 0.04  # in a cell cut out at its rules, rows and columns this near its edges may be rule
_CELL_INSET_IN = 0.01  # a cell is cut out this far inside the middles of its rules
_MARGIN_PX = 10  # white margin around a cell read alone
_SPECK_CONF = 30.0
_MAX_CELL_LINES = 4
READING = "r3"  # how pages are read (resolution given, ruled tables by cell): part of the cache key


def _tables_on() -> bool:
    return os.environ.get("GREFFIER_OCR_TABLES", "1").strip().lower() not in ("0", "off", "no", "false")


@dataclass(frozen=True)
class OcrWord:
    text: str
    x0: float  # points from the left
    top: float  # points from the top
    x1: float
    bottom: float
    conf: float  # 0..100


@dataclass(frozen=True)
class OcrLine:
    words: tuple[OcrWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)


@dataclass(frozen=True)
class OcrCell:
    row: int
    col: int
    rows: int  # rows and columns spanned (a merged cell)
    cols: int
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points (the cell's rules)
    text: str


@dataclass(frozen=True)
class OcrTable:
    """A ruled table found in the page image (:mod:`greffier.extract.ocr_grid`), its cells read
    one by one; its rows are also among the page's lines, one line per row."""

    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: tuple[OcrCell, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "bbox": list(self.bbox),
            "n_rows": self.n_rows,
            "n_cols": self.n_cols,
            "cells": [[c.row, c.col, c.rows, c.cols, list(c.box), c.text] for c in self.cells],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> OcrTable:
        cells = tuple(
            OcrCell(int(r), int(c), int(h), int(w), tuple(float(v) for v in box), str(t))  # type: ignore[arg-type]
            for r, c, h, w, box, t in data["cells"]
        )
        bbox = tuple(float(v) for v in data["bbox"])
        return OcrTable(bbox, int(data["n_rows"]), int(data["n_cols"]), cells)  # type: ignore[arg-type]


@dataclass(frozen=True)
class OcrPage:
    lines: tuple[OcrLine, ...]
    conf: float | None  # mean word confidence weighted by length, None when no word was read
    rotation: int  # degrees clockwise applied to the image before reading
    dpi: int
    engine: str
    tables: tuple[OcrTable, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "conf": self.conf,
            "rotation": self.rotation,
            "dpi": self.dpi,
            "engine": self.engine,
            "lines": [[[w.text, w.x0, w.top, w.x1, w.bottom, w.conf] for w in ln.words] for ln in self.lines],
            "tables": [t.to_json() for t in self.tables],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> OcrPage:
        lines = tuple(
            OcrLine(tuple(OcrWord(str(t), float(a), float(b), float(c), float(d), float(e)) for t, a, b, c, d, e in ws))
            for ws in data["lines"]
        )
        tables = tuple(OcrTable.from_json(t) for t in data.get("tables") or ())
        return OcrPage(
            lines, data.get("conf"), int(data.get("rotation", 0)), int(data["dpi"]), str(data["engine"]), tables
        )


def tessdata_dir() -> str | None:
    """The folder holding ``fra.traineddata``: ``TESSDATA_PREFIX``, else the usual system places."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, str(Path(env) / "tessdata")] if env else []) + list(_TESSDATA_DIRS)
    for c in candidates:
        if c and (Path(c) / f"{LANG}.traineddata").is_file():
            return c
    return None


class _Engine:
    """One Tesseract per process; built lazily on the first page."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.version = ""
        self.api: Any = None
        self.osd: Any = None
        self.problem: str | None = None
        data = tessdata_dir()
        if data is None:
            self.problem = f"the French Tesseract model (fra.traineddata) was not found; {INSTALL_HINT}"
            return
        self.data = data
        try:
            import tesserocr

            self.api = tesserocr.PyTessBaseAPI(path=data, lang=LANG, oem=tesserocr.OEM.LSTM_ONLY)
            self.kind = "tesserocr"
            self.version = "tesseract " + tesserocr.tesseract_version().split()[1]
            return
        except Exception as exc:  # no wheel for this platform, or a broken one: try the command
            log.debug("tesserocr unavailable (%s); trying the tesseract command", exc)
        exe = shutil.which("tesseract")
        if exe is None:
            self.problem = f"Tesseract is not installed; {INSTALL_HINT}"
            return
        self.kind, self.exe = "cli", exe
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
            self.version = (out.stdout or out.stderr).split("\n")[0].strip()
        except (OSError, subprocess.SubprocessError) as exc:
            self.problem = f"the tesseract command does not run ({exc}); {INSTALL_HINT}"

    # -- reading --------------------------------------------------------------------------
    def words(self, image: Any, scale: float) -> list[list[OcrWord]]:
        return self._words_api(image, scale) if self.kind == "tesserocr" else self._words_cli(image, scale)

    def can_read_blocks(self) -> bool:
        return self.kind == "tesserocr"

    def _set_image(self, image: Any, scale: float) -> None:
        self.api.SetImage(image)
        # the image's real resolution: without it Tesseract guesses one from the text size
        self.api.SetSourceResolution(round(scale * 72))

    def _words_api(self, image: Any, scale: float) -> list[list[OcrWord]]:
        import tesserocr

        self._set_image(image, scale)
        self.api.SetPageSegMode(tesserocr.PSM.AUTO)
        return self._iterate(scale)

    def block_words(
        self, image: Any, scale: float, boxes: list[tuple[int, int, int, int]]
    ) -> list[list[list[OcrWord]]]:
        """Per pixel box (x0, top, x1, bottom), its lines of words, the box read as one block of
        text (in-process engine only). The page is thresholded as a whole (a small cell alone,
        with show-through, gets a poor threshold); each box is cut out of it, what is left of
        its rules erased, and read with a white margin around it."""
        import tesserocr
        from PIL import ImageOps

        self._set_image(image, scale)
        binary = self.api.GetThresholdedImage().convert("L")
        band = max(2, round(_RULE_BAND_IN * scale * 72))
        out = []
        for x0, y0, x1, y1 in boxes:
            crop = ImageOps.expand(_erase_rules(binary.crop((x0, y0, x1, y1)), band), border=_MARGIN_PX, fill=255)
            self._set_image(crop, scale)
            self.api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
            dx, dy = (x0 - _MARGIN_PX) / scale, (y0 - _MARGIN_PX) / scale
            lines = []
            for ln in self._iterate(scale):
                # specks and bits of rule read as a letter or two with next to no confidence, or as '|'
                kept = [
                    OcrWord(w.text, w.x0 + dx, w.top + dy, w.x1 + dx, w.bottom + dy, w.conf)
                    for w in ln
                    if (len(w.text) > 2 or w.conf >= _SPECK_CONF) and w.text.strip("|")
                ]
                if kept:
                    lines.append(kept)
            out.append(lines)
        return out

    def _iterate(self, scale: float) -> list[list[OcrWord]]:
        import tesserocr

        api = self.api
        api.Recognize()
        lines: list[list[OcrWord]] = []
        it = api.GetIterator()
        level = tesserocr.RIL.WORD
        new_line = True
        for w in tesserocr.iterate_level(it, level):
            new_line = new_line or w.IsAtBeginningOf(tesserocr.RIL.TEXTLINE)
            try:
                text = (w.GetUTF8Text(level) or "").strip()
            except RuntimeError:  # a word found but not spelled ("No text returned": a speck in a cell)
                continue
            box = w.BoundingBox(level)
            if not text or box is None:
                continue
            if new_line:
                lines.append([])
                new_line = False
            x0, y0, x1, y1 = box
            lines[-1].append(OcrWord(text, x0 / scale, y0 / scale, x1 / scale, y1 / scale, float(w.Confidence(level))))
        return [ln for ln in lines if ln]

    def _words_cli(self, image: Any, scale: float) -> list[list[OcrWord]]:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        proc = subprocess.run(
            [self.exe, "stdin", "stdout", "-l", LANG, "--tessdata-dir", self.data, "--oem", "1"]
            + ["--dpi", str(round(scale * 72)), "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=300,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[:200])
        lines: dict[tuple[int, int, int], list[OcrWord]] = {}
        for row in csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=3):
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text:
                continue
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            x0, y0 = int(row["left"]) / scale, int(row["top"]) / scale
            x1, y1 = x0 + int(row["width"]) / scale, y0 + int(row["height"]) / scale
            lines.setdefault(key, []).append(OcrWord(text, x0, y0, x1, y1, float(row["conf"])))
        return list(lines.values())

    def orientation(self, image: Any) -> int:
        """Degrees the image must be turned clockwise to be upright (Tesseract OSD), 0 when unsure."""
        if self.kind != "tesserocr" or not (Path(self.data) / "osd.traineddata").is_file():
            return 0
        import tesserocr

        try:
            if self.osd is None:
                self.osd = tesserocr.PyTessBaseAPI(path=self.data, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
            self.osd.SetImage(image)
            res = self.osd.DetectOrientationScript()
        except Exception as exc:  # OSD fails on pages with too little text
            log.debug("OSD failed: %s", exc)
            return 0
        if not res or res.get("orient_conf", 0) < 2.0:
            return 0
        return int(res.get("orient_deg", 0)) % 360


_ENGINE: _Engine | None = None


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


def unavailable() -> str | None:
    """Why OCR cannot run here (with the package to install), or None when it can."""
    return _engine().problem


def engine_name() -> str:
    e = _engine()
    return f"{e.version} {LANG} {READING}" if e.kind else "none"


def _mean_conf(lines: list[list[OcrWord]]) -> float | None:
    weight = sum(len(w.text) for ln in lines for w in ln)
    if not weight:
        return None
    return round(sum(max(w.conf, 0.0) * len(w.text) for ln in lines for w in ln) / weight, 1)


def _erase_rules(crop: Any, band: int) -> Any:
    """A cell cut out at its rules, with the rows and columns near its edges that are mostly
    ink (its rules, skewed a little) made white."""
    import numpy as np
    from PIL import Image

    a = np.array(crop)
    dark = a < 128
    h, w = a.shape
    for rows in (range(min(band, h)), range(max(0, h - band), h)):
        for y in rows:
            if dark[y].mean() > 0.5:
                a[y] = 255
    for cols in (range(min(band, w)), range(max(0, w - band), w)):
        for x in cols:
            if dark[:, x].mean() > 0.5:
                a[:, x] = 255
    return Image.fromarray(a)


def _cell_boxes(grid: ImageGrid, image: Any, scale: float) -> list[tuple[int, int, int, int] | None]:
    """Each cell's box in pixels, just inside the middles of its rules; None for a cell without ink
    (its rules aside)."""
    import numpy as np

    band = max(2, round(_RULE_BAND_IN * scale * 72))
    gray = np.asarray(image)
    out: list[tuple[int, int, int, int] | None] = []
    for cell in grid.cells:
        x0, y0, x1, y1 = (round(v) for v in cell.box)
        inset = max(1, round(_CELL_INSET_IN * scale * 72))  # the middle of the rule
        box = (max(0, x0 + inset), max(0, y0 + inset), min(image.width, x1 - inset), min(image.height, y1 - inset))
        if box[2] - box[0] <= 2 * band or box[3] - box[1] <= 2 * band:
            out.append(None)
            continue
        ink = int((gray[box[1] + band : box[3] - band, box[0] + band : box[2] - band] < 128).sum())
        out.append(box if ink >= band * band else None)
    return out


def _in_box(word: OcrWord, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _row_lines(cells: list[list[list[OcrWord]]]) -> list[list[OcrWord]]:
    """A table row as one line, its cells left to right (a cell's lines joined), as the row of a
    table is written; a row with a cell of more lines than a table row holds (a frame around
    paragraphs) keeps every line apart, cell after cell."""
    if any(len(c) > _MAX_CELL_LINES for c in cells):
        return [ln for c in cells for ln in c]
    row = [w for c in cells for ln in c for w in ln]
    return [row] if row else []


def _read(engine: _Engine, image: Any, scale: float) -> tuple[list[list[OcrWord]], list[OcrTable]]:
    """The lines of a page (a ruled table one line per row, its cells read one by one) and its
    tables."""
    grids = find_grids(image, scale) if _tables_on() else []
    if not grids:
        return engine.words(image, scale), []
    pts = 1.0 / scale
    boxes_per_grid = [_cell_boxes(g, image, scale) for g in grids]
    if engine.can_read_blocks():
        from PIL import ImageDraw

        masked = image.copy()
        draw = ImageDraw.Draw(masked)
        for g in grids:
            draw.rectangle([int(v) for v in g.bbox], fill=255)
        lines = engine.words(masked, scale)  # the text around the tables
        flat = [b for bs in boxes_per_grid for b in bs if b is not None]
        read = iter(engine.block_words(image, scale, flat))
        cell_words = [[next(read) if b is not None else [] for b in bs] for bs in boxes_per_grid]
    else:  # the command reads the page once: its words are sorted into the cells
        lines = engine.words(image, scale)
        cell_words = []
        for g, bs in zip(grids, boxes_per_grid):
            got = []
            for b in bs:
                box = tuple(v * pts for v in b) if b is not None else None
                got.append([[w for w in ln if box and _in_box(w, box)] for ln in lines])  # type: ignore[arg-type]
            cell_words.append([[ln for ln in c if ln] for c in got])
            bb = tuple(v * pts for v in g.bbox)
            lines = [[w for w in ln if not _in_box(w, bb)] for ln in lines]  # type: ignore[arg-type]
            lines = [ln for ln in lines if ln]
    tables = []
    for g, cells in zip(grids, cell_words):
        rows: list[list[list[OcrWord]]] = [[] for _ in range(g.n_rows)]  # per row, its cells' lines
        ocr_cells = []
        for cell, words in zip(g.cells, cells):
            flat_words = [w for ln in words for w in ln]
            rows[cell.row].append(words)
            box = (cell.box[0] * pts, cell.box[1] * pts, cell.box[2] * pts, cell.box[3] * pts)
            ocr_cells.append(
                OcrCell(cell.row, cell.col, cell.rows, cell.cols, box, " ".join(w.text for w in flat_words))
            )
        bbox = (g.bbox[0] * pts, g.bbox[1] * pts, g.bbox[2] * pts, g.bbox[3] * pts)
        tables.append(OcrTable(bbox, g.n_rows, g.n_cols, tuple(ocr_cells)))
        at = next((i for i, ln in enumerate(lines) if min(w.top for w in ln) > bbox[1]), len(lines))
        lines[at:at] = [ln for row in rows for ln in _row_lines(row)]
    return lines, tables


def recognize(image: Any, scale: float, dpi: int) -> OcrPage:
    """Read one page image (PIL, rendered at ``scale`` pixels per point). Rotated pages are
    turned upright first when the straight reading is poor and OSD is sure of the angle. A ruled
    table is read cell by cell, one line per row (:mod:`greffier.extract.ocr_grid`)."""
    engine = _engine()
    if engine.problem:
        raise RuntimeError(engine.problem)
    lines, tables = _read(engine, image, scale)
    conf = _mean_conf(lines)
    rotation = 0
    n_words = sum(len(ln) for ln in lines)
    if conf is None or conf < _LOW_CONF or n_words < _MIN_WORDS:
        # a page set sideways or upside down: OSD's angle when it is sure, else each quarter
        # turn, keeping the reading Tesseract is most confident of
        angle = engine.orientation(image)
        for turn in [angle] if angle else [90, 270, 180]:
            turned = image.rotate(-turn, expand=True)  # PIL turns counter-clockwise
            again, again_tables = _read(engine, turned, scale)
            conf2 = _mean_conf(again)
            if conf2 is not None and (conf is None or conf2 > conf + 5):
                lines, tables, conf, rotation = again, again_tables, conf2, turn
    return OcrPage(tuple(OcrLine(tuple(ln)) for ln in lines), conf, rotation, dpi, engine_name(), tuple(tables))
