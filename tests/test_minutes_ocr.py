"""Minutes as an OCR reads them (hand-built from the OCR readings of typed minutes: bullets read as
signs or letters, numbers cut by a space, dashes read '='): items, votes, issuer and date are read
as from the text layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.ocr_forms import item_line
from greffier.extract.pipeline import parse_file


def _parse(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, "doc")


# -- items: a bulleted register number as an OCR reads it ------------------------------------------
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("> 2010/117 - Délégations de pouvoirs", "2010/117 - Délégations de pouvoirs"),  # ➢ read '>'
        ("À 2009/85 - Pass foncier", "2009/85 - Pass foncier"),
        ("2.2010/32 - Vote du compte de gestion", "2010/32 - Vote du compte de gestion"),
        (". À 2010/44 - Délégation de service public", "2010/44 - Délégation de service public"),
        ("> 2008/1 47 - Syndicat intercommunal", "2008/147 - Syndicat intercommunal"),  # a cut number
        ("> DE-2013/11 5= Fixation des périodes", "DE-2013/115 - Fixation des périodes"),  # '=' for '–'
        ("DE-2013/110 - — Acquisition de terrains", "DE-2013/110 - Acquisition de terrains"),
        ("> 2010/117.- Délégations de pouvoirs", "2010/117 - Délégations de pouvoirs"),  # a speck
        ("> 2010/120 - | Communauté de communes", "2010/120 - Communauté de communes"),  # a stroke
        ("» 2 2010/125 - Affiliation volontaire", "2010/125 - Affiliation volontaire"),
        ("> DE-201 1/130 - Avenir du restaurant scolaire", "DE-2011/130 - Avenir du restaurant scolaire"),
        # unchanged: no number disguised, or no item
        ("DE-2013/110 – Acquisition de terrains", "DE-2013/110 – Acquisition de terrains"),
        ("n°2008/45 en date du 22 mars 2008", "n°2008/45 en date du 22 mars 2008"),
        ("2010/30 - 2 postes", "2010/30 - 2 postes"),
    ],
)
def test_an_ocr_reading_of_a_bulleted_number(line: str, expected: str) -> None:
    assert item_line(line) == expected


OCR_MINUTES = """\
Commune de CHEMERE (44 680) | CM du 19 octobre 2010
COMPTE-RENDU . CONSEIL MUNICIPAL DU 19 OCTOBRE 2010
L'an deux mil dix, le dix-neuf octobre, à vingt heures, le Conseil Municipal de la Commune de
CHEMERE, dûment convoqué, s'est réuni en session ordinaire, à la Mairie.
> 2010/118 - Délégation du service public d'assainissement collectif : Choix du délégataire
Le Conseil municipal, après en avoir délibéré, à l'unanimité des membres présents :
- APPROUVE le choix de la société comme délégataire.
À 2010/1 19 - Communauté de communes : Modification des statuts
Le Conseil municipal, après en avoir délibéré, à l'unanimité, approuve la modification des statuts.
2.2010/120 - Demande de subvention : Réseau d'aides spécialisées aux élèves en difficulté
Après en avoir délibéré, le Conseil municipal décide par 14 voix pour et 3 abstentions d'accorder
une subvention de 350,00 €.
"""


def test_ocr_minutes_with_bulleted_numbers_give_every_item(tmp_path: Path) -> None:
    records = _parse(tmp_path, OCR_MINUTES).deliberations
    assert [r.ref for r in records] == ["2010/118", "2010/119", "2010/120"]
    assert records[1].title.startswith("Communauté de communes")
    last = records[2].vote
    assert last is not None and (last.pour, last.abstention, last.unanimite) == (14, 3, False)


# -- votes as an OCR reads them, and a ballot's words ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "vote"),
    [
        # a speck between the colon and the figure, a one read 'l' at the end of its line
        ("Il ressort de ce vote :\n- “Pour” : . 10\n- “Contre”: l\n- “Abstention”: 5", (10, 1, 5)),
        # a secret ballot: "Oui" and "Non" are for and against
        ("Il ressort de ce vote :\n- « Oui » : 15\n- « Abstention » : 2,\n- « Blanc » : 1.", (15, None, 2)),
        ("Résultat du scrutin : Oui : 12 Non : 3 Blancs : 1", (12, 3, None)),
    ],
)
def test_ocr_and_ballot_vote_forms(text: str, vote: tuple) -> None:
    from greffier.extract.votes import read_vote

    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention) == vote


def test_a_lone_l_is_a_one_only_at_the_end_of_its_line() -> None:
    from greffier.extract.votes import read_vote

    v = read_vote("Pour : 12 Contre : l Abstention : 1")
    assert v is not None and v.contre is None and (v.pour, v.abstention) == (12, 1)


TARIFFS = """\
DE-2011/10 - Tarifs communaux et des locations de salles
Monsieur le Maire, rapporteur, propose les tarifs suivants :
1 2 3 4
SALLE 95
Pour réunion Néant Néant
Tarifs proposés Néant Néant
Pour vin d'honneur 36,00 € Néant 100,00 € 100,00 €
Le Conseil municipal, après avoir entendu son rapporteur en son exposé et délibéré,
décide à la majorité des membres présents (Vote à main levée : 14 « Pour », 2
« Abstention »), d'approuver l'augmentation des tarifs 2011 telle qu'elle leur a été présentée.
"""


def test_a_table_figure_above_a_row_labelled_pour_is_no_vote() -> None:
    from greffier.extract.votes import decision_vote, read_vote

    v = decision_vote(TARIFFS)
    assert v is not None and (v.pour, v.contre, v.abstention) == (14, None, 2)
    assert read_vote("SALLE 95\nPour réunion Néant Néant") is None


# -- the issuer: the town hall's address at the foot of the page (read last by an OCR) ------------
AGENDA_FOOTER = """\
CONSEIL MUNICIPAL DU 17 SEPTEMBRE 2025
ORDRE DU JOUR
1. Désignation d'un secrétaire de séance
2. Approbation du procès-verbal de la séance du conseil municipal du 9 juillet 2025
3. Vente d'un délaissé communal à Porsfeunteun
4. Rapport annuel sur la qualité et le prix de l'eau
5. Redevance GRDF
6. Décision modificative n°1 budget principal
7. Tarifs municipaux 2026
8. Subvention à l'école
9. Plan de financement enfouissement de réseaux
10. Mandat spécial participation au Congrès des Maires 2025 à Paris
HOTEL DE VILLE MAIRIE ANNEXE
12, QUAI JEAN JAURES — 29770 AUDIERNE 3, RUE SURCOUF - ESQUIBIEN - 29770 AUDIERNE
TEL : 02 98 70 08 47 TEL : 02 98 70 02 76
"""


def test_the_town_halls_address_at_the_foot_names_the_issuer(tmp_path: Path) -> None:
    doc = _parse(tmp_path, AGENDA_FOOTER).document
    assert (doc.issuer, doc.date) == ("Commune d'Audierne", "2025-09-17")


# -- delegation tables as an OCR reads them ----------------------------------------------------------
DELEGATION = """\
COMMUNE DE CHEMERE
COMPTE-RENDU DU CONSEIL MUNICIPAL DU 7 JUILLET 2015
L'an deux mil quinze, le sept juillet, à vingt heures, le Conseil Municipal de la Commune de CHEMERE,
dûment convoqué, s'est réuni en session ordinaire, à la Mairie.
DE-2015/58 - Informations sur la délégation du Maire
Il est rendu compte, conformément à l'article L 2122-23 du CGCT, des décisions prises par Monsieur le
Maire dans le cadre de cette délégation.
Date du marché Titulaire Objet du marché Montant HT
21/05/15 = DOMAINE DE LA CHAPELLERIE (44680 CHEMERE) 1 tireuse banc de glace nomade 1 500,00 €
03/07/15 - TOILE CONCEPT (59100 ROUBAIX) 3 cubes imprimés et 1 panneau 1 666,00 €
28/09/10 : | LOUERAT ROGER (44320 ARTHON EN RETZ) Travaux bibliothèque : Installation VMC 875,80 €
Information sur la délégation du maire relative au droit de préemption urbain (DPU)
Année N° dossier Adresse du bien Section Superficie totale Préemption
2015. 20 14 rue du Breil G 980, 986 1121 Non
2015° 16 ‘17 rue des Vignes d'Hivert G 3208 429 Non
2015 18 18 rue de St Hilaire 1461 1160 Non
Le Conseil municipal prend acte des décisions prises par Monsieur le Maire.
DE-2015/59 - Utilisation du logo
Le Conseil municipal, après en avoir délibéré, décide à l'unanimité d'approuver le logo.
"""


def test_delegation_rows_with_an_ocrs_signs_are_one_record_each(tmp_path: Path) -> None:
    records = _parse(tmp_path, DELEGATION).deliberations
    titles = [r.title for r in records]
    assert any(t.startswith("1 tireuse banc de glace") for t in titles)
    assert any(t.startswith("3 cubes imprimés") for t in titles)
    assert any(t.startswith("Travaux bibliothèque") for t in titles)
    dpu = sorted(t for t in titles if t.startswith("Droit de préemption"))
    assert [t.split(" – ")[0] for t in dpu] == [
        "Droit de préemption urbain 2015 n°16",
        "Droit de préemption urbain 2015 n°18",
        "Droit de préemption urbain 2015 n°20",
    ]


# -- the letterhead and the meeting date as an OCR reads them ----------------------------------------
ITEMS = (
    "1. Budget primitif 2024\nLe Conseil Municipal, après en avoir délibéré, adopte à l'unanimité le budget primitif.\n"
    "2. Tarifs municipaux\nLe Conseil Municipal, après en avoir délibéré, adopte à l'unanimité les tarifs.\n"
)
PV = "PROCES-VERBAL DU CONSEIL MUNICIPAL\n"
APRIL_12 = "Séance du 12 avril 2023\n"


@pytest.mark.parametrize(
    ("head", "issuer", "date"),
    [
        (
            "C O M M U N E  D E  S A I N T - F L O R E N T\n" + PV + APRIL_12,
            "Saint-Florent",
            "2023-04-12",
        ),
        ("C O M M U N E D E C O R T E\n" + PV + APRIL_12, "Corte", "2023-04-12"),
        ("COMMUNE DE C0RTE\n" + PV + APRIL_12, "Corte", "2023-04-12"),
        ("COMMUNE\nDE\nSAINT-FLORENT\n" + PV + APRIL_12, "Saint-Florent", "2023-04-12"),
        ("Cità di Corti\nVille de Corte\n" + PV + APRIL_12, "Corte", "2023-04-12"),
        ("COMMUNE DE CORTE\n" + PV + "Séance du 1°' avril 2023\n", "Corte", "2023-04-01"),
        ("COMMUNE DE CORTE\n" + PV + "Séance du l er avril 2023\n", "Corte", "2023-04-01"),
        ("COMMUNE DE CORTE\n" + PV + "SEANCE DU 2O AVRIL 2O23\n", "Corte", "2023-04-20"),
        ("COMMUNE DE CORTE\n" + PV + "Séance du lundi 20 avri| 2023\n", "Corte", "2023-04-20"),
        ("COMMUNE DE CORTE\n" + PV + "Séance du 12 dècembre 2023\n", "Corte", "2023-12-12"),
        ("COMMUNE DE CORTE\n" + PV + "Séance du 12 décem-\nbre 2023\n", "Corte", "2023-12-12"),
        ("COMMUNE DE CORTE\n" + PV + "Convocation du 5 avril 2023\nSéance du 1° avril 2O23\n", "Corte", "2023-04-01"),
    ],
)
def test_an_ocrs_letterhead_and_date(tmp_path: Path, head: str, issuer: str, date: str) -> None:
    doc = _parse(tmp_path, head + ITEMS).document
    assert (doc.issuer, doc.date, doc.body) == (f"Commune de {issuer}", date, "conseil municipal")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Article 10 du code général", "Article 10 du code général"),
        ("il y a 1 ou 2 élus en avril", "il y a 1 ou 2 élus en avril"),
        ("PROCES-VERBAL DE LA SEANCE", "PROCES-VERBAL DE LA SEANCE"),
    ],
)
def test_ordinary_text_is_left_as_it_is(text: str, kept: str) -> None:
    from greffier.extract.ocr_forms import date_text, head_text

    assert head_text(text) == kept and date_text(text) == kept


@pytest.mark.parametrize(
    ("text", "vote"),
    [
        # words cut at a line end (an OCR keeps the typesetter's hyphenation)
        ("Pour : 20 Contre : 3 Absten-\ntions : 2", (20, 3, 2, False)),
        ("adopté à l'unanimi-\nté des membres présents", (None, None, None, True)),
        ("par 20 voix pour et 3 con-\ntre", (20, 3, None, False)),
        ("par vingt-\ntrois voix pour et deux voix contre", (23, 2, None, False)),  # a number keeps its hyphen
    ],
)
def test_vote_words_cut_at_a_line_end(text: str, vote: tuple) -> None:
    from greffier.extract.votes import read_vote

    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention, v.unanimite) == vote


def test_an_ocrs_deciding_formula_still_sets_the_vote_apart_from_the_exposes() -> None:
    from greffier.extract.votes import decision_vote

    text = (
        "Le syndicat, par délibération adoptée à l'unanimité, a approuvé le rapport. "
        + "Il est exposé que le projet a été étudié en commission. " * 5
        + "Le Conseil Municipal, aprés en avoir dé-\nlibéré, par 20 voix pour et 3 contre, décide d'approuver."
    )
    v = decision_vote(text)
    assert v is not None and (v.pour, v.contre, v.unanimite) == (20, 3, False)


@pytest.mark.parametrize(
    ("text", "vote"),
    [
        # a vote set as a table or a column, one label a line, as an OCR reads it
        ("Pour 25\nContre 0\nAbstention 4", (25, 0, 4)),
        ("Pour | 25\nContre | 0\nAbstention | 4", (25, 0, 4)),
        ("Votants 29\nPour 25\nContre 0\nAbstentions 4", (25, 0, 4)),
        ("Pour 25 voix\nContre 0 voix", (25, 0, None)),
        ("VOTES POUR 25 VOTES CONTRE 0 ABSTENTIONS 4", (25, 0, 4)),
        # a count and its label in prose, on one line or across a line break
        ("25 pour\n4 contre", (25, 4, None)),
        ("par 12 voix pour et 3\ncontre", (12, 3, None)),
        ("Vote : 23 pour 4 contre 2 abstentions", (23, 4, 2)),
    ],
)
def test_votes_in_columns_and_rows(text: str, vote: tuple) -> None:
    from greffier.extract.votes import read_vote

    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention) == vote


@pytest.mark.parametrize(
    ("text", "vote"),
    [
        # a misspelt label, specks and a dash glued to the figure (a hard OCR reading)
        ("(Vote à main levée: 14 «Pour», 2\n«Absterition »), d'approuver", (14, None, 2)),
        ("(Vote à main levée: « Pour »:, -15, |\n« Abstention » : 1), de refuser", (15, None, 1)),
        ("Abstenlion : 3 Pour : 12", (12, None, 3)),
        ("Pour : 27 Contre : - Abstention : 2", (27, 0, 2)),  # a dash alone is still none
    ],
)
def test_hard_ocr_vote_readings(text: str, vote: tuple) -> None:
    from greffier.extract.votes import read_vote

    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention) == vote


FUSED_COLUMNS = """\
DEPARTEMENT DE LOIRE-ATLANTIQUE CM 19 novembre 2013
Canton de BOURGNEUF-EN-RETZ
Commune de CHEMERE
CONSEIL MUNICIPAL
SEANCE DU 19 NOVEMBRE 2013
| Nombre de Conseillers L'an deux mil treize, le dix-neuf novembre, à vingt |
en exercice : 17 . [heures, le Conseil Municipal de la Commune de
Présents : 11 . : | CHEMERE, dûment convoqué, s'est réuni en session
Votants : 13 | ordinaire, à la Mairie, sous la présidence de Monsieur Jean-Paul LERAY, Maire.
> DE-2013/110 - Acquisition de terrains
Le Conseil municipal, après en avoir délibéré, décide à l'unanimité d'acquérir les terrains.
> DE-2013/111 - Projet de cession de terrain
Le Conseil municipal, après en avoir délibéré, décide à l'unanimité de céder le terrain.
"""


def test_an_attendance_column_fused_with_the_formula_names_no_issuer(tmp_path: Path) -> None:
    # an OCR read the two columns as one: "… de la Commune de / Présents : 11 | CHEMERE, …"
    doc = _parse(tmp_path, FUSED_COLUMNS).document
    assert (doc.issuer, doc.date) == ("Commune de Chemere", "2013-11-19")
