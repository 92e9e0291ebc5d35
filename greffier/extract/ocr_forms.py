"""The usual written forms of minutes as an OCR reads them, put back before they are matched.

Tesseract reads a page the way a scan shows it: a bullet glyph before an item's number becomes a
letter or a sign ("➢ 2010/117 – …" is read "> 2010/117 - …", "À 2009/85 - …", "2.2010/32 - …"),
a number is cut by a space ("2008/1 47 - …"), a dash is read "=" or doubled ("DE-2013/11 5= …",
"DE-2013/110 - — …"). These helpers undo such readings in the few places where a form is
matched; they leave a text layer's own forms as they are.
"""

from __future__ import annotations

import re

from greffier.extract.dates import MONTH_NAMES

__all__ = ["date_text", "head_text", "item_line"]

# a register number: "2010/117", "DE-2013/110", "D 2008/157"
_NUMBER = r"(?:(?:[A-Z]{1,4}\s?-?\s?)?(?:19|20)\d ?\d\s?/\s?\d)"  # a year cut too: "DE-201 1/130"
# what an OCR makes of a bullet before it: signs, and at most one letter or figure of its own
# ("> ", "» ", ". À ", ": > ", "_À ", "ÿ ", "? ", "2.", "3 ")
_LEAD = re.compile(rf"^[^\w\n]{{0,5}}(?:\w[^\w\n]{{1,4}})?(?={_NUMBER})")
# a number cut by a space, then its separator read as a sign or doubled, then the title
_CUT = re.compile(
    r"^(?P<ref>(?:[A-Z]{1,4}\s?-?\s?)?(?:19|20)\d ?\d\s?/\s?\d{1,3})(?:\s(?P<more>\d{1,2}))?"
    # the separator read with a speck ("2010/117.- "), a cell rule or a stroke before the title ("- | Communauté")
    r"\s*(?P<sep>[.,]?[-–—=~_:]+(?:\s+[-–—_|])?)\s*[|\[_]?\s*(?P<title>[A-ZÀ-Ý«\"“].*)$"
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
    ref = re.sub(r"(?<=\d) (?=\d)", "", m.group("ref")) + (m.group("more") or "")
    if lead.end() == 0 and ref == m.group("ref") and m.group("sep") in ("-", "–", "—", ":"):
        return line  # nothing was disguised
    return f"{ref} - {m.group('title')}"


# -- a letterhead: "C O M M U N E  D E  C O R T E", "COMMUNE DE C0RTE", "COMMUNE\nDE\nCORTE" ----------
_SPACED = re.compile(r"(?<![\w'’-])(?:[A-ZÀ-Þ'’-] {1,3}){3,}[A-ZÀ-Þ](?![\w'’-])")
_GLUED_KIND = re.compile(r"^(COMMUNE|VILLE|MAIRIE)(D['’]|DES|DU|DE)(?=[A-ZÀ-Þ]{3})")
# a figure an OCR read inside a name: "C0RTE", "P1OUGASTEL"
_DIGIT_IN_NAME = re.compile(r"(?<=[A-ZÀ-Þ])[01](?=[A-ZÀ-Þ])|(?<=[a-zà-ÿ])0(?=[a-zà-ÿ])")
# a letterhead set on three lines: "COMMUNE / DE / CORTE"
_KIND_ALONE = re.compile(
    r"(?im)^([ \t]*(?:commune|ville|mairie))[ \t]*\n[ \t]*(d[eu]|d['’]|des)[ \t]*\n(?=[ \t]*[A-ZÀ-Þ])"
)


def _unspace(m: re.Match[str]) -> str:
    words = [w.replace(" ", "") for w in re.split(r" {2,}", m.group(0))]
    if len(words) == 1:  # no wider gap marks the words: the usual "COMMUNE DE" apart
        words = [_GLUED_KIND.sub(r"\1 \2 ", words[0])]
    return " ".join(words).replace(" - ", "-").replace("D' ", "D'")


def head_text(text: str) -> str:
    """A letterhead as printed when an OCR spaced its capitals, read a letter as a figure, or set
    its words on lines of their own: 'C O M M U N E  D E  C O R T E' -> 'COMMUNE DE CORTE',
    'COMMUNE DE C0RTE' -> 'COMMUNE DE CORTE', 'COMMUNE\\nDE\\nCORTE' -> 'COMMUNE DE\\nCORTE'."""
    if "  " in text or re.search(r"[A-ZÀ-Þ] [A-ZÀ-Þ] [A-ZÀ-Þ] ", text):
        text = _SPACED.sub(_unspace, text)
    text = _DIGIT_IN_NAME.sub(lambda m: {"0": "O", "1": "I"}[m.group(0)] if m.group(0).isdigit() else m.group(0), text)
    return _KIND_ALONE.sub(r"\1 \2 ", text)


# -- dates: "1°' avril", "2O AVRIL 2O23", "avri1", "dècembre", "décem-\nbre" -------------------------
def _month_pattern(name: str) -> str:
    out = []
    for ch in name:
        if ch in "eéèêë":
            out.append("[eéèêëc]")
        elif ch == "l":
            out.append("[l1|I]")
        elif ch == "i":
            out.append("[iíìîïl1]")
        elif ch in "uû":
            out.append("[uûü]")
        else:
            out.append(re.escape(ch))
    return "(?:-[ \t]*\n[ \t]*)?".join(out)  # a month cut by hyphenation at a line end


_MONTHS = re.compile(
    "|".join(rf"(?P<m{k}>\b{_month_pattern(n)}(?![\w|]))" for k, n in enumerate(MONTH_NAMES)), re.IGNORECASE
)
_MONTH_HINT = re.compile(r"(?i)(?:\d|\b[lIO]\s?(?:er|°))\S{0,2}\s+[a-zà-ÿ|1-]{3,}")
# "1°' avril", "1° avril", "l er avril", "1 er avril": the first of the month
_FIRST = re.compile(r"(?i)(?<![\w])(?:1|l|I)\s?(?:°\s?['’`\"]?|er\b)\s+(?=[a-zà-ÿ])")
# figures around a month read with O for 0: "2O AVRIL 2O23"
_MONTH_ALT = "(?:" + "|".join(MONTH_NAMES) + ")"
_O_DAY = re.compile(rf"(?i)(?<![\w])([0-3O]?[\dO])(?=\s+{_MONTH_ALT}\b)")
_O_YEAR = re.compile(rf"(?i)(\b{_MONTH_ALT}\s)([12][0O][\dO]{{2}})\b")


def date_text(text: str) -> str:
    """Dates as written when an OCR misread them: '1°\' avril 2023' -> '1er avril 2023', '2O
    AVRIL 2O23' -> '20 avril 2023', 'avri1'/'avri|' -> 'avril', 'dècembre' -> 'décembre',
    'décem-\\nbre' -> 'décembre'. The month names come back in lower case."""
    if not _MONTH_HINT.search(text):
        return text

    def month(m: re.Match[str]) -> str:
        k = next(int(name[1:]) for name, v in m.groupdict().items() if v is not None)
        return MONTH_NAMES[k]

    text = _MONTHS.sub(month, text)
    text = _FIRST.sub("1er ", text)
    text = _O_DAY.sub(lambda m: m.group(1).replace("O", "0"), text)
    return _O_YEAR.sub(lambda m: m.group(1) + m.group(2).replace("O", "0"), text)
