"""The usual written forms of minutes as an OCR reads them, put back before they are matched.

Tesseract reads a page the way a scan shows it: a bullet glyph before an item's number becomes a
letter or a sign ("➢ 2010/117 – …" is read "> 2010/117 - …", "À 2009/85 - …", "2.2010/32 - …"),
a number is cut by a space ("2008/1 47 - …"), a dash is read "=" or doubled ("DE-2013/11 5= …",
"DE-2013/110 - — …"). These helpers undo such readings in the few places where a form is
matched; they leave a text layer's own forms as they are.
"""

from __future__ import annotations

import re

__all__ = ["item_line"]

# a register number: "2010/117", "DE-2013/110", "D 2008/157"
_NUMBER = r"(?:(?:[A-Z]{1,4}\s?-?\s?)?(?:19|20)\d{2}\s?/\s?\d)"
# what an OCR makes of a bullet before it: signs, and at most one letter or figure of its own
# ("> ", "» ", ". À ", ": > ", "_À ", "ÿ ", "? ", "2.", "3 ")
_LEAD = re.compile(rf"^[^\w\n]{{0,5}}(?:\w[^\w\n]{{1,4}})?(?={_NUMBER})")
# a number cut by a space, then its separator read as a sign or doubled, then the title
_CUT = re.compile(
    r"^(?P<ref>(?:[A-Z]{1,4}\s?-?\s?)?(?:19|20)\d{2}\s?/\s?\d{1,3})(?:\s(?P<more>\d{1,2}))?"
    r"\s*(?P<sep>[-–—=~_:]+(?:\s+[-–—])?)\s*(?P<title>[A-ZÀ-Ý«\"“].*)$"
)


def item_line(line: str) -> str:
    """An item's opening line as it was written when an OCR reading disguised its number:
    '> 2010/117 - Délégations …' -> '2010/117 - Délégations …', 'DE-2013/1 19- Transfert …' ->
    'DE-2013/119 - Transfert …'. Any other line comes back unchanged."""
    lead = _LEAD.match(line)
    if lead is None:
        return line
    rest = line[lead.end() :]
    m = _CUT.match(rest)
    if m is None:
        return line
    if lead.end() == 0 and m.group("more") is None and m.group("sep") in ("-", "–", "—", ":"):
        return line  # nothing was disguised
    ref = m.group("ref") + (m.group("more") or "")
    return f"{ref} - {m.group('title')}"
