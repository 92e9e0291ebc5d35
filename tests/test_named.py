"""Names of firms, associations and lenders (greffier.search.named) as French minutes write them."""

from __future__ import annotations

import pytest

from greffier.search.named import asked_group, names_of_text


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("Quelle entreprise a remporté le marché des travaux de la rue du Breil ?", "firm"),
        ("Quel bureau d'études conseille les candidats ?", "firm"),
        ("À quelle association la commune a-t-elle confié la gestion du logement ?", "association"),
        ("Avec quel établissement le maire signe-t-il un prêt ?", "lender"),
        ("Quel service instruit les permis ?", None),
        ("Quelle somme a été votée ?", None),
    ],
)
def test_the_kind_of_body_asked(question: str, group: str | None) -> None:
    assert asked_group(question) == group


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("décide de retenir l’offre de l’entreprise BREHARD TP pour un montant de 206 716,79 € H.T.", "BREHARD TP"),
        ("à savoir celle de la société LMB de SAINTE PAZANNE pour un montant de 35 820,00 € H.T.", "LMB"),
        ("de confier la gestion du logement d’urgence à l’association TRAJET, - de fixer le loyer", "TRAJET"),
        ("De confier la surveillance de la qualité de l’air au Bureau VERITAS pour un montant", "Bureau VERITAS"),
        ("est exploité par la société Véolia Eau dans le cadre d’un contrat de DSP (2017-2028).", "Véolia Eau"),
        ("Type de contrat : prestation de services • Nom du délégataire : VEOLIA • Date de début", "VEOLIA"),
        ("un contrat de prêt « transition écologique » avec la Banque des Territoires", "Banque des Territoires"),
        (
            "au cabinet A+B URBANISME ET ENVIRONNEMENT pour un montant de 14 600,00 € H.T.",
            "A+B URBANISME ET ENVIRONNEMENT",
        ),
        ("confié à l’association TRAJET Monsieur le Maire rappelle", "TRAJET"),
    ],
)
def test_a_name_after_its_kind(text: str, name: str) -> None:
    assert name in [n.name for n in names_of_text("d", 1, text)]


def test_a_table_header_or_a_lower_case_phrase_is_no_name() -> None:
    text = "SOCIETE Montant total H.T.\nla société a fait une proposition ; l’entreprise de SAINTE PAZANNE"
    assert names_of_text("d", 1, text) == []


def test_a_name_ends_with_its_line_and_a_number_is_none_of_it() -> None:
    text = "24. Autorisation de signer un contrat de prêt avec la Banque des Territoires\n25. Convention avec le SDEF"
    assert [n.name for n in names_of_text("d", 1, text)] == ["Banque des Territoires"]


def test_a_firms_legal_mentions_name_no_firm() -> None:
    # the letterhead of the consultancy that wrote Jons's RPQS
    letterhead = "www.bac-conseils.com SAS Capital 10 000€ - RCS : Lyon 478 843 527 - Siret : 478 843 527 00035"
    assert [n.name for n in names_of_text("d", 1, letterhead)] == []
    assert [n.name for n in names_of_text("d", 4, "• Nom du délégataire : VEOLIA")] == ["VEOLIA"]


def test_a_name_joined_by_an_ampersand_or_et_is_read_whole() -> None:
    # Chéméré, CM 16 juillet 2008 and CM 20 janvier 2015: "BRETHOME & CIE", "A+B Urbanisme et Environnement"
    from greffier.search.named import _AFTER_KIND

    for text, name in (
        ("décidé d’attribuer le marché à l’entreprise BRETHOME & CIE pour un montant de 31 925,00 €", "BRETHOME & CIE"),
        (
            "La maîtrise d’œuvre a été confiée au cabinet A+B Urbanisme et Environnement, lequel",
            "A+B Urbanisme et Environnement",
        ),
        ("attribué à la société Dupont et Fils le 3 mars", "Dupont et Fils"),
        ("entre la société SAUR et VEOLIA", "SAUR"),  # two firms in capitals stay two
    ):
        m = _AFTER_KIND.search(text)
        assert m is not None and m.group("name") == name


def test_a_quoted_name_after_its_kind_and_a_name_after_the_following_one() -> None:
    # Chéméré (tune6 t6-015, t6-035): "la Compagnie de théâtre « Voyage Imaginaire »",
    # "de retenir le cabinet suivant : - CDC Conseils de Machecoul pour un montant total de 6620 € HT"
    found = names_of_text(
        "d", 1, "du spectacle créé « La cuisse du steward » par la Compagnie de théâtre « Voyage Imaginaire »."
    )
    assert [n.name for n in found] == ["Compagnie de théâtre « Voyage Imaginaire »"]
    found = names_of_text("d", 1, "décide de retenir le cabinet suivant : - CDC Conseils de Machecoul pour 6620 € HT.")
    assert [n.name for n in found] == ["CDC Conseils"]
    assert asked_group("Quelle compagnie de théâtre a créé le spectacle ?") == "association"


def test_a_common_noun_after_the_kind_is_no_firms_name() -> None:
    # ablation probe t6-009: "l'entreprise Travaux …" named a firm "Entreprise Travaux"
    assert names_of_text("d", 2, "Le marché a été attribué à l'entreprise Travaux de voirie pour 2008.") == []
    assert [n.name for n in names_of_text("d", 2, "attribué à l'entreprise COLAS pour 2008.")] == ["COLAS"]
