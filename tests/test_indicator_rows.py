"""The table-row reader on lines cut at wide gaps as the text layer gives them (segments copied
from real RPQS tables: a consultant's tariff table split over two pages, the SISPEA model's
"Facture type" and patrimonial-index grid, an ADTO-style per-station rate table)."""

from __future__ import annotations

from greffier.extract.indicator_prose import prose_candidates
from greffier.extract.indicator_rows import Context, _resegment, line_rows, row_candidates
from greffier.extract.indicator_values import figures

AC = "assainissement_collectif"


def _read(lines: list[list[str]], year: int = 2022) -> list[tuple[str, float | None, str, int | None]]:
    ctx = Context(AC, year)
    rows, _ = line_rows(7, lines, ctx, [])
    return sorted((c.ind.key, c.value, c.unit, c.year) for r in rows for c in row_candidates(r, ctx))


def test_a_cell_glued_to_the_next_columns_sign_or_placeholder() -> None:
    assert _resegment(["Autres recettes :", "4052,00", "4216,38 +", "4,1 %"]) == [
        "Autres recettes :", "4052,00", "4216,38", "+ 4,1 %",
    ]  # fmt: skip
    assert _resegment([")", "1,5010 €", "1,5010 € /"]) == [")", "1,5010 €", "1,5010 €", "/"]
    lines = [
        ["FACTURE TYPE 120 M3 (INDICATEUR D204.0)"],
        ["Prix du service de"],
        ["l'assainissement collectif Volume Montant au"],
        ["01/01/22"],
        ["Montant au"],
        ["01/01/23 Variation"],
        ["Part de la Collectivité"],
        ["Abonnement", "1", "0,00", "0,00 /"],
        ["TVA (10 %)", "16,37", "16,37 /"],
        ["Total", "180,11 €", "180,11 € /"],
        ["Prix au m3 (total /120 m3"],
        [")", "1,5010 €", "1,5010 € /"],
    ]
    got = _read(lines)
    assert ("D204.0", 1.501, "EUR/m3", 2022) in got and ("D204.0", 1.501, "EUR/m3", 2023) in got
    # the "Total" row of a table titled "facture type 120 m3" is the bill
    assert ("facture_120m3", 180.11, "EUR", 2022) in got and ("facture_120m3", 180.11, "EUR", 2023) in got


def test_total_row_of_the_sispea_bill_table_takes_its_caption() -> None:
    lines = [
        ["Facture type", "Au 01/01/2021 en € Au 01/01/2022 en €", "Variation en %"],
        ["Part de la collectivité"],
        ["Part fixe annuelle", "35,00", "35,00", "0%"],
        ["Part proportionnelle", "120,00", "120,00", "0%"],
        ["TVA", "17,72", "17,72", "0%"],
        ["Montant des taxes et redevances pour 120 m3", "39,92", "39,92", "0%"],
        ["Total", "194,92", "194,92", "0%"],
        ["Prix TTC au m3", "1,62", "1,62", "0%"],
    ]
    got = _read(lines, 2021)
    assert [g for g in got if g[0] == "facture_120m3"] == [
        ("facture_120m3", 194.92, "EUR", 2021), ("facture_120m3", 194.92, "EUR", 2022),
    ]  # fmt: skip
    assert ("D204.0", 1.62, "EUR/m3", 2022) in got


def test_a_formula_and_a_sentence_followed_by_chart_figures_are_not_rows() -> None:
    formula = [["Taux de desserte = Nombre d'abonnés desservis / Nombre d'abonnés potentiels"], ["∗", "100"]]
    assert _read(formula, 2021) == []
    chart = [["Soit un linéaire de collecte total de 4,00 km (4,00 km en 2020). 10 361", "9 1509 804", "10 297"]]
    assert _read(chart, 2021) == []


def test_a_rate_per_station_under_its_coded_heading() -> None:
    lines = [
        ["Taux de boues évacuées selon les filières conformes à la"],
        ["réglementation (P206.3)"],
        ["Taux de boues évacuées selon les filières conformes à la réglementation ="],
        ["TMS admis par filière conforme"],
        ["TMS total évacué par les filières"],
        ["∗", "100"],
        ["Station Taux de conformité"],
        ["(%)"],
        ["Station d'épuration communale", "100"],
    ]
    assert _read(lines, 2021) == [("P206.3", 100.0, "%", 2021)]
    # a count under the same heading is not the rate
    sentence = ["Une filière d'évacuation des boues d'épuration est dite conforme si elle remplit les deux conditions"]
    assert _read([["Boues évacuées (P206.3)"], sentence, ["Nombre de stations", "2"]], 2021) == []


def test_the_scale_of_the_patrimonial_index_is_not_its_value() -> None:
    cands = prose_candidates(11, "TOTAL (indicateur P202.2B) 120 - 107 (1) l'existence de l'inventaire.", AC, 2021)
    assert [(c.ind.key, c.value) for c in cands] == [("P202.2B", 107.0)]
    assert [f.value for f in figures("de 120 - 107 points")] == [120.0, 107.0]
    assert [f.value for f in figures("une variation de - 4,3 %")] == [-4.3]


def test_unit_columns_comments_and_footnote_marks_around_the_figures() -> None:
    lines = [
        ["Indicateur", "2020", "2021", "Unité"],
        ["P201.1 Taux de desserte par des réseaux de collecte des eaux usées", "96,5", "97,0", "%"],
        [
            "P252.2 Nombre de points du réseau nécessitant des interventions fréquentes de curage",
            "0 u/100 km",
            "2 u/100 km",
        ],
        ["P258.1 Taux de réclamations", "0 nb/1000 abonnés", "1,2 nb/1000 abonnés", "stable"],
        ["D203.0 Quantité de boues issues des ouvrages d'épuration", "2,5 t MS", "3,1 t MS (1)"],
    ]
    got = _read(lines, 2021)
    assert ("P201.1", 96.5, "%", 2020) in got and ("P201.1", 97.0, "%", 2021) in got
    assert ("P252.2", 2.0, "per 100 km", 2021) in got
    assert ("P258.1", 1.2, "‰", 2021) in got
    assert ("D203.0", 3.1, "tMS", 2021) in got
    # a yes/no column is not a comment after figures
    assert _read([["2020", "2021"], ["Existence d'un zonage", "Oui", "Non"]], 2021) == []


def test_columns_headed_by_the_exercise_relative_to_the_report() -> None:
    lines = [
        ["Indicateur", "Année N-1", "Année N"],
        ["P201.1 Taux de desserte par des réseaux de collecte des eaux usées", "95,9 %", "96,5 %"],
        ["D204.0 Prix TTC du service au m3 pour 120 m3", "2,10", "2,25"],
    ]
    got = _read(lines, 2021)
    assert ("P201.1", 95.9, "%", 2020) in got and ("P201.1", 96.5, "%", 2021) in got
    # the exercise-N price is the 1 January N+1 tariff
    assert ("D204.0", 2.25, "EUR/m3", 2022) in got
    # a capital N inside words or a lone "N" is no header
    assert _read([["NOMBRE D'ABONNES N"], ["Nombre d'abonnés", "157"]], 2021) == [("abonnes", 157.0, "count", 2021)]


def test_infographic_key_figures() -> None:
    from greffier.extract.indicator_prose import headline_candidates

    text = (
        "Les Lisières de l'Oise\n6 513 ménages\n20 communes\n16 164 habitants\n1 365 installations contrôlées en 2023"
    )
    got = sorted((c.ind.key, c.value) for c in headline_candidates(6, text, "dechets", 2023))
    assert got == [("communes_membres", 20.0), ("menages", 6513.0), ("population", 16164.0)]
    # a sewerage report's "275 habitants" is the served population, not the territory's
    assert headline_candidates(3, "275 habitants", AC, 2021) == []


def test_units_the_label_gives_and_sispea_rates_printed_with_a_percent_sign() -> None:
    lines = [
        ["Exercice 2020", "Exercice 2021"],
        ["P207.0 Abandons de créances ou versements à un fonds de solidarité [€]", "0,00", "120,00"],
        ["P258.1 Taux de réclamations [‰]", "0,00%", "1,50%"],
        ["P207.0 Abandons de créances ou versements à un fonds de solidarité [€/m3]", "0,00", "0,01"],
    ]
    got = _read(lines, 2021)
    assert ("P207.0", 120.0, "EUR", 2021) in got and ("P207.0", 0.01, "EUR/m3", 2021) in got
    assert ("P258.1", 1.5, "‰", 2021) in got


def test_a_formula_naming_another_coded_rate_is_not_the_headings() -> None:
    text = (
        "B. Taux de débordement d'effluents dans les locaux des usagers (indicateur P251.1)\n"
        "Nombre de demandes d'indemnisation / habitants desservis ´ 1000 = 0,0 ‰ (0 ‰ en 2021)\n"
        "Nombre de points noirs / Linéaire de réseau hors branchements ´ 100 = 7,7 % (9,5 % en 2021)"
    )
    got = sorted((c.ind.key, c.value, c.year) for c in prose_candidates(9, text, AC, 2022))
    assert ("P251.1", 0.0, 2022) in got and ("P252.2", 7.7, 2022) in got
    assert ("P251.1", 7.7, 2022) not in got


def test_a_page_number_alone_on_its_line_is_no_value() -> None:
    lines = [["Evolution du taux de TEOM"], ["Taux de TEOM voté"], ["36"]]
    ctx = Context("dechets", 2023)
    rows, _ = line_rows(36, lines, ctx, [])
    assert [c for r in rows for c in row_candidates(r, ctx)] == []


def test_a_waste_flows_tonnage_then_its_ratio_per_habitant() -> None:
    text = "Tableau des flux ordures ménagères résiduelles 3 164 T 195,74 kg / hab. / an déchets verts en PàP 1 075 T"
    got = sorted((c.ind.key, c.value, c.unit) for c in prose_candidates(22, text, "dechets", 2023))
    assert ("tonnage_omr", 3164.0, "t") in got and ("ratio_omr", 195.74, "kg/hab") in got
    assert [(f.value, f.unit) for f in figures("264,56 Kg par an et par habitant")] == [(264.56, "kg/hab")]


def test_a_history_with_one_figure_more_than_its_years_gives_nothing() -> None:
    # the header's first year was lost on the line of the label column ("Matériaux | 2016")
    lines = [
        ["Répartition par flux"], ["Matériaux", "2016"],
        ["2017"], ["2018"], ["2019"], ["2020"], ["2021"], ["2022"], ["2023"],
        ["Textiles", "13,10", "10,81", "9,38", "9,79", "3,17", "9,14", "9,79", "8,14"],
    ]  # fmt: skip
    ctx = Context("dechets", 2023)
    rows, _ = line_rows(31, lines, ctx, [])
    assert [(c.ind.key, c.value, c.year) for r in rows for c in row_candidates(r, ctx)] == []
    # two years and a variation: the variation is dropped
    assert ("abonnes", 185.0, "count", 2021) in _read(
        [["Exercice 2020", "Exercice 2021"], ["Nombre d'abonnés", "191", "185", "-3,14"]], 2021
    )
