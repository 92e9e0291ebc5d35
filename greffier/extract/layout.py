"""Cleaned page lines -> blocks: paragraphs re-joined, list items, headings with levels."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from greffier.extract.glyphs import BULLET, BULLET_START, SOFT_BREAK
from greffier.extract.heading_checks import (
    drop_captions,
    drop_continuations,
    drop_fixed_titles,
    drop_form_fields,
    drop_garbled,
    drop_glossary_terms,
    drop_person_lines,
    drop_repeated_titles,
    drop_statements,
)
from greffier.extract.heading_rules import (
    BBox,
    Cand,
    drop_front_titles,
    drop_label_styles,
    drop_running_titles,
    drop_table_cells,
    drop_table_lines,
    drop_unmarked_contents,
    in_table,
    merge_divider_pages,
)
from greffier.extract.heading_toc import CONTENTS_ENTRY, CONTENTS_TITLES, confirm_from_contents
from greffier.extract.headings import (
    KNOWN_TITLES,
    HeadingStyle,
    LevelStack,
    fold,
    is_caps_title,
    number_value,
    numbering,
    size_tier,
)
from greffier.records import Block, Line

_TERMINAL = re.compile(r"[.!?:;…»]\s*$")
_CONNECTOR_END = re.compile(
    r"(?:\b(?:de|des|du|d'|d’|la|le|les|l'|l’|et|ou|à|au|aux|en|pour|sur|par|avec|dans)|[,–-])\s*$", re.IGNORECASE
)
_ITEM_START = re.compile(r"^\s*(?:\d{1,2}\s?[.)-]|[a-h]\))\s")
_WORD_JOIN = re.compile(r"\w-$")
# "Présents : Madame X, ..." is a label, not a title; "DE-2015/40 – Commande groupée … : Adhésion" is
_LABEL = re.compile(r"^[^:]{0,30}\S\s*:\s+\S+\s+\S+")
# a clause, not a title: a subject pronoun, or a conjugated verb ("Elle est déterminée selon la formule
# suivante :", "Ce calcul prend notamment en compte :")
_SENTENCE = re.compile(
    r"^(?:Il|Elle|Ils|Elles|On|Nous|Vous|Je|Cela|Ceci)\s|\s(?:est|sont|sera|seront|était|étaient|prend|prennent"
    r"|comprend|comprennent|permet|permettent|peut|peuvent|doit|doivent|concerne|concernent|s'élève|s’élève)\s"
    r"(?!.*\?$)"
)
# a label and its value, not a title: "Indice de la collectivité pour l’année 2021 : 73"
_VALUE_END = re.compile(r":\s*[-+]?\d[\d  .,]*\s*(?:%|€|k?m[23³²]?|ml|kg|t|h|ans?)?\s*$", re.IGNORECASE)
# the standing parts of council minutes (folded; the agenda, a list like a table of contents, is not one)
_MINUTES_PART = re.compile(
    r"^(?:decisions? prises? (?:par (?:le maire )?)?(?:par |en vertu de la |dans le cadre de la )?"
    r"delegation.*|questions diverses|informations diverses|affaires diverses)$"
)
_DASHES = ("-", "−", "–", "—", "*", "o")
_NUMBER = re.compile(r"\d[\d  .,]*")
_MONEY = re.compile(r"\d\s*(?:€|euros?\b|%)")
_ROW_END = re.compile(r"(?:\d|€|%)\s*$")  # a table row ends with a figure
_LIST_WINDOW = 6
_URL = re.compile(r"(?:https?://|www\.|@\w+\.)", re.IGNORECASE)


def _in_numbered_list(cands: list[Cand], i: int, kind: str, value: int | None) -> bool:
    """True when the numbered line at ``i`` belongs to a run of consecutive numbered lines
    (an agenda or an enumeration) rather than heading a section of text."""
    if value is None:
        return False
    for step, target in ((1, value + 1), (-1, value - 1)):
        j = i + step
        between = 0
        while 0 <= j < len(cands) and between <= _LIST_WINDOW:
            m = numbering(cands[j].text)
            if m and m[0] == kind and _same_font(cands[i].line, cands[j].line):
                if number_value(m[2]) == target:
                    return True
                break
            # only short lines (list items, a wrapped title) may sit between two items
            if len(cands[j].text.split()) > 14 and _TERMINAL.search(cands[j].text):
                break
            # decisions numbered by their reference ("DM 2024-10 : Objet : …") each with a line of
            # their own under them ("Montant : 173,55 €") head their text: a list of references has
            # nothing between its items but their titles' wrapped ends
            if kind == "delib" and not _starts_lower(cands[j].text):
                break
            # titles set apart from the text between them head sections: no list
            if (
                cands[i].line.size
                and cands[i].line.bold
                and not cands[j].line.bold
                and len(cands[j].text.split()) >= 8
                and not BULLET_START.match(cands[j].text)
            ):
                break
            between += 1
            j += step
    return False


def _same_font(a: Line, b: Line) -> bool:
    return a.size == b.size and a.bold == b.bold


def _plainer(prev: Line, line: Line, body: float) -> bool:
    """True when ``prev`` is set plainer than ``line``, a line bigger than the body text:
    smaller by 1.5pt or more, or not bold before a bold line."""
    if not prev.size or not line.size or line.size < body + 1.0:
        return False
    return (line.bold and not prev.bold) or line.size >= prev.size + 1.5


# "2.Tarification …": a number glued to its title, read as numbering only on an emphasized line
_GLUED_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3}\.)(?=[A-ZÀ-Ý])")


def _body_size(lines: list[Line], tables: dict[int, list[BBox]] | None = None) -> float:
    """The font size of the running text: the commonest size of prose lines (table cells,
    labels and footnotes are short lines; they would outweigh the prose in tabular reports;
    long cells of a table the table finder sees do not count either)."""
    sizes: Counter[float] = Counter()
    for ln in lines:
        if ln.size and len(ln.text.split()) >= 6 and not (tables and in_table(ln, tables.get(ln.page))):
            sizes[ln.size] += len(ln.text)
    if not sizes:
        for ln in lines:
            if ln.size:
                sizes[ln.size] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _body_color(lines: list[Line]) -> int | None:
    """The colour of the running text (prose lines), None without colours."""
    colors: Counter[int] = Counter()
    for ln in lines:
        if ln.color is not None and len(ln.text.split()) >= 6:
            colors[ln.color] += len(ln.text)
    return colors.most_common(1)[0][0] if colors else None


def _colored(color: int | None, ink: int | None) -> bool:
    """A saturated colour other than the text's: word processors colour their heading styles
    (grey or white text is de-emphasized or sits on a band; neither says "title" by itself)."""
    if color is None or ink is None or color == ink:
        return False
    r, g, b = color >> 16, (color >> 8) & 255, color & 255
    return max(r, g, b) - min(r, g, b) >= 40 and max(r, g, b) >= 60


def _bold_body(lines: list[Line], body: float) -> bool:
    """True when most body text is bold: bold then emphasizes nothing."""
    total = bold = 0
    for ln in lines:
        if ln.size == body:
            total += len(ln.text)
            bold += len(ln.text) if ln.bold else 0
    return total > 0 and bold >= 0.5 * total


def _toc_pages(pages: list[list[Line]]) -> set[int]:
    out = set()
    for page in pages:
        if not page:
            continue
        hits = sum(1 for ln in page if CONTENTS_ENTRY.search(ln.text.strip()) and len(ln.text.split()) >= 2)
        titled = any(len(ln.text) < 40 and fold(ln.text) in CONTENTS_TITLES for ln in page)
        if hits >= 4 and (titled or hits >= 0.5 * len(page)):
            out.add(page[0].page)
    return out


def _starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(")


def _gap_breaks(prev: Line, line: Line) -> bool:
    """True when the vertical layout says a new paragraph starts."""
    if prev.page != line.page or prev.top is None or line.top is None or not line.size:
        return False
    if line.top < (prev.top or 0) - 1:  # jumped upwards: another column or a text box
        return True
    gap = line.top - (prev.bottom or prev.top)
    return gap > 0.9 * line.size


def _classify(lines: list[Line], body: float, toc: set[int], recurring: set[str]) -> list[Cand]:
    cands = [Cand(line=ln, text=re.sub(r"\s+", " ", ln.text).strip()) for ln in lines]
    n = len(cands)
    has_layout = body > 0
    bold_means_nothing = has_layout and _bold_body(lines, body)
    ink = _body_color(lines)
    series = _series(cands)
    for i, c in enumerate(cands):
        if c.line.page in toc:
            c.toc = True
            continue
        text = c.text
        prev = cands[i - 1] if i else None
        nxt = cands[i + 1] if i + 1 < n else None
        words = len(text.split())
        num = numbering(text)
        size = c.line.size or 0.0
        # an underlined line is set apart like a bold one (titles underlined in the body's size),
        # even where all the text is bold
        underlined = has_layout and c.line.underline
        bold = (c.line.bold and not bold_means_nothing) or underlined
        colored = has_layout and _colored(c.line.color, ink)
        emphasized = has_layout and (size >= body + 1.0 or ((bold or colored) and size >= body - 0.6))
        if num is None and emphasized and _GLUED_NUMBER.match(text):
            text = c.text = _GLUED_NUMBER.sub(r"\1 ", text, count=1)
            num = numbering(text)
        prev_closed = (
            prev is None
            or bool(_TERMINAL.search(prev.text))
            or prev.heading is not None
            or (has_layout and _gap_breaks(prev.line, c.line))
            or (has_layout and emphasized and prev.line.page != c.line.page)
            # an emphasized line after a plainer one (not bold, or smaller) starts something new
            or (
                has_layout and emphasized and _plainer(prev.line, c.line, body) and not _CONNECTOR_END.search(prev.text)
            )
            or (not has_layout and len(prev.text) < 45)
            # a table row (figures up to its end) before an emphasized line
            or (emphasized and bool(_ROW_END.search(prev.text)) and len(_NUMBER.findall(prev.text)) >= 2)
        )
        lead = BULLET_START.match(text)
        mark = ""
        if lead and emphasized and not bold_means_nothing and lead.group(0).strip() not in _DASHES:
            # a glyph before a line set as a title ("➢ DE-2015/28 – Informations …" in bold)
            # leaves it a title: judged without its glyph, like any other line
            mark = lead.group(0).strip()
            text = c.text = text[lead.end() :]
            words = len(text.split())
            num = numbering(text)
            lead = None
        if lead:
            # with fonts known, a glyph-led title is set apart by its font too
            # (where all the text is bold, a "➢" may still lead a title; a dash leads list items)
            dash = lead.group(0).strip() in _DASHES
            plain = has_layout and not emphasized and (dash or not bold_means_nothing)
            c.heading = None if plain else _lead_heading(text, lead, prev_closed, nxt, size, c.line.bold)
            if c.heading is not None:
                c.text = text[lead.end() :]
            continue
        # A line that continues into a lowercase line is prose, unless it is laid out as a title.
        continues = (
            nxt is not None
            and _starts_lower(nxt.text)
            and not (has_layout and nxt.line.size == c.line.size and nxt.line.bold == c.line.bold and emphasized)
        )
        if num is not None:
            kind, depth, number = num
            if not _in_series(kind, number, series, emphasized):
                continue
            if kind == "alpha" and _ALPHA_DASH.match(text) and not emphasized:
                continue  # "A – Éléments obligatoires …" in plain text: a table's band row
            limit = 28 if kind in ("delib", "point", "objet") else 18
            # "2.2.3." opens a line only as a section number, whatever the line before
            structural = kind == "num-dotted" and depth >= 2 and emphasized and words <= 14
            if words > limit or not (prev_closed or structural):
                continue
            # (a title wrapped onto a short last line in its own font goes on in lower case:
            # "D2025-035 - Objet : Adhésion au Conseil … de" / "l’Oise")
            tail = (
                nxt is not None
                and _same_font(c.line, nxt.line)
                and len(nxt.text.split()) <= 8
                and not _TERMINAL.search(nxt.text)
            )
            if continues and words > 8 and not tail:
                continue
            if text.endswith((",", ";")) or (text.endswith(".") and words > 12):
                continue
            if kind == "article" and text.endswith(".") and not emphasized:
                continue  # "Article 3 : La présente délibération sera transmise au Préfet."
            # An agenda: consecutive numbered lines counting up are a list, not headings.
            if (
                size_tier(size, body) == 0
                and kind != "num-dotted"  # multi-level numbers number a document's parts, not a list
                and _in_numbered_list(cands, i, kind, number_value(number))
            ):
                c.is_item = True
                continue
            if has_layout and not emphasized and kind in ("num", "alpha-lower") and _ITEM_START.match(text):
                # plain-font "1) ..." lines inside prose are list items
                if nxt is not None and not _TERMINAL.search(text) and words > 10:
                    continue
            c.heading = HeadingStyle(
                kind, depth, size if has_layout else 0.0, c.line.bold or underlined, size_tier(size, body)
            )
            c.number = number
            continue
        after = i + 1 if nxt is not None else None
        if has_layout and emphasized and continues is False and nxt is not None:
            # a title wrapped over the short lines of a narrow column is judged whole
            # ("Renouvellement des membres de la" / "commission d’appels d’offres suite" / "démission :")
            text, after = _wrapped_title(cands, i, text)
            # (a title may wrap over the short lines of a narrow column: up to 24 words)
            words = len(text.split()) - (10 if after != i + 1 else 0)
        if (
            not prev_closed
            or words > 14
            or text.endswith((",", ";", "."))
            or continues
            or _SENTENCE.search(text)
            or _VALUE_END.search(text)
        ):
            continue
        folded = fold(text)
        if has_layout:
            tier = size_tier(size, body)
            # A bold line of body size titles a section only when prose follows it
            # (in tariff tables, bold lines label groups of rows).
            prose_follows = _prose_follows(cands, after)
            short = 12 if underlined else 8  # (an underline marks a title on purpose: a longer one too)
            if (
                emphasized
                and (
                    tier >= 2
                    or (tier == 1 and (prose_follows or bold or colored))
                    or ((bold or colored) and (_bare_words(c.text) <= short or mark) and prose_follows)
                )
                # (a lead-in label ends with a colon in the body's size; a bigger title may too:
                # "Antériorité de l’intervention publique :" in 14pt bold over 12pt text)
                and (
                    (((tier >= 1 and bold) or colored) and prose_follows)
                    # ("Scénario 1 : Maison individuelle …" underlined; not a lead-in ending with a colon)
                    or (underlined and prose_follows and not text.endswith(":"))
                    or not (text.endswith(":") or _LABEL.search(text))
                )
                and (len(_NUMBER.findall(text)) < 2 or mark)
                and not _MONEY.search(text)
                and sum(ch.isalpha() for ch in text) >= 3
                and not text[0].isdigit()  # "195,74 kg par an et par habitant": a figure
                and not _URL.search(text)
            ):
                # (a part of council minutes holds the items after it, whatever their numbering)
                kind = "minutes-part" if _MINUTES_PART.match(folded) else "font"
                c.heading = HeadingStyle(kind, 1, size, bold, tier)
            elif _MINUTES_PART.match(folded) and (bold or c.line.bold or emphasized):
                # the parts of council minutes, whatever their font: "Décisions prises par délégation … :"
                c.heading = HeadingStyle("minutes-part", 1, size, c.line.bold, tier)
        elif folded in KNOWN_TITLES or folded in recurring:
            c.heading = HeadingStyle("named", 1, 0.0, False)
        elif is_caps_title(text) and (nxt is None or not nxt.text.isupper()):
            c.heading = HeadingStyle("caps", 1, 0.0, False)
        if mark and c.heading is not None:
            c.heading = replace(c.heading, mark=mark)
    if has_layout:  # (the colour and a size below the text's rank headings of one size)
        for c in cands:
            if c.heading is not None:
                c.heading = replace(c.heading, color=c.line.color, small=(c.line.size or 0.0) <= body - 1.5)
    # The same unnumbered "title" over and over is a table label ("Approuvée"), not a heading.
    repeats = Counter(fold(c.text) for c in cands if c.heading is not None and c.heading.kind == "font")
    for c in cands:
        # (titles bigger than the text are not table labels: "Les tonnages" under each flow)
        if c.heading is not None and c.heading.kind == "font" and c.heading.tier == 0:
            key = fold(c.text)
            if repeats[key] >= 3 and key not in KNOWN_TITLES:
                c.heading = None
    return cands


# numbering forms that open a heading on their own only when set apart by their font or when the
# document numbers a series of them ("Point n° 1", "Point n° 2" …; several "OBJET :" lines)
_SERIES_KINDS = ("point", "objet")
_ALPHA_DASH = re.compile(r"^[A-H]\s?[-–—]\s")  # "A – Title", "B- Title": a title only set apart by its font


def _series(cands: list[Cand]) -> Counter[tuple[str, int | None]]:
    """How many lines of the document open on each (numbering kind, value) of ``_SERIES_KINDS``
    (the value None for an unnumbered "OBJET :")."""
    out: Counter[tuple[str, int | None]] = Counter()
    for c in cands:
        m = numbering(BULLET_START.sub("", c.text))
        if m and m[0] in _SERIES_KINDS:
            out[(m[0], number_value(m[2]) if m[2] else None)] += 1
    return out


def _in_series(kind: str, number: str, series: Counter[tuple[str, int | None]], emphasized: bool) -> bool:
    """Whether a numbered line of a ``_SERIES_KINDS`` form belongs to a series of the document (the
    number before or after it elsewhere; a second "OBJET :" line), or is set apart by its font: a
    lone "Point 3 -" in plain text may be a sentence's start."""
    if kind not in _SERIES_KINDS or emphasized:
        return True
    if kind == "objet":
        return series[("objet", None)] >= 2
    value = number_value(number)
    return value is not None and (series[(kind, value - 1)] > 0 or series[(kind, value + 1)] > 0)


def _prose_follows(cands: list[Cand], k: int | None) -> bool:
    """Whether running text follows a title: a line of six words or more, or, in a narrow column,
    a shorter line that goes on in the next line of its font ("Subvention accordée au collège" /
    "Olympe de Gouges Ste Pazanne pour"). A table row (figures up to its end) is no prose."""
    if k is None or _ROW_END.search(cands[k].text):
        return False
    after = cands[k]
    words = len(after.text.split())
    if words >= 6:
        return True
    if words >= 3 and k < len(cands) - 1 and not _TERMINAL.search(after.text):
        nxt = cands[k + 1]
        return (
            _same_font(after.line, nxt.line)
            and words + len(nxt.text.split()) >= 8
            and not _gap_breaks(after.line, nxt.line)
        )
    return False


def _wrapped_title(cands: list[Cand], i: int, text: str) -> tuple[str, int | None]:
    """The text of a title going on over the next lines in its own font (same size, weight and
    colour, on its page, each line opening on the previous one's unfinished phrase), and the
    index of the line after it."""
    c = cands[i]
    j = i
    while j + 1 < len(cands) and j - i < 3:
        here, nxt = cands[j], cands[j + 1]
        font = (nxt.line.size, nxt.line.bold, nxt.line.color) == (c.line.size, c.line.bold, c.line.color)
        if not font or nxt.line.page != c.line.page or _TERMINAL.search(here.text) or _gap_breaks(here.line, nxt.line):
            break
        if not (_starts_lower(nxt.text) or _CONNECTOR_END.search(here.text)):
            break
        text = f"{text} {nxt.text}"
        j += 1
    return text, (j + 1 if j + 1 < len(cands) else None)


_PARENS = re.compile(r"\([^)]*\)")


def _bare_words(text: str) -> int:
    """Words of a line outside its parentheses ("La collecte sélective (papiers, cartons, …)": 3)."""
    return len(_PARENS.sub(" ", text).split())


def _lead_heading(
    text: str, lead: re.Match[str], prev_closed: bool, nxt: Cand | None, size: float, bold: bool
) -> HeadingStyle | None:
    """A glyph-led line that titles what follows ("➢ La Direction Habitat :"), not a list item.

    The glyph does not make the heading: the line must stand alone, stay short, and be
    followed by something else than a sibling item of the same glyph (unless it ends
    with a colon, announcing a list)."""
    mark = lead.group(0).strip()
    body = text[lead.end() :].strip()
    words = len(body.split())
    if not prev_closed or not 1 <= words <= 12 or not body[:1].isupper() or body.endswith((".", ",", ";")):
        return None
    if _SENTENCE.search(body) or _VALUE_END.search(body):
        return None
    if nxt is None or _starts_lower(nxt.text) or numbering(nxt.text) is not None:
        return None
    if _LABEL.search(body) or _CONNECTOR_END.search(body) or body.endswith("-"):
        return None  # "Contre : 1, M. X" is a label; a line ending on "de" or "-" wraps
    if _MONEY.search(body) or re.match(r"^[A-ZÀ-Ü]{3,}\s+(?:et\s+[A-ZÀ-Ü]+\s+)?[a-zà-ÿ]", body):
        return None  # "- FIXE le montant … à 50 €": a decision's operative clause, not a title
    colon = body.endswith(":")
    if size == 0 and len(text) > 75 and not colon:
        return None  # a full-width line of a text export is wrapped prose
    next_lead = BULLET_START.match(nxt.text)
    if not colon:
        if next_lead is not None or len(nxt.text.split()) < 8:
            return None
    elif (
        next_lead is not None
        and next_lead.group(0).strip() == mark
        and len(nxt.text.split()) <= 12
        and (nxt.text.rstrip().endswith(":"))
    ):
        return None  # a run of "➢ X :" labels each followed by its own text: decided per line
    return HeadingStyle("lead", 1, size, bold, 0, mark)


def _recurring_titles(lines: list[Line]) -> set[str]:
    """Short standalone lines repeated through a text export ("Les missions")."""
    counts = Counter(fold(ln.text) for ln in lines if 1 <= len(ln.text.split()) <= 4)
    return {k for k, c in counts.items() if c >= 3 and k and k[0].isalpha() and len(k) >= 6}


def _merge_wrapped_headings(cands: list[Cand]) -> list[Cand]:
    """A heading wrapped over two lines becomes one candidate."""
    out: list[Cand] = []
    for c in cands:
        if out:
            head = out[-1]
            # the second line of a wrapped title may itself look like a title in the same font
            same_font_title = c.heading is not None and c.heading.kind in ("font", "caps", "minutes-part")
            if (
                head.heading is not None
                and (c.heading is None or same_font_title)
                and not c.toc
                and not BULLET_START.match(c.text)
                and numbering(c.text) is None
            ):
                same_font = (
                    head.line.size is not None
                    and c.line.size == head.line.size
                    and c.line.bold == head.line.bold
                    and c.line.page == head.line.page
                    and not _gap_breaks(head.extra[-1] if head.extra else head.line, c.line)
                )
                # ("Article 1er" / ". - Objet": the text layer cut the title at its punctuation)
                wraps = (
                    _starts_lower(c.text)
                    or _CONNECTOR_END.search(head.text)
                    or c.text[:1] in ".:–—-"
                    or head.text.count("«") > head.text.count("»")  # a quotation left open
                    or head.text.count("(") > head.text.count(")")
                )
                if (same_font and (wraps or (head.line.size and head.line.bold and c.text.isupper()))) or (
                    head.line.size is None and _starts_lower(c.text) and len(c.text.split()) <= 8
                ):
                    if len((head.text + " " + c.text).split()) <= 30:
                        head.text = f"{head.text} {c.text}"
                        head.extra.append(c.line)
                        continue
        out.append(c)
    return out


def _confirm_contents(cands: list[Cand], toc: set[int], body: float) -> None:
    """Lines the table of contents lists become headings (see heading_toc)."""
    for c in confirm_from_contents(cands, toc):
        c.confirmed = True
        if c.heading is not None:
            continue
        text = BULLET_START.sub("", c.text)
        if text.endswith((",", ";")) or (text.endswith(".") and len(text.split()) > 12):
            continue
        size = c.line.size or 0.0
        num = numbering(text)
        kind, depth, number = num if num else ("font", 1, "")
        c.text = text
        c.heading = HeadingStyle(
            kind,
            depth,
            size if body else 0.0,
            c.line.bold,
            size_tier(size, body),
            color=c.line.color if body else None,
            small=bool(body) and size <= body - 1.5,
        )
        c.number = number
        c.is_item = False


def build_blocks(pages: list[list[Line]], tables: dict[int, list[BBox]] | None = None) -> list[Block]:
    """Blocks of the document in reading order, headings carrying their level. ``tables``: the
    regions of each page that look like tables, (x0, top, x1, bottom) in points."""
    lines = [ln for page in pages for ln in page]
    if not lines:
        return []
    body = _body_size(lines, tables)
    toc = _toc_pages(pages)
    recurring = _recurring_titles(lines) if body == 0 else set()
    cands = _classify(lines, body, toc, recurring)
    if toc:
        _confirm_contents(cands, toc, body)
    cands = _merge_wrapped_headings(cands)
    if body:
        drop_running_titles(cands)
        drop_unmarked_contents(cands)
        drop_table_cells(cands)
        if tables:
            drop_table_lines(cands, tables)
        cands = merge_divider_pages(cands, body)
        drop_label_styles(cands)
        drop_front_titles(cands)
        drop_fixed_titles(cands)
    drop_continuations(cands)
    drop_person_lines(cands)
    drop_captions(cands)
    drop_form_fields(cands)
    drop_glossary_terms(cands)
    drop_statements(cands)
    drop_garbled(cands)
    drop_repeated_titles(cands)

    # A cover page (few words) holds the document title, not section headings.
    first_page = [c for c in cands if c.line.page == cands[0].line.page]
    if len(pages) > 2 and body and sum(len(c.text.split()) for c in first_page) <= 60:
        for c in first_page:
            c.heading = None
    # A heading on page 1 stronger than every later heading is the document title.
    later = [c.heading.strength for c in cands if c.heading and c.line.page > 1]
    if later:
        top = max(later)
        for c in cands:
            if c.heading and c.line.page == 1 and c.heading.strength > top:
                c.heading = None
    # So is an unnumbered line on page 1 set bigger than every heading of the later pages.
    later_sizes = [c.line.size or 0.0 for c in cands if c.heading and c.line.page > 1]
    if later_sizes and body:
        for c in cands:
            if c.heading and c.line.page == 1 and c.heading.kind == "font" and (c.line.size or 0) > max(later_sizes):
                c.heading = None

    stack = LevelStack()
    blocks: list[Block] = []
    cur: list[str] = []
    cur_kind = "para"
    cur_page = cur_end = 0
    prev: Cand | None = None

    def flush() -> None:
        nonlocal cur
        if cur:
            text = "".join(cur).replace(SOFT_BREAK, "").strip()
            blocks.append(Block(text=text, page=cur_page, page_end=cur_end, kind=cur_kind))
        cur = []

    for c in cands:
        last_line = c.extra[-1] if c.extra else c.line
        if c.heading is not None:
            flush()
            level = stack.level_of(c.heading, c.number)
            blocks.append(Block(text=c.text, page=c.line.page, page_end=last_line.page, kind="heading", level=level))
            prev = c
            continue
        text = c.text
        bullet = bool(BULLET_START.match(text)) or text.startswith(BULLET)
        new_block = (
            not cur
            or prev is None
            or prev.heading is not None
            or bullet
            or c.is_item
            or c.toc
            or (bool(_TERMINAL.search(prev.text)) and not _starts_lower(text))
            or (cur_kind == "bullet" and prev.text.endswith(",") and not _starts_lower(text))
            # a gap is a new paragraph, unless the line goes on in lower case after an open one
            # (double-spaced minutes: "le tarif de la redevance pour" / "consommation à 0.34 €/m3")
            or (_gap_breaks(prev.line, c.line) and not (_starts_lower(text) and not _TERMINAL.search(prev.text)))
            or (prev.line.page != c.line.page and not _starts_lower(text) and bool(_TERMINAL.search(prev.text)))
        )
        if new_block:
            flush()
            cur_kind = "bullet" if bullet or c.is_item else "para"
            if bullet:
                text = BULLET_START.sub(f"{BULLET} ", text, count=1) if BULLET_START.match(text) else text
            cur = [text]
            cur_page = c.line.page
        else:
            joined = cur[-1]
            if joined.endswith(SOFT_BREAK):
                cur[-1] = joined[:-1]
                cur.append(text)  # a word broken by a hyphenation mark
            elif _WORD_JOIN.search(joined):
                cur.append(text)  # "Aix-" + "Marseille": keep the hyphen, no space
            else:
                cur.append(" " + text)
        cur_end = c.line.page
        prev = c
    flush()
    return blocks
