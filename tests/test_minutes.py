"""Who, which body, when, and every decided item, on minutes written the way other collectivités
write them (hand-built from the layouts seen in real minutes: a text export goes through the same
pipeline as a PDF)."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.extract.identity import (
    actes_ids,
    canonical_issuers,
    date_in_words,
    display_name,
    issuer_key,
)
from greffier.extract.pipeline import parse_file
from greffier.extract.votes import outcome_of, read_vote


def _parse(tmp_path: Path, text: str, name: str = "minutes.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, "doc")


REGISTER = """\
DEPARTEMENT DE LOIRE-ATLANTIQUE
Commune de SAINT-JEAN-DE-BOISEAU
CONSEIL MUNICIPAL
SEANCE DU 19 NOVEMBRE 2013
L'an deux mil treize, le dix-neuf novembre, à vingt heures, le Conseil Municipal de la Commune de
SAINT-JEAN-DE-BOISEAU, dûment convoqué, s'est réuni en session ordinaire, à la Mairie.
Compte-rendu de la réunion du 22 octobre 2013 : Pas d'observations. Le compte-rendu est adopté à l'unanimité.
DE-2013/109 – Délégations de pouvoirs « Marchés publics » : Information Monsieur le Maire rend compte des décisions prises.
Date du marché Société Objet du marché Montant H.T.
15/10/13 ORANGE (29334 QUIMPER CEDEX) Préétude pour dépose câble 99,00 € 23/10/13 MERLET (44680 CHEMERE)
Fabrication de caissons de meubles 3 638,90 €
Accusé de réception en préfecture 044-214400400-20131119-D2013-109-DE Date de réception préfecture : 25/11/2013 DE-2013/110 – Acquisition de terrains : F 565 et F 585 Monsieur le Maire, rapporteur, expose :
« Les propriétaires sont d'accord pour céder les parcelles. La Communauté de communes Cœur Pays de Retz a été consultée. »
Le Conseil municipal, après avoir délibéré, décide à l'unanimité des membres présents :
• de se porter acquéreur des parcelles pour un montant total de 17 500,00 €.
DE-2013/111 – Demande de travaux de sécurité au parking
Le Conseil municipal, après un vote à main levée (3 « Pour », 7 « Contre », 3 « Abstention »), rejette la demande.
DE-2013/112 – Projet éolien
Il est procédé à un vote à main levée. Par 16 voix « Pour » et 1 « Contre », le Conseil municipal décide de poursuivre.
DE-2013/113 – Rapport annuel du SPANC : Information
Le Conseil municipal prend acte du rapport.
"""


def test_register_style_minutes(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, REGISTER)
    doc = parsed.document
    # the formula and the letterhead name the commune; the community is a passing mention
    assert doc.issuer == "Commune de Saint-Jean-de-Boiseau"
    assert doc.body == "conseil municipal" and doc.date == "2013-11-19" and doc.kind == "proces_verbal"
    assert doc.siren == "214400400"
    by_title = {d.title: d for d in parsed.deliberations}
    approval = by_title["Compte-rendu de la réunion du 22 octobre 2013"]
    assert approval.vote is not None and approval.vote.unanimite and approval.outcome == "adopted"
    # decisions under delegation, table rows run together: one record each, own date and amount
    delegated = [d for d in parsed.deliberations if d.body == "maire"]
    assert [(d.date, d.title, [a["value"] for a in d.amounts]) for d in delegated] == [
        ("2013-10-15", "Préétude pour dépose câble", [99.0]),
        ("2013-10-23", "Fabrication de caissons de meubles", [3638.9]),
    ]
    land = next(d for d in parsed.deliberations if d.ref and d.ref.endswith("110"))
    assert land.title == "Acquisition de terrains : F 565 et F 585"  # the exposé is not the title
    assert [a["value"] for a in land.amounts] == [17500.0] and land.vote.unanimite
    rejected = next(d for d in parsed.deliberations if d.ref and d.ref.endswith("111"))
    assert (rejected.vote.pour, rejected.vote.contre, rejected.vote.abstention) == (3, 7, 3)
    assert rejected.outcome == "rejected"
    wind = next(d for d in parsed.deliberations if d.ref and d.ref.endswith("112"))
    assert (wind.vote.pour, wind.vote.contre, wind.outcome) == (16, 1, "adopted")
    noted = next(d for d in parsed.deliberations if d.ref and d.ref.endswith("113"))
    assert noted.outcome == "noted" and noted.vote is None
    # an information point with nothing decided is no record
    assert not any(d.ref and d.ref.endswith("109") for d in parsed.deliberations)


POINTS = """\
Ville de Corte
Compte-rendu de la réunion
Du Conseil Municipal du 20 mars 2023
Le Maire, après avoir procédé à l'appel des membres du Conseil Municipal, ouvre la session.
Point n° 1 : Finances Communales
23-03/011 — Adoption du Compte Administratif 2022 de la Commune :
Le Conseil, ayant entendu l'exposé de son rapporteur, à l'unanimité des membres présents et représentés, adopte le compte administratif.
23-03/012 — Affectation du résultat 2022 :
Le Conseil, à la majorité (Pour : 21, Contre : 4), décide d'affecter 1 250 000 € à la section d'investissement.
Point n° 2 : Questions diverses
Monsieur le Maire informe le Conseil de la date de la prochaine fête patronale.
"""


def test_numbered_decisions_under_agenda_points(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, POINTS)
    assert parsed.document.issuer == "Commune de Corte" and parsed.document.date == "2023-03-20"
    records = parsed.deliberations
    assert [d.ref for d in records] == ["23-03/011", "23-03/012"]  # agenda points are not records
    assert records[0].title == "Adoption du Compte Administratif 2022 de la Commune"
    assert records[1].vote.pour == 21 and records[1].vote.contre == 4
    assert [a["value"] for a in records[1].amounts] == [1250000.0]


# paragraphs separated by blank lines, as a text export writes them
AGENDA = """\
COMMUNE DE MONTLOUIS

Procès-verbal de la séance du conseil municipal du 3 avril 2025

1. Budget primitif 2025

Le conseil municipal, après en avoir délibéré, adopte le budget primitif 2025 à l'unanimité.

2. Tarifs de la restauration scolaire

Le conseil municipal décide :
1. de fixer le prix du repas à 3,80 € ;
2. de fixer le prix du repas adulte à 6,00 €.
Adopté par 15 voix pour et 3 abstentions.

3. Rapport d'activité du syndicat des eaux

Présentation du rapport par le président du syndicat.
"""


def test_numbered_agenda_items_and_lists_inside_them(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, AGENDA)
    titles = [d.title for d in parsed.deliberations]
    assert titles == ["Budget primitif 2025", "Tarifs de la restauration scolaire"]
    tarifs = parsed.deliberations[1]
    assert (tarifs.vote.pour, tarifs.vote.abstention) == (15, 3)
    assert sorted(a["value"] for a in tarifs.amounts) == [3.8, 6.0]


DECISIONS = """\
Communauté d'agglomération du Pays de Grasse
Compte rendu du conseil communautaire du 30 septembre 2021
Décisions du Président prises par délégation :
N° DP 2021-312 du 15 septembre 2021 - Culture - Festival des jardins - Demande de subvention
Le Président décide : de solliciter une subvention de 12 000 € auprès de la Région.
N° DP 2021-313 du 17 septembre 2021 - Voirie - Marché de signalisation
Le Président décide : d'attribuer le marché pour 45 000 € HT.
"""


def test_decisions_of_the_president_each_with_its_own_date(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, DECISIONS)
    assert parsed.document.issuer == "Communauté d'agglomération du Pays de Grasse"
    assert parsed.document.body == "conseil communautaire"
    records = parsed.deliberations
    assert [(d.ref, d.date) for d in records] == [("DP 2021-312", "2021-09-15"), ("DP 2021-313", "2021-09-17")]
    assert records[0].title.startswith("Culture - Festival des jardins")
    assert [a["value"] for a in records[1].amounts] == [45000.0]


def test_a_convocation_gives_no_record(tmp_path: Path) -> None:
    text = (
        "COMMUNE D'AUDIERNE\nConvocation du conseil municipal\nLe conseil municipal se réunira le mercredi "
        "17 septembre 2025 à 18h30.\nOrdre du jour :\n1. Budget supplémentaire 2025\n2. Tarifs du port\n"
    )
    parsed = _parse(tmp_path, text)
    assert parsed.document.kind == "ordre_du_jour" and parsed.document.date == "2025-09-17"
    assert parsed.deliberations == ()


def test_minutes_with_no_item_warn_and_give_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "COMMUNE DE X\nCompte rendu du conseil municipal du 4 mai 2020\nLa séance est ouverte à 20 h.\n"
    parsed = _parse(tmp_path, text, "vide.txt")
    assert parsed.deliberations == ()
    assert any("vide.txt" in r.message and "no decided item" in r.message for r in caplog.records)


def test_prefectoral_order_letterhead(tmp_path: Path) -> None:
    text = (
        "PRÉFET DU VAL-DE-MARNE\nLiberté Égalité Fraternité\nARRÊTÉ N° 2015/1637\nportant modification des bureaux "
        "de vote\nLe Préfet du Val-de-Marne,\nVu le code électoral ;\nARRÊTE\nArticle 1 : Les bureaux de vote sont "
        "fixés comme suit.\nFait à Créteil, le 12 mai 2015\n"
    )
    parsed = _parse(tmp_path, text)
    doc = parsed.document
    assert doc.issuer == "Préfecture du Val-de-Marne" and doc.body == "préfet" and doc.kind == "arrete"
    assert doc.date == "2015-05-12"
    assert [d.ref for d in parsed.deliberations] == ["2015/1637"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("L'an deux mil quatorze, le vingt deux avril, à dix neuf heures trente", "2014-04-22"),
        ("Le vingt-huit septembre deux mil dix-sept à vingt heures trente minutes", "2017-09-28"),
        ("L'an deux mille quinze, le vingt-trois mai, le Conseil Municipal", "2015-05-23"),
        ("le premier mars deux mille vingt-quatre", "2024-03-01"),
        ("le 22 avril 2014", None),  # in figures: not this function's business
    ],
)
def test_dates_written_in_words(text: str, iso: str | None) -> None:
    assert date_in_words(text) == iso


def test_votes_in_every_written_form() -> None:
    cases = {
        "Votants : 15 – Pour : 13 – Contre : 1 – Abstention : 1": (13, 1, 1, False),
        "adopté par 12 voix pour et 3 abstentions": (12, None, 3, False),
        "Vote : 9 voix pour": (9, None, None, False),
        "par quinze voix pour et deux contre": (15, 2, None, False),
        "adopté à l'unanimité des membres présents": (None, None, None, True),
    }
    for text, (pour, contre, abstention, unanimite) in cases.items():
        v = read_vote(text)
        assert v is not None and (v.pour, v.contre, v.abstention, v.unanimite) == (pour, contre, abstention, unanimite)
    assert read_vote("un projet pour 5 ans contre la grêle") is None
    assert outcome_of("Le point est retiré de l'ordre du jour.") == "withdrawn"
    assert outcome_of("Le conseil décide d'ajourner ce point.") == "postponed"
    assert outcome_of("Le conseil prend acte de la communication.") == "noted"
    # more votes against than for: rejected, whatever words surround it
    assert (
        outcome_of("Il est procédé au vote : 3 pour, 7 contre, 3 abstentions.", vote=read_vote("3 pour, 7 contre"))
        == "rejected"
    )


def test_issuer_names_and_ids() -> None:
    assert display_name("LA CORNE-EN-VEXIN") == "La Corne-en-Vexin"
    assert display_name("Pont-Croix") == "Pont-Croix"
    assert issuer_key("Ville de Chéméré") == issuer_key("Commune de CHEMERE") == issuer_key("commune de Chemere (44)")
    canon = canonical_issuers(["Commune de CHEMERE", "Commune de Chéméré", "Commune de CHEMERE"])
    assert set(canon.values()) == {"Commune de Chéméré"}
    (stamp,) = actes_ids("ID : 029-200054724-20250228-DG2025_002-AR")
    assert (stamp.siren, stamp.date, stamp.nature) == ("200054724", "2025-02-28", "AR")
