"""Year-column tables printed in minutes' text (greffier.search.year_columns)."""

from __future__ import annotations

from greffier.search.evidence import Weigher
from greffier.search.year_columns import headers, points_of_text, rows_after

_RATES = (
    "2010/40 - Vote des taux communaux 2010\nMonsieur le Maire propose d’augmenter de 3,00 % les taux d’imposition "
    "2009 des trois taxes locales pour l’année 2010 :\nTaux 2009 Taux 2010 proposés Taxe d’habitation 14,57 % "
    "15,01 % Taxe sur le foncier bâti 16,55 % 17,05 % Taxe sur le foncier non bâti 46,70 % 48,10 % Les membres "
    "du Conseil municipal, après en avoir délibéré, décident à l’unanimité des membres présents, d’augmenter les "
    "taux d’imposition de 3,00% comme sus-mentionnés.\n"
)


def _weigher() -> Weigher:
    def analyze(word: str) -> list[str]:
        w = word.lower().replace("’", "'").split("'")[-1]
        return [w[:5]] if len(w) > 2 else []

    return Weigher(analyze, lambda stem: 1, 100)


def test_a_header_is_two_close_increasing_years_not_a_reference() -> None:
    assert [h[2] for h in headers(_RATES)] == [[2009, 2010]]


def test_rows_after_a_header_end_at_prose() -> None:
    _, end, _ = headers(_RATES)[0]
    rows = rows_after(_RATES, end, len(_RATES))
    assert [(label, [f[1] for f in figs]) for label, figs in rows] == [
        ("proposés Taxe d’habitation", [14.57, 15.01]),
        ("Taxe sur le foncier bâti", [16.55, 17.05]),
        ("Taxe sur le foncier non bâti", [46.7, 48.1]),
    ]


def test_the_row_the_question_names_gives_one_point_per_year() -> None:
    wg = _weigher()
    weights = wg.weights("taux taxe foncier non bâti")
    points = points_of_text("cm", 3, _RATES, wg, weights, "%")
    assert [(p.year, p.value, p.last) for p in points] == [(2009, 46.7, False), (2010, 48.1, True)]
    assert points_of_text("cm", 3, _RATES, wg, wg.weights("taux taxe foncier non bâti"), "EUR") == []


def test_no_point_when_two_rows_fit_as_well() -> None:
    wg = _weigher()
    assert points_of_text("cm", 3, _RATES, wg, wg.weights("taux taxe"), "%") == []


def test_a_trend_is_one_object_with_its_missing_years() -> None:
    from greffier.search.series import with_missing_years

    out = with_missing_years({"kind": "trend", "series": [{"year": 2014}], "missing": [2013]})
    assert out["missing_years"] == [2013] and out["series"] == [{"year": 2014}]
    assert "missing_years" not in with_missing_years({"kind": "figure", "answer": None})


def test_a_figure_and_the_previous_years_beside_it() -> None:
    from greffier.search.year_columns import pair_points

    text = (
        "Le service public d’assainissement collectif dessert 275 habitants au 31/12/2021 (270 au 31/12/2020).\n"
        "1.4. Nombre d’abonnés\nLe service compte 132 abonnés au 31/12/2021 (131 au 31/12/2020).\n"
    )
    wg = _weigher()
    points = pair_points("rpqs", 3, text, wg, wg.weights("habitants dessert assainissement collectif"), "count")
    assert [(p.year, p.value, p.last) for p in points] == [(2021, 275.0, True), (2020, 270.0, False)]
    subscribers = pair_points("rpqs", 3, text, wg, wg.weights("nombre abonnés service"), "count")
    assert [p.value for p in subscribers] == [132.0, 131.0]
    assert pair_points("rpqs", 3, text, wg, wg.weights("habitants dessert"), "EUR") == []


# an RPQS's tables as its text layer flattens them: figures with no unit after them
_SUBSCRIBERS = (
    "D. Nombre d’abonnements\nNOMBRE D’ABONNES 2021 2022 Variation Abonnés domestiques 545 587 + 7,7 % Abonnés non "
    "domestiques 0 0 / Total des abonnés 545 587 + 7,7 %\nLe nombre d’abonnés est en forte augmentation (+ 7,5 %).\n"
)
_REVENUES = (
    "Recettes\nRecettes de la collectivité :\nType de recette Exercice 2020 en € Exercice 2021 en €\n"
    "Redevance eaux usées usage domestique\n19 628,61 18 964,51\nDont abonnement 13 175,24 13 027,81\n"
    "Total recettes de facturation 19 628,61 18 964,51\nPrime de l'Agence de l'Eau - *4 118,00\n"
    "Total des autres recettes 0,00 4 118,00\nTotal des recettes 19 628,61 23 082,51\n"
    "Recettes pour le compte de tiers :\nType de recette Exercice 2020 en € Exercice 2021 en €\n"
    "Agence de l’eau – Redevance modernisation des réseaux\n2 095,25 1 927,50\nTotal des recettes 2 095,25 1 927,50\n"
)


def test_bare_figures_split_one_way_only() -> None:
    from greffier.search.bare_rows import bare_rows, splits

    assert splits(["8", "228", "8", "490"], 2) == [["8 228", "8 490"]]
    assert splits(["12", "016"], 2) == []  # "016" begins no number
    rows = bare_rows(" Variation Abonnés domestiques 545 587 + 7,7 % Volumes traités 179 179 0", 2)
    # "179 179 0" is also three figures (a variation column): no reading
    assert rows == [("Variation Abonnés domestiques", [("545", 545.0), ("587", 587.0)])]
    # "*4 118,00" alone is one figure, not "4 | 118,00"
    assert bare_rows("Prime de l'Agence de l'Eau - *4 118,00\nTotal 0,00 4 118,00", 2) == [
        ("Total", [("0,00", 0.0), ("4 118,00", 4118.0)])
    ]


def test_the_row_of_bare_figures_the_question_names() -> None:
    wg = _weigher()
    points = points_of_text("rpqs", 4, _SUBSCRIBERS, wg, wg.weights("abonnés service assainissement"), None, "count")
    assert [(p.year, p.value, p.unit) for p in points] == [(2021, 545.0, "count"), (2022, 587.0, "count")]
    # the table of the collectivité's revenues, its total row, not the other totals nor the third
    # parties' table below
    weights = wg.weights("total recettes collectivité assainissement")
    points = points_of_text("rpqs", 7, _REVENUES, wg, weights, None, "EUR")
    assert [(p.year, p.value, p.unit) for p in points] == [(2020, 19628.61, "EUR"), (2021, 23082.51, "EUR")]
    # a rate is always written with its "%": never read from bare figures
    assert points_of_text("rpqs", 4, _SUBSCRIBERS, wg, wg.weights("abonnés"), "%", "%") == []


def test_a_figure_and_last_years_in_a_report_and_the_population_it_serves() -> None:
    from greffier.search.year_columns import pair_points

    text = (
        "C. Estimation du nombre d’habitants desservis\n"
        "Le service public d’assainissement collectif dessert 1 419 habitants (1 411 en 2021).\n"
    )
    wg = _weigher()
    weights = wg.weights("population desservie assainissement collectif")  # the question's words, not the report's
    points = pair_points("rpqs", 4, text, wg, weights, "count", doc_year=2022)
    assert [(p.year, p.value) for p in points] == [(2022, 1419.0), (2021, 1411.0)]
    assert pair_points("rpqs", 4, text, wg, weights, "count", doc_year=2024) == []  # "en 2021" is no year before
    # "combien d'abonnés": the habitants it serves are no answer
    assert pair_points("rpqs", 4, text, wg, weights, "count", doc_year=2022, counted="abonnés") == []


def test_prose_naming_two_years_is_no_header_of_bare_figures() -> None:
    text = (
        "Madame le maire propose de maintenir les taux 2015 en 2016 : Foncier (bâti) 19.38 1.000000 19.38 "
        "1 981 000 383 918\n"
    )
    wg = _weigher()
    assert points_of_text("cr", 5, text, wg, wg.weights("bases foncier bâti"), None, "EUR") == []


_CHART = (
    "Nombre d’abonnés et population desservie\nNombre total d’abonnés en 2021 185 abonnés\n"
    "1 Est ici considérée comme un habitant desservi toute personne domiciliée dans une zone où elle peut être "
    "raccordée. 187 192 193 195 195 188 191 185\n0\n50\n100\n150\n200\n250\n"
    "2014 2015 2016 2017 2018 2019 2020 2021 Année\nNombre d'abonnés\n"
)


def test_a_bar_chart_flattened_above_its_year_axis() -> None:
    from greffier.search.bare_rows import chart_rows

    ((_, _, years, figures),) = chart_rows(_CHART)
    assert years == list(range(2014, 2022)) and [v for _, v in figures] == [187, 192, 193, 195, 195, 188, 191, 185]
    # no value axis between the figures and the years: a table's row, not a chart
    assert chart_rows("Abonnés 187 192 193\n2019 2020 2021\n") == []
    wg = _weigher()
    points = points_of_text("rpqs", 3, _CHART, wg, wg.weights("nombre abonnés assainissement"), None, "count")
    assert [(p.year, p.value) for p in points][:2] == [(2014, 187.0), (2015, 192.0)] and len(points) == 8
    # the chart counts abonnés: no volume in m3, no sum in euros
    assert points_of_text("rpqs", 3, _CHART, wg, wg.weights("volume facturé abonnés"), None, "m3") == []
    assert points_of_text("rpqs", 3, _CHART, wg, wg.weights("recettes abonnés"), "EUR", "EUR") == []


# Chéméré's municipal tariffs, 18 February 2009 and 22 January 2008 (text layer: the table flattened)
_TARIFFS_2009 = (
    "propose aux membres du Conseil municipal d’augmenter les tarifs municipaux comme suit :\nUnité Tarifs "
    "actuels Tarifs proposés Photocopies - Fax Fax par numéro 0,50 € Photocopie (format A4) 1 0,30 € Maintien "
    "Occupation du domaine public Année 66,00 € 68,00 € Journée 37,00 € 38,00 € Droit de place 1/2 journée "
    "22,00 € 22,50 €\n"
)
_TARIFFS_2008 = (
    "Tarifs actuels Tarifs proposés Occupation du domaine public Année 66,00 € Maintien Journée 37,00 € Maintien\n"
)


def test_tariff_columns_named_by_their_role_are_the_year_voted_and_the_one_before() -> None:
    from greffier.search.year_columns import relative_headers, voted_year

    # a meeting votes its own year's tariffs until the summer, the next year's from September
    assert voted_year("2009-02-18", 2009) == 2009 and voted_year("2015-11-17", 2015) == 2016
    assert [h[2] for h in relative_headers(_TARIFFS_2009, 2009)] == [[2008, 2009]]
    wg = _weigher()
    weights = wg.weights("tarif annuel occupation domaine public année")
    points = points_of_text("cm-2009", 4, _TARIFFS_2009, wg, weights, "EUR", voted=2009)
    assert [(p.year, p.value, p.last) for p in points] == [(2008, 66.0, False), (2009, 68.0, True)]
    # no year known for the meeting: the columns are no years
    assert points_of_text("cm-2009", 4, _TARIFFS_2009, wg, weights, "EUR") == []


def test_a_tariff_kept_is_the_current_figure_again() -> None:
    end = len("Tarifs actuels Tarifs proposés")
    rows = rows_after(_TARIFFS_2008, end, len(_TARIFFS_2008))
    assert [(label, [f[1] for f in figs]) for label, figs in rows] == [
        ("Occupation du domaine public Année", [66.0, 66.0]),
        ("Journée", [37.0, 37.0]),
    ]
