"""Votes read from the minutes' text (greffier.search.decisions), on text written as French minutes are."""

from __future__ import annotations

import pytest

from greffier.search.decisions import casting_vote, decisions_of_text
from greffier.search.votes import is_vote_question, vote_value

_TIE = (
    "• DE-2014/104 – Taxe d’aménagement : Exonération facultative de la part communale des abris de "
    "jardin\n"
    "Il est procédé à un vote à main levée. Il ressort de ce vote, les résultats suivants :\n"
    "• 8 voix « Pour »,\n"
    "• 8 voix « Contre »,\n"
    "• 3 « Abstention ».\n"
    "La voix de Monsieur le Maire étant prépondérante (« Contre »), le Conseil municipal, après en avoir "
    "délibéré, décide à la majorité des membres présents de ne pas exonérer les abris de jardin.\n"
    "Accusé de réception en préfecture 044-214400400-Date de télétransmission :\n"
    "• DE-2014/105 – Rue des Orvaults : Problème d’arbres Monsieur le Maire, rapporteur, informe les "
    "membres du Conseil municipal que des riverains se plaignent.\n"
    "Le Conseil municipal, après en avoir délibéré, décide à l’unanimité des membres présents d’élaguer "
    "les platanes.\n"
)

_TWO_IN_ONE = (
    "Le Conseil municipal, après avoir pris connaissance de la proposition de la commission « "
    "Communication » et délibéré, décide :\n"
    "• à l’unanimité des membres présents, d’attribuer le nom suivant à la salle multifonctions « Salle "
    "Ellipse »,\n"
    "• à la majorité des membres présents (12 voix « Pour » et 1 « Contre »), d’attribuer le nom suivant "
    "à la rue desservant la salle « Impasse du Lavoir ».\n"
)


def test_a_tie_follows_the_chairs_casting_vote_and_bullet_lines_make_one_vote() -> None:
    found = decisions_of_text("cm", 12, _TIE)
    assert len(found) == 2
    tie, trees = found
    assert (tie.vote.pour, tie.vote.contre, tie.vote.abstention) == (8, 8, 3)
    assert tie.outcome == "rejected"
    assert "abris de jardin" in tie.context and "platanes" not in tie.context  # bounded by the next act
    assert trees.vote.unanimite and trees.outcome == "adopted"
    assert "abris" not in trees.context


def test_two_decisions_of_one_act_keep_their_own_votes() -> None:
    ellipse, lavoir = decisions_of_text("cm", 11, _TWO_IN_ONE)
    assert ellipse.vote.unanimite and "Ellipse" in ellipse.own
    assert (lavoir.vote.pour, lavoir.vote.contre, lavoir.vote.unanimite) == (12, 1, False)
    assert "Impasse du Lavoir" in lavoir.own and "Ellipse" not in lavoir.own


def test_more_against_than_for_is_rejected_and_a_majority_for_is_adopted() -> None:
    text = (
        "Une administrée demande la pose d’un miroir. Par 3 voix « Pour », 7 voix « Contre » et 3 « Abstention », "
        "le Conseil municipal, après en avoir délibéré, décide à la majorité de ne pas poser de miroir.\n"
        "Les membres du Conseil municipal, après en avoir délibéré et voté, avec 16 voix « Pour », 1 voix « Contre » "
        "et 2 abstentions :\n• de fixer le taux de l’indemnité du maire à 17 % de l’indice 1015 ;\n"
    )
    mirror, pay = decisions_of_text("cm", 13, text)
    assert mirror.outcome == "rejected"
    assert pay.outcome == "adopted" and (pay.vote.pour, pay.vote.contre, pay.vote.abstention) == (16, 1, 2)


def test_casting_vote_side() -> None:
    assert casting_vote("La voix du Président étant prépondérante (« Pour »)") == "pour"
    assert casting_vote("voix prépondérante du maire") is None


@pytest.mark.parametrize(
    ("question", "vote"),
    [
        ("Le conseil a-t-il voté la hausse des taux d'imposition pour 2012, et avec quel vote ?", True),
        ("Le conseil a-t-il accepté, le 4 novembre 2014, d'exonérer les abris de jardin ?", True),
        ("Le conseil a-t-il fixé les indemnités du maire le 22 avril 2014 ?", True),
        ("Le nom « Impasse du Lavoir » a-t-il été adopté le 20 février 2013 ?", True),
        ("Les élus ont-ils donné suite à la demande d'une administrée ?", True),
        ("Le conseil s'est-il prononcé favorablement sur la poursuite du projet ?", True),
        ("Quelle subvention le conseil a-t-il accordée à l'ADMR ?", False),
        ("Quel montant le conseil a-t-il voté pour la voirie ?", False),
    ],
)
def test_vote_questions_in_their_phrasings(question: str, vote: bool) -> None:
    assert is_vote_question(question) is vote


def test_a_decision_not_to_do_what_was_asked_is_no_approval() -> None:
    text = (
        "• DE-2016/031 – Demande de subvention du club de tennis\n"
        "Monsieur le Maire présente la demande du club de tennis pour la réfection des courts.\n"
        "Par 12 voix « Pour » et 2 « Abstention », le Conseil municipal, après en avoir délibéré, décide de ne pas "
        "donner suite à cette demande.\n"
        "• DE-2016/032 – Tarifs de la cantine\n"
        "Le Conseil municipal, après en avoir délibéré, décide à l’unanimité de fixer le prix du repas à 3,10 €.\n"
        "• DE-2016/033 – Projet éolien\n"
        "Le Conseil municipal, à l’unanimité, émet un avis défavorable au projet de parc éolien.\n"
    )
    refused, canteen, wind = decisions_of_text("cm", 3, text)
    assert refused.outcome == "refused" and (refused.vote.pour, refused.vote.abstention) == (12, 2)
    assert canteen.outcome == "adopted"
    assert wind.outcome == "refused"
    assert vote_value(refused.outcome, refused.vote)["approved"] is False
    assert vote_value(canteen.outcome, canteen.vote)["approved"] is True


@pytest.mark.parametrize(
    "question",
    [
        "Le conseil municipal a-t-il approuvé le maintien des taux d'imposition en 2015, et avec quelle majorité ?",
        "Comment s'est réparti le vote sur les indemnités de fonction du maire le 22 avril 2014 ?",
        "Comment la modification n°2 du PLU a-t-elle été votée le 9 juillet 2025 ?",
    ],
)
def test_how_a_decision_was_voted_is_a_vote_question(question: str) -> None:
    assert is_vote_question(question)


def test_how_a_service_is_run_is_no_vote_question() -> None:
    assert not is_vote_question("Comment est géré le service d'assainissement collectif : en régie ou en délégation ?")


def test_unanimity_and_its_tally_are_one_vote() -> None:
    text = (
        "2023-45 – Vente d'un terrain communal rue des Lilas\n"
        "Le Conseil Municipal, après en avoir délibéré, à l'unanimité,\nAUTORISE le maire à signer l'acte de vente.\n"
        "Votants : 15\nPour : 15\nContre : 0\nAbstention : 0\n"
        "2023-46 – Tarifs de la cantine\nLe Conseil Municipal, après en avoir délibéré,\n"
        "Pour : 12 Contre : 3 Abstention : 0\nFIXE le prix du repas à 3,20 €.\n"
    )
    sale, canteen = decisions_of_text("cm", 4, text)
    assert (sale.vote.pour, sale.vote.contre, sale.vote.abstention, sale.vote.unanimite) == (15, 0, 0, True)
    assert "terrain" in sale.context and sale.outcome == "adopted"
    assert (canteen.vote.pour, canteen.vote.contre, canteen.vote.unanimite) == (12, 3, False)


def test_a_question_on_a_refusal_or_a_freeze_is_answered_yes_by_it() -> None:
    from greffier.search.decisions import ASKS_REFUSAL

    assert ASKS_REFUSAL.search("Le conseil a-t-il approuvé le maintien des taux d'imposition en 2015 ?")
    assert ASKS_REFUSAL.search("Le conseil a-t-il décidé de ne pas augmenter les tarifs ?")
    assert ASKS_REFUSAL.search("Le conseil n'a-t-il pas refusé la demande du club ?")
    assert not ASKS_REFUSAL.search("Le conseil a-t-il approuvé la vente du terrain rue des Lilas ?")


def test_a_refusal_is_read_in_the_decision_not_in_the_next_item() -> None:
    text = (
        "1 – Vente du terrain rue des Lilas\nLe conseil municipal autorise la vente du terrain.\n"
        "Adopté à l'unanimité.\n"
        "2 – Demande du club de tennis\nLe conseil municipal refuse la demande du club de tennis.\n"
        "Adopté par 10 voix pour et 2 contre.\n"
        "3 – Projet de lotissement\nLe Conseil municipal, par 12 voix pour, décide :\n"
        "• de ne pas donner suite au projet de lotissement ;\n"
        "4 – Voirie\nLe Conseil municipal ne s'oppose pas au projet, adopté à l'unanimité.\n"
    )
    sale, club, estate, road = decisions_of_text("cm", 2, text)
    assert sale.outcome == "adopted"  # the next item's "refuse" is not its own
    assert club.outcome == "adopted"  # a refusal before a closing statement is not read: the safe side
    assert estate.outcome == "refused"
    assert road.outcome == "adopted"


def test_a_tally_in_bullets_whose_last_line_runs_on_into_the_decision() -> None:
    # Chéméré, CM 23 mars 2010 p.5: the abstentions' bullet goes on with the decision's sentence
    from greffier.search.decisions import _statements

    text = (
        "Il ressort de ce vote les résultats suivants :\n• “Pour” : 10\n• “Contre”: 1\n"
        "• “Abstention”: 5 Le Conseil municipal, après en avoir délibéré, décide à la majorité des membres "
        "présents d’émettre un avis favorable à ce projet d’aménagement de la journée scolaire."
    )
    [(_, _, vote)] = _statements(text)
    assert (vote.pour, vote.contre, vote.abstention) == (10, 1, 5)


def test_a_unanimous_vote_counts_every_voter_the_minutes_give() -> None:
    # tune6 t6-073 (Audierne, 9 July 2025): "à l'unanimité", and "Votants : 28" on the first page
    from greffier.extract.votes import Vote
    from greffier.search.votes import vote_value

    unanimous = Vote(pour=None, contre=None, abstention=None, unanimite=True, votants=None, effectif=None)
    assert vote_value("adopted", unanimous, 28)["pour"] == 28
    assert vote_value("adopted", unanimous)["pour"] is None  # no number given: none invented
    with_own = Vote(pour=None, contre=None, abstention=None, unanimite=True, votants=15, effectif=19)
    assert vote_value("adopted", with_own, 28)["pour"] == 15  # the vote's own count first
    split = Vote(pour=None, contre=None, abstention=2, unanimite=True, votants=28, effectif=28)
    assert vote_value("adopted", split)["pour"] is None  # "unanimité des suffrages exprimés", 2 abstentions
