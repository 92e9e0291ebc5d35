"""ORG mentions found by rule in council minutes (greffier.extract.organisations)."""

from __future__ import annotations

import pytest

from greffier.extract.organisations import find_organisations


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        # Pierrefonds, CR 2021: a departmental unit by its acronym and place
        (
            "De plus, l’UTD de Lassigny programme une réfection du tapis d’enrobé sur la RD973.",
            "UTD de Lassigny",
            "departemental",
        ),
        # a public body by its common name, in lower case
        (
            "la chambre régionale des comptes a procédé en fin d’année 2018 à un examen de nos comptes",
            "chambre régionale des comptes",
            "juridiction",
        ),
        # a company introduced by its kind: named by its name
        ("d’attribuer ce nouveau marché à la société CHARPENTIER PM qui a fait", "CHARPENTIER PM", "societe"),
        ("Pour cette mise à disposition, ENEDIS versera à la commune une indemnité", "ENEDIS", "distributeur"),
        (
            "auprès de la DRAC et du Conseil Départemental de l'Oise une subvention",
            "Conseil Départemental de l'Oise",
            "departement",
        ),
    ],
)
def test_finds_a_body_with_its_kind(text: str, expected: str, kind: str) -> None:
    found = {o.canonical: o for o in find_organisations(text)}
    assert expected in found, found
    assert kind in found[expected].kinds
    o = found[expected]
    assert text[o.start : o.end] == o.text


def test_an_acronym_the_text_defines_as_a_body() -> None:
    text = "membre du Syndicat Mixte Oise-Aronde (SMOA) depuis 2010. Le SMOA exerce la compétence GEMA."
    found = find_organisations(text)
    assert [o.text for o in found] == ["Syndicat Mixte Oise-Aronde", "SMOA"]
    assert "syndicat" in found[1].kinds  # the acronym takes its definition's kind
    # an acronym that is no body (a tax, a plan) is no organisation
    assert find_organisations("le produit de la TEOM et le PLU de la commune") == []


def test_a_place_is_read_case_sensitively() -> None:
    # "de l'Oise" is the council's place; "une subvention" after it is not
    (o,) = [o for o in find_organisations("du Conseil Départemental de l'Oise une subvention") if "Conseil" in o.text]
    assert o.text == "Conseil Départemental de l'Oise"


def test_a_partner_named_by_an_acronym_alone() -> None:
    # regression (heldout2, AMP 2017 p.4 and CCLO CR 20/11/2025 p.15): the mandated company and the
    # délégataire were named by acronyms no table knew
    (soleam,) = find_organisations("signature d’une convention de mandat avec la SOLEAM pour la programmation")
    assert soleam.text == "SOLEAM"
    (saur,) = find_organisations("La CCLO et la SAUR sont liés par un contrat de DSP")
    assert "delegataire" in saur.kinds
    # a tax or a grant after "avec la" is no partner
    assert find_organisations("financé avec la DETR et payé avec la TVA") == []


def test_company_names_with_a_plus_and_no_company_in_a_title_line() -> None:
    """Regressions from Chéméré's minutes (2013-11-19, 2014-01-14): 'cabinet A+B URBANISME ET
    ENVIRONNEMENT' was cut to 'A'; 'Choix du cabinet Monsieur le Maire, rapporteur' named 'Monsieur'."""
    from greffier.extract.organisations import find_organisations

    found = find_organisations("De confier la révision générale du PLU au cabinet A+B URBANISME ET ENVIRONNEMENT pour")
    assert [o.canonical for o in found] == ["A+B URBANISME ET ENVIRONNEMENT"]
    assert (
        find_organisations("Surveillance de la qualité de l'air : Choix du cabinet Monsieur le Maire, rapporteur") == []
    )
