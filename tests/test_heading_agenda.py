"""Agenda and deliberation numbering ("Point n° 3 :", "Question n° 2", "N° 24-07/062 –", "OBJET :",
"B –") and underlined titles, in the layouts of real council minutes: plain body-size text, the
titles set apart by their numbering, their weight or an underline."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.cleanup import clean_pages
from greffier.extract.headings import numbering
from greffier.extract.layout import build_blocks
from greffier.extract.pdf import read_pdf_lines
from greffier.extract.sections import build_sections
from greffier.extract.underline import underlined
from greffier.records import Line

from .pdfmaker import PdfPage, write_pdf

# a paragraph of minutes, longer than an agenda's item
PROSE = (
    "Le Maire rappelle au conseil municipal que la commune a engagé depuis plusieurs années une réflexion sur "
    "l’aménagement du centre-bourg."
)
VOTE = "Après en avoir délibéré, le conseil municipal, à l’unanimité, approuve la proposition du Maire."


class _Page:
    def __init__(self, number: int) -> None:
        self.number, self.top, self.lines = number, 80.0, []

    def add(self, text: str, bold: bool = False, underline: bool = False, gap: float = 3.0) -> _Page:
        self.top += gap
        self.lines.append(
            Line(text, self.number, 11.0, bold, self.top, self.top + 11.0, 57.0, 842.0, 0, underline=underline)
        )
        self.top += 11.0
        return self

    def prose(self) -> _Page:
        return self.add(PROSE).add(VOTE)


def _tree(pages: list[_Page]) -> list[tuple[int, str]]:
    kept = clean_pages([p.lines for p in pages])[0]
    return [(s.level, s.heading) for s in build_sections("d", build_blocks(kept)) if s.level]


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("Point n° 3 : Vote des taux d’imposition 2024", "point", "3"),
        ("POINT N°3 – Budget primitif", "point", "3"),
        ("Point 3 - Tarifs de la cantine", "point", "3"),
        ("Question n° 2 : Subventions aux associations", "point", "2"),
        ("Délibération n° 2024-12 : Tarifs communaux", "delib", ""),
        ("DCM 2021-15 – Modification du tableau des effectifs", "delib", "2021-15"),
        ("D2023-045 Convention de mise à disposition", "delib", "2023-045"),
        ("N° 24-07/062 – Acquisition d’une parcelle", "delib", "24-07/062"),
        ("24-07/062 – Acquisition d’une parcelle", "delib", "24-07/062"),
        ("2013-045 : Révision du PLU", "delib", "2013-045"),
        ("OBJET : Tarifs de la cantine scolaire", "objet", ""),
        ("A- Finances", "alpha", "A"),
        ("B – Personnel", "alpha", "B"),
        ("I – Affaires générales", "roman", "I"),
        ("II) Urbanisme", "roman", "II"),
    ],
)
def test_agenda_numbering_forms(text: str, kind: str, number: str) -> None:
    found = numbering(text)
    assert found is not None and (found[0], found[2]) == (kind, number)


@pytest.mark.parametrize(
    "text",
    ["Point sur les travaux de voirie", "12/03/2024 : réunion publique", "A-t-il été répondu ?", "10-15 ans : 42"],
)
def test_not_agenda_numbering(text: str) -> None:
    found = numbering(text)
    assert found is None or found[0] not in ("point", "objet", "alpha")


def test_a_series_of_points_in_plain_text_are_sibling_headings() -> None:
    page = _Page(2)
    for n, title in enumerate(("Approbation du compte rendu", "Vote du budget primitif", "Tarifs 2025"), 1):
        page.add(f"Point n° {n} : {title}", gap=12).prose()
    assert _tree([page]) == [
        (1, "Point n° 1 : Approbation du compte rendu"),
        (1, "Point n° 2 : Vote du budget primitif"),
        (1, "Point n° 3 : Tarifs 2025"),
    ]


def test_a_lone_plain_point_is_no_heading_but_a_bold_one_is() -> None:
    page = _Page(2).add("Compte rendu de la séance", bold=True).prose()
    page.add("Point 3 - Vote du budget primitif", gap=12).prose()
    assert [h for _, h in _tree([page])] == ["Compte rendu de la séance"]
    page = _Page(2).add("Compte rendu de la séance", bold=True).prose()
    page.add("Point 3 - Vote du budget primitif", bold=True, gap=12).prose()
    assert [h for _, h in _tree([page])] == ["Compte rendu de la séance", "Point 3 - Vote du budget primitif"]


def test_objet_lines_head_items_when_the_document_has_several() -> None:
    page = _Page(2)
    page.add("OBJET : Tarifs de la cantine scolaire", gap=12).prose()
    page.add("OBJET : Subventions aux associations", gap=12).prose()
    assert [h for _, h in _tree([page])] == [
        "OBJET : Tarifs de la cantine scolaire",
        "OBJET : Subventions aux associations",
    ]
    single = _Page(2).add("OBJET : Tarifs de la cantine scolaire", gap=12).prose()
    assert _tree([single]) == []


def test_plain_lettered_dash_lines_are_table_bands_not_titles() -> None:
    page = _Page(8).add("A – Éléments obligatoires pour l'évaluation de la mise en œuvre du service").prose()
    page.add("B – Éléments facultatifs pour l'évaluation de la mise en œuvre du service").prose()
    assert _tree([page]) == []


def test_an_underlined_line_of_body_size_is_a_title() -> None:
    # "Scénario 1 : Maison individuelle en accession à la propriété", underlined, 12pt like the text
    page = _Page(12).add("Scénario 1 : Maison individuelle en accession à la propriété", underline=True).prose()
    page.add("Scénario 2 : Immeuble en petit collectif locatif", underline=True, gap=12).prose()
    page.add("Le même texte sans soulignement reste une ligne de prose", gap=12).prose()
    assert [h for _, h in _tree([page])] == [
        "Scénario 1 : Maison individuelle en accession à la propriété",
        "Scénario 2 : Immeuble en petit collectif locatif",
    ]


def test_an_underlined_lead_in_ending_with_a_colon_is_no_title() -> None:
    page = _Page(3).add("Compte rendu de la séance", bold=True).prose()
    page.add("REMPLACER l’objet social actuel :", underline=True, gap=12).prose()
    assert [h for _, h in _tree([page])] == ["Compte rendu de la séance"]


def test_underlines_read_from_a_pdf_not_table_rules(tmp_path: Path) -> None:
    page = PdfPage()
    title = "Sur l'aspect du personnel"
    page.text(60, 100, title, 11)
    page.line(60, 102.5, 183, 102.5)  # a Word underline just under the baseline, as long as the title
    page.text(60, 130, "Une ligne de texte ordinaire, sans rien dessous ni autour.", 11)
    page.text(60, 170, "Un titre court", 11)
    page.line(40, 172.5, 555, 172.5)  # a separator across the page
    page.table(60, 200, [200, 120], [["Désignation", "Montant"], ["Cantine", "1 250,00 €"]])
    lines = read_pdf_lines(write_pdf(tmp_path / "u.pdf", [page]), [])[0]
    assert [ln.text.strip() for ln in lines if ln.underline] == [title]


def test_an_underline_must_span_most_of_the_line() -> None:
    rules = [(60.0, 103.0, 90.0, 103.8)]  # one word of a sentence underlined (a hyperlink, an emphasis)
    assert not underlined(60.0, 300.0, 92.0, 102.0, 11.0, rules)
    assert underlined(60.0, 300.0, 92.0, 102.0, 11.0, [*rules, (90.0, 103.0, 300.0, 103.8)])
