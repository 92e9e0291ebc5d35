"""Visas and recitals as their own sentences (hand-built from a French deliberation's visas)."""

from greffier.search.clauses import own_clause, own_item

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


def test_each_labelled_date_is_the_item_of_its_label() -> None:
    # a regional chamber of accounts' report on the ADTO-SAO, as its text layer reads
    s = "Notification de l’ouverture du contrôle : 10 janvier 2024 Réunion de clôture : 29 mai 2024."
    item, at = own_item(s, s.find("29 mai"))
    assert item.strip() == "Réunion de clôture : 29 mai 2024" and item[at:].startswith("29 mai")
    item, at = own_item(s, s.find("10 janvier"))
    assert item == "Notification de l’ouverture du contrôle : 10 janvier 2024"
    # one labelled date, or dates in prose: the sentence is kept whole
    prose = "Le contrôle de vente a été rendu obligatoire depuis le 1er janvier 2011, puis renforcé le 1er mars 2015."
    assert own_item(prose, prose.find("1er mars")) == (prose, prose.find("1er mars"))
    one = "Réunion de clôture : 29 mai 2024, le rapport ayant été notifié le 20 janvier 2025."
    assert own_item(one, one.find("20 janvier"))[0] == one


def test_a_figure_of_a_run_of_labelled_figures_keeps_its_own_label() -> None:
    # the roll of Audierne's minutes (tune6 t6-074): "Membres en exercice : 29 Membres présents : 25 …"
    from greffier.search.clauses import own_amount_item

    s = "Membres en exercice : 29 Membres présents : 25 Membres votants : 28"
    assert own_amount_item(s, s.find("29"))[0] == "Membres en exercice : 29"
    assert own_amount_item(s, s.find("25"))[0].strip() == "Membres présents : 25"
    one = "Le montant total des travaux s'élève à 12 500 € HT."
    assert own_amount_item(one, one.find("12 500")) == (one, one.find("12 500"))
