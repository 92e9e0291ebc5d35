"""Tiny PDF writer for tests: ruled tables of text on A4 pages, nothing else.

Text is set in Helvetica (WinAnsi: accents and € work); ``☑`` and ``☐`` are set in
ZapfDingbats with a ToUnicode map to the Wingdings private-use code points (U+F0FE, U+F06F)
that French administrative PDFs carry for checkboxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0
_BOX = {"☑": (b"n", 0xF0FE), "☐": (b"o", 0xF06F)}  # glyph -> (ZapfDingbats byte, Unicode)


@dataclass
class PdfPage:
    ops: list[bytes] = field(default_factory=list)

    def text(self, x: float, top: float, text: str, size: float = 10.0) -> None:
        """Text with its baseline ``top`` points below the page's top edge."""
        y = PAGE_H - top
        for run_font, run in _runs(text):
            if run_font == "F2":
                data = b"".join(_BOX[ch][0] for ch in run)
            else:
                data = run.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            self.ops.append(b"BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET" % (run_font.encode(), size, x, y, data))
            x += _width(run, size)

    def styled(
        self,
        x: float,
        top: float,
        text: str,
        size: float,
        scale: float = 1.0,
        rgb: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        """Helvetica text set at ``size`` then scaled by a text matrix, in a fill colour."""
        data = text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        self.ops.append(
            b"BT %.3f %.3f %.3f rg /F1 %.1f Tf %.4f 0 0 %.4f %.2f %.2f Tm (%s) Tj ET"
            % (*rgb, size, scale, scale, x, PAGE_H - top, data)
        )

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        self.ops.append(b"0.8 w %.2f %.2f m %.2f %.2f l S" % (x0, PAGE_H - top0, x1, PAGE_H - top1))

    def table(self, x: float, top: float, widths: list[float], rows: list[list[str]], height: float = 18.0) -> float:
        """A fully ruled table; returns the bottom of the table."""
        total = sum(widths)
        for i, row in enumerate(rows):
            y = top + i * height
            cx = x
            for w, cell in zip(widths, row):
                if cell:
                    self.text(cx + 4, y + height - 5, cell)
                cx += w
        bottom = top + len(rows) * height
        for i in range(len(rows) + 1):
            self.line(x, top + i * height, x + total, top + i * height)
        cx = x
        for w in [0.0, *widths]:
            cx += w
            self.line(cx, top, cx, bottom)
        return bottom


def _runs(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ch in text:
        font = "F2" if ch in _BOX else "F1"
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def _width(text: str, size: float) -> float:
    return 0.55 * size * len(text)  # near enough for placing the next run


def write_pdf(path: Path, pages: list[PdfPage]) -> Path:
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Boxes def "
        b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar "
        + b"".join(b"<%02X> <%04X> " % (code[0], uni) for code, uni in _BOX.values())
        + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats /ToUnicode 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    kids = []
    for page in pages:
        content = b"\n".join(page.ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (PAGE_W, PAGE_H, content_ref)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
