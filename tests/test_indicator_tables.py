"""The grid reader on tables as :mod:`greffier.extract.tables` returns them (rows copied from the
grids found in real RPQS: a header the finder left in the body, years in the column headers, a
variation column, a table of stations without years)."""

from __future__ import annotations

from greffier.extract.indicator_rows import Context
from greffier.extract.indicator_tables import table_candidates
from greffier.records import Table

AC = "assainissement_collectif"


def _table(rows: list[tuple[str, ...]], header: tuple[tuple[str, ...], ...] = (), caption: str = "") -> Table:
    return Table(
        table_id="d:t001", doc_id="d", page=6, page_end=6, bbox=(0, 0, 1, 1), section_id=None, section_path=(),
        caption=caption, strategy="lines", header_rows=header, rows=tuple(rows),
    )  # fmt: skip


def _read(tables: list[Table], year: int = 2021) -> list[tuple[str, float | None, str, int | None]]:
    return sorted((c.ind.key, c.value, c.unit, c.year) for c in table_candidates(tables, Context(AC, year)))


def test_a_header_row_left_in_the_body_dates_the_columns() -> None:
    bill = _table(
        [
            ("Facture type", "1er janvier 2021", "1er janvier 2022"),
            ("Part de la collectivité", "177,40 € HT", "177,40 € HT"),
            ("Total TTC", "207,40 €", "207,40 €"),
            ("Prix TTC au m3", "1,73 €", "1,73 €"),
        ],
        caption="Les tarifs applicables pour une consommation d'un ménage de référence selon l'INSEE (120 m3)",
    )
    got = _read([bill])
    assert ("facture_120m3", 207.4, "EUR", 2021) in got and ("facture_120m3", 207.4, "EUR", 2022) in got
    assert ("D204.0", 1.73, "EUR/m3", 2022) in got


def test_years_in_the_column_headers_and_a_variation_column() -> None:
    volumes = _table(
        [("Total des volumes facturés aux abonnés (sur 365 j)", "8 381", "7 710", "-8,01")],
        header=(("", "Volumes facturés en 2020 (m3)", "Volumes facturés en 2021 (m3)", "Variation en %"),),
    )
    assert set(_read([volumes])) == {("volumes_factures", 8381.0, "m3", 2020), ("volumes_factures", 7710.0, "m3", 2021)}


def test_columns_without_years_give_nothing() -> None:
    stations = _table(
        [("Station", "Capacité", "Débit"), ("Quantité de boues issues des ouvrages d'épuration", "12,5", "3,1")],
    )
    assert _read([stations]) == []
    summary = _table([("Sommaire", ""), ("Taux de desserte", "7")], caption="Sommaire")
    assert _read([summary]) == []


def test_a_header_row_with_a_variation_column_and_a_total_under_a_title_row() -> None:
    volumes = _table(
        [
            ("VOLUMES FACTURES (M3)", "", "", ""),
            ("", "2021", "2022", "Variation"),
            ("Abonnés domestiques", "68 632", "65 659", "- 4,3 %"),
            ("Total des volumes facturés", "68 632", "65 659", "- 4,3 %"),
        ],
        caption="E. Volumes facturés au cours de l'exercice",
    )
    got = _read([volumes], 2022)
    assert ("volumes_factures", 65659.0, "m3", 2022) in got and ("volumes_factures", 68632.0, "m3", 2021) in got
    assert all(g[1] != -4.3 for g in got)


def test_merged_header_cells_shift_the_columns() -> None:
    bill = _table(
        [
            ("", "Facture type", "", "1er janvier 2021", "", "1er janvier 2022"),
            ("Part de la collectivité", "", "177,40 € HT", "", "177,40 € HT", ""),
            ("Total TTC", "", "243,00 €", "", "244,20 €", ""),
        ],
        caption="Les tarifs applicables pour une consommation d'un ménage de référence (120 m3 HT/an)",
    )
    bill = Table(**{**bill.__dict__, "label_cols": 2})
    got = _read([bill])
    assert ("facture_120m3", 243.0, "EUR", 2021) in got and ("facture_120m3", 244.2, "EUR", 2022) in got


def test_table_coverage_counts_gold_table_values_held_as_cells_on_their_page() -> None:
    from greffier.eval.indicators import table_coverage
    from greffier.records import TableCell

    cells = (
        TableCell(table_id="d:t001", doc_id="d", page=4, row=1, col=1, text="8 381", value=8381.0),
        TableCell(table_id="d:t001", doc_id="d", page=4, row=1, col=2, text="-8,01", value=-8.01),
    )
    table = Table(**{**_table([("Total", "8 381", "-8,01")]).__dict__, "page": 4, "cells": cells})
    gold = {
        "records": [
            {"value": 8381, "page": 4, "from_table": True},
            {"value": 8.01, "page": 4, "from_table": True},  # the sign aside
            {"value": 7710, "page": 5, "from_table": True, "also_pages": [4]},
            {"value": 157, "page": 3, "from_table": False},  # printed in a sentence: not counted
            {"value": None, "page": 4, "from_table": True},
        ]
    }
    assert table_coverage(gold, [table]) == (3, 2)


def test_a_history_table_with_a_row_per_year_gives_the_report_years_row() -> None:
    omr = _table(
        [
            ("2022", "16 174", "3 361,04", "207,81", "0,0%"),
            ("2023", "16 164", "3 163,88", "195,74", "-5.9%"),
        ],
        header=(
            (
                "Année",
                "Nombre d'habitants",
                "Tonnages",
                "Ratio annuel en kg/hab/an",
                "Evolution par rapport à l'année précédente",
            ),
        ),
        caption="Évolution des tonnages OMR et des ratios",
    )
    got = sorted((c.ind.key, c.value, c.unit, c.year) for c in table_candidates([omr], Context("dechets", 2023)))
    assert got == [
        ("population", 16164.0, "count", 2023),
        ("ratio_omr", 195.74, "kg/hab", 2023),
        ("tonnage_omr", 3163.88, "t", 2023),
    ]


def test_a_synthesis_table_gives_each_flows_tonnage_and_ratio() -> None:
    synthesis = _table(
        [("Verre PAV", "620,14", "38,34"), ("Déchets Verts PàP", "1 075,06", "66,47")],
        header=(("", "Tonnages 2023", "Ratio kg/hab/an"),),
        caption="Synthèse des tonnages",
    )
    got = sorted((c.ind.key, c.value, c.year) for c in table_candidates([synthesis], Context("dechets", 2023)))
    assert got == [
        ("ratio_dechets_verts", 66.47, 2023),
        ("ratio_verre", 38.34, 2023),
        ("tonnage_dechets_verts", 1075.06, 2023),
        ("tonnage_verre", 620.14, 2023),
    ]


def test_a_history_over_many_year_columns_gives_the_report_year_only() -> None:
    history = _table(
        [("", "2019", "2020", "2021", "2022", "2023"), ("Taux de desserte", "91 %", "92 %", "93 %", "95 %", "96 %")]
    )
    assert _read([history], 2023) == [("P201.1", 96.0, "%", 2023)]


def test_rows_of_stations_take_the_indicator_their_headers_name() -> None:
    sludge = _table(
        [("Station d'épuration communale 0516007V001", "1,20", "1,35")],
        header=(("Boues produites (en tonnes de Matières Sèches)", "Exercice 2020 en tMS", "Exercice 2021 en tMS"),),
    )
    assert _read([sludge]) == [("D203.0", 1.2, "tMS", 2020), ("D203.0", 1.35, "tMS", 2021)]
    plants = _table(
        [("STEP du bourg", "2,5", "100 %"), ("STEP de la gare", "0,8", "100 %")],
        header=(
            ("Station", "Quantité de boues évacuées (tMS)", "Taux de boues évacuées selon les filières conformes"),
        ),
    )
    got = _read([plants])
    assert ("D203.0", 2.5, "tMS", 2021) in got and ("D203.0", 0.8, "tMS", 2021) in got
    assert ("P206.3", 100.0, "%", 2021) in got
    # a table of stations whose headers name no indicator gives nothing
    capacity = _table([("STEP du bourg", "400", "Lagunage")], header=(("Station", "Capacité (EH)", "Filière"),))
    assert _read([capacity]) == []


def test_a_history_whose_columns_go_back_further_than_six_years() -> None:
    coverage = _table(
        [
            ("Dépenses de fonctionnement", "1 611 614 €", "1 593 671 €", "1 932 873€"),
            ("Taux de couverture du service", "69,83 %", "74,43 %", "110,75 %"),
        ],
        header=(("", "2015", "2016", "2023"),),
    )
    got = sorted((c.ind.key, c.value, c.year) for c in table_candidates([coverage], Context("dechets", 2023)))
    assert [g for g in got if g[0] == "taux_couverture"] == [
        ("taux_couverture", 69.83, 2015),
        ("taux_couverture", 74.43, 2016),
        ("taux_couverture", 110.75, 2023),
    ]


def test_a_unit_the_column_header_gives() -> None:
    network = _table(
        [("Total réseau de collecte", "10 540", "15 250")], header=(("Linéaire", "2021 (ml)", "2022 (ml)"),)
    )
    assert _read([network], 2022) == [("lineaire_reseau", 10540.0, "m", 2021), ("lineaire_reseau", 15250.0, "m", 2022)]


def test_a_table_of_communes_gives_each_communes_figures() -> None:
    communes = _table(
        [("BITRY", "120", "260"), ("Couloisy", "200", "450")],
        header=(("Commune", "Nombre d'abonnés", "Habitants desservis"),),
    )
    got = sorted((c.ind.key, c.value, c.year, c.commune) for c in table_candidates([communes], Context(AC, 2021)))
    assert got == [
        ("D201.0", 260.0, 2021, "Bitry"),
        ("D201.0", 450.0, 2021, "Couloisy"),
        ("abonnes", 120.0, 2021, "Bitry"),
        ("abonnes", 200.0, 2021, "Couloisy"),
    ]


def test_a_total_ttc_among_the_bills_rows_is_the_bill_whatever_the_caption() -> None:
    tariffs = _table(
        [
            ("Abonnement", "40,00", "40,00", "42,00"),
            ("Consommation 120 m3", "180,00", "186,00", "192,00"),
            ("Redevance modernisation des réseaux de collecte", "18,00", "18,00", "18,00"),
            ("TVA 10 %", "23,80", "24,40", "25,20"),
            ("Total TTC", "261,80", "268,40", "277,20"),
        ],
        header=(("Tarifs", "2020", "2021", "2022"),),
        caption="Tarifs du service",
    )
    got = [g for g in _read([tariffs], 2021) if g[0] == "facture_120m3"]
    assert ("facture_120m3", 268.4, "EUR", 2021) in got and ("facture_120m3", 277.2, "EUR", 2022) in got
    # a total TTC among other rows is no bill
    works = _table(
        [("Travaux de réseau", "10 000", "12 000"), ("Total TTC", "10 000", "12 000")], header=(("", "2020", "2021"),)
    )
    assert [g for g in _read([works]) if g[0] == "facture_120m3"] == []


def test_a_total_row_under_columns_that_each_name_a_figure() -> None:
    served = _table(
        [("Rully", "300", "305"), ("Total", "300", "305")],
        header=(("", "Nombre d'abonnés au 31/12/2020", "Nombre d'abonnés au 31/12/2021"),),
    )
    assert set(_read([served])) == {("abonnes", 300.0, "count", 2020), ("abonnes", 305.0, "count", 2021)}


def test_a_table_with_a_row_per_exercise() -> None:
    debt = _table(
        [("2020", "120 000", "6,0"), ("2021", "110 000", "5,0")],
        header=(("Exercice", "Encours de la dette au 31/12 (€)", "Durée d'extinction de la dette (ans)"),),
    )
    got = set(_read([debt]))
    assert {("encours_dette", 110000.0, "EUR", 2021), ("encours_dette", 120000.0, "EUR", 2020)} <= got
    assert ("P256.2", 5.0, "years", 2021) in got


def test_an_accounts_planned_and_carried_out_columns_take_the_accounts_year() -> None:
    # a service report's budget table (Lisières de l'Oise household-waste report 2023, p. 34)
    account = _table(
        [
            ("Dépenses d’investissement", "513 920,00 €", "202 185,00 €", "- 6 510,00 €"),
            ("Recettes d’investissement", "223 800,00 €", "195 675,00 €", ""),
            ("Dépenses de fonctionnement", "2 050 430,00 €", "1 932 873,00 €", "207 807,00 €"),
        ],
        header=(("", "Prévu", "Réalisé", "Résultat"),),
        caption="Compte administratif 2023",
    )
    got = set(_read([account], 2023))
    assert ("depenses_fonctionnement", 2050430.0, "EUR", 2023) in got
    assert ("depenses_fonctionnement", 1932873.0, "EUR", 2023) in got
    assert ("depenses_investissement", 202185.0, "EUR", 2023) in got
    assert not [g for g in got if g[1] in (-6510.0, 207807.0)]  # the result column is derived


def test_a_stations_row_under_the_coded_heading_of_the_table() -> None:
    stations = _table(
        [
            ("Station d'épuration du Bourg", "100", "100"),
            ("Lagune des Prés", "100", "0"),
            ("Nombre de bilans", "4", "4"),
        ],
        header=(("", "2020", "2021"),),
        caption="Conformité des équipements d'épuration aux prescriptions nationales (P204.3)",
    )
    got = set(_read([stations]))
    assert {("P204.3", 100.0, "%", 2021), ("P204.3", 0.0, "%", 2021), ("P204.3", 100.0, "%", 2020)} <= got
    assert not [g for g in got if g[1] == 4.0]


def test_a_row_that_only_holds_the_value_of_the_coded_heading() -> None:
    index = _table(
        [("Valeur", "30", "40")],
        header=(("", "2020", "2021"),),
        caption="Indice de connaissance et de gestion patrimoniale des réseaux de collecte (P202.2B)",
    )
    assert set(_read([index])) == {("P202.2B", 30.0, "points", 2020), ("P202.2B", 40.0, "points", 2021)}


def test_an_account_with_a_column_per_direction_and_a_row_per_section() -> None:
    account = _table(
        [("Fonctionnement", "45 200,00 €", "51 300,00 €"), ("Investissement", "12 000,00 €", "8 000,00 €")],
        header=(("Section", "Dépenses", "Recettes"),),
        caption="Compte administratif 2023 du SPANC",
    )
    got = set(_read([account], 2023))
    assert ("depenses_fonctionnement", 45200.0, "EUR", 2023) in got
    assert ("recettes_fonctionnement", 51300.0, "EUR", 2023) in got
    assert ("recettes_investissement", 8000.0, "EUR", 2023) in got


def test_the_total_row_of_a_table_of_communes_is_no_commune() -> None:
    communes = _table(
        [
            ("Valmont", "540", "545"),
            ("Saint-Jean", "118", "120"),
            ("Sous-total", "658", "665"),
            ("Total", "658", "665"),
        ],
        header=(("Commune", "Abonnés au 31/12/2020", "Abonnés au 31/12/2021"),),
    )
    got = {(c.value, c.year, c.commune) for c in table_candidates([communes], Context(AC, 2021, "Valmont"))}
    assert (545.0, 2021, "Valmont") in got and (120.0, 2021, "Saint-Jean") in got
    assert (665.0, 2021, None) in got  # the service's: the report's commune, or none for a syndicate's report
    assert not {commune for _, _, commune in got} & {"Total", "Sous-Total", "Sous-total"}


def test_prix_au_m3_of_a_tariff_grid_is_the_variable_part() -> None:
    # the SISPEA model's tariff table as the grid finder returns it (labels over two columns)
    tariffs = Table(
        table_id="d:t002", doc_id="d", page=7, page_end=7, bbox=(0, 0, 1, 1), section_id=None, section_path=(),
        caption="à l’Egout (PRE)", strategy="lines", label_cols=2,
        header_rows=(("Tarifs", "", "Au 01/01/2021", "Au 01/01/2022"),),
        rows=(
            ("Part fixe (€ HT/an)", "", "", ""),
            ("", "Abonnement (1)", "35 €", "35 €"),
            ("Part proportionnelle (€ HT/m3)", "", "", ""),
            ("", "Prix au m³", "1 €/m3", "1 €/m3"),
            ("", "Taux de TVA (2)", "10 %", "10 %"),
        ),
    )  # fmt: skip
    assert [c for c in table_candidates([tariffs], Context(AC, 2021)) if c.ind.key == "D204.0"] == []
