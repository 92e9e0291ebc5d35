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
class OcrPage:
    lines: tuple[OcrLine, ...]
    conf: float | None  # mean word confidence weighted by length, None when no word was read
    rotation: int  # degrees clockwise applied to the image before reading
    dpi: int
    engine: str

    def to_json(self) -> dict[str, Any]:
        return {
            "conf": self.conf,
            "rotation": self.rotation,
            "dpi": self.dpi,
            "engine": self.engine,
            "lines": [[[w.text, w.x0, w.top, w.x1, w.bottom, w.conf] for w in ln.words] for ln in self.lines],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> OcrPage:
        lines = tuple(
            OcrLine(tuple(OcrWord(str(t), float(a), float(b), float(c), float(d), float(e)) for t, a, b, c, d, e in ws))
            for ws in data["lines"]
        )
        return OcrPage(lines, data.get("conf"), int(data.get("rotation", 0)), int(data["dpi"]), str(data["engine"]))


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

    def _words_api(self, image: Any, scale: float) -> list[list[OcrWord]]:
        import tesserocr

        api = self.api
        api.SetPageSegMode(tesserocr.PSM.AUTO)
        api.SetImage(image)
        api.Recognize()
        lines: list[list[OcrWord]] = []
        it = api.GetIterator()
        level = tesserocr.RIL.WORD
        for w in tesserocr.iterate_level(it, level):
            text = (w.GetUTF8Text(level) or "").strip()
            box = w.BoundingBox(level)
            if not text or box is None:
                continue
            if not lines or w.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                lines.append([])
            x0, y0, x1, y1 = box
            lines[-1].append(OcrWord(text, x0 / scale, y0 / scale, x1 / scale, y1 / scale, float(w.Confidence(level))))
        return [ln for ln in lines if ln]

    def _words_cli(self, image: Any, scale: float) -> list[list[OcrWord]]:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        proc = subprocess.run(
            [self.exe, "stdin", "stdout", "-l", LANG, "--tessdata-dir", self.data, "--oem", "1", "tsv"],
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
    return f"{e.version} {LANG}" if e.kind else "none"


def _mean_conf(lines: list[list[OcrWord]]) -> float | None:
    weight = sum(len(w.text) for ln in lines for w in ln)
    if not weight:
        return None
    return round(sum(max(w.conf, 0.0) * len(w.text) for ln in lines for w in ln) / weight, 1)


def recognize(image: Any, scale: float, dpi: int) -> OcrPage:
    """Read one page image (PIL, rendered at ``scale`` pixels per point). Rotated pages are
    turned upright first when the straight reading is poor and OSD is sure of the angle."""
    engine = _engine()
    if engine.problem:
        raise RuntimeError(engine.problem)
    lines = engine.words(image, scale)
    conf = _mean_conf(lines)
    rotation = 0
    n_words = sum(len(ln) for ln in lines)
    if conf is None or conf < _LOW_CONF or n_words < _MIN_WORDS:
        # a page set sideways or upside down: OSD's angle when it is sure, else each quarter
        # turn, keeping the reading Tesseract is most confident of
        angle = engine.orientation(image)
        for turn in [angle] if angle else [90, 270, 180]:
            turned = image.rotate(-turn, expand=True)  # PIL turns counter-clockwise
            again = engine.words(turned, scale)
            conf2 = _mean_conf(again)
            if conf2 is not None and (conf is None or conf2 > conf + 5):
                lines, conf, rotation = again, conf2, turn
    return OcrPage(tuple(OcrLine(tuple(ln)) for ln in lines), conf, rotation, dpi, engine_name())
