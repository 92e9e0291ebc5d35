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
        ("PREFECTURE DU VAL DE MAR NE", "Préfecture du Val-de-Marne"),  # a word split by the OCR
        ("Le préfet du Morbiham", "Préfecture du Morbihan"),  # a letter misread
        ("préfet de l Allicr", "Préfecture de l'Allier"),
    ],
)
def test_prefecture_named_by_its_departement(text: str, issuer: str) -> None:
    assert find_prefectures(text)[0].issuer == issuer


def test_no_prefecture_without_a_departement() -> None:
    assert find_prefectures("Le préfet, signé Louis LE FRANC") == []
    assert find_prefectures("Le préfet de police a été saisi") == []
    assert find_prefectures("le préfet de la zone de défense") == []
    assert find_prefectures("la préfète de la Marme") == []  # a short name must be read right
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
        "du conseil municipal du 3 mai 2021 ;\nARRETE\nArticle 1 : La circulation est interdite.\n"
        "Article 2 : Le présent arrêté sera publié au recueil des actes administratifs de la préfecture.\n"
        "Fait à Digne-les-Bains, le 15 juin "
        "2021\n"
    )
    parsed = _parse(tmp_path, text, "ap.txt")
    doc = parsed.document
    assert (doc.issuer, doc.kind, doc.body) == ("Préfecture des Alpes-de-Haute-Provence", "arrete", "préfet")
    assert doc.date == "2021-06-15"  # its signature
    ((rec,),) = [parsed.deliberations]
    assert (rec.ref, rec.title, rec.outcome) == (
        "04-2021-06-15-00003",
        "portant réglementation de la circulation",
        "ordered",
    )


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


# -- votes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "vote"),
    [
        ("ADOPTE A L UNANIMITE", (None, None, None, True)),  # OCR: accents and apostrophe lost
        ("adopté à l'una- nimité des membres présents", (None, None, None, True)),  # a word split at the line end
        ("adopté par 20 voix contre 3", (20, 3, None, False)),  # twenty for, three against
        ("adoptée par vingt-deux voix contre cinq", (22, 5, None, False)),
        ("Pour: 22 Contre : 5 Abstention(s) : 2", (22, 5, 2, False)),
        ("POUR = 22 CONTRE = 0", (22, 0, None, False)),
        ("Pour : 25 Contre : néant Abstention : 3", (25, 0, 3, False)),
        ("Votants Pour Contre Abstention\n29 22 5 2", (22, 5, 2, False)),  # a vote table, flattened
        ("Pour | Contre | Abstentions\n22 | 5 | 2", (22, 5, 2, False)),
        ("22 POUR 5 CONTRE 2 ABSTENTIONS", (22, 5, 2, False)),
        ("à la majorité par vingt-deux (22) voix pour et cinq (5) voix contre", (22, 5, None, False)),
        ("M. X ne prend pas part au vote. Adopté à l'unanimité des votants.", (None, None, None, True)),
        ("Adopté à la majorité avec 22 voix Pour", (22, None, None, False)),
        ("adopté à l’unanimlté", (None, None, None, True)),  # OCR: l read as i, é as 6, 0 as o
        ("ADOPTE A L UNANIMIT6", (None, None, None, True)),
        ("avec 22 vo1x P0ur et 3 abstent1ons", (22, None, 3, False)),
        # those who abstained named by the verb (ninth session)
        ("Ont voté pour : 18 Ont voté contre : 2 Se sont abstenus : 3", (18, 2, 3, False)),
        ("Pour : 12 Contre : 1 S'abstiennent : 2", (12, 1, 2, False)),
        # "et" starts the next count: twelve against, five for (not twelve for)
        ("le conseil rejette la motion par 12 voix contre et 5 voix pour", (5, 12, None, False)),
    ],
)
def test_vote_forms(text: str, vote: tuple) -> None:
    from greffier.extract.votes import read_vote

    v = read_vote(text)
    assert v is not None and (v.pour, v.contre, v.abstention, v.unanimite) == vote


def test_a_decision_to_defer_is_postponed() -> None:
    from greffier.extract.votes import outcome_of

    # the power to defer requests that a PLU's prescription gives is no deferral of the item
    plu = "prescrit la révision du PLU ; le maire pourra surseoir à statuer sur les demandes d'autorisation"
    assert outcome_of(f"Le conseil municipal {plu}, adopte à l'unanimité.") == "adopted"
    assert outcome_of("Le conseil municipal décide de reporter ce point à une séance ultérieure.") == "postponed"
    assert outcome_of("Le conseil municipal décide d'approuver le report de la date limite.") == "adopted"


def test_no_vote_in_prose() -> None:
    from greffier.extract.votes import read_vote

    assert read_vote("un projet pour 5 ans contre la grêle") is None
    assert read_vote("Le conseil prend acte du rapport.") is None


# -- decisions under delegation, amounts -----------------------------------------------------------
DELEGATION = """\
Commune de SAINT-PÈRE
Compte rendu du conseil municipal du 7 juillet 2015
DE-2015/58 – Informations sur la délégation du Maire Monsieur le Maire, rapporteur, expose :
suite à la délibération n°2014/33, il est rendu compte, conformément à l'article L 2122-23 du Code général des
collectivités territoriales, des décisions prises par Monsieur le Maire dans le cadre de cette délégation.
Date du marché Titulaire Objet du marché Montant en H.T.
20/05/15 DELESTRE INDUSTRIE (49280 LA SEGUINIERE) Contrat d'entretien annuel du chauffage 985,00 €
21/05/15 GARAGE GARRIOU (44680 CHEMERE) 1 Renault Master + carte grise 9 924,50 €
Information sur la délégation du maire relative au droit de préemption urbain (DPU)
Année N° dossier Adresse du bien Section N° Superficie totale Préemption
2015 16 17 rue des Vignes d'Hivert G 3208 429 Non
2015 20 14 rue du Breil G 980, 986 1121 Non
Le Conseil municipal prend acte des décisions prises par Monsieur le Maire dans le cadre de cette délégation.
DE-2015/59 – Budget Commune 2015 : Décision modificative n°2
Monsieur le Maire présente la DM n°2. Cette DM n°2 s'équilibre, tant en recettes qu'en dépenses, de la façon suivante :
• Section de fonctionnement 13 712,00 €
• Section d'investissement : 36 976,00 €
Article Dépenses Recettes D 023 13 712,00 € R 6419 6 231,00 € R 6459 160,00 € D 2111 20 639,00 € R 10223 23 264,00 €
Le Conseil municipal adopte à l'unanimité la DM n°2 telle qu'elle a été présentée.
DE-2015/60 – Rue du Moulin : Travaux Monsieur le Maire, rapporteur, expose :
le coût des travaux est estimé aux environs de 6 254,50 € H.T.
Le Conseil municipal décide à l'unanimité de lancer une consultation des entreprises.
"""


def test_delegation_report_rows_budget_balance_and_estimates(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, DELEGATION, "cr.txt")
    recs = {d.title: d for d in parsed.deliberations}
    note = recs["Informations sur la délégation du Maire"]
    assert note.outcome == "noted" and note.amounts == ()  # the amounts are the rows'
    row = recs["Contrat d'entretien annuel du chauffage"]
    assert (row.body, row.date, [a["value"] for a in row.amounts]) == ("maire", "2015-05-20", [985.0])
    assert recs["1 Renault Master + carte grise"].date == "2015-05-21"
    # each pre-emption the mayor waived is a decision of its own
    dpu = [d.title for d in parsed.deliberations if d.title.startswith("Droit de préemption")]
    assert dpu == [
        "Droit de préemption urbain 2015 n°16 – 17 rue des Vignes d'Hivert (G 3208)",
        "Droit de préemption urbain 2015 n°20 – 14 rue du Breil (G 980, 986)",
    ]
    # a budget decision sets the balance of its sections, not each line of its table
    dm = recs["Budget Commune 2015 : Décision modificative n°2"]
    assert sorted(a["value"] for a in dm.amounts) == [13712.0, 36976.0]
    # an estimate in the exposé that the decision does not take up is no amount the council sets
    assert recs["Rue du Moulin : Travaux"].amounts == ()


# -- one deliberation extract ------------------------------------------------------------------
EXTRACT = """\
VILLE DE MONTARGIS
EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL
Séance du lundi 16 décembre 2013
Délibération n° 2013/456
Objet : Attribution de subventions aux associations sportives
Le Conseil municipal, après en avoir délibéré, décide d'attribuer les subventions suivantes :
1. Association Football Club : 2 000 €
2. Association Tennis Club : 1 500 €
3. Association Judo : 800 €
Pour : 30 Contre : 3 Abstentions : 2
Pour extrait conforme, le Maire
"""


def test_an_extract_is_one_act_whatever_its_numbered_lines(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, EXTRACT, "extrait.txt")
    assert (parsed.document.kind, parsed.document.date) == ("deliberation", "2013-12-16")
    ((rec,),) = [parsed.deliberations]  # not one record per line of its list
    assert (rec.ref, rec.title) == ("2013/456", "Attribution de subventions aux associations sportives")
    assert (rec.vote.pour, rec.vote.contre, rec.vote.abstention) == (30, 3, 2)
    assert sorted(a["value"] for a in rec.amounts) == [800.0, 1500.0, 2000.0]


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        (
            "Rapport annuel sur le prix et la qualité du service\nNom de la collectivité : Commune de RULLY\n",
            "Commune de Rully",
        ),
        ("1.1 Présentation du territoire desservi\nCollectivité : JONS\nCaractéristiques", "Commune de Jons"),
    ],
)
def test_issuer_from_a_form_field(text: str, issuer: str) -> None:
    from greffier.extract.identity import detect_issuer

    found = detect_issuer(text, text)
    assert found is not None and found.issuer == issuer


def test_meeting_date_with_an_ocr_split_day() -> None:
    from greffier.extract.metadata import _meeting_date

    assert _meeting_date("CONSEIL MUNICIPAL\nSéance du 1 6 décembre 2013\n", "x.pdf", []) == "2013-12-16"


def test_scdl_rows_of_minutes(tmp_path: Path) -> None:
    from greffier.extract.scdl import scdl_row

    parsed = _parse(tmp_path, DELEGATION, "cr.txt")
    doc = parsed.document
    rows = [scdl_row(d, doc, issuer="Commune de Saint-Père") for d in parsed.deliberations]
    assert all(r["DELIB_ID"] and r["COLL_NOM"] == "Commune de Saint-Père" for r in rows)
    by_object = {r["DELIB_OBJET"]: r for r in rows}
    assert by_object["Budget Commune 2015 : Décision modificative n°2"]["DELIB_ID"] == "DE-2015/59"
    # a decision with no printed number: an id from issuer, date and object, the same at every export
    row = by_object["Contrat d'entretien annuel du chauffage"]
    again = scdl_row(
        next(d for d in parsed.deliberations if d.title == row["DELIB_OBJET"]), doc, issuer=row["COLL_NOM"]
    )
    assert row["DELIB_ID"].startswith("GRF-20150520-") and again["DELIB_ID"] == row["DELIB_ID"]
    extract = _parse(tmp_path, EXTRACT, "extrait.txt")
    (r,) = [scdl_row(d, extract.document) for d in extract.deliberations]
    assert (r["VOTE_POUR"], r["VOTE_CONTRE"], r["VOTE_ABSTENTION"], r["VOTE_REEL"]) == (30, 3, 2, 35)
    assert r["DELIB_DATE"] == "2013-12-16" and r["COLL_NOM"] == "Commune de Montargis"


def test_acts_of_a_recueil_titled_by_their_date_and_a_letter_spaced_operative(tmp_path: Path) -> None:
    text = (
        "RECUEIL DES ACTES ADMINISTRATIFS N° 10-2019-012 du 15 mars 2019\nPréfecture de l'Aube\n"
        "Arrêté du 5 mars 2019 portant autorisation de pêche\nLe préfet de l'Aube, Vu le code ;\nARRETE\n"
        "Article 1er : La pêche est autorisée.\n"
        "ARRÊTÉ PRÉFECTORAL du 8 mars 2019 n° 2019-12 portant modification des statuts\n"
        "Le préfet de l'Aube, Vu le code ;\nA R R E T E\nArticle 1 : Les statuts sont modifiés.\n"
    )
    parsed = _parse(tmp_path, text, "raa.txt")
    assert (parsed.document.kind, parsed.document.date) == ("recueil", "2019-03-15")
    got = [(d.ref, d.title, d.date, d.outcome) for d in parsed.deliberations]
    assert got == [
        (None, "portant autorisation de pêche", "2019-03-05", "ordered"),
        ("2019-12", "portant modification des statuts", "2019-03-08", "ordered"),
    ]


@pytest.mark.parametrize(
    ("text", "operative"),
    [
        ("VU le code ;\nARRÊTE\nArticle 1 : …", True),
        ("Considérant … ARRÊTE :", True),
        ("A R R E T E\nArticle 1er", True),
        ("ARRETE\nN° 2019-12\nportant …", False),  # a title whose accents the OCR lost
        ("ARRETE PREFECTORAL N° 12", False),
        ("ARRETE DE CESSIBILITE", False),
    ],
)
def test_operative_word_of_an_order(text: str, operative: bool) -> None:
    from greffier.extract.acts import ORDER_OPERATIVE

    assert bool(ORDER_OPERATIVE.search(text)) is operative


def test_an_order_known_by_its_operative_word(tmp_path: Path) -> None:
    """No title the kind patterns know ('Le Maire de la commune de X' then 'Vu' and 'ARRÊTE'):
    still an order, and never a deliberation."""
    text = (
        "COMMUNE DE PLOGOFF\nLe Maire de la commune de Plogoff,\nVu le code général des collectivités ;\n"
        "Considérant la tenue du marché ;\nARRÊTE\nArticle 1 : La circulation est interdite place de la mairie.\n"
        "Fait à Plogoff, le 3 juin 2024\n"
    )
    doc = _parse(tmp_path, text, "a.txt").document
    assert (doc.kind, doc.issuer, doc.date) == ("arrete", "Commune de Plogoff", "2024-06-03")


REGISTER_2009 = """\
Commune de SAINT-PÈRE
Compte rendu du conseil municipal du 24 juin 2009
2009/85 – Délégations de pouvoirs « Marchés publics » : Information Monsieur le Maire rend compte \
des décisions prises.
Date du marché Société Objet du marché Montant H.T.
17/06/09 ECR (44840 LES SORINIERES) Etude géotechnique 2 350,00 € 2009/86 – Pass foncier Monsieur le Maire, \
rapporteur, expose :
la commune s'engagerait à verser une somme de 3 000,00 €. Le Conseil municipal décide à l'unanimité \
d'adhérer au dispositif.
2009/87 – Représentants des syndicats Monsieur le Maire, rapporteur, expose :
Le Conseil municipal, après en avoir délibéré, détermine ses représentants comme suit : M. X, Mme Y.
2009/89 – Fonds de concours communautaire Monsieur le Maire, rapporteur, expose :
OBJET : Projet d'équipement communal structurant.
Le Conseil municipal, par 16 voix « Pour » et 1 « Contre », sollicite le fonds de concours.
2009/90 – Liste annuelle des marchés conclus en 2008 Monsieur le Maire présente la liste des marchés.
"""


def test_register_numbers_glued_to_a_row_objet_lines_and_decisions_in_other_words(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, REGISTER_2009, "cr.txt")
    by_ref = {d.ref: d for d in parsed.deliberations if d.ref}
    # "… 2 350,00 € 2009/86 – Pass foncier": the row ends, the deliberation starts
    assert by_ref["2009/86"].title == "Pass foncier" and by_ref["2009/86"].vote.unanimite
    # "détermine ses représentants" is a decision though it says neither "décide" nor "adopte"
    assert by_ref["2009/87"].title == "Représentants des syndicats"
    # "OBJET : …" inside a numbered deliberation is its subject, not another record
    assert by_ref["2009/89"].vote.pour == 16 and by_ref["2009/89"].vote.contre == 1
    assert not any(d.title.startswith("Projet d'équipement") for d in parsed.deliberations)
    # an information point the register numbers, with no decision, is no record
    assert "2009/90" not in by_ref and "2009/85" not in by_ref


def test_vote_labels_and_figures_without_colons() -> None:
    from greffier.extract.votes import read_vote

    v = read_vote("VOTE : POUR 29 CONTRE 0 ABSTENTION 0")
    assert v is not None and (v.pour, v.contre, v.abstention) == (29, 0, 0)
    v = read_vote("Pour 22 - Contre 5 - Abst. 2")
    assert v is not None and (v.pour, v.contre, v.abstention) == (22, 5, 2)


def test_minutes_quoting_an_order_stay_minutes(tmp_path: Path) -> None:
    text = (
        "COMMUNE DE PLOGOFF\nCompte rendu du conseil municipal du 3 juin 2024\n"
        "1. Règlement du marché Monsieur le Maire donne lecture de son arrêté : Vu le code ; ARRÊTE :\n"
        "Article 1 : Le marché se tient le mardi.\nLe conseil municipal, à l'unanimité, approuve le règlement.\n"
        "2. Tarifs des droits de place Le conseil municipal décide à l'unanimité de fixer le tarif à 2,00 € le mètre.\n"
    )
    doc = _parse(tmp_path, text, "cr.txt").document
    assert doc.kind == "proces_verbal" and doc.date == "2024-06-03"


def test_the_prefecture_a_document_is_sent_to_is_not_its_issuer() -> None:
    assert find_prefectures("Reçu en préfecture du Finistère le 12/03/2024") == []
    assert find_prefectures("délibération transmise à la préfecture des Bouches-du-Rhône") == []
    assert [m.issuer for m in find_prefectures("Recueil des actes administratifs de la préfecture de l'Aube")] == [
        "Préfecture de l'Aube"
    ]


def test_signature_date_stamped_on_the_next_line_and_split_by_the_ocr() -> None:
    from greffier.extract.metadata import _signature_date

    assert _signature_date("Fait à Créteil, le\n2 8 AOUT 2014\nLe Préfet,") == "2014-08-28"
    assert _signature_date("Reçu en préfecture le 3 septembre 2014\nFait à Créteil, le 28 août 2014") == "2014-08-28"


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("Rapport annuel\nCommune : GENOUILLY\n", "Commune de Genouilly"),
        ("Nom de la commune : Brillac\n", "Commune de Brillac"),
    ],
)
def test_issuer_from_a_commune_field(text: str, issuer: str) -> None:
    from greffier.extract.identity import detect_issuer

    found = detect_issuer(text, text)
    assert found is not None and found.issuer == issuer


def test_a_field_label_inside_a_sentence_names_no_issuer() -> None:
    from greffier.extract.identity import detect_issuer

    # Audierne's consultation on the commune's name (regression: "Commune de Quelle")
    text = (
        "CONSULTATION OUVERTE DE LA POPULATION\nPROCES-VERBAL\nLe conseil municipal souhaite recueillir votre "
        "avis sur un potentiel changement de nom de la commune :\nQuelle serait votre préférence ?\n"
        "DATE et lieu du dépouillement : LUNDI 28 AVRIL A 19H EN MAIRIE D'AUDIERNE"
    )
    found = detect_issuer(text, text)
    assert found is not None and found.issuer == "Commune d'Audierne"


def test_a_register_row_is_not_the_header() -> None:
    from greffier.extract.identity import detect_issuer

    # an OCR'd list of deliberations whose letterhead lost its first word: the syndicate of row 3
    # is a decision's subject, not the issuer (regression)
    text = (
        "De Pierrefonds\nLISTE DES DÉLIBÉRATIONS SÉANCE DU CONSEIL MUNICIPAL DU 27 JANVIER 2026\n"
        "2026 _001 Débat sur le Projet d'Aménagement Stratégique Actée\n"
        "2026 _003 Révision des statuts du Syndicat d’Énergie de l’Oise Approuvée\n"
    )
    found = detect_issuer(text, text)
    assert found is None or "Syndicat" not in found.issuer
