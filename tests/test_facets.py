"""Facets that exclude each other (greffier.search.facets) and a trend's values checked against them
and against the collectivité asked about (greffier.search.series_checks), on sentences as the
Pierrefonds minutes and the RPQS print them."""

from greffier.search.facets import contradicts, facets
from greffier.search.series_checks import checked_series

WATER = "Combien payait un foyer consommant 120 m3 d'eau potable au 1er janvier de chaque année de 2015 à 2019 ?"
# two consecutive items of the same minutes (Pierrefonds, 27 September 2016)
SANITATION_2016 = (
    "Au total, le coût pour un abonné domestique consommant 120 m3 est, pour l'assainissement, de 367.55 € "
    "au 1er janvier 2016 (toutes taxes comprises)."
)
WATER_2017 = (
    "Au total, le coût pour un abonné domestique consommant 120 m3 est de 297.47 € au 1er janvier 2017 "
    "(toutes taxes comprises) +0.23 % par rapport au 1er janvier 2016."
)


def test_the_facets_a_text_names() -> None:
    assert facets("Rapport annuel 2015 sur le prix et la qualité du service public de l’assainissement collectif") == {
        "service": {"assainissement collectif"}
    }
    assert facets("Rapport annuel du SPANC")["service"] == {"assainissement non collectif"}
    assert facets("Taxe foncière sur les propriétés non bâties")["land tax"] == {"foncier non bati"}
    assert facets("Taxe sur le foncier bâti 16,55 %")["land tax"] == {"foncier bati"}
    assert facets("Dépenses réelles d'investissement") == {"section": {"investissement"}, "flow": {"depenses"}}


def test_a_value_of_the_other_service_contradicts_the_question() -> None:
    why = contradicts(WATER, SANITATION_2016)
    assert why is not None and "eau potable" in why
    # a sentence naming no service is no evidence against (its heading is not read: minutes put an
    # item's last lines under the next item's heading)
    assert contradicts(WATER, WATER_2017) is None
    # a sentence naming both is not another facet's; a question naming both asks no one facet
    assert contradicts(WATER, "le prix de l'eau potable et de l'assainissement : 664,71 €") is None
    both = "Quel est le prix total de l'eau potable et de l'assainissement pour 120 m3 ?"
    assert contradicts(both, SANITATION_2016) is None
    # "les recettes ont-elles couvert les frais": revenue and spending both asked
    cover = "Dans quelle mesure les recettes ont-elles couvert les frais de fonctionnement du service déchets ?"
    assert contradicts(cover, "Taux de couverture des dépenses : 69,83 %") is None
    # the unbuilt land tax's rate is not the built one's
    asked = "Quel taux de taxe foncière sur le bâti Chéméré a-t-il voté en 2010 ?"
    assert contradicts(asked, "Taxe sur le foncier non bâti 46,70 % 48,10 %") is not None
    assert contradicts(asked, "Taxe sur le foncier bâti 16,55 % 17,05 %") is None


def _row(year: int, value: str, doc_id: str, evidence: str, heading: str) -> dict:
    return {"year": year, "answer": value, "doc_id": doc_id, "page": 1, "evidence": evidence, "section_path": [heading]}


def test_a_trend_year_of_another_facet_or_collectivite_is_reported_missing() -> None:
    result = {
        "kind": "trend",
        "series": [
            _row(2016, "367.55 €", "cr-2016", SANITATION_2016, "14. … de l’assainissement collectif"),
            _row(2017, "297.47 €", "cr-2017", WATER_2017, "8. … de l’eau potable"),
            _row(2018, "61", "rpqs-rully", "Evolution du nombre total d'abonnements 61 60", ""),
        ],
        "missing": [2015],
        "missing_years": [2015],
    }
    other = {"rpqs-rully": "its document never writes brillac, which the question names"}
    out = checked_series(result, WATER, other.get)
    assert [r["year"] for r in out["series"]] == [2017]
    assert out["missing"] == out["missing_years"] == [2015, 2016, 2018]
    assert {d["year"] for d in out["dropped"]} == {2016, 2018}
    # nothing to set aside: the answer is returned as it was
    kept = {**result, "series": result["series"][1:2]}
    assert checked_series(kept, WATER, other.get) is kept


def test_the_municipal_population_is_not_the_total_one() -> None:
    # ablation probe a029 (Pierrefonds): "la population totale au 1er janvier 2025 est de 2 040 habitants"
    # does not answer "la population municipale" (1 888): the INSEE's two legal populations
    from greffier.search.facets import contradicts

    q = "Quelle est la population municipale de Pierrefonds au 1er janvier 2025 ?"
    assert contradicts(q, "Considérant que la population totale au 1er janvier 2025 est de 2 040 habitants ;")
    assert not contradicts(q, "la population municipale de Pierrefonds au 1er janvier 2025 de 1 888 habitants")
    assert not contradicts("Combien d'habitants compte Pierrefonds ?", "la population totale est de 2 040 habitants")
