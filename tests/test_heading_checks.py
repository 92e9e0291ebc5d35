"""What a title's own text says it is not (greffier.extract.heading_checks): lines set like titles
that continue the line before, name a person, caption a figure or are a bad text layer's noise.

Lines are hand-built in the layouts of real documents: council minutes in Word (bold agenda items
wrapped over two lines, proxies, addressees of a deliberation), a designed report's contact page
and signature, an RPQS chart caption, a scan's hidden OCR text."""

from __future__ import annotations

from greffier.extract.heading_checks import garbled
from greffier.extract.headings import numbering

from .test_heading_rules import BLUE, _Page, _tree


def test_a_lowercase_line_in_a_title_font_goes_on_with_the_line_before() -> None:
    # a bold agenda item wrapped over two lines, the second one set apart by a gap
    page = _Page(2).add("4. Syndicat d’Energie de l’Oise (SE60) - Mise en place d’un groupement", 11, True)
    page.add("commun de moyens", 11, True, gap=14).prose(3)
    page.add("5. Dissolution de la régie d’encaissement du camping", 11, True, gap=14).prose(3)
    assert [h for _, h in _tree([page])] == [
        "4. Syndicat d’Energie de l’Oise (SE60) - Mise en place d’un groupement",
        "5. Dissolution de la régie d’encaissement du camping",
    ]


def test_a_line_closing_a_parenthesis_it_did_not_open_is_no_title() -> None:
    page = _Page(19).add(
        "DEL2025-72 : Attribution de subventions aux associations (complémentaire à la délibération", 11, True
    )
    page.add("DEL2025-36 du 10 avril 2025)", 11, True, gap=14).prose(3)
    page.add("DEL2025-73 : Approbation du rapport sur le prix et la qualité du service", 11, True, gap=14).prose(3)
    assert [h[:10] for _, h in _tree([page])] == ["DEL2025-72", "DEL2025-73"]


def test_a_lettered_item_opens_on_its_letter_and_closes_its_own_parenthesis() -> None:
    page = _Page(4).add("1. Tarifs de la cantine", 14, True).prose(2)
    page.add("A) Tarifs des repas des élèves", 12, True, gap=12).prose(3)
    page.add("2. Ouvrages d’épuration", 14, True, gap=12).prose(2)
    page.add("a) Les boues évacuées", 12, True, gap=12).prose(3)
    page.add("b) Les sous-produits", 12, True, gap=12).prose(3)
    assert [h for _, h in _tree([page])] == [
        "1. Tarifs de la cantine",
        "A) Tarifs des repas des élèves",
        "2. Ouvrages d’épuration",
        "a) Les boues évacuées",
        "b) Les sous-produits",
    ]


def test_addressees_and_proxies_are_no_titles() -> None:
    page = _Page(2).add("1. Droit de préemption urbain", 12, True).prose(2)
    page.add("Monsieur le Préfet", 11, True, gap=12).prose(1)
    page.add("Monsieur Guy FRIEDRICH à Monsieur Michel LEBLANC", 11, True, gap=12).prose(2)
    assert [h for _, h in _tree([page])] == ["1. Droit de préemption urbain"]


def test_a_roll_call_is_no_title_but_a_street_named_after_two_people_is() -> None:
    page = _Page(4).add("Etaient présents :", 11).prose(1)
    # (set in colour, as the names of a roll call may be)
    page.add("Alice BICZYSKO : Nicolas BOUCHER :", 11, color=BLUE, gap=10).prose(1)
    page.add("Philippe BRIAND : Excusé Bernard CHAZELAS :", 11, color=BLUE, gap=10).prose(1)
    page.add("Travaux rue Victor HUGO et place Jean JAURES", 14, True, gap=12).prose(3)
    assert [h for _, h in _tree([page])] == ["Travaux rue Victor HUGO et place Jean JAURES"]


def test_a_signature_and_a_contact_card_are_no_titles() -> None:
    page = _Page(3).add("Le mot du Président", 18, True).prose(4)
    page.add("Franck Superbi", 18, gap=20).add("Président de la CCLO", 7, True).add(
        "Maire de la commune de Bitry", 7, True
    )
    contact = _Page(17).add("Vos contacts", 18, True).prose(2)
    contact.add("Monsieur Maxime GABRIEL", 18, True, gap=20).add("Responsable eau et assainissement", 16)
    contact.add("03 44 42 72 25", 16, True).add("maxime.gabriel@ccloise.com", 16)
    contact.add("SAUR", 14, gap=20).add("4, voie industrielle").add("60350 ATTICHY")
    assert [h for _, h in _tree([page, contact])] == ["Le mot du Président", "Vos contacts"]


def test_figure_and_table_captions_are_no_titles() -> None:
    page = _Page(5).add("1.5. Volumes facturés", 14, True).prose(2)
    page.add("Figure 3 – Évolution des volumes facturés", 14, True, gap=12).add("2019 2020 2021", 9)
    page.add("Tableau n°2 Répartition des abonnés par commune", 14, True, gap=12).prose(2)
    page.add("Tableau récapitulatif des indicateurs", 14, True, gap=12).prose(2)  # a title, with no number
    assert [h for _, h in _tree([page])] == ["1.5. Volumes facturés", "Tableau récapitulatif des indicateurs"]


def test_a_bad_text_layer_is_noise() -> None:
    assert garbled("ïantttrepoSÀufuaut ffi 'lrjtirr-rlv Sb?r,ane K'n\"tr- eâ irrt+ =il-g\"ïào Qo,,r^ni*")
    assert garbled("-$rM ou-I tftrqe*- -tE sLRNt o{r;[Ë- )s 4rruirl€-")
    for title in (
        "1.3. Estimation de la population desservie (D201.0)",
        "Syndicat d’Energie de l’Oise (SE60) - Modification statutaire",
        "Marché « travaux halte-garderie » = avenants",
        "DE-2015/29 – Vote des taux d’imposition 2015",
        "L’ASSAINISSEMENT NON COLLECTIF en quelques chiffres clés",
    ):
        assert not garbled(title), title


def test_a_title_at_the_same_height_of_three_pages_is_a_running_title() -> None:
    # a running title set under a logo, below the margin band where running headers are looked for
    pages = []
    for n in range(1, 5):
        page = _Page(n, top=0).add("Assainissement collectif – exercice 2021", 14, True, top=110.0)
        page.top = 150
        if n == 2:
            page.add("1. Caractérisation technique du service", 20, True, gap=12)
        if n == 3:
            page.add("2. Tarification", 20, True, gap=12)
        pages.append(page.prose(8))
    assert [h for _, h in _tree(pages)] == ["1. Caractérisation technique du service", "2. Tarification"]


def test_sections_of_a_template_at_a_fixed_height_differ_in_their_words() -> None:
    pages = []
    for n, title in enumerate(["Les déchets ménagers", "La collecte sélective", "Les déchetteries"], start=1):
        pages.append(_Page(n, top=0).add(title, 18, True, top=110.0).prose(8))
    assert len(_tree(pages)) == 3


def test_a_form_field_is_no_title_but_a_numbered_object_is() -> None:
    # an RPQS's description of its service: bold labels and their values, each over a sentence
    page = _Page(3).add("1.2. Mode de gestion du service", 14, True).prose(2)
    page.add("Nature du contrat : Affermage", 11, True, gap=10).prose(1)
    page.add("Nom du délégataire : SUEZ", 11, True, gap=10).prose(1)
    page.add("D2025-040 – Objet : Tarifs 2026", 11, True, gap=10).prose(2)
    assert [h for _, h in _tree([page])] == [
        "1.2. Mode de gestion du service",
        "D2025-040 – Objet : Tarifs 2026",
    ]


def test_glossary_terms_are_entries_not_sections() -> None:
    body = _Page(3).add("6. Tableau récapitulatif des indicateurs", 18, True).prose(6)
    glossary = _Page(4).add("Glossaire", 18, True).prose(1)
    for term, definition in [
        ("Abonné", "Personne physique ou morale titulaire d’un contrat de déversement avec le service."),
        ("Équivalent-habitant (EH)", "Unité de mesure de la charge polluante produite par un habitant en un jour."),
        ("Boues d’épuration", "Résidus issus du traitement des eaux usées dans la station d'épuration communale."),
    ]:
        glossary.add(term, 11, True, gap=8).add(definition, 11)
    annex = _Page(5).add("Annexe : délibération du conseil municipal", 18, True).prose(3)
    assert [h for _, h in _tree([body, glossary, annex])] == [
        "6. Tableau récapitulatif des indicateurs",
        "Glossaire",
        "Annexe : délibération du conseil municipal",
    ]


def test_statements_sum_labels_and_notes_are_no_titles() -> None:
    page = _Page(3).add("3. Indicateurs de performance", 18, True).prose(3)
    page.add("3.1. Taux de desserte (P201.1)", 13, True, gap=12).prose(2)
    page.add("Aucune opération n’a été réalisée en 2021", 11, True, gap=10).prose(2)
    page.add("Pas de travaux engagés en 2021", 11, True, gap=10).prose(2)
    page.add("Total", 11, True, gap=10).prose(2)
    page.add("Remarque", 11, True, gap=10).prose(2)
    page.add("Qualité technique et sociale du projet 50 points", 11, True, gap=10).prose(2)  # a grid's row
    page.add("Travaux de réhabilitation du réseau", 11, True, gap=10).prose(2)
    page.add("Jurés d’assises 2015", 11, True, gap=10).prose(2)  # a year is no quantity
    assert [h for _, h in _tree([page, _Page(4).add("3.2. Indice de connaissance", 13, True).prose(3)])] == [
        "3. Indicateurs de performance",
        "3.1. Taux de desserte (P201.1)",
        "Travaux de réhabilitation du réseau",
        "Jurés d’assises 2015",
        "3.2. Indice de connaissance",
    ]


def test_a_span_of_years_is_no_deliberation_number() -> None:
    for period in ("2020-2021 Évolution des volumes facturés", "2021/2022 : Travaux de réhabilitation"):
        assert numbering(period) is None, period
    for item in ("2025-003 - Objet : Vente d’un terrain", "D2024-27 - Objet : Organisation du temps scolaire"):
        found = numbering(item)
        assert found is not None and found[0] == "delib", item
