"""Who, which body and when, as the first lines of minutes, extracts, agendas and budgets write it
(hand-built from the usual French administrative formulas): the meeting date is never the
convocation's, an agenda is dated by the meeting it announces, and the votes in their written and
OCR'd forms; the SCDL row of an extract with its @ctes stamp."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.identity import date_in_words
from greffier.extract.meeting import announced_date, mask_quoted_dates
from greffier.extract.pipeline import parse_file
from greffier.extract.votes import decision_vote, read_vote


def _parse(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, "doc")


# -- the meeting date ----------------------------------------------------------------------------
CONVOCATION_FIRST = """\
COMMUNE DE SAINT-FLORENT
PROCES-VERBAL DU CONSEIL MUNICIPAL
Date de convocation : 5 avril 2023
Nombre de conseillers en exercice : 23 Présents : 17 Votants : 21
L'an deux mille vingt-trois, le douze du mois d'avril à dix-huit heures, le Conseil Municipal de la
commune, régulièrement convoqué, s'est réuni en séance publique sous la présidence de M. le Maire.
1. Approbation du procès-verbal de la séance précédente
Le procès-verbal est adopté à l'unanimité.
2. Budget primitif 2023
Le Conseil Municipal, après en avoir délibéré, adopte le budget primitif 2023.
Votants : 21 Pour : 17 Contre : 4 Abstention : 0
"""


def test_the_convocation_date_in_the_header_is_not_the_meeting(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, CONVOCATION_FIRST)
    doc = parsed.document
    assert (doc.issuer, doc.body, doc.date, doc.kind) == (
        "Commune de Saint-Florent",
        "conseil municipal",
        "2023-04-12",
        "proces_verbal",
    )
    budget = next(d for d in parsed.deliberations if d.title.startswith("Budget primitif"))
    assert (budget.vote.pour, budget.vote.contre, budget.vote.abstention, budget.vote.votants) == (17, 4, 0, 21)
    assert budget.vote.effectif == 23  # from the header: "conseillers en exercice : 23"


@pytest.mark.parametrize(
    ("text", "kept", "blanked"),
    [
        ("Date de convocation : 5 avril 2023\nSéance du 12 avril 2023", "12 avril 2023", "5 avril 2023"),
        ("Le Conseil, convoqué le 19 janvier 2024, s'est réuni le 26 janvier 2024", "26 janvier 2024", "19 janvier"),
        ("Envoi de la convocation le : 30 novembre 2022. Publication le 1er décembre", None, "30 novembre 2022"),
        ("Date de la convocation du conseil municipal : 07/12/2023", None, "07/12/2023"),
        ("dûment convoqué, s'est réuni le 12 avril 2023 en séance publique", "12 avril 2023", None),
        ("Convocation au conseil municipal du 13 février 2023", "13 février 2023", None),
    ],
)
def test_quoted_dates_are_blanked_the_meeting_kept(text: str, kept: str | None, blanked: str | None) -> None:
    masked = mask_quoted_dates(text)
    assert len(masked) == len(text)
    if kept:
        assert kept in masked
    if blanked:
        assert blanked not in masked


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("L'an deux mille vingt-trois, le douze du mois d'avril à dix-huit heures", "2023-04-12"),
        ("L'an deux mille vingt-trois et le treize du mois de février", "2023-02-13"),
        ("le vingt-six janvier deux mille vingt-quatre à dix-huit heures", "2024-01-26"),
    ],
)
def test_day_of_the_month_in_words(text: str, iso: str) -> None:
    assert date_in_words(text) == iso


AGENDA = """\
COMMUNE DE LUCCIANA
CONVOCATION
Mesdames, Messieurs les conseillers municipaux sont convoqués à la séance du conseil municipal
qui se tiendra le jeudi 14 mars 2024 à 18 heures en mairie.
Ordre du jour :
1. Compte administratif 2023
2. Budget primitif 2024
Fait à Lucciana, le 7 mars 2024
"""

LETTER = """\
Calvi, le 6 février 2023
Le Maire
à
Mesdames et Messieurs les Conseillers Municipaux
Objet : Convocation au Conseil Municipal
J'ai l'honneur de vous inviter à assister à la séance du Conseil Municipal qui aura lieu
le lundi 13 février 2023 à 18 heures.
ORDRE DU JOUR
1. Budget primitif 2023
2. Subventions aux associations
"""


def test_an_agenda_is_dated_by_the_meeting_it_announces(tmp_path: Path) -> None:
    doc = _parse(tmp_path, AGENDA).document
    # the agenda lists the budget: still an agenda, dated by the meeting, not by its signature
    assert (doc.kind, doc.date, doc.issuer) == ("ordre_du_jour", "2024-03-14", "Commune de Lucciana")
    letter = _parse(tmp_path, LETTER, "letter.txt")
    # no letterhead: the mayor's letter is dated from the town hall
    assert (letter.document.kind, letter.document.date) == ("ordre_du_jour", "2023-02-13")
    assert letter.document.issuer == "Commune de Calvi" and letter.deliberations == ()
    assert announced_date("Les membres sont convoqués en séance le mardi 3 juin 2025 à 20 h 30.") == "2025-06-03"


def test_untitled_minutes_known_by_their_opening_formula(tmp_path: Path) -> None:
    text = (
        "COMMUNE DE SAINT-PIERRE\n"
        "Le Conseil municipal, convoqué le 19 janvier 2024, s'est réuni le 26 janvier 2024 à 18 heures.\n"
        "1. Vente d'un terrain\nLe Conseil municipal, à l'unanimité, approuve la vente.\n"
        "2. Tarifs de la cantine\nLe Conseil municipal fixe le tarif à 3,20 €. Vote : 14 voix pour, 1 abstention.\n"
    )
    parsed = _parse(tmp_path, text, "cm.txt")
    assert (parsed.document.kind, parsed.document.date) == ("proces_verbal", "2024-01-26")
    assert [d.title for d in parsed.deliberations] == ["Vente d'un terrain", "Tarifs de la cantine"]


def test_a_budget_is_dated_by_its_vote(tmp_path: Path) -> None:
    text = (
        "RÉGION GRAND EST\nBUDGET PRIMITIF 2024\nPrésenté par le Président du Conseil régional\n"
        "Voté par l'Assemblée plénière lors de sa séance du 14 décembre 2023\nI – INFORMATIONS GÉNÉRALES\n"
    )
    doc = _parse(tmp_path, text, "bp.txt").document
    assert (doc.issuer, doc.body, doc.kind) == ("Région Grand Est", "conseil régional", "budget")
    assert doc.date == "2023-12-14"
    # "Vu la délibération … adoptée le …" is not the budget's vote, and no vote stated gives no date
    quoted = text.replace("Voté par l'Assemblée", "Vu la délibération adoptée par l'Assemblée")
    assert _parse(tmp_path, quoted, "bp2.txt").document.date is None


EXTRACT = """\
Accusé de réception en préfecture 029-200054724-20221206-DE2022_141-DE Date de réception préfecture : 07/12/2022

Membres en exercice : 29 Membres présents : 25 Membres votants : 28

Le 6 décembre 2022 à vingt heures, le conseil municipal de la commune de Pont-Aven s'est réuni en séance ordinaire.

Envoi de la convocation le : 30 novembre 2022. Publication de la convocation le : 1er décembre 2022

Date de transmission au contrôle de légalité : 7 décembre 2022

Délibération n° 2022-141 : Prescription de la modification n°1 du Plan Local d'Urbanisme

Monsieur le Maire rappelle que le PLU a été approuvé le 29 juin 2021. Plusieurs points sont modifiés :

1 — Ouverture à l'urbanisation de 4 secteurs 2AU

Le syndicat intercommunal, par une délibération adoptée par 12 voix pour et 3 contre, a approuvé son schéma.

2 — Suppression de l'emplacement réservé n°4

Il convient de supprimer cet emplacement.

Considérant que M. Daniel Quemener n'a pas pris part au vote, après en avoir délibéré, à l'unanimité, le

conseil municipal décide de prescrire la modification n°1 du PLU.
"""


def test_an_extract_is_one_deliberation_with_its_transmission(tmp_path: Path) -> None:
    from greffier.extract.scdl import scdl_rows

    parsed = _parse(tmp_path, EXTRACT, "DE2022-141.txt")
    doc = parsed.document
    # "Envoi de la convocation" is no agenda's title; the numbered parts are the deliberation's own
    assert (doc.kind, doc.date, doc.issuer) == ("deliberation", "2022-12-06", "Commune de Pont-Aven")
    (d,) = parsed.deliberations
    assert d.ref == "2022-141" and d.title.startswith("Prescription de la modification")
    # the vote of the decision, not the one the exposé quotes
    assert (d.vote.unanimite, d.vote.pour, d.vote.contre) == (True, None, None)
    assert (d.pref_id, d.pref_date) == ("029-200054724-20221206-DE2022_141-DE", "2022-12-07")
    (row,) = scdl_rows(parsed.deliberations, {doc.doc_id: doc})
    assert (row["PREF_ID"], row["PREF_DATE"], row["DELIB_ID"]) == (d.pref_id, "2022-12-07", "2022-141")
    # a unanimity of 28 voters out of 29 members in office
    assert (row["VOTE_EFFECTIF"], row["VOTE_REEL"], row["VOTE_POUR"], row["VOTE_CONTRE"], row["VOTE_ABSTENTION"]) == (
        29,
        28,
        28,
        0,
        0,
    )


def test_scdl_rows_name_one_collectivite_and_give_every_record_an_id(tmp_path: Path) -> None:
    from dataclasses import replace

    from greffier.extract.scdl import scdl_rows

    a = _parse(tmp_path, CONVOCATION_FIRST, "a.txt")
    b = _parse(tmp_path, CONVOCATION_FIRST.replace("SAINT-FLORENT", "Saint-Florent"), "b.txt")
    docs = {"a": replace(a.document, doc_id="a"), "b": replace(b.document, doc_id="b", issuer="Ville de Saint-Florent")}
    records = [replace(d, doc_id="a") for d in a.deliberations] + [replace(d, doc_id="b") for d in b.deliberations]
    rows = scdl_rows(records, docs)
    assert len(rows) == 4 and all(r["DELIB_ID"] for r in rows)
    assert len({r["COLL_NOM"] for r in rows}) == 1
    # no printed number: the same stable id for the same issuer, date and object
    assert rows[0]["DELIB_ID"] == rows[2]["DELIB_ID"] and rows[0]["DELIB_ID"].startswith("GRF-20230412-")
    noted = replace(records[0], vote=None, outcome="noted")
    (row,) = scdl_rows([noted], docs)
    assert row["VOTE_POUR"] == row["VOTE_REEL"] == ""  # no vote, no counts


# -- votes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "vote"),
    [
        ("Pour ; 25 Contre ; 0 Abstention ; 2", (25, 0, 2, False)),  # an OCR's semicolons
        ("VOTE : 26 POUR ; 3 CONTRE", (26, 3, None, False)),  # a label after its figure
        ("Pour: 2S Contre: O Abstention: 2", (25, 0, 2, False)),  # an OCR's S and O
        ("POUR : l5 CONTRE : 3", (15, 3, None, False)),
        ("Pour : 27 Contre : - Abstention : 2", (27, 0, 2, False)),  # a dash for none, not the 27 before
        ("Pour : 27 Contre : 0 Abstention : 2", (27, 0, 2, False)),
        ("Vote : 23 pour / 4 contre / 2 abstentions", (23, 4, 2, False)),
        ("Adopté à Punanimité", (None, None, None, True)),  # l' read as P
        ("Vote unanime du conseil", (None, None, None, True)),
        ("Adopté à l'unanimité (29 voix)", (29, None, None, True)),
        ("à l'unanimité des suffrages exprimés (M. Martin et Mme Durand s'abstenant)", (None, None, 2, True)),
        ("Adopté par 20 voix pour, M. Martin, Mme Durand et M. Leroy votant contre", (20, 3, None, False)),
        ("Votes pour : 18 Votes contre : 2 Abstentions : 1", (18, 2, 1, False)),
        ("Présents : 20 Représentés : 5 Votants : 25 Pour : 25", (25, None, None, False)),
    ],
)
def test_more_vote_forms(text: str, vote: tuple) -> None:
    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention, v.unanimite) == vote


def test_the_vote_is_the_decisions_not_the_exposes() -> None:
    text = (
        "Le syndicat, par délibération adoptée à l'unanimité, a approuvé le rapport. "
        + "Il est exposé que le projet a été étudié en commission. " * 5
        + "Après en avoir délibéré, par 20 voix pour et 3 contre, le conseil municipal décide d'approuver."
    )
    v = decision_vote(text)
    assert v is not None and (v.pour, v.contre, v.unanimite) == (20, 3, False)
    assert read_vote("Le conseil prend acte de la tenue du débat d'orientation budgétaire.") is None


def test_an_orders_date_is_its_own_not_the_one_it_modifies_or_cites() -> None:
    from greffier.extract.metadata import _order_date

    head = (
        "PRÉFET DU VAL-DE-MARNE\n"
        "ARRÊTÉ N° 2015/123 modifiant l'arrêté n° 2014/45 du 12 août 2014 fixant les bureaux de vote\n"
        "Vu l'arrêté préfectoral du 3 mars 2013"
    )
    assert _order_date(head, "Fait à Créteil, le 28 août 2015", []) == "2015-08-28"
    own = "ARRÊTÉ N° 2024-12 du 3 avril 2024 modifiant l'arrêté du 2 mars 2020"
    assert _order_date(own, "Fait à Moulins, le 5 avril 2024", []) == "2024-04-03"


CITY_EXTRACT = """\
VILLE DE SAINT-ÉTIENNE
EXTRAIT DU REGISTRE DES DELIBERATIONS DU CONSEIL MUNICIPAL
Séance du jeudi 19 décembre 2013
Nombre de membres en exercice : 65 Présents : 50 Votants : 60
AFFAIRE N° 15 - Attribution de subventions aux associations - Exercice 2014 Mesdames, Messieurs, la Ville soutient
la vie associative. Il vous est proposé d'attribuer les subventions figurant dans le tableau annexé.
En conséquence, je vous demande de bien vouloir :
- approuver l'attribution des subventions pour un montant total de 125 000 € ;
Pour : 52 Contre : 0 Abstentions : 8
Adopté à la majorité.
ANNEXE
1. Association sportive 5 000 €
2. Comité des fêtes 2 000 €
"""


def test_an_extract_labelled_affaire_and_one_numbered_by_its_title_block(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, CITY_EXTRACT, "extrait.txt")
    assert (parsed.document.body, parsed.document.date) == ("conseil municipal", "2013-12-19")
    # the annex's numbered rows are the deliberation's, not records; the exposé's address ends the title
    (d,) = parsed.deliberations
    assert d.title == "Attribution de subventions aux associations - Exercice 2014"
    assert (d.vote.pour, d.vote.contre, d.vote.abstention, d.vote.votants, d.vote.effectif) == (52, 0, 8, 60, 65)
    numbered = (
        "VILLE DE SAINT-ÉTIENNE\nCONSEIL MUNICIPAL DU 19 DECEMBRE 2013\nDELIBERATION N°2013/612\n"
        "OBJET : TARIFS MUNICIPAUX 2014 - APPROBATION\nMesdames, Messieurs,\n"
        "Le Conseil municipal, après en avoir délibéré, décide d'approuver les tarifs.\nAdopté à l'unanimité.\n"
    )
    (t,) = _parse(tmp_path, numbered, "tarifs.txt").deliberations
    assert (t.ref, t.title) == ("2013/612", "TARIFS MUNICIPAUX 2014 - APPROBATION")


def test_the_vote_run_into_an_items_title_ends_it(tmp_path: Path) -> None:
    text = (
        "COMMUNE DE VENACO\nCOMPTE RENDU SOMMAIRE DU CONSEIL MUNICIPAL DU 13 FÉVRIER 2023\n"
        "1. Débat d'orientation budgétaire 2023\nLe conseil municipal prend acte de la tenue du débat.\n"
        "2. Tarifs de l'eau 2023\nAdopté à la majorité : 22 voix pour, 7 contre (groupe X)\n"
    )
    parsed = _parse(tmp_path, text, "cr.txt")
    by_title = {d.title: d for d in parsed.deliberations}
    assert by_title["Tarifs de l'eau 2023"].vote.pour == 22
    assert by_title["Débat d'orientation budgétaire 2023"].vote is None
    assert by_title["Débat d'orientation budgétaire 2023"].outcome == "noted"


def test_a_convocation_letter_that_never_says_convocation(tmp_path: Path) -> None:
    text = (
        "COMMUNE DE MOROSAGLIA\nMesdames et Messieurs les conseillers municipaux sont convoqués à la séance du\n"
        "conseil municipal qui se tiendra le vendredi 7 juin 2024 à 18 heures.\n"
        "1. Compte administratif 2023\n2. Budget supplémentaire 2024\nFait à Morosaglia, le 31 mai 2024\n"
    )
    parsed = _parse(tmp_path, text, "courrier.txt")
    assert (parsed.document.kind, parsed.document.date, parsed.deliberations) == ("ordre_du_jour", "2024-06-07", ())


def test_an_order_with_no_act_recognised_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "PRÉFET DU CHER\nARRÊTÉ N° 2024-12\nLe présent document est illisible.\n"
    parsed = _parse(tmp_path, text, "illisible.txt")
    assert parsed.document.kind == "arrete" and parsed.deliberations == ()
    assert any("illisible.txt" in r.message and "order with no decided item" in r.message for r in caplog.records)
