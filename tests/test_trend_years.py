"""Which year a value is for, and which value a year keeps, in a series read from several documents
(hand-built from the formats of council minutes: subsidy tables, tax-rate tables, accounts)."""

from __future__ import annotations

from greffier.records import Entity, SearchHit
from greffier.search.candidate import Candidate
from greffier.search.trend_years import pick_years, reported_year, value_year


def cand(
    sentence: str,
    text: str,
    value: float,
    doc_year: int,
    path: tuple[str, ...] = ("Subventions",),
    score: float = 0.6,
    table_row: bool = False,
    doc: str = "cr",
) -> Candidate:
    e = Entity(f"{doc}-{doc_year}-{value}", "AMOUNT", text, f"{doc}-{doc_year}", 3, "s1", 0, len(text), sentence)
    e = Entity(**{**e.__dict__, "value": value, "unit": "EUR"})
    hit = SearchHit(1, 1.0, e.doc_id, "PV", doc_year, 3, path, "", f"{doc}-{doc_year}:p1", sentence)
    return Candidate(e, hit, score, 0.3, 0.3, table_row=table_row)


def test_column_year_of_a_table_row() -> None:
    # the 2018 minutes print last year's rate beside the one voted
    c = cand("Foncier (non bâti) | Taux 2017: 43.95", "43.95", 43.95, 2018, table_row=True)
    assert value_year(c) == 2017
    c = cand("Foncier (non bâti) | Taux proposés pour 2018: 43.95", "43.95", 43.95, 2018, table_row=True)
    assert value_year(c) == 2018


def test_previous_budget_column_is_the_year_before() -> None:
    c = cand(
        "012 Charges de personnel | Pour mémoire, budget précédent: 339 842 265,87",
        "339 842 265,87",
        339842265.87,
        2024,
        table_row=True,
    )
    assert value_year(c) == 2023


def test_undated_value_is_its_documents_year_or_its_sections() -> None:
    assert value_year(cand("Judo 500 €", "500 €", 500, 2020)) == 2020
    assert value_year(cand("Concession cinquantenaire : 185 €", "185 €", 185, 2015, path=("Tarifs 2016",))) == 2016


def test_section_reporting_on_the_previous_year() -> None:
    text = (
        "Monsieur LEBLANC présente le compte administratif 2017 qui récapitule l'ensemble des opérations "
        "effectuées en 2017. Il montre par section : Fonctionnement 1 126 172.16 € ... Le conseil approuve "
        "le compte administratif 2017 et le compte de gestion 2017."
    )
    assert reported_year(text) == 2017
    c = cand("Fonctionnement | Résultat / solde: 218 078.44 €", "218 078.44 €", 218078.44, 2018, table_row=True)
    assert value_year(c, text) == 2017
    assert value_year(c, "Vote des subventions aux associations") == 2018


def test_section_naming_two_years_as_often_reports_on_none() -> None:
    assert reported_year("Le budget primitif 2018 reprend le résultat du compte administratif 2017.") is None
    assert reported_year("Le rapport annuel 2016 du délégataire est présenté. Rapport annuel 2016 adopté.") == 2016


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in text.replace("|", " ").split() if not w[0].isdigit())


def test_supported_value_is_kept_and_a_tie_is_not() -> None:
    rows = {
        2016: [("Judo | Subventions 2016: 700 €", "700 €", 700.0)],
        2017: [("Judo | Subventions 2017: 700 €", "700 €", 700.0)],
        2018: [
            ("Judo | Subventions 2018: 500 €", "500 €", 500.0),
            ("Jumelage | Subventions 2018: 1000 €", "1000 €", 1000.0),
        ],
    }
    years = {y: [cand(s, t, v, y, score=0.44, table_row=True) for s, t, v in rs] for y, rs in rows.items()}
    heading = frozenset({"subventions"})
    templates = {y: [(_words(s.split(":")[0]), heading) for s, _, _ in rs] for y, rs in rows.items()}
    picked = pick_years(years, templates)
    assert picked[2016].best.entity.value == 700 and picked[2017].best.entity.value == 700
    assert picked[2018].best.entity.value == 500  # the row worded like the other years'
    # two values as likely (the same row in two documents): the year is missing, never a guess
    years[2018] = [
        cand("Judo | Subventions 2018: 500 €", "500 €", 500.0, 2018, score=0.44, table_row=True),
        cand("Judo | Subventions 2018: 600 €", "600 €", 600.0, 2018, score=0.44, table_row=True, doc="pv"),
    ]
    templates[2018] = [templates[2018][0], templates[2018][0]]
    assert 2018 not in pick_years(years, templates)
    # the same score worded like nothing else in the series: no value
    assert pick_years({2016: years[2016]}, {2016: templates[2016]}) == {}


def test_weaker_value_needs_a_kept_partner() -> None:
    # worded like the other years' candidates, but not like any value kept for another year: the
    # same wrong neighbour each year ("Station d'épuration ... 3 000 EH" beside the habitants served)
    years = {
        2014: [cand("Station d'épuration capable de traiter 3 000 EH", "3 000", 3000.0, 2014, score=0.45)],
        2015: [cand("Station d'épuration capable de traiter 3 000 EH", "3 000", 3000.0, 2015, score=0.45)],
    }
    templates = {y: [(_words(cs[0].entity.sentence), frozenset({"eau"}))] for y, cs in years.items()}
    assert set(pick_years(years, templates)) == {2014, 2015}  # each kept beside the other
    lone = {2014: years[2014], 2015: []}
    assert pick_years(lone, {2014: templates[2014], 2015: []}) == {}


def test_listed_years_of_a_series_question() -> None:
    from greffier.search.question import parse_question

    q = parse_question("Quel taux de taxe d'aménagement la commune a-t-elle fixé en 2011, puis en 2014 ?")
    assert (q.kind, q.year_from, q.year_to, q.years) == ("trend", 2011, 2014, (2011, 2014))
    q = parse_question("Quel était le budget primitif de l'immeuble commercial en 2009, 2012 et 2015 ?")
    assert (q.kind, q.years) == ("trend", (2009, 2012, 2015))
    q = parse_question("Comment le tarif a-t-il évolué (tarifs 2008, 2009, 2011, 2013) ?")
    assert (q.year_from, q.year_to, q.years) == (2008, 2013, (2008, 2009, 2011, 2013))
    q = parse_question("Combien d'habitants le réseau desservait-il fin 2020 et fin 2021 ?")
    assert (q.kind, q.year_from, q.year_to) == ("trend", 2020, 2021)
    # a range asks every year in it
    q = parse_question("Comment a évolué le taux entre 2009 et 2015 ?")
    assert (q.year_from, q.year_to, q.years) == (2009, 2015, ())
    q = parse_question("Quel montant du BP 2023 au BP 2024 ?")
    assert (q.kind, q.year_from, q.year_to) == ("trend", 2023, 2024)
    # a series asked beside "le budget précédent": that year and the one before
    q = parse_question("Comment les dépenses évoluent-elles entre le budget précédent et le BP 2024 ?")
    assert (q.kind, q.year_from, q.year_to) == ("trend", 2023, 2024)
    # two years that are no list stay a single year's figure
    q = parse_question("Quel montant la délibération de 2019 a-t-elle fixé pour 2020 ?")
    assert q.kind == "figure" and q.years == ()


def test_only_the_listed_years_are_answered() -> None:
    from greffier.search.trend_years import only_years

    result = {"kind": "trend", "series": [{"year": y, "value": 1.0} for y in (2009, 2010, 2012)], "missing": []}
    out = only_years(result, (2009, 2012, 2015))
    assert [r["year"] for r in out["series"]] == [2009, 2012] and out["missing"] == [2015]
    assert only_years(result, ()) is result


def test_a_series_over_every_year_asked_without_years() -> None:
    from greffier.search.question import parse_question

    q = parse_question("Quel tonnage de verre la CCLO a-t-elle collecté chaque année ?")
    assert (q.kind, q.year_from, q.year_to) == ("trend", None, None)
    assert parse_question("Combien coûte chaque année le stockage ?").kind == "figure"  # a yearly figure
    assert parse_question("Comment le taux a-t-il varié d'année en année ?").kind == "trend"
    # how a series is asked is no word of what it measures
    assert "évolu" not in parse_question("Comment a évolué le nombre d'abonnés de Jons ?").terms


def test_missing_years_of_a_question_naming_none_start_at_the_first_value() -> None:
    from greffier.search.trend_years import since_first

    result = {"kind": "trend", "series": [{"year": 2015}, {"year": 2017}], "missing": [2008, 2009, 2016, 2024]}
    assert since_first(result)["missing"] == [2016, 2024]


def test_a_budget_primitif_is_not_its_decisions_modificatives() -> None:
    from greffier.search.trend_years import other_stage, stages

    asked = stages("Comment a évolué la section de fonctionnement du budget assainissement au budget primitif ?")
    dm = cand(
        "• Section de fonctionnement : 4 388,00 €uros",
        "4 388,00 €",
        4388.0,
        2009,
        path=("2009/151 – Budget Assainissement 2009 : Décision modificative n°3",),
    )
    bp = cand("• Section de fonctionnement : 166 267,37 €uros", "166 267,37 €", 166267.37, 2010, path=("Budget 2010",))
    assert other_stage(asked, dm) and not other_stage(asked, bp)
    assert not other_stage(set(), dm)  # a question naming no stage


def test_the_same_sentence_on_another_service_is_no_rival() -> None:
    water = "Au total, le coût pour un abonné domestique consommant 120 m3 est de 296.80 € au 1er janvier 2016."
    sewer = (
        "Au total, le coût pour un abonné domestique consommant 120 m3 est, pour l'assainissement, "
        "de 367.55 € au 1er janvier 2016."
    )
    best = Candidate(
        cand(sewer, "367.55 €", 367.55, 2016).entity, cand(sewer, "367.55 €", 367.55, 2016).hit, 0.90, 0.91, 0.5
    )
    other = Candidate(
        cand(water, "296.80 €", 296.8, 2016).entity, cand(water, "296.80 €", 296.8, 2016).hit, 0.89, 0.81, 0.5
    )
    heading = frozenset({"rapport"})
    templates = {2016: [(_words(sewer), heading), (_words(water), heading)], 2017: [(_words(sewer), heading)]}
    years = {2016: [best, other], 2017: [cand(sewer, "367.62 €", 367.62, 2017, score=0.9)]}
    assert pick_years(years, templates)[2016].best.entity.value == 367.55
