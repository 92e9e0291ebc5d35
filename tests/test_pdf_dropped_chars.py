"""Regression (Chéméré, CM 20 février 2013): pypdfium2's text of a page drops the control code a
Wingdings arrow is mapped to (0x02 before "DE-2013/11 – …"), so the text is one char shorter
than the page's char count. The lines of such a page used to lose their fonts (every item
heading of the minutes but the first was missed); each text char is now found among the page's
chars."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from greffier.extract.pdf import _char_map, _mapped_start, read_pdf_lines
from greffier.extract.pipeline import parse_file

DOC = "chemere/CM 20 février 2013.pdf"


def test_char_map_skips_the_dropped_control_code(shared_corpus: Path) -> None:
    pdf = pdfium.PdfDocument(str(shared_corpus / DOC))
    try:
        textpage = pdf[0].get_textpage()
        text = textpage.get_text_range()
        nchars = textpage.count_chars()
        assert nchars == len(text) + 1  # the premise: one char dropped on page 1
        where = _char_map(textpage, text, nchars)
        assert where is not None and len(where) == len(text)
        at = text.index("DE-2013/10")
        line_start = text.rfind("\n", 0, at) + 1
        # the line " DE-2013/10 …" starts one char later in the page than in the text
        assert _mapped_start(where, line_start, at - line_start + 10) == line_start + 1
        for i in (0, line_start - 1, at, len(text) - 1):
            assert textpage.get_text_range(where[i], 1) == text[i]
    finally:
        pdf.close()


def test_lines_after_a_dropped_char_keep_their_fonts(shared_corpus: Path) -> None:
    lines = read_pdf_lines(shared_corpus / DOC)[1]
    item = next(ln for ln in lines if "DE-2013/11" in ln.text)
    body = [ln for ln in lines if ln.size is not None and not ln.bold]
    assert item.size is not None and item.bold and body


def test_every_item_of_the_minutes_is_a_heading(shared_corpus: Path) -> None:
    parsed = parse_file(shared_corpus / DOC, "chemere-2013-02-20")
    headings = [s.heading for s in parsed.sections if s.level == 1]
    numbered = [h for h in headings if h.startswith("DE-2013/")]
    assert len(numbered) >= 13
    assert any(h.startswith("DE-2013/18 – Rythmes scolaires") for h in numbered)
