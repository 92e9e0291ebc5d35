"""Heading recognition and levels, on hand-made lines."""

from __future__ import annotations

import pytest

from greffier.eval.headings import score_headings
from greffier.extract.cleanup import clean_pages
from greffier.extract.headings import HeadingStyle, LevelStack, numbering
from greffier.extract.layout import build_blocks
from greffier.extract.sections import build_passages, build_sections, paragraph_pages
from greffier.records import Line


@pytest.mark.parametrize(
    ("text", "kind", "depth"),
    [
        ("01 – LA DIRECTION GENERALE DES SERVICES", "num-dash-1", 1),
        ("2-1 – Mobilité, Déplacements, Transports – Espace public et Voirie", "num-dash-2", 1),
        ("4-6 - Affaires Générales et Moyens Généraux", "num-dash-2", 1),
        ("1.1 Présentation du territoire desservi", "num-dotted", 2),
        ("1. Tarifications 2016", "num", 1),
        ("I. FINANCES", "roman", 1),
        ("A) Les recettes", "alpha", 1),
        ("D2025-003- Objet : RODP chantiers provisoires 2024", "delib", 1),
    ],
)
def test_numbering_styles(text: str, kind: str, depth: int) -> None:
    found = numbering(text)
    assert found is not None and found[0] == kind and found[1] == depth


@pytest.mark.parametrize("text", ["1 861 habitants desservis", "2017 a été une année", "Le 12 mars 2017"])
def test_numbers_in_prose_are_not_numbering(text: str) -> None:
    assert numbering(text) is None


def test_level_stack_nests_weaker_styles_and_closes_on_stronger() -> None:
    chap = HeadingStyle("num-dash-1", 1, 0.0, False)
    sec = HeadingStyle("num-dash-2", 1, 0.0, False)
    named = HeadingStyle("named", 1, 0.0, False)
    stack = LevelStack()
    assert [stack.level_of(s) for s in (chap, sec, named, named, sec, chap, sec)] == [1, 2, 3, 3, 2, 1, 2]


def _text_lines(texts: list[str]) -> list[list[Line]]:
    return [[Line(t, 1) for t in texts]]


def test_text_export_tree_with_recurring_titles() -> None:
    lines = _text_lines(
        [
            " 02 – LES DIRECTIONS GENERALES ADJOINTES THEMATIQUES ",
            "2-1 – Mobilité, Déplacements, Transports – Espace public et Voirie ",
            "Les missions ",
            "Autorité Organisatrice unique des transports sur son territoire, la Métropole s’appuie sur la DGA.",
            "Faits marquants ",
            "L’année 2017 a été consacrée aux préparatifs de sa mise en œuvre.",
            "2-2 – Développement économique et attractivité ",
            "Les missions ",
            "La DGA accompagne les entreprises du territoire.",
        ]
    )
    blocks = build_blocks(clean_pages(lines)[0])
    sections = build_sections("d", blocks)
    tree = [(s.level, s.heading) for s in sections]
    assert tree == [
        (1, "02 – LES DIRECTIONS GENERALES ADJOINTES THEMATIQUES"),
        (2, "2-1 – Mobilité, Déplacements, Transports – Espace public et Voirie"),
        (3, "Les missions"),
        (3, "Faits marquants"),
        (2, "2-2 – Développement économique et attractivité"),
        (3, "Les missions"),
    ]
    assert sections[3].path == (
        "02 – LES DIRECTIONS GENERALES ADJOINTES THEMATIQUES",
        "2-1 – Mobilité, Déplacements, Transports – Espace public et Voirie",
        "Faits marquants",
    )
    assert sections[3].parent_id == sections[1].section_id


def test_an_agenda_is_a_list_not_headings() -> None:
    lines = _text_lines(
        [
            "ORDRE DU JOUR",
            "1. Tarifications 2016",
            "2. Prime de Noël aux agents municipaux",
            "3. Contribution au SIVOC",
            "________",
            "1. Tarifications 2016",
            "Monsieur LEBLANC rappelle la proposition de tarifications pour 2016, déjà examinée en réunion.",
        ]
    )
    sections = build_sections("d", build_blocks(clean_pages(lines)[0]))
    numbered = [s.heading for s in sections if s.heading.startswith(("1.", "2.", "3."))]
    assert numbered == ["1. Tarifications 2016"]
    assert sections[-1].text.startswith("Monsieur LEBLANC")


def test_a_glyph_alone_does_not_make_a_heading() -> None:
    lines = _text_lines(
        [
            "Les missions",
            "\uf0d8 De la structure de la Métropole : ",
            "Dès février 2017, lancement des travaux de la Commission Locale d'Evaluation des Charges.",
            "\uf0d8 Installation d’un nouveau comité",
            "\uf0d8 Approbation du schéma directeur",
            "\uf0d8 Adoption du budget",
        ]
    )
    sections = build_sections("d", build_blocks(clean_pages(lines)[0]))
    assert [s.heading for s in sections] == ["Les missions", "De la structure de la Métropole :"]
    # the glyph-led lines that follow are list items, normalized to bullets
    assert "• Installation d’un nouveau comité\n• Approbation du schéma directeur" in sections[-1].text


def test_bigger_font_makes_the_stronger_heading_in_pdfs() -> None:
    def ln(text: str, size: float, bold: bool, top: float) -> Line:
        return Line(text, 2, size, bold, top, top + size, 60, 842)

    body = "Le service assure le contrôle des installations d’assainissement non collectif du territoire."
    pages = [
        [ln("1. Caractérisation technique du service", 24, False, 100)]
        + [ln(body, 12, False, 160 + 15 * i) for i in range(6)]
        + [ln("1.1 Présentation du territoire desservi", 18, True, 300)]
        + [ln(body, 12, False, 330 + 15 * i) for i in range(6)]
        + [ln("1.2 Mode de gestion du service", 18, True, 500)]
        + [ln(body, 12, False, 530 + 15 * i) for i in range(6)]
    ]
    sections = build_sections("d", build_blocks(clean_pages(pages)[0]))
    assert [(s.level, s.heading) for s in sections] == [
        (1, "1. Caractérisation technique du service"),
        (2, "1.1 Présentation du territoire desservi"),
        (2, "1.2 Mode de gestion du service"),
    ]


def test_passages_stay_inside_sections_and_carry_pages() -> None:
    para = " ".join(["Le conseil a examiné le budget primitif de la commune."] * 12)  # 108 words
    lines = [
        [Line("1. Budget", 1), *(Line(para + ".", 1) for _ in range(3))],
        [Line(para + ".", 2)],
        [Line("2. Personnel", 3), Line("Création d’un poste.", 3)],
    ]
    blocks = build_blocks(clean_pages(lines)[0])
    sections = build_sections("d", blocks)
    passages = build_passages(sections, paragraph_pages(sections, blocks))
    for p in passages:
        section = next(s for s in sections if s.section_id == p.section_id)
        assert section.text[p.start : p.end] == p.text
        assert len(p.text.split()) <= 240
        assert p.section_path == section.path
    assert {p.page for p in passages if p.section_path == ("1. Budget",)} == {1, 2}
    assert passages[-1].section_path == ("2. Personnel",) and passages[-1].page == 3


def test_heading_scorer_aligns_repeated_titles_in_order() -> None:
    gold = [{"heading": h, "level": lv} for h, lv in [("A", 1), ("Les missions", 2), ("B", 1), ("Les missions", 2)]]
    found = [{"heading": h, "level": lv} for h, lv in [("B", 1), ("Les missions", 3)]]
    score = score_headings(gold, found)
    assert (score.matched, score.level_ok, score.found, score.gold) == (2, 1, 2, 4)
    assert score.missed == ("A", "Les missions")


def test_double_spaced_lines_going_on_in_lower_case_stay_one_paragraph() -> None:
    # regression (CC Lisières 18 déc. 2025 p.14): a double-spaced paragraph was cut at every line
    def line(text: str, top: float) -> Line:
        return Line(text, 1, size=10.0, top=top, bottom=top + 10.0, x0=60.0, page_height=842.0)

    page = [
        line("Considérant que l’Agence de l’eau Seine Normandie a fixé le tarif de la redevance pour", 100.0),
        line("consommation à 0.34 €/m3 pour l’année 2026,", 122.0),  # a 12-point gap: double spacing
        line("Considérant que le conseil doit délibérer.", 144.0),
        line("Le conseil adopte.", 166.0),
    ]
    texts = [b.text for b in build_blocks([page])]
    assert texts[0] == (
        "Considérant que l’Agence de l’eau Seine Normandie a fixé le tarif de la redevance pour "
        "consommation à 0.34 €/m3 pour l’année 2026,"
    )
    assert texts[1:] == ["Considérant que le conseil doit délibérer.", "Le conseil adopte."]
