"""The written forms of minutes, extracts, orders and recueils that other collectivités and
préfectures use (hand-built from the usual French administrative formulas, OCR noise included):
each form greffier reads has its case here."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.pipeline import parse_file
from greffier.extract.prefectures import find_prefectures, prefecture_name, raa_numbers


def _parse(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, "doc")


# -- préfectures ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("PRÉFÈTE\nDE L’ALLIER\nLiberté\nÉgalité\nFraternité", "Préfecture de l'Allier"),  # the Marianne block
        ("PRÉFET recti DU FINISTÈRE _ Direction", "Préfecture du Finistère"),  # a logo read as a word
        ("LE PREFET DU VAL-DE-MAME, Officier de la Légion d'honneur", "Préfecture du Val-de-Marne"),  # rn -> m
        ("PREFECTURE DES ALPES DE HAUTE PROVENCE", "Préfecture des Alpes-de-Haute-Provence"),
        ("Direction départementale des territoires et de la mer du Finistère", "Préfecture du Finistère"),
        ("LE PRÉFET DE LA RÉGION AUVERGNE-RHÔNE-ALPES, PRÉFET DU RHÔNE", "Préfecture du Rhône"),
        ("préfet de la Haute-Marne", "Préfecture de la Haute-Marne"),  # not the Marne
    ],
)
def test_prefecture_named_by_its_departement(text: str, issuer: str) -> None:
    assert find_prefectures(text)[0].issuer == issuer


def test_no_prefecture_without_a_departement() -> None:
    assert find_prefectures("Le préfet, signé Louis LE FRANC") == []
    assert find_prefectures("Le préfet de police a été saisi") == []
    assert prefecture_name("94") == "Préfecture du Val-de-Marne"


def test_recueil_act_number_gives_departement_and_date() -> None:
    (n,) = raa_numbers("Arrêté n° 03-2024-01-30-00001 du préfet")
    assert (n.departement, n.date) == ("03", "2024-01-30")
    assert raa_numbers("tél. 04-70-20-01-01") == []  # a phone number is no act number


RECUEIL = """\
RECUEIL DES ACTES ADMINISTRATIFS
PRÉFET DE L'AUBE
Recueil des actes administratifs n° 10-2019-012 publié le 15 mars 2019
SOMMAIRE
Arrêté n° DDT-SEB-2019-067 du 5 mars 2019 portant autorisation de pêche .... 3
Arrêté n° PREF-DCL-2019-12 portant modification des statuts du SIVOM de la Vallée .... 5
PRÉFET DE L'AUBE
Direction départementale des territoires
Arrêté n° DDT-SEB-2019-067 du 5 mars 2019 portant autorisation de pêche
Le préfet de l'Aube,
Vu le code de l'environnement ;
Vu l'arrêté n° 2018-44 du 2 janvier 2018 portant délégation de signature ;
ARRÊTE
Article 1 : La pêche est autorisée.
Fait à Troyes, le 5 mars 2019
PRÉFET DE L'AUBE
Arrêté n° PREF-DCL-2019-12
portant modification des statuts du SIVOM de la Vallée
Le préfet de l'Aube,
Vu le code général des collectivités territoriales ;
ARRÊTE :
Article 1 : Les statuts sont modifiés.
Fait à Troyes, le 8 mars 2019
"""


def test_a_recueil_gives_one_record_per_act(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, RECUEIL, "raa.txt")
    doc = parsed.document
    assert (doc.issuer, doc.kind, doc.body, doc.date) == ("Préfecture de l'Aube", "recueil", "préfet", "2019-03-15")
    got = [(d.ref, d.title, d.date, d.outcome) for d in parsed.deliberations]
    # the summary lines and the order cited in a "Vu" open no act
    assert got == [
        ("DDT-SEB-2019-067", "portant autorisation de pêche", "2019-03-05", "ordered"),
        ("PREF-DCL-2019-12", "portant modification des statuts du SIVOM de la Vallée", "2019-03-08", "ordered"),
    ]


def test_one_order_cut_out_of_a_recueil(tmp_path: Path) -> None:
    text = (
        "Recueil des actes administratifs spécial n° 04-2021-045\nPRÉFET\nDES ALPES-DE-HAUTE-PROVENCE\n"
        "Liberté Égalité Fraternité\nArrêté préfectoral n° 04-2021-06-15-00003\nportant réglementation de la "
        "circulation\nLe préfet des Alpes-de-Haute-Provence,\nVU le code de la route ;\nVU la délibération n° 2021-12 "
        "du conseil municipal du 3 mai 2021 ;\nARRETE\nArticle 1 : La circulation est interdite.\nArticle 2 : Le présent"
        " arrêté sera publié au recueil des actes administratifs de la préfecture.\nFait à Digne-les-Bains, le 15 juin "
        "2021\n"
    )
    parsed = _parse(tmp_path, text, "ap.txt")
    doc = parsed.document
    assert (doc.issuer, doc.kind, doc.body) == ("Préfecture des Alpes-de-Haute-Provence", "arrete", "préfet")
    assert doc.date == "2021-06-15"  # its signature
    ((rec,),) = [parsed.deliberations]
    assert (rec.ref, rec.title, rec.outcome) == ("04-2021-06-15-00003", "portant réglementation de la circulation", "ordered")


def test_an_order_that_cites_a_deliberation_is_an_order(tmp_path: Path) -> None:
    """ "VU la délibération n° … du conseil municipal du …" is a mention, not the document's kind."""
    text = (
        "PRÉFÈTE DE L'ALLIER\nVU la délibération n° 2023-45 du conseil municipal du 12 mars 2023 ;\n"
        "Arrêté portant modification des statuts du syndicat\nARRÊTE\nArticle 1 : Les statuts sont modifiés.\n"
        "Fait à Moulins, le 2 mai 2023\n"
    )
    doc = _parse(tmp_path, text, "ap.txt").document
    assert (doc.issuer, doc.kind, doc.body, doc.date) == ("Préfecture de l'Allier", "arrete", "préfet", "2023-05-02")


# -- regions -----------------------------------------------------------------------------------
def test_region_names_and_the_budget_assembly(tmp_path: Path) -> None:
    text = "RÉGION SUD\nProvence-Alpes-Côte d'Azur\nBUDGET PRIMITIF 2024\nPrésentation générale\n"
    doc = _parse(tmp_path, text, "bp.txt").document
    assert doc.issuer == "Région Provence-Alpes-Côte d'Azur"
    assert doc.kind == "budget" and doc.body == "conseil régional"
    doc = _parse(tmp_path, "RÉGION\nBRETAGNE\nBP 2024 - Présentation\n", "bp2.txt").document
    assert doc.issuer == "Région Bretagne" and doc.body == "conseil régional"
