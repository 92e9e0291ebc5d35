"""Heading rules that generalize across report templates: numbering schemes, fonts (size, weight,
colour) relative to the document's own body text, levels ranked within the document, and the
lines that look like titles but are not (running headers, table cells, chart labels, title pages).

Lines are hand-built in the layouts of real reports (RPQS of several templates, a designed
waste report, a Word zoning report, council minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.cleanup import clean_pages
from greffier.extract.headings import HeadingStyle, LevelStack, numbering
from greffier.extract.layout import _body_size, build_blocks
from greffier.extract.pdf import _utf16_len, read_pdf_lines
from greffier.extract.sections import build_sections
from greffier.records import Line

from .pdfmaker import PdfPage, write_pdf

PROSE = "Le service public d’assainissement collectif dessert 275 habitants au 31 décembre de l’exercice."
BLUE = 0x0F4761  # Word's heading colour
BLACK = 0x000000


class _Page:
    """Lines of one page, stacked from the top: each line below the previous one."""

    def __init__(self, number: int, top: float = 80.0) -> None:
        self.number, self.top, self.lines = number, top, []

    def add(self, text: str, size: float = 11.0, bold: bool = False, gap: float = 3.0, **kw: object) -> _Page:
        self.top += gap
        x0 = kw.pop("x0", 57.0)
        top = kw.pop("top", self.top)
        self.lines.append(
            Line(text, self.number, size, bold, top, top + size, x0, 842.0, color=kw.pop("color", BLACK))  # type: ignore[arg-type]
        )
        self.top = max(self.top, top + size)
        return self

    def prose(self, n: int = 3) -> _Page:
        for _ in range(n):
            self.add(PROSE)
        return self


def _tree(pages: list[_Page]) -> list[tuple[int, str]]:
    kept = clean_pages([p.lines for p in pages])[0]
    return [(s.level, s.heading) for s in build_sections("d", build_blocks(kept)) if s.level]


# -- numbering schemes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "depth"),
    [
        ("1.1) Présentation du territoire desservi", "num-dotted", 2),
        ("2.2.3. Secteur Ouest", "num-dotted", 3),
        ("3.6) Taux de boues évacuées selon les filières conformes", "num-dotted", 2),
        ("2 - Mutualisation descendante communauté vers communes", "num-hyphen", 1),
        ("« 1 - Mutualisation ascendante communes vers communauté", "num-hyphen", 1),
        ("Chapitre 1 : Caractérisation technique du service", "part", 1),
        ("PARTIE II – Finances", "part", 1),
        ("DE-2014/97 – Informations sur la délégation du Maire", "delib", 1),  # Chéméré's minutes
        ("DE- 2015/39 – Marché à procédure adaptée (MAPA)", "delib", 1),
    ],
)
def test_more_numbering_schemes(text: str, kind: str, depth: int) -> None:
    found = numbering(text)
    assert found is not None and found[:2] == (kind, depth)


def test_a_number_glued_to_its_title_on_an_emphasized_line() -> None:
    # "2.Tarification …" (no space) in the chapter font of the other chapters
    page = _Page(3).add("1. Caractérisation technique du service", 20, True).prose()
    page.add("1.1. Présentation du territoire desservi", 14, True, gap=12).prose()
    page.add("2.Tarification de l’assainissement", 20, True, gap=12).prose()
    page.add("Le 2.Tarif est un mot de prose au milieu d’une phrase qui continue encore longtemps.", 11)
    assert _tree([page]) == [
        (1, "1. Caractérisation technique du service"),
        (2, "1.1. Présentation du territoire desservi"),
        (1, "2. Tarification de l’assainissement"),
    ]


# -- fonts relative to the document's body ----------------------------------------------------


def test_body_size_is_the_prose_size_not_the_table_cells() -> None:
    cells = [Line(t, 1, 10.0, True) for t in ("Commune", "Abainville", "131", "132", "0,8 %", "Nombre total") * 20]
    prose = [Line(PROSE, 1, 11.0) for _ in range(8)]
    assert _body_size(cells + prose) == 11.0


def test_numbering_continuity_beats_a_slip_of_font() -> None:
    # "1.7" set in 11pt bold among "1.6" and "1.8" in 14pt bold stays their sibling
    page = _Page(3).add("1. Caractérisation technique du service", 20, True).prose()
    page.add("1.6. Autorisations de déversements", 14, True, gap=12).prose()
    page.add("1.7. Linéaire de réseaux de collecte", 11, True, gap=12).prose()
    page.add("1.8. Ouvrages d'épuration des eaux usées", 14, True, gap=12).prose()
    assert [lv for lv, _ in _tree([page])] == [1, 2, 2, 2]


def test_a_bold_title_bigger_than_the_body_needs_no_prose_after_it() -> None:
    page = _Page(4).add("Volumes facturés", 14, True).add("Volumes 2020", 9, True).add("Total 10 692 8 451", 9)
    page.add("Linéaire de réseaux de collecte (hors branchements)", 14, True, gap=12).prose()
    assert [h for _, h in _tree([page])] == ["Volumes facturés", "Linéaire de réseaux de collecte (hors branchements)"]


def test_a_coloured_line_of_body_size_is_a_title() -> None:
    # Word's heading styles are coloured, not bigger: "2.2.2. Secteur centre" after an unfinished line
    page = _Page(8).add("2.2.1. Secteur sud (plages)", 11, color=BLUE).prose(2).add("- Roz Kerboul : 2 parcelles")
    page.add("2.2.2. Secteur centre", 11, color=BLUE, gap=10).add("A passer en non collectif (vert) :").prose(2)
    page.add("Mot en couleur", 11, color=0x808080, gap=10).prose(1)  # grey text emphasizes nothing
    assert [h for _, h in _tree([page])] == ["2.2.1. Secteur sud (plages)", "2.2.2. Secteur centre"]


def test_glyph_led_lines_in_the_body_font_are_list_items_when_fonts_are_known() -> None:
    page = _Page(3).add("1.1. Présentation du territoire desservi", 14, True).prose(1)
    page.add("• Compétences liées au service :", gap=10).add("Oui Non", 14, True, top=page.top - 11, x0=416.0)
    page.add("Collecte ☑ ☐", x0=224.0).prose(2)
    assert [h for _, h in _tree([page])] == ["1.1. Présentation du territoire desservi"]


# -- levels ranked within the document --------------------------------------------------------


def test_a_series_starting_at_one_inside_a_numbered_item_subdivides_it() -> None:
    item = HeadingStyle("num", 1, 11.0, True)
    sub = HeadingStyle("num-hyphen", 1, 11.0, True)
    stack = LevelStack()
    got = [stack.level_of(s, n) for s, n in [(item, "10"), (sub, "1"), (sub, "2"), (sub, "3"), (item, "11")]]
    assert got == [1, 2, 2, 2, 1]


def test_an_unnumbered_title_in_a_chapter_font_is_a_chapter() -> None:
    chapter = HeadingStyle("num", 1, 24.0, False, 3)
    section = HeadingStyle("num-dotted", 2, 18.0, True, 2)
    contacts = HeadingStyle("font", 1, 24.0, False, 3)  # "Vos contacts", set like the chapters
    stack = LevelStack()
    assert [stack.level_of(s, n) for s, n in [(chapter, "4"), (section, "4.1"), (contacts, "")]] == [1, 2, 1]


def test_multi_level_numbers_are_never_an_agenda_list() -> None:
    # sections a few lines long, numbered 2.2.3 and 2.2.4 side by side on one page
    page = _Page(9).add("2.2. Modifications apportées par secteurs", 14).prose(2)
    page.add("2.2.3. Secteur Ouest", 11, color=BLUE, gap=10).add("- Keristum, une parcelle")
    page.add("2.2.4. Secteur centre Nord", 11, color=BLUE, gap=10).add("- Kersudal : 3 parcelles")
    assert [lv for lv, _ in _tree([page])] == [1, 2, 2]


# -- lines that look like titles and are not --------------------------------------------------


def test_a_title_page_is_not_a_section_but_a_preamble_is() -> None:
    cover = _Page(1).add("Abainville", 30).add("Rapport annuel sur le prix et la qualité du service", 28, True)
    pre = _Page(2).add("Préambule", 28).prose(4)
    body = _Page(3).add("1. Caractérisation technique du service", 20, True).prose()
    body.add("1.1. Présentation du territoire desservi", 14, True, gap=12).prose()
    tree = _tree([cover, pre, body])
    assert tree[0] == (1, "Préambule") and "Abainville" not in [h for _, h in tree]


def test_a_chapter_divider_page_is_one_heading_number_first() -> None:
    pages = [_Page(1).add("Rapport annuel 2023", 14, True).prose(4)]
    divider = _Page(2, top=300).add("SYSTÈME DE", 50, True).add("COLLECTE", 50, True)
    divider.add("02", 118, True, top=200).add("ET TRAITEMENT", 50, True, top=420)
    content = _Page(3).add("Système de collecte et traitement", 15, True).prose()
    content.add("Le verre", 11, True, gap=10).prose()
    pages += [divider, content]
    assert _tree(pages)[0] == (1, "02 SYSTÈME DE COLLECTE ET TRAITEMENT")


def test_a_running_title_is_not_a_section_on_every_page() -> None:
    pages = []
    for n in range(1, 5):
        page = _Page(n, top=20).add("Rapport annuel du SPANC", 14, True)
        page.top = 120
        if n == 2:
            page.add("1. Caractérisation technique", 20, True, gap=12)
        pages.append(page.prose(6))
    assert _tree(pages) == [(1, "1. Caractérisation technique")]


def test_a_title_sharing_its_row_is_a_table_cell() -> None:
    page = _Page(6).add("2.4) Evolution du tarif de l'assainissement", 14, True).prose(1)
    page.add("Variation", 14, True, gap=10, x0=400.0).add("2020", 11, top=page.top - 14, x0=200.0)
    page.prose(2)
    assert [h for _, h in _tree([page])] == ["2.4) Evolution du tarif de l'assainissement"]


def test_a_style_used_on_one_page_only_labels_a_chart() -> None:
    pages = []
    for n, title in enumerate(["Les Lisières de l’Oise", "La régie intercommunale", "Le SMDO"], start=5):
        page = _Page(n).add(title, 15, True).prose(6)
        if n == 5:  # an org chart: names in a style no other page uses
            page.add("Franck", 17.5, True, gap=10).add("Président", 9).add("Jean-Claude", 17.5, True, gap=10)
            page.add("Vice-Président", 9).prose(1)
        pages.append(page)
    assert [h for _, h in _tree(pages)] == ["Les Lisières de l’Oise", "La régie intercommunale", "Le SMDO"]


def test_figures_and_addresses_are_not_titles() -> None:
    page = _Page(24).add("Collecte des ordures ménagères résiduelles", 15, True).prose(2)
    page.add("195,74 kg par an et par habitant", 15, True, gap=10).prose(2)
    page.add("www.ccloise.com", 15, True, gap=10).prose(2)
    assert [h for _, h in _tree([page])] == ["Collecte des ordures ménagères résiduelles"]


# -- the PDF text layer -----------------------------------------------------------------------


def test_scaled_and_coloured_text_in_a_pdf(tmp_path: Path) -> None:
    # a designed brochure sets 31pt text scaled by a third; Word colours its headings
    page = PdfPage()
    page.styled(60, 100, "La régie intercommunale", 20, scale=0.75, rgb=(0.06, 0.28, 0.38))
    page.styled(60, 130, "En 1964, le Syndicat Intercommunal était créé.", 31.2, scale=1 / 3)
    lines = read_pdf_lines(write_pdf(tmp_path / "b.pdf", [page]))[0]
    assert [(ln.size, ln.color) for ln in lines] == [(15.0, 0x0F4761), (10.5, 0x000000)]


def test_utf16_length_of_mathematical_letters() -> None:
    assert _utf16_len("taux 𝑡𝑎𝑢𝑥") == 5 + 2 * 4


def test_layout_kept_on_a_page_with_a_formula(shared_corpus: Path) -> None:
    # RPQS Alloue p. 8 writes a formula in mathematical italics (two UTF-16 units per letter)
    path = shared_corpus / "rpqs-narval" / "RPQS_Alloue_AC_2021.pdf"
    page = read_pdf_lines(path)[7]
    assert any("𝑡𝑎𝑢𝑥" in ln.text for ln in page)
    assert all(ln.size for ln in page)
    title = next(ln for ln in page if ln.text.startswith("Indicateurs de performance"))
    assert title.size == 24.0 and title.bold


def test_a_contents_page_without_leaders_lists_titles_not_sections() -> None:
    titles = ["1. Caractérisation technique", "1.1. Présentation du territoire", "2. Tarification", "2.1. Recettes"]
    toc = _Page(2).add("Sommaire", 16, True)
    for t in titles:
        toc.add(t, 12, True, gap=8)
    pages = [_Page(1).prose(6), toc]
    for n, t in enumerate(titles, start=3):
        pages.append(_Page(n).add(t, 14, True).prose(6))
    tree = _tree(pages)
    assert [h for _, h in tree] == ["Sommaire", *titles]


def test_a_cover_line_as_big_as_the_chapters_is_the_cover_s() -> None:
    # a cover with a paragraph of legal text under its title (not a page of few words), then contents
    cover = _Page(1).add("Rapport annuel sur le prix et la qualité", 24, True)
    cover.add("du service public d’assainissement collectif", 24, True)
    cover.add("Exercice 2021", 18, True, gap=20).add("Commune de Rully", 18, True, gap=10)
    cover.add("Présenté conformément à l’article L.2224-5 du Code Général des Collectivités Territoriales", 10, gap=30)
    cover.prose(4)
    contents = _Page(2).add("Sommaire", 18, True)
    for i, title in enumerate(["Caractérisation technique du service", "Tarification de l’assainissement"], 1):
        contents.add(f"{i}. {title} ........ {i + 2}", 11)
    body = _Page(3).add("1. Caractérisation technique du service", 18, True).prose(3)
    body.add("1.1. Présentation du territoire desservi", 13, True, gap=12).prose(3)
    more = _Page(4).add("2. Tarification de l’assainissement", 18, True).prose(3)
    titles = [h for _, h in _tree([cover, contents, body, more])]
    assert "Exercice 2021" not in titles and "Commune de Rully" not in titles
    assert titles[-3:] == [
        "1. Caractérisation technique du service",
        "1.1. Présentation du territoire desservi",
        "2. Tarification de l’assainissement",
    ]


def test_a_bold_row_of_figures_is_a_table_row_not_a_title() -> None:
    # a budget state (M57 maquette, Région Bretagne BP 2024 p.1): bold rows of a table, a label
    # and two amounts or more, look like titles by their font alone
    page = _Page(3).add("BUDGET – RECAPITULATION PAR GROUPES FONCTIONNELS", 14, True).prose(2)
    page.add("AP VOTEES 768 033 350,00 650 174 200,00 650 174 200,00", 11, True, gap=10).prose(1)
    page.add("RECETTES D’INVESTISSEMENT 0,00 0,00", 11, True, gap=10).prose(1)
    page.add("Programme 2025 des investissements", 14, True, gap=10).prose(1)  # one figure: still a title
    assert [h for _, h in _tree([page])] == [
        "BUDGET – RECAPITULATION PAR GROUPES FONCTIONNELS",
        "Programme 2025 des investissements",
    ]


def test_a_title_repeated_over_a_continuation_page_opens_no_new_section() -> None:
    # a state over several pages repeats its title ("… (suite 1)", or the same words again)
    p1 = _Page(10).add("BALANCE GENERALE – DEPENSES", 14, True).prose(6)  # (not a cover page)
    p2 = _Page(11).add("BALANCE GENERALE – DEPENSES", 14, True).prose(3)
    p3 = _Page(12).add("BALANCE GENERALE – RECETTES", 14, True).prose(3)
    p4 = _Page(13).add("BALANCE GENERALE – RECETTES (suite 1)", 14, True).prose(3)
    p5 = _Page(14).prose(3).add("BALANCE GENERALE – DEPENSES", 14, True, gap=12).prose(3)  # after another: a section
    assert [h for _, h in _tree([p1, p2, p3, p4, p5])] == [
        "BALANCE GENERALE – DEPENSES",
        "BALANCE GENERALE – RECETTES",
        "BALANCE GENERALE – DEPENSES",
    ]


def test_decisions_under_delegation_are_items_of_their_minutes_part(shared_corpus: Path) -> None:
    # Pierrefonds, PV of 10 December 2024: all the text in bold 10pt; each decision of the mayor
    # ("DM 2024-10 : Objet : …") has its own lines under it ("Montant : 173,55 €"), and the
    # council's items sit under roman-numbered parts
    from greffier.extract.pipeline import parse_file

    parsed = parse_file(shared_corpus / "pierrefonds" / "20241210-PV.pdf", "pv")
    tree = [(s.level, s.heading) for s in parsed.sections if s.level]
    assert tree[0] == (1, "Décisions prises par délégation du Conseil Municipal au maire")
    assert [lvl for lvl, h in tree if h.startswith("DM 2024-")] == [2, 2, 2, 2]
    assert (1, "I. AFFAIRES GÉNÉRALES") in tree and (1, "II. FINANCES") in tree
    assert all(lvl == 2 for lvl, h in tree if h.startswith("D2024-"))


def test_a_list_of_references_with_nothing_between_them_stays_a_list() -> None:
    page = _Page(1).prose(4).add("Ordre du jour :", 10, gap=10)
    page.add("D2024-48 - Objet : Gratuité inscription bibliothèque municipale", 10)
    page.add("D2024-49 - Objet : Instauration d’une amende administrative pour les dépôts", 10)
    page.add("sauvages", 10)
    page.add("D2024-50 - Objet : Création d’une place de dépôt de bois", 10).prose(4)
    assert [h for _, h in _tree([page]) if h.startswith("D2024")] == []


def test_a_table_of_contents_page_is_recognised_by_its_entries() -> None:
    # RPQS Alloue 2021 p.2 (ablation probe b050, t7-021: "7" answered from "… (P202.2B) 7")
    from greffier.extract.heading_toc import contents_page

    toc = "Sommaire\n" + "\n".join(
        f"{title} {page}"
        for title, page in (
            ("Caractérisation technique du service", 2),
            ("Volumes facturés", 3),
            ("Indicateurs de performance", 7),
            ("Indice de connaissance et de gestion patrimoniale des réseaux (P202.2B)", 7),
            ("Financement des investissements", 10),
        )
    )
    assert contents_page(toc)
    assert contents_page("Introduction ........ 3\nLe service ........ 5\nLes tarifs ........ 8\nLa dette ........ 12")
    tariffs = "Tarifs 2024\nAbonnement 35\nPrix au m3 1\nLocation salle 150\nCaution 300"
    assert not contents_page(tariffs)  # figures at the ends of lines, no contents title, no leaders
