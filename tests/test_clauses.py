"""Visas and recitals as their own sentences (hand-built from a French deliberation's visas)."""

from greffier.search.clauses import own_clause

_VISAS = (
    "Vu le code général des collectivités territoriales, Vu la délibération du conseil municipal en date du "
    "29 juin 2021 approuvant le Plan Local d'Urbanisme, Vu la délibération du conseil municipal du 6 décembre "
    "2022 prescrivant la modification n°1 du PLU, Vu l'arrêté du maire du 13 février 2024"
)


def test_each_visa_is_the_sentence_of_its_dates() -> None:
    clause, at = own_clause(_VISAS, _VISAS.index("29 juin 2021"))
    assert clause.startswith("Vu la délibération") and "approuvant le Plan Local" in clause
    assert "6 décembre" not in clause and clause[at:].startswith("29 juin 2021")
    clause, at = own_clause(_VISAS, _VISAS.index("6 décembre"))
    assert "prescrivant la modification" in clause and "approuvant" not in clause


def test_a_sentence_without_visas_is_kept_whole() -> None:
    text = "Le conseil municipal, vu l'avis de la commission, approuve le plan le 29 juin 2021."
    assert own_clause(text, 10) == (text, 10)
