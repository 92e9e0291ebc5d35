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


def test_supported_value_is_kept_and_a_tie_is_not() -> None:
    years = {
        2016: [cand("Judo | Subventions 2016: 700 €", "700 €", 700, 2016, score=0.44, table_row=True)],
        2017: [cand("Judo | Subventions 2017: 700 €", "700 €", 700, 2017, score=0.43, table_row=True)],
        2018: [
            cand("Foncier (bâti) | Taux 2018: 19.38", "19.38", 19.38, 2018, score=0.45, table_row=True),
            cand("Foncier (non bâti) | Taux 2018: 43.95", "43.95", 43.95, 2018, score=0.45, table_row=True),
        ],
    }
    likeness = {2016: [0.9], 2017: [0.9], 2018: [0.9, 0.9]}
    picked = pick_years(years, likeness)
    assert picked[2016].best.entity.value == 700 and picked[2017].best.entity.value == 700
    assert 2018 not in picked  # two values as likely: the year is missing, never a guess
    # the same score worded like nothing else in the series: no value
    assert pick_years({2016: years[2016]}, {2016: [0.0]}) == {}
