"""The commune, year and service of a report, read from title pages written as real RPQS print them
(the SISPEA model's cover, a consultant's cover, the ADTO/ATD "COMMUNE DE X" cover, the
"Présentation du territoire desservi" section, running headers, an image-only cover)."""

from __future__ import annotations

from greffier.extract.indicator_scope import cover_commune, cover_year, report_commune, report_domain, report_scope
from greffier.records import Document, Page

AC = "assainissement_collectif"

BODY = """1.1. Présentation du territoire desservi
Le service est géré au niveau ☑ communal
• Nom de la collectivité : {name}
• Caractéristiques (commune, EPCI et type, etc.) : Commune
1.3. Estimation de la population desservie (D201.0)
Le service public d’assainissement collectif dessert 275 habitants au 31/12/2021 (270 au 31/12/2020)."""


def _doc(texts: list[str], path: str = "rapport.pdf", issuer: str | None = None, title: str = "Rapport 2021",
         removed: tuple[str, ...] = ()) -> tuple[Document, list[Page]]:  # fmt: skip
    pages = [
        Page(doc_id="d", number=i, label=str(i), text=t, removed=removed if i > 1 else ())
        for i, t in enumerate(texts, 1)
    ]
    doc = Document(
        doc_id="d", path=path, sha256="0", status="ingested", title=title, issuer=issuer, kind="rpqs",
        year=2022, date=None, pages=len(pages), source_type="pdf",
    )  # fmt: skip
    return doc, pages


def test_sispea_model_cover_prints_the_name_above_the_service() -> None:
    cover = "Abainville\nassainissement collectif\nRapport annuel sur le Prix et la Qualité du Service\nExercice 2021"
    assert cover_commune(cover) == "Abainville"
    assert cover_year(cover) == 2021


def test_consultant_cover_prints_the_name_under_the_service_line() -> None:
    cover = (
        "BAC CONSEILS\n10 rue Jules Ferry - 69270 Fontaines sur Saône\nVersion 1 – 27/07/2023 – SK\n"
        "RAPPORT ANNUEL SUR\nLE PRIX ET LA QUALITE DU\nSERVICE PUBLIC\nExercice 2022\n"
        "Service de l’assainissement collectif\nJONS\nDépartement du Rhône"
    )
    assert cover_commune(cover) == "Jons"
    assert cover_year(cover) == 2022  # not the 2023 of the version date


def test_capitals_and_elided_de() -> None:
    assert cover_commune("RAPPORT ANNUEL\nExercice 2021\nCOMMUNE D’ALLOUE") == "Alloue"
    assert cover_commune("COMMUNE DE LA CORNE-EN-VEXIN RAPPORT ANNUEL 2021") == "La Corne-en-Vexin"
    assert cover_commune("Rapport annuel du service public d'assainissement collectif de Saint-Jean-de-Luz") == (
        "Saint-Jean-de-Luz"
    )


def test_a_syndicate_cover_has_no_single_commune() -> None:
    cover = "Syndicat intercommunal d'assainissement de la vallée\nassainissement collectif\nExercice 2021"
    assert cover_commune(cover) == ""
    doc, pages = _doc([cover, BODY.format(name="Syndicat intercommunal d'assainissement de la vallée")])
    assert report_commune(doc, pages) is None


def test_presentation_section_names_the_collectivity() -> None:
    doc, pages = _doc(["RAPPORT ANNUEL\nSUR LE PRIX ET LA QUALITE\nExercice 2021", BODY.format(name="Commune de JONS")])
    assert report_commune(doc, pages) == "Jons"


def test_the_name_printed_all_along_beats_an_address_on_the_cover() -> None:
    cover = "Document établi par l'agence technique, Mairie de Beauvais annexe\nExercice 2021"
    body = "Le service dessert la commune de Rully.\nRully compte 700 habitants. La station de Rully."
    doc, pages = _doc([cover, body, "Les abonnés de Rully.", "Rully : travaux 2021."])
    assert report_commune(doc, pages) == "Rully"


def test_image_cover_falls_back_to_the_file_name_the_text_confirms() -> None:
    body = "Le service public d'assainissement collectif dessert 1 200 habitants.\nRéseau de RULLY : 12 km."
    doc, pages = _doc(["", body, "Station d'épuration de Rully"], path="corpus/RPQS_Rully_AC_2021.pdf")
    assert report_commune(doc, pages) == "Rully"
    # a file name the text never prints is not enough
    doc, pages = _doc(["", "Le service dessert 1 200 habitants."], path="corpus/RPQS_Rully_AC_2021.pdf", issuer="X")
    assert report_commune(doc, pages) is None


def test_the_official_name_keeps_its_article() -> None:
    body = "Nom de la collectivité : CORNE-EN-VEXIN (LA)\nLe réseau de la Corne-en-Vexin compte 8 km."
    doc, pages = _doc(["Exercice 2021", body], path="x/RPQS_LaCorneEnVexin_AC_2021.pdf")
    assert report_commune(doc, pages) == "La Corne-en-Vexin"


def test_running_header_names_the_commune() -> None:
    doc, pages = _doc(
        ["RAPPORT ANNUEL\nExercice 2022", "A. Présentation", "B. Tarifs"], removed=("JONS : RPQS ASS Exercice 2022",)
    )
    assert report_commune(doc, pages) == "Jons"


def test_service_of_the_cover_beats_the_words_of_the_next_pages() -> None:
    cover = (
        "Commune de Valmont\nRapport annuel sur le prix et la qualité du service public de l'assainissement collectif"
    )
    water = "Le prix de l'eau potable. La facture d'eau potable comprend l'eau potable et l'assainissement."
    doc, pages = _doc([cover, water, water])
    assert report_domain(doc.title + "\n" + cover + water + water, pages) == AC
    # no service on the cover: the printed SISPEA codes decide
    pages = [Page(doc_id="d", number=i, label=str(i), text=t) for i, t in enumerate(
        ["Rapport annuel 2021", "eau potable " * 3, "D201.0 P202.2B P253.2 D204.0 P256.2"], 1)]  # fmt: skip
    assert report_domain("Rapport annuel 2021 eau potable eau potable", pages) == AC
    scope = report_scope(*_doc([cover + "\nExercice 2021", BODY.format(name="Valmont")]))
    assert (scope.commune, scope.year, scope.domain) == ("Valmont", 2021, AC)


def test_a_communitys_report_naming_its_communes_has_no_single_commune() -> None:
    cover = "Rapport annuel 2023 du Service Public d'Assainissement Non Collectif\nSPANC"
    body = "La commune de Bitry compte 120 installations. La commune de Bitry a été contrôlée. Bitry, Couloisy."
    doc, pages = _doc([cover, body, body], issuer="Communauté de communes des Lisières de l'Oise")
    assert report_commune(doc, pages) is None
