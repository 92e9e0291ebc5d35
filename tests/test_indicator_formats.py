"""Indicator records from RPQS text written the way other generators write it: a summary table with
the code in its own column and a unit column, "Valeur N-1 | Valeur N" columns, "NC" cells,
tariff tables priced HT and TTC, the 120 m³ bill printed where a price per m³ is expected, tariff
years past the exercise, the same price printed rounded. Lines are given as their cells (the text
layer's segments between wide gaps), as :class:`PageLayout` lines."""

from __future__ import annotations

from greffier.extract.indicator_checks import plausible
from greffier.extract.indicator_prose import Candidate
from greffier.extract.indicator_ref import get
from greffier.extract.indicators import extract_indicators
from greffier.extract.pdf import LayoutLine, PageLayout, Segment
from greffier.records import Document, IndicatorRecord, Page

COVER = """COMMUNE DE VALMONT
Rapport annuel sur le prix et la qualité du service public d'assainissement collectif
Exercice 2021
\f"""


def _extract(text: str, year: int = 2021, layout: bool = True, doc_year: int | None = None) -> list[IndicatorRecord]:
    """Records of a document whose pages are split by form feeds and whose cells by " | " (without
    ``layout``, lines whose cells are their trailing figures, as a text layer without positions)."""
    pages, layouts = [], []
    for number, page in enumerate(text.split("\f"), 1):
        lines = []
        for k, line in enumerate(page.strip("\n").split("\n")):
            segments, x = [], 10.0
            for cell in line.split(" | "):
                segments.append(Segment(x, x + 5 * len(cell), cell))
                x += 5 * len(cell) + 40
            lines.append(LayoutLine(10.0 * k, 10.0 * k + 8, 9.0, False, tuple(segments)))
        layouts.append(PageLayout(number, 600, 800, tuple(lines)))
        pages.append(Page(doc_id="valmont", number=number, label=str(number), text=page.replace(" | ", " ")))
    doc = Document(
        doc_id="valmont",
        path="valmont.pdf",
        sha256="0",
        status="ingested",
        title=f"Commune de Valmont – RPQS {year}",
        issuer="Commune de Valmont",
        kind="rpqs",
        year=doc_year or year,
        date=None,
        pages=len(pages),
        source_type="pdf",
    )
    return extract_indicators(doc, pages, layouts if layout else None, None, ())


def _values(records: list[IndicatorRecord]) -> set[tuple[str, float | None, str, int | None]]:
    return {(r.indicator, r.value, r.unit, r.year) for r in records}


def test_a_summary_table_with_a_code_column_and_a_unit_column() -> None:
    records = _extract(
        COVER
        + """Synthèse des indicateurs
Indicateur | Code | 2020 | 2021 | Unité
Estimation du nombre d'habitants desservis | D201.0 | 1 250 | 1 262 | hab
Prix TTC du service au m3 pour 120 m3 | D204.0 | 2,35 | 2,41 | €/m3
Taux de débordement d'effluents | P251.1 | 0 | 0,2 | u/1000 hab
Points noirs | P252.2 | 2,5 | 1,2 | u/100 km
Durée d'extinction de la dette | P256.2 | 4,2 | 3,8 | ans
Taux d'impayés | P257.0 | 1,2 | NC | %
Taux de réclamations | P258.1 | 0,5 | 0 | u/1000 ab
"""
    )
    got = _values(records)
    for expected in [
        ("D201.0", 1250.0, "count", 2020),
        ("D201.0", 1262.0, "count", 2021),
        ("P251.1", 0.0, "‰", 2020),
        ("P251.1", 0.2, "‰", 2021),
        ("P252.2", 2.5, "per 100 km", 2020),
        ("P256.2", 4.2, "years", 2020),
        ("P257.0", 1.2, "%", 2020),
        ("P257.0", None, "%", 2021),  # "NC" between a figure and the unit column
        ("P258.1", 0.5, "‰", 2020),
    ]:
        assert expected in got
    # the price under an exercise column is the 1 January N+1 tariff, read once from its row (the
    # sentence reader leaves the row to the row reader: no 2,41 € of 2021)
    prices = sorted((r.value, r.year, r.conflict) for r in records if r.indicator == "D204.0")
    assert prices == [(2.35, 2021, False), (2.41, 2022, False)]


def test_a_tariff_table_priced_ht_and_ttc_gives_no_subscribers() -> None:
    records = _extract(
        COVER
        + """Facture 120 m3 | au 01/01/2021 | au 01/01/2022
Abonnement | 40,00 | 40,00
Part proportionnelle | 180,00 | 186,00
Total HT | 239,20 | 245,20
TVA 10 % | 23,92 | 24,52
Total TTC | 263,12 | 269,72
Prix HT au m3 | 1,99 | 2,04
Prix TTC au m3 | 2,19 | 2,25
"""
    )
    got = _values(records)
    assert not [r for r in records if r.indicator == "abonnes"]  # "Abonnement 40,00": the fixed part
    # a table that prints every figure with two decimals still counts its subscribers
    counted = _extract(COVER + "Indicateurs | Exercice 2020 | Exercice 2021\nNombre d'abonnés | 405,00 | 410,00\n")
    assert {(r.value, r.year) for r in counted if r.indicator == "abonnes"} == {(405.0, 2020), (410.0, 2021)}
    assert {(v, y) for k, v, _, y in got if k == "D204.0"} == {(2.19, 2021), (2.25, 2022)}
    assert ("facture_120m3", 269.72, "EUR", 2022) in got


def test_an_ht_price_beside_the_ttc_one_is_not_the_indicator() -> None:
    records = _extract(
        COVER
        + """Le prix TTC du service au m3 pour 120 m3 est de 2,25 € au 1er janvier 2022.
Le prix du service au m3 pour 120 m3 est de 2,04 € HT au 1er janvier 2022.
"""
    )
    assert [(r.value, r.year, r.conflict) for r in records if r.indicator == "D204.0"] == [(2.25, 2022, False)]
    # printed HT alone (a service not liable to VAT), it is the indicator's value
    alone = _extract(COVER + "Le prix du service au m3 pour 120 m3 est de 2,04 € HT au 1er janvier 2022.\n")
    assert [(r.value, r.year) for r in alone if r.indicator == "D204.0"] == [(2.04, 2022)]


def test_the_120_m3_bill_printed_as_a_price_is_the_bill() -> None:
    records = _extract(
        COVER
        + """Prix du service | 2020 | 2021
Prix TTC du service pour 120 m3 | 250,00 € | 260,00 €
Prix TTC du service au m3 pour 120 m3 | 2,08 € | 2,17 €
"""
    )
    got = _values(records)
    assert {(v, y) for k, v, _, y in got if k == "D204.0"} == {(2.08, 2021), (2.17, 2022)}
    assert {v for k, v, _, _ in got if k == "facture_120m3"} == {250.0, 260.0}
    assert not any(r.conflict for r in records)


def test_tariff_years_past_the_exercise_are_the_tariffs_years() -> None:
    records = _extract(COVER + "Tarifs | 2021 | 2022\nPrix TTC au m3 | 2,19 | 2,25\n")
    assert sorted((r.value, r.year, r.as_of) for r in records if r.indicator == "D204.0") == [
        (2.19, 2021, "2021-01-01"),
        (2.25, 2022, "2022-01-01"),
    ]
    # an exercise column, in a summary of exercises, is the 1 January N+1 tariff
    records = _extract(COVER + "Indicateurs | Exercice 2020 | Exercice 2021\nPrix TTC au m3 | 2,19 | 2,25\n")
    assert sorted((r.value, r.year) for r in records if r.indicator == "D204.0") == [(2.19, 2021), (2.25, 2022)]


def test_a_price_printed_rounded_is_the_same_reading() -> None:
    records = _extract(
        COVER
        + """Le prix du service pour 120 m3 est de 2,035 € TTC/m3 au 1er janvier 2022.
\f
Tableau récapitulatif | Exercice 2020 | Exercice 2021
D204.0 Prix TTC du service au m3 pour 120 m3 | 2,03 | 2,04
P201.1 Taux de desserte (%) | 97,78 | 98
"""
    )
    prices = [r for r in records if r.indicator == "D204.0" and r.year == 2022]
    assert len(prices) == 1 and not prices[0].conflict
    # shown as SISPEA publishes it, to two decimals, with the precise reading as a second source
    assert prices[0].value == 2.04 and [a["page"] for a in prices[0].also] == [2]
    # two different values of one year stay two records, flagged
    records = _extract(COVER + "Indicateurs | Exercice 2020 | Exercice 2021\nP201.1 Taux de desserte (%) | 97 | 98\n"
                       "\fLe taux de desserte est de 96,5 % en 2021.\n")  # fmt: skip
    assert sorted((r.value, r.conflict) for r in records if r.indicator == "P201.1" and r.year == 2021) == [
        (96.5, True),
        (98.0, True),
    ]


def _cand(key: str, value: float, unit: str, decimals: int = 0) -> Candidate:
    ind = get(key)
    assert ind is not None
    return Candidate(ind, value, unit, 2021, None, 3, "row", True, "value", decimals)


def test_values_an_indicator_cannot_take() -> None:
    assert plausible(_cand("D201.0", 1.95, "count", 2)) is None  # "1,95 habitant par abonné"
    assert plausible(_cand("abonnes", 545.0, "count")) is not None
    assert plausible(_cand("abonnes", 405.0, "count", 2)) is not None  # "405,00": a table that prints two decimals
    assert plausible(_cand("P201.1", 104.5, "%", 1)) is None
    assert plausible(_cand("taux_couverture", 104.5, "%", 1)) is not None  # recettes over dépenses
    assert plausible(_cand("P202.2B", 130.0, "points")) is None and plausible(_cand("P202.2B", 120.0, "points"))
    assert plausible(_cand("D302.0", 140.0, "points")) is not None
    assert plausible(_cand("volumes_factures", -3.0, "m3")) is None
    bill = plausible(_cand("D204.0", 263.12, "EUR/m3", 2))
    assert bill is not None and (bill.ind.key, bill.unit) == ("facture_120m3", "EUR")
    assert plausible(_cand("D204.0", 31.0, "EUR/m3")) is None


def test_headings_that_name_their_indicator_without_its_code() -> None:
    records = _extract(
        COVER
        + """C. Taux de débordement d’effluents dans les locaux des usagers
Le taux de débordement d’effluents dans les locaux des usagers est :
Nombre d'inondations dans les locaux des usagers Nombre d'habitants desservis ´ 1000 = 0,4 ‰ (0 ‰ en 2020)
H. Taux d’impayés sur les factures d’assainissement de l’année précédente
Montant des impayés Montant total TTC des factures émises ´ 100 = 1,94 % (2,92 % en 2020)
\f
Taux de boues évacuées selon les filières conformes à la réglementation
TMS admis par filière conforme TMS total évacué par les filières ∗ 100
Station | Taux de conformité (%)
Station d'épuration "LE BOURG" | 100
"""
    )
    got = _values(records)
    assert {("P251.1", 0.4, "‰", 2021), ("P251.1", 0.0, "‰", 2020)} <= got
    assert {("P257.0", 1.94, "%", 2021), ("P257.0", 2.92, "%", 2020)} <= got
    assert ("P206.3", 100.0, "%", 2021) in got
    # a sentence that names an indicator among others is no heading
    assert not [r for r in records if r.indicator == "D201.0"]


def test_a_summary_row_that_prints_its_unit_inside_the_name() -> None:
    records = _extract(
        COVER
        + """Tableau récapitulatif | Exercice 2020 | Exercice 2021
Prix TTC (€) du service au m³ pour 120 m³ | 1,73 | 1,75
Taux de desserte par des réseaux de collecte des eaux usées (%) | 100 | 100
"""
    )
    got = _values(records)
    assert ("D204.0", 1.73, "EUR/m3", 2021) in got and ("D204.0", 1.75, "EUR/m3", 2022) in got
    assert ("P201.1", 100.0, "%", 2021) in got


def test_the_bills_title_with_its_reference_volume_is_no_row() -> None:
    # a text layer without cells (each line's trailing figures are its cells)
    text = """FACTURE TYPE 120 M3
Montant au 01/01/22 Montant au 01/01/23 Variation
Abonnement 1 0,00 0,00 /
Consommation 120 144,54 144,54 /
TVA (10 %) 16,37 16,37 /
Total 180,11 € 180,11 € /
"""
    doc_records = _extract(COVER.replace("2021", "2022") + text, 2022, layout=False)
    bills = sorted((r.value, r.year) for r in doc_records if r.indicator == "facture_120m3")
    assert bills == [(180.11, 2022), (180.11, 2023)]


SPANC = """Communauté de communes du Val
Rapport annuel sur le prix et la qualité du service public d'assainissement non collectif (SPANC)
Exercice 2023
\f"""


def test_a_spanc_index_named_with_its_ligature_and_parts_of_the_installations_count() -> None:
    records = _extract(
        SPANC
        + """Indice de mise en œuvre de l'assainissement non collectif (D302.0)
L'indice de mise en œuvre de l'assainissement non collectif est de 100 pour l'année 2023 (90 en 2022).
\f
Taux de conformité des dispositifs d'assainissement non collectif (P301.3)
Nombre d'installations contrôlées conformes ou mises en conformité | 420
Nombre d'installations non conformes sans danger | 310
Nombre total d'installations contrôlées depuis la création du service | 1 365
Taux de conformité | 53,5 %
""",
        2023,
    )
    got = _values(records)
    assert {("D302.0", 100.0, "points", 2023), ("D302.0", 90.0, "points", 2022)} <= got
    assert ("P301.3", 53.5, "%", 2023) in got
    # compliant, or not but without danger: parts of it (those checked since the service began: all of them)
    assert (
        _values(records) & {("installations_anc", 420.0, "count", 2023), ("installations_anc", 310.0, "count", 2023)}
        == set()
    )
    assert ("installations_anc", 1365.0, "count", 2023) in _values(records)
    # the count itself
    records = _extract(SPANC + "Nombre total d'installations | 1 489\n", 2023)
    assert _values(records) == {("installations_anc", 1489.0, "count", 2023)}


def test_prix_au_m3_is_the_bills_price_in_the_bill_table_only() -> None:
    bill = _extract(
        COVER
        + """Facture 120 m3 | Au 01/01/2021 | Au 01/01/2022
Abonnement | 40,00 € | 40,00 €
Consommation | 180,00 € | 186,00 €
TVA | 22,00 € | 22,60 €
Total | 242,00 € | 248,60 €
Prix au m3 | 2,02 € | 2,07 €
"""
    )
    assert sorted((r.value, r.year) for r in bill if r.indicator == "D204.0") == [(2.02, 2021), (2.07, 2022)]
    # in a tariff table "Prix au m3" is the variable part, without tax
    tariff = _extract(
        COVER
        + """Tarifs (HT) | Au 01/01/2021 | Au 01/01/2022
Abonnement annuel | 40,00 € | 40,00 €
Prix au m3 | 1,50 € | 1,55 €
Redevance modernisation des réseaux | 0,15 € | 0,16 €
"""
    )
    assert tariff == []


# a text layer without cell positions: each line's trailing figures are its cells (lines copied
# from the SISPEA model's pages as such a layer gives them)
SUMMARY_TEXT = """Tableau récapitulatif des variables et indicateurs
Exercice 2020 Exercice 2021
VP.056 Nombre d'abonnés 191 185
D201.0 Estimation du nombre d'habitants desservis par un réseau de collecte des eaux usées 360 360
D204.0 Prix TTC (€) du service au m³ pour 120 m³ 2,03 2,04
P203.3 Conformité de la collecte des effluents aux prescriptions nationales (%) 100 100
"""


def test_two_year_columns_run_together_by_the_text_layer() -> None:
    got = _values(_extract(COVER + SUMMARY_TEXT, layout=False))
    assert {("abonnes", 191.0, "count", 2020), ("abonnes", 185.0, "count", 2021)} <= got
    assert {("D201.0", 360.0, "count", 2020), ("D201.0", 360.0, "count", 2021)} <= got
    assert {("P203.3", 100.0, "%", 2020), ("P203.3", 100.0, "%", 2021)} <= got
    # "pour 120 m³" belongs to the label: the two prices are the two columns'
    assert {("D204.0", 2.03, "EUR/m3", 2021), ("D204.0", 2.04, "EUR/m3", 2022)} <= got
    assert not [v for k, v, _, _ in got if v is not None and v >= 100_000]
    # a number is not cut when its groups are not figures alike ("1 250"), nor with all its columns
    lines = "Exercice 2020 Exercice 2021\nVolumes facturés aux abonnés 12 045 61 500\n"
    assert {("volumes_factures", 12045.0, "m3", 2020), ("volumes_factures", 61500.0, "m3", 2021)} <= _values(
        _extract(COVER + lines, layout=False)
    )


def test_a_long_header_line_that_ends_with_its_years_dates_the_rows_below() -> None:
    text = """Soumise à
AM 21
juillet
2015
Boues et sous-produits de l'épuration (D203.0)
Boues produites (en tonnes de Matières Sèches) Exercice 2020 en tMS Exercice 2021 en tMS
Station d'épuration "Le Bourg" 0416065S0001 12,40 13,10
"""
    got = _values(_extract(COVER + text, layout=False))
    assert {("D203.0", 12.4, "tMS", 2020), ("D203.0", 13.1, "tMS", 2021)} <= got
    assert not [y for k, _, _, y in got if y == 2015]


def test_a_table_of_contents_headed_table_des_matieres_gives_nothing() -> None:
    toc = """Table des matières
E. Conformité de la collecte des effluents (pour les réseaux collectant une charge > 2 000 EH) (indicateur
P203.3)9
F. Indice de connaissance des rejets au milieu naturel (indicateur P255.3)...........10
"""
    assert _extract(COVER + toc, layout=False) == []


def test_the_exercise_of_a_report_presented_the_next_year() -> None:
    # the title page states no exercise, the document's date is the council's of June 2022
    text = """COMMUNE DE VALMONT
Rapport annuel sur le prix et la qualité du service public d'assainissement collectif
Présenté au conseil municipal du 28 juin 2022
\f
Le service public d'assainissement collectif dessert 412 habitants au 31/12/2021 (405 au 31/12/2020).
Tableau récapitulatif | Exercice 2020 | Exercice 2021
P201.1 Taux de desserte (%) | 97 | 98
Pour l'année 2021, le taux de réclamations est de 0,5 ‰.
"""
    got = _values(_extract(text, doc_year=2022))
    assert {("D201.0", 412.0, "count", 2021), ("P201.1", 98.0, "%", 2021), ("P258.1", 0.5, "‰", 2021)} <= got
    assert not [y for _, _, _, y in got if y == 2022]


def test_a_spanc_compliance_rate_of_one_kind_of_check_is_not_p301_3() -> None:
    records = _extract(
        SPANC
        + """Bilan des contrôles 2023
Type de contrôle | Nombre | Taux de conformité
Contrôles de conception | 45 | 95 %
Contrôles de bon fonctionnement | 210 | 38 %
Taux de conformité des installations neuves | 92 %
Le taux de conformité des installations contrôlées dans le cadre des ventes est de 41 % en 2023.
Le taux de conformité des dispositifs d'assainissement non collectif (P301.3) est de 53,5 % (52,1 % en 2022).
""",
        2023,
    )
    assert sorted((r.value, r.year, r.conflict) for r in records if r.indicator == "P301.3") == [
        (52.1, 2022, False),
        (53.5, 2023, False),
    ]


def test_a_change_is_not_the_value() -> None:
    text = """Le taux de desserte progresse de 2 % pour atteindre 98 %.
Le taux d'impayés est en hausse de 0,4 % par rapport à 2020 et s'établit à 1,9 %.
Le nombre d'abonnés a augmenté de 12 abonnés pour atteindre 545 abonnés.
"""
    got = _values(_extract(COVER + text))
    assert got == {("P201.1", 98.0, "%", 2021), ("P257.0", 1.9, "%", 2021), ("abonnes", 545.0, "count", 2021)}
    # from one value to the other: both are values
    got = _values(_extract(COVER + "Le taux de desserte a augmenté de 96 % en 2020 à 98 % en 2021.\n"))
    assert got == {("P201.1", 96.0, "%", 2020), ("P201.1", 98.0, "%", 2021)}


def test_cells_that_say_the_figure_is_not_given() -> None:
    records = _extract(
        COVER
        + """Indicateur | 2020 | 2021
P251.1 Taux de débordement | N.C. | n.r.
P252.2 Points noirs | s.o. | 0
P255.3 Indice de connaissance des rejets | Non disponible | 20
P258.1 Taux de réclamations | N/A | 0,5
"""
    )
    got = {(r.indicator, r.year): (r.value, r.status) for r in records}
    assert got[("P251.1", 2020)] == (None, "non renseigné") and got[("P251.1", 2021)] == (None, "non renseigné")
    assert got[("P252.2", 2020)] == (None, "sans objet") and got[("P252.2", 2021)] == (0.0, "value")
    assert got[("P258.1", 2020)] == (None, "sans objet") and got[("P258.1", 2021)] == (0.5, "value")
    assert got[("P255.3", 2020)] == (None, "non renseigné")
    # as a text layer without cell positions gives them
    raw = _extract(COVER + "Indicateur 2020 2021\nP251.1 Taux de débordement 0,2 NR\n", layout=False)
    assert {(r.year, r.value, r.status) for r in raw if r.indicator == "P251.1"} == {
        (2020, 0.2, "value"),
        (2021, None, "non renseigné"),
    }


def test_a_page_that_goes_on_after_its_table_of_contents_is_read() -> None:
    text = """Sommaire
1. Présentation du service
Le service public d'assainissement collectif dessert 412 habitants au 31/12/2021 (405 au 31/12/2020).
Le taux de desserte par les réseaux d'eaux usées est de 96,5 % pour l'exercice 2021.
Le réseau de collecte est constitué de 12,6 km de canalisations.
"""
    got = _values(_extract(COVER + text))
    assert ("D201.0", 412.0, "count", 2021) in got and ("P201.1", 96.5, "%", 2021) in got
