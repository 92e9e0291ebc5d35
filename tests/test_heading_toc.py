"""Headings confirmed by a table of contents, glyph-led titles, convention articles and clauses that
look like titles. Lines hand-built in the layouts of real documents (a Century Gothic RPQS whose
contents page lists a title that reads like a label, council minutes whose items are led by "➢" in
bold, the articles of a convention annexed to the minutes, a council's report with bulleted clauses)."""

from __future__ import annotations

from greffier.extract.cleanup import clean_pages
from greffier.extract.headings import HeadingStyle, LevelStack, numbering
from greffier.extract.layout import build_blocks
from greffier.extract.pdf import _glyph_lead
from greffier.extract.sections import build_sections
from greffier.records import Line

PROSE = "Le service public d’assainissement collectif dessert 275 habitants au 31 décembre de l’exercice."


class _Page:
    def __init__(self, number: int, top: float = 80.0) -> None:
        self.number, self.top, self.lines = number, top, []

    def add(self, text: str, size: float = 10.0, bold: bool = False, gap: float = 3.0, **kw: object) -> _Page:
        self.top += gap
        x0 = kw.pop("x0", 72.0)
        color = kw.pop("color", 0)
        self.lines.append(Line(text, self.number, size, bold, self.top, self.top + size, x0, 842.0, color=color))  # type: ignore[arg-type]
        self.top += size
        return self

    def prose(self, n: int = 3) -> _Page:
        for _ in range(n):
            self.add(PROSE)
        return self


def _tree(pages: list[_Page]) -> list[tuple[int, str]]:
    kept = clean_pages([p.lines for p in pages])[0]
    return [(s.level, s.heading) for s in build_sections("d", build_blocks(kept)) if s.level]


def _contents() -> _Page:
    toc = _Page(2).add("Sommaire", 24, True, color=0xFFFFFF)
    for text, page in [
        ("Indicateurs de performance", 7),
        ("Taux de desserte par le réseau d'assainissement collectif (P201.1)", 7),
        ("Conformités : collecte des effluents (P203.3), équipements des stations de traitement des eaux", None),
        ("usées (P204.3), performance des ouvrages d'épuration (P205.3)", 9),
        ("Financement des investissements", 10),
    ]:
        toc.add(f"{text} {page}" if page else text, gap=8)
    return toc


def test_the_contents_confirm_a_title_that_reads_like_a_label() -> None:
    green = 0x8AB833
    body = _Page(3).add("Indicateurs de performance", 24, True, color=0xFFFFFF).prose(2)
    body.add("Taux de desserte par le réseau d'assainissement collectif (P201.1)", 14, True, color=green, gap=12)
    body.prose(3)
    # (set in the body's size, a bold "X : …" line is a lead-in label, unless the contents list it)
    body.add("Conformités : collecte des effluents (P203.3), équipements des", 10, True, gap=12)
    body.add("stations de traitement des eaux usées (P204.3)", 10, True).prose(3)
    body.add("Financement des investissements", 24, True, color=0xFFFFFF, gap=12).prose(2)
    # the same page without a contents page: the label-like line is no title
    alone = [h for _, h in _tree([_Page(1).add("Rapport annuel", 30, True).prose(2), body])]
    assert not any(h.startswith("Conformités") for h in alone)
    found = [h for _, h in _tree([_Page(1).add("Rapport annuel", 30, True).prose(2), _contents(), body])]
    assert any(h.startswith("Conformités : collecte des effluents (P203.3), équipements des stations") for h in found)
    assert "Financement des investissements" in found


def test_a_glyph_is_skipped_for_the_lines_font() -> None:
    assert _glyph_lead("➢ DE- 2015/28 – Informations") == 2
    assert _glyph_lead("\uf0b7 Objet") == 2
    assert _glyph_lead("Objet") == 0
    assert _glyph_lead("« Citation »") == 0


def test_a_bold_glyph_led_item_of_the_minutes_is_a_title_its_plain_items_are_not() -> None:
    page = _Page(3, 60).prose(2)
    page.add("➢ DE- 2015/29 - Vote du compte de gestion 2014 : Immeuble commercial", 12, True, gap=14)
    page.add("Monsieur le Maire, rapporteur, expose :", 12).prose(2)
    page.add("➢ DE- 2015/30 – Vote du compte de gestion 2014 : Commune", 12, True, gap=14).prose(3)
    page.add("➢ le budget est voté à l’unanimité des membres présents", 12, gap=6).prose(2)
    assert [h for _, h in _tree([page])] == [
        "DE- 2015/29 - Vote du compte de gestion 2014 : Immeuble commercial",
        "DE- 2015/30 – Vote du compte de gestion 2014 : Commune",
    ]


def test_articles_of_a_convention() -> None:
    assert numbering("Article 1er . - Objet")[:2] == ("article", 1)
    assert numbering("Article 9.- Capacité à ester en justice")[:2] == ("article", 1)
    assert numbering("ARTICLE 3 : Durée")[:2] == ("article", 1)
    assert numbering("Article 2 du code de l’environnement") is None  # prose quoting an article
    page = _Page(8).prose(2)
    page.add("Article 1er", 10, True, gap=12).add(". - Objet", 10, True, x0=120.0, gap=-10).prose(2)
    page.add("Article 2. - Composition du groupement", 10, True, gap=12).prose(2)
    assert [h for _, h in _tree([page])] == ["Article 1er . - Objet", "Article 2. - Composition du groupement"]


def test_a_clause_led_by_a_bullet_is_no_title() -> None:
    page = _Page(14).prose(3)
    page.add("o Elle est déterminée selon la formule suivante :", 11, x0=162.0, gap=6)
    page.add("Tarif de base × coefficient de modulation × volumes facturés", 10, True)
    page.add("o Le tarif de base demeure fixé par l’AESN ;", 11, x0=162.0).prose(2)
    assert _tree([page]) == []


def test_levels_weight_before_numbering_in_the_body_size_and_smaller_text_below() -> None:
    # minutes in 12pt: items in bold led by "➢", their plain "1- …" parts, a convention annexed in 10pt
    item = HeadingStyle("font", 1, 12.0, True, 0, "➢")
    part = HeadingStyle("num-hyphen", 1, 12.0, False, 0)
    article = HeadingStyle("article", 1, 10.0, True, 0, small=True)
    stack = LevelStack()
    got = [
        stack.level_of(s, n)
        for s, n in [(item, ""), (part, "1"), (part, "2"), (item, ""), (article, "1"), (article, "2"), (item, "")]
    ]
    assert got == [1, 2, 2, 1, 2, 2, 1]


def test_a_title_in_the_font_of_an_open_one_but_another_colour_is_not_its_sibling() -> None:
    blue, black = 0x548DD4, 0x000000
    numbered = HeadingStyle("num-dotted", 2, 14.0, True, 1, color=blue)
    plain = HeadingStyle("font", 1, 14.0, True, 1, color=black)
    stack = LevelStack()
    assert [stack.level_of(numbered, "1.2"), stack.level_of(plain), stack.level_of(numbered, "1.3")] == [1, 2, 1]


def test_a_title_over_running_text_stays_a_title_inside_a_table_region() -> None:
    # a bulletin page: a blue title and its text in the left column, a list of amounts beside it that
    # the table finder takes, with the left column, for one table region
    blue = 0x26AAE1
    page = _Page(1, 60)
    page.add("Délégation de pouvoir", 9, color=blue, gap=12)
    page.add("Afin de faciliter l’administration des affaires communales, et conformément", 9)
    page.add("au Code Général des collectivités territoriales, les membres du conseil ont confié", 9)
    page.add("Total 2014", 9, color=blue, gap=12)
    page.add("AEP La Saint Jean 59 684,16 €", 9)
    page.add("Fournitures scolaires 10 215,20 €", 9)
    kept = clean_pages([page.lines])[0]
    region = {1: [(60.0, 60.0, 560.0, 200.0)]}
    heads = [b.text for b in build_blocks(kept, region) if b.kind == "heading"]
    assert heads == ["Délégation de pouvoir"]
