"""Row labels that name an indicator without its code: the official name with other articles and
prepositions, abbreviated ("Tx", "Nb", "Qté", "STEP"), or split over two lines of the text layer;
and the lines of an index's scoring grid, which name other figures than theirs."""

from __future__ import annotations

from greffier.extract.indicator_prose import prose_candidates
from greffier.extract.indicator_ref import match_name
from greffier.extract.indicator_rows import Context, line_rows, row_candidates

AC = "assainissement_collectif"


def _key(label: str) -> str | None:
    hit = match_name(label, AC)
    return hit[0].key if hit else None


def _read(lines: list[list[str]], year: int = 2021) -> list[tuple[str, float | None, str, int | None]]:
    ctx = Context(AC, year)
    rows, _ = line_rows(7, lines, ctx, [])
    return sorted({(c.ind.key, c.value, c.unit, c.year) for r in rows for c in row_candidates(r, ctx)}, key=str)


def test_names_compared_on_their_content_words() -> None:
    # SISPEA's wording with "des effluents" where the reference says "d'effluents"
    assert _key("Taux de débordement des effluents dans les locaux des usagers") == "P251.1"
    assert _key("Taux de conformité des performances des ouvrages d'épuration") == "P205.3"
    assert _key("Tx de desserte (%)") == "P201.1"
    assert _key("Tx d'impayés") == "P257.0"
    assert _key("Nb d'abonnés") == "abonnes"
    assert _key("Vol. facturés (m3)") == "volumes_factures"
    assert _key("Tx de conformité perf. STEP") == "P205.3"
    # words that name nothing stay unmatched
    assert _key("Existence d'un plan des réseaux avec localisation des ouvrages") is None
    assert _key("Taux de TVA") is None


def test_abbreviated_labels_in_a_year_table() -> None:
    lines = [
        ["", "2020", "2021"],
        ["Nb d'abonnés", "120", "125"],
        ["Tx de desserte (%)", "95", "96"],
        ["Tx d'impayés", "1,2 %", "1,0 %"],
    ]
    got = _read(lines)
    assert ("abonnes", 125.0, "count", 2021) in got and ("abonnes", 120.0, "count", 2020) in got
    assert ("P201.1", 96.0, "%", 2021) in got
    assert ("P257.0", 1.0, "%", 2021) in got and ("P257.0", 1.2, "%", 2020) in got


def test_a_scoring_grid_line_is_not_the_figure_its_words_name() -> None:
    # the SISPEA grid of P202.2B, as a consultant's report prints it (Jons 2022, p. 8)
    lines = [
        ["", "2022"],
        ["Connaissance de 50 % du matériau et du diamètre sur le"],
        ["linéaire total des réseaux 0 (non) – 10 (oui)", "10"],
        ["TOTAL Indice de connaissance et de gestion patrimoniale des réseaux", "120/120", "75/120"],
    ]
    got = _read(lines, 2022)
    assert not [g for g in got if g[0] == "lineaire_reseau"]
    sentence = (
        "INDICE DE CONNAISSANCE ET DE GESTION PATRIMONIALE DES RESEAUX Descriptif Cotation Indice patrimonial "
        "Existence d'un plan des réseaux avec localisation des ouvrages principaux 0 (non) – 10 (oui) 10"
    )
    assert prose_candidates(8, sentence, AC, 2022) == []


def test_a_label_continued_under_its_figures() -> None:
    # a Word table cell whose figures are level with its first line
    lines = [
        ["Indicateurs de performance", "2020", "2021"],
        ["Taux de conformité des performances des", "100 %", "0 %"],
        ["ouvrages d'épuration"],
        ["Indice de connaissance et de gestion", "30", "40"],
        ["patrimoniale des réseaux de collecte"],
        ["Taux de boues évacuées selon des filières", "100 %", "100 %"],
        ["conformes à la réglementation"],
    ]
    got = _read(lines)
    assert ("P205.3", 100.0, "%", 2020) in got and ("P205.3", 0.0, "%", 2021) in got
    assert ("P202.2B", 40.0, "points", 2021) in got
    assert ("P206.3", 100.0, "%", 2021) in got
    # a single figure after a label ending in "des" is a row, not a sentence broken after "par 100"
    assert _read([["", "2021"], ["Taux de desserte par des", "97,5 %"], ["réseaux de collecte des eaux usées"]]) == [
        ("P201.1", 97.5, "%", 2021)
    ]


def test_the_bill_table_headed_by_dates_after_the_120_m3_it_prices() -> None:
    lines = [
        ["Facture 120 m3", "au 1er janvier 2021", "au 1er janvier 2022", "Variation"],
        ["Total TTC", "240,00 €", "250,00 €", "4,2 %"],
        ["Prix TTC du service au m³ pour 120 m³", "2,00 €", "2,08 €", "4,2 %"],
    ]
    got = _read(lines)
    assert ("facture_120m3", 250.0, "EUR", 2022) in got and ("facture_120m3", 240.0, "EUR", 2021) in got
    assert ("D204.0", 2.08, "EUR/m3", 2022) in got


def test_short_labels_the_whole_of_a_name_or_its_words_in_another_order() -> None:
    assert _key("Abonnés") == "abonnes"
    assert _key("Linéaire (ml)") == "lineaire_reseau"
    assert _key("Abonnés (nombre)") == "abonnes"
    assert _key("Abonnés domestiques") is None  # a part of the subscribers, not all of them
    assert _key("Linéaire renouvelé (ml)") is None
    lines = [
        ["", "2020", "2021", "Variation"],
        ["Abonnés", "300", "305", "1,7 %"],
        ["Linéaire (ml)", "4 000", "4 200", "5 %"],
    ]
    got = _read(lines)
    assert ("abonnes", 305.0, "count", 2021) in got
    assert ("lineaire_reseau", 4200.0, "m", 2021) in got


def test_the_commune_row_and_the_total_of_a_table_of_communes() -> None:
    # the SISPEA model's subscribers table, its header cells run together over two lines
    lines = [
        ["Commune", "Nombre total", "Nombre total", "Variation en %"],
        ["", "d'abonnés au 31/12/2020", "d'abonnés au 31/12/2021", ""],
        ["RULLY", "300", "305", "1,7%"],
    ]
    ctx = Context(AC, 2021, "Rully")
    rows, _ = line_rows(5, lines, ctx, [])
    got = {(c.ind.key, c.value, c.year) for r in rows for c in row_candidates(r, ctx)}
    assert got == {("abonnes", 300.0, 2020), ("abonnes", 305.0, 2021)}
    # another commune's row is not the report's figure
    other = Context(AC, 2021, "Genouilly")
    rows, _ = line_rows(5, lines, other, [])
    assert [c for r in rows for c in row_candidates(r, other)] == []


def test_rows_read_column_by_column_under_a_header_line() -> None:
    years = [
        ["Année", "Nombre d'abonnés", "Volumes facturés (m3)"],
        ["2020", "300", "20 000"],
        ["2021", "305", "21 000"],
    ]
    got = _read(years)
    assert ("abonnes", 305.0, "count", 2021) in got and ("volumes_factures", 20000.0, "m3", 2020) in got
    communes = [
        ["Commune", "Abonnés 2020", "Abonnés 2021", "Volumes facturés 2020", "Volumes facturés 2021"],
        ["RULLY", "300", "305", "20 000", "21 000"],
    ]
    ctx = Context(AC, 2021, "Rully")
    rows, _ = line_rows(5, communes, ctx, [])
    got2 = {(c.ind.key, c.value, c.year) for r in rows for c in row_candidates(r, ctx)}
    assert got2 == {
        ("abonnes", 300.0, 2020), ("abonnes", 305.0, 2021),
        ("volumes_factures", 20000.0, 2020), ("volumes_factures", 21000.0, 2021),
    }  # fmt: skip


def test_potential_subscribers_are_not_the_subscribers_and_a_formulas_constant_no_value() -> None:
    # the SISPEA model's P201.1 paragraph (Abainville 2021, p. 4 and 10)
    text = (
        "Nombre d'abonnés potentiels déterminé à partir du document de zonage d'assainissement : 135.\n"
        "Pour l'exercice 2021, le taux de desserte par les réseaux d'eaux usées est de 97,78 % des 135 abonnés "
        "potentiels (97,04 % pour 2020).\n"
        "Taux de desserte = Nombre d'abonnés desservis / Nombre d'abonnés potentiels × 100"
    )
    got = {(c.ind.key, c.value, c.year) for c in prose_candidates(4, text, AC, 2021)}
    assert ("abonnes_potentiels", 135.0, 2021) in got
    assert not [g for g in got if g[0] == "abonnes"]
    assert ("abonnes_potentiels", 100.0, 2021) not in got


def test_each_stations_row_under_the_coded_heading_of_its_indicator() -> None:
    lines = [
        ["Conformité des équipements d'épuration aux prescriptions nationales (P204.3)"],
        ["Station", "2020", "2021"],
        ["Station d'épuration du Bourg", "100", "100"],
        ["Lagune des Prés", "100", "0"],
        ["Nombre de bilans réalisés", "4", "4"],
    ]
    got = _read(lines)
    assert ("P204.3", 0.0, "%", 2021) in got and ("P204.3", 100.0, "%", 2021) in got
    assert ("P204.3", 4.0, "%", 2021) not in got


def test_sentences_giving_the_price_and_the_subscribers_in_words() -> None:
    text = (
        "Le prix du service de l'assainissement collectif est de 2,15 € TTC/m³ au 1er janvier 2022 pour une "
        "consommation de 120 m³.\n"
        "Le nombre d'abonnés est de 305 en 2021 contre 300 en 2020.\n"
        "Le prix de la part fixe est de 30 € HT par an, la part variable de 1,20 € HT/m3."
    )
    got = {(c.ind.key, c.value, c.year) for c in prose_candidates(5, text, AC, 2021)}
    assert ("D204.0", 2.15, 2022) in got
    assert ("abonnes", 305.0, 2021) in got and ("abonnes", 300.0, 2020) in got
    assert not [g for g in got if g[0] == "D204.0" and g[1] == 1.2]  # a part's price is not the 120 m³ price
    # two cells the text layer ran together after a table's title are no sentence's figure
    glued = "NOMBRE D'ABONNES 2021 2022 Variation Abonnés domestiques 545 587 + 7,7 %"
    assert not [c for c in prose_candidates(4, glued, AC, 2022) if c.ind.key == "abonnes"]


def test_volumes_treated_imported_and_a_header_that_prices_its_columns() -> None:
    lines = [
        ["", "Exercice 2020 en m3", "Exercice 2021 en m3"],
        ["Volume traité par la station", "24 500", "25 100"],
        ["Volumes importés", "0", "0"],
        # the SISPEA model's revenue table (Abainville 2021, p. 9): euros, not the effluents it names
        ["Type de recette", "Exercice 2020 en €", "Exercice 2021 en €", "Variation en %"],
        ["Recette pour boues et effluents importés"],
        ["Régularisations (+/-)"],
        ["Total recettes de facturation", "9 686", "20 667"],
    ]
    got = _read(lines)
    assert ("volumes_traites", 25100.0, "m3", 2021) in got and ("volumes_importes", 0.0, "m3", 2021) in got
    assert [g for g in got if g[0] == "volumes_importes"] == [
        ("volumes_importes", 0.0, "m3", 2020), ("volumes_importes", 0.0, "m3", 2021),
    ]  # fmt: skip


def test_sentences_with_a_price_change_an_estimate_and_black_spots_per_100_km() -> None:
    text = (
        "Le prix TTC du m3 pour 120 m3 passe de 2,10 € au 1er janvier 2021 à 2,20 € au 1er janvier 2022.\n"
        "Le nombre d'habitants desservis est estimé à 1 250.\n"
        "Nombre de points noirs : 2 soit 4,5 points pour 100 km de réseau."
    )
    got = {(c.ind.key, c.value, c.unit, c.year) for c in prose_candidates(5, text, AC, 2021)}
    assert ("D204.0", 2.1, "EUR/m3", 2021) in got and ("D204.0", 2.2, "EUR/m3", 2022) in got
    assert ("D201.0", 1250.0, "count", 2021) in got
    assert ("P252.2", 4.5, "per 100 km", 2021) in got


def test_a_value_row_under_the_coded_heading() -> None:
    lines = [
        ["Indice de connaissance des rejets au milieu naturel (P255.3)"],
        ["", "2020", "2021"],
        ["Valeur", "60", "80"],
    ]
    assert _read(lines) == [("P255.3", 60.0, "points", 2020), ("P255.3", 80.0, "points", 2021)]


def test_none_of_the_counted_events_is_a_rate_of_zero() -> None:
    text = (
        "Aucune réclamation écrite n'a été reçue en 2021.\n"
        "Aucun point noir n'a été recensé sur le réseau.\n"
        "Nombre de demandes d'indemnisation : 2"
    )
    got = {(c.ind.key, c.value, c.unit) for c in prose_candidates(5, text, AC, 2021)}
    assert got == {("P258.1", 0.0, "‰"), ("P252.2", 0.0, "per 100 km")}  # a count of claims is not the rate


def test_a_waste_reports_share_valorised() -> None:
    # Lisières de l'Oise household-waste report 2023, p. 22
    lines = [["TONNAGES 2023"], ["Valorisés :", "92,85 %"], ["Non valorisés :", "7,15 %"]]
    ctx = Context("dechets", 2023)
    rows, _ = line_rows(22, lines, ctx, [])
    got = {(c.ind.key, c.value, c.unit) for r in rows for c in row_candidates(r, ctx)}
    assert got == {("taux_valorisation", 92.85, "%")}
