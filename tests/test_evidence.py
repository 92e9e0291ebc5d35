"""Evidence scoring and table series: pure functions on hand-written text and tables."""

from __future__ import annotations

import re
import unicodedata

import pytest

from greffier.records import Table, TableCell
from greffier.search.evidence import (
    Weigher,
    Weights,
    coverage,
    nearest_year,
    proximity,
    question_weights,
    span_of,
    year_agreement,
)
from greffier.search.question import Question
from greffier.search.series import best_table_series, series_of_table, series_rows


def _analyze(text: str) -> list[str]:
    """A toy analyzer: lowercase words of 2+ letters, French plural -s cut, a few stop words."""
    stop = {"de", "la", "le", "les", "du", "des", "en", "pour", "sur", "au", "et"}
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return [w.rstrip("s") for w in re.findall(r"\w\w+", folded) if w not in stop]


DF = {
    "taux": 40,
    "taxe": 30,
    "foncier": 5,
    "fonciere": 5,
    "bati": 4,
    "habitation": 6,
    "omr": 2,
    "ordure": 8,
    "ap": 9,
    "za": 7,
}


@pytest.fixture
def wg() -> Weigher:
    return Weigher(_analyze, lambda s: DF.get(s, 0), n_docs=1000)


def _q(terms: str) -> Question:
    return Question(terms, "figure", None, None, None, None, terms)


@pytest.mark.parametrize(
    ("text", "value", "year"),
    [
        ("Le tarif retenu est de 1.19 € pour 2020 (1.25 € pour 2021, 1.29 € pour 2022).", "1.25 €", 2021),
        ("Le tarif retenu est de 1.19 € pour 2020 (1.25 € pour 2021, 1.29 € pour 2022).", "1.19 €", 2020),
        ("(29 530 € en 2016, 27 750 € en 2015)", "27 750 €", 2015),
        ("Taxe d’habitation | Taux proposés pour 2016: 9,16", "9,16", 2016),
        ("La participation est de 350 € par élève.", "350 €", None),
        ("pour l'année scolaire 2025/2026, 700 € par élève", "700 €", 2025),
        ("soit 12,5 hectares, 2016,5 n'est pas une année", "12,5 hectares", None),
    ],
)
def test_nearest_year(text: str, value: str, year: int | None) -> None:
    i = text.index(value)
    assert nearest_year(text, i, i + len(value)) == year


def test_year_agreement() -> None:
    assert year_agreement(None, 2016) == 1.0 and year_agreement(2016, None) == 1.0
    assert year_agreement(2016, 2016) > 1.0 > year_agreement(2016, 2015)


def test_rare_words_weigh_more_and_negated_words_do_not_match(wg: Weigher) -> None:
    w = wg.weights("taux taxe foncière bâti")
    assert w["bati"] > w["taxe"] > w["taux"]
    bati = wg.tokens("Foncier (bâti) | Taux proposés: 19.38")
    non_bati = wg.tokens("Foncier (non bâti) | Taux proposés: 43.95")
    assert coverage(w, bati) > coverage(w, non_bati)
    assert coverage(wg.weights("taux foncier non bâti"), non_bati) == pytest.approx(1.0)


def test_proximity_prefers_the_value_next_to_the_words(wg: Weigher) -> None:
    w = wg.weights("taxe habitation")
    text = "La taxe d'habitation est de 9,16 ; les autres recettes du budget communal atteignent 120 000 €."
    tokens = wg.tokens(text)
    near = span_of(tokens, text.index("9,16"), text.index("9,16") + 4)
    far = span_of(tokens, text.index("120 000"), text.index("120 000") + 9)
    assert near is not None and far is not None
    assert proximity(w, tokens, near) > proximity(w, tokens, far)


def test_acronym_of_the_question_words_counts_for_them(wg: Weigher) -> None:
    w = question_weights(wg, _q("tonnage ordures ménagères résiduelles"))
    assert isinstance(w, Weights) and "omr" in w.aliases
    with_acronym = wg.tokens("Évolution des tonnages OMR")
    without = wg.tokens("Évolution des tonnages")
    assert coverage(w, with_acronym) > coverage(w, without)


def test_the_budgets_two_letter_acronyms_count_for_their_two_words(wg: Weigher) -> None:
    # tune6 t6-123: "autorisations de programme" are the "AP VOTEES" of a budget's tables
    w = question_weights(wg, _q("montant autorisations de programme votées enseignement"))
    assert "ap" in w.aliases
    assert coverage(w, wg.tokens("AP VOTEES enseignement")) > coverage(w, wg.tokens("AE VOTEES enseignement"))
    # any other pair of words is no acronym ("zones d'activités" as "ZA" matched wrong passages)
    assert "za" not in question_weights(wg, _q("budget des zones activités")).aliases


def _table(cells: list[tuple[int, int, str, str, str, float | None, str | None]], caption: str) -> Table:
    return Table(
        table_id="d:t001",
        doc_id="d",
        page=24,
        page_end=24,
        bbox=(0, 0, 1, 1),
        section_id="d:s0001",
        section_path=("BILAN TECHNIQUE",),
        caption=caption,
        strategy="lines",
        header_rows=(),
        rows=(),
        cells=tuple(
            TableCell("d:t001", "d", 24, r, c, text, value, unit, None, rh, ch)
            for r, c, rh, ch, text, value, unit in cells
        ),
    )


def test_series_of_a_table_with_year_rows_and_one_with_year_columns() -> None:
    by_rows = _table(
        [
            (1, 1, "2015", "Année", "2015", None, None),
            (1, 2, "2015", "Tonnages", "3 777,92", 3777.92, "t"),
            (2, 1, "2016", "Année", "2016", None, None),
            (2, 2, "2016", "Tonnages", "3 696,20", 3696.2, "t"),
        ],
        "Évolution des tonnages OMR",
    )
    ((label, cells),) = series_of_table(by_rows)
    assert label == "Tonnages" and {y: c.value for y, c in cells.items()} == {2015: 3777.92, 2016: 3696.2}
    by_cols = _table(
        [
            (1, 1, "Taux TEOM", "", "Taux TEOM", None, None),
            (1, 2, "Taux TEOM", "2015", "7,25%", 7.25, "%"),
            (1, 3, "Taux TEOM", "2016", "8,00%", 8.0, "%"),
            (2, 2, "Recettes", "2015", "1 125 443 €", 1125443.0, "EUR"),
            (2, 3, "Recettes", "2016", "1 200 000 €", 1200000.0, "EUR"),
        ],
        "Evolution du taux de couverture",
    )
    series = dict(series_of_table(by_cols))
    assert set(series) == {"Taux TEOM", "Recettes"}
    assert {y: c.value for y, c in series["Taux TEOM"].items()} == {2015: 7.25, 2016: 8.0}


def test_best_table_series_matches_unit_and_words_and_lists_missing_years(wg: Weigher) -> None:
    t = _table(
        [
            (1, 2, "Taux TEOM", "2015", "7,25%", 7.25, "%"),
            (1, 3, "Taux TEOM", "2017", "8,00%", 8.0, "%"),
            (2, 2, "Recettes", "2015", "1 125 443 €", 1125443.0, "EUR"),
            (2, 3, "Recettes", "2017", "1 200 000 €", 1200000.0, "EUR"),
        ],
        "",
    )
    q = Question("taux teom", "trend", 2015, 2017, "%", None, "taux teom")
    found = best_table_series([(t, 1.0)], q, question_weights(wg, q), wg)
    assert [s.label for s in found] == ["Taux TEOM"]  # the euro row does not fit a rate
    rows, missing = series_rows(found[0], 2015, 2017, "RPQS 2023")
    assert [(r["year"], r["value"], r["page"]) for r in rows] == [(2015, 7.25, 24), (2017, 8.0, 24)]
    assert missing == [2016]  # never interpolated
    assert {r["table_id"] for r in rows} == {"d:t001"} and all("table_caption" in r for r in rows)


def test_a_stock_counted_at_a_date_takes_its_year() -> None:
    from greffier.search.evidence import nearest_year

    s = "Le service public d’assainissement collectif dessert 275 habitants au 31/12/2021 (270 au 31/12/2020)."
    assert nearest_year(s, s.find("275"), s.find("275") + 3) == 2021
    assert nearest_year(s, s.find("270"), s.find("270") + 3) == 2020


def test_a_verbs_qu_is_its_nouns_c() -> None:
    from greffier.search.evidence import same_stem

    assert same_stem("convoqu", "convoc")  # convoqués / convocation
    assert same_stem("indiqu", "indic")  # indiquer / indication
    assert not same_stem("question", "cession")
