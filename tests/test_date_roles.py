"""Which date a question asks among an act's paperwork dates (hand-built from French deliberation
extracts)."""

from greffier.search.date_roles import (
    ACT_FOR_RELATION,
    LEGAL_OTHER,
    STAMP_AGREES,
    STAMP_OTHER,
    act_date_factor,
    asked_stamp,
    role_factor,
    stamp_of,
)


def test_paperwork_labels_are_read_before_a_date() -> None:
    line = "Date de convocation : 28/10/2014 Date d'affichage : 05/11/2014"
    assert stamp_of(line[: line.index("28/10")]) == "convocation"
    assert stamp_of(line[: line.index("05/11")]) == "display"
    assert stamp_of("Transmis en préfecture le ") == "transmission"
    assert stamp_of("Accusé de réception en préfecture 060-216000000-20141105 Reçu le ") == "transmission"
    assert stamp_of("Publié le ") == "publication"
    # the meeting's and the decision's own dates
    assert stamp_of("L'an deux mille quatorze, le conseil municipal s'est réuni le ") is None
    assert stamp_of("VU la délibération du conseil municipal en date du ") is None


def test_the_question_says_which_paperwork_it_asks() -> None:
    assert asked_stamp("Quand les conseillers ont-ils été convoqués pour la séance du 4 novembre 2014 ?") == (
        "convocation"
    )
    assert asked_stamp("À quelle date le compte rendu a-t-il été affiché ?") == "display"
    assert asked_stamp("À quelle date le conseil a-t-il approuvé le plan local d'urbanisme ?") is None
    # "publique" is no publication
    assert asked_stamp("Quand s'est achevée la consultation publique sur le zonage ?") is None


def test_a_paperwork_date_answers_only_its_own_question() -> None:
    meeting = "À quelle date le conseil municipal a-t-il voté le budget primitif 2015 ?"
    assert role_factor(meeting, "Date d'affichage : ") == STAMP_OTHER
    assert role_factor(meeting, "Le conseil municipal, réuni en séance le ") == 1.0
    convoked = "Quand les conseillers ont-ils été convoqués ?"
    assert role_factor(convoked, "Convocation : ") == STAMP_AGREES
    assert role_factor(convoked, "Date d'affichage : ") == STAMP_OTHER
    assert role_factor(convoked, "séance du ") < 1.0


def test_the_date_of_a_cited_law_answers_no_question_on_the_act() -> None:
    adopted = "À quelle date le conseil municipal a-t-il approuvé le plan local d'urbanisme ?"
    assert role_factor(adopted, "Vu la loi n° 2015-991 du ") == LEGAL_OTHER
    assert role_factor(adopted, "Vu l'arrêté préfectoral en date du ") == LEGAL_OTHER
    assert role_factor(adopted, "Vu le décret n°2021-1234 du ") == LEGAL_OTHER
    # the deliberation the visas cite is the act asked about
    assert role_factor(adopted, "Vu la délibération du conseil municipal en date du ") == 1.0
    assert role_factor("De quand date la loi qui a créé la métropole ?", "Vu la loi n° 2014-58 du ") == 1.0


def test_the_acts_own_date_is_not_when_its_decision_holds_from() -> None:
    since = "À partir de quand les nouveaux tarifs de la cantine s'appliquent-ils ?"
    assert act_date_factor("since", since, "Par délibération en date du ") == ACT_FOR_RELATION
    assert act_date_factor("since", since, "lors de la séance du ") == ACT_FOR_RELATION
    assert act_date_factor("since", since, "applicables à compter du ") == 1.0
    # a question on the meeting itself, or one asking no "from when": no change
    assert act_date_factor("since", "Depuis quand la séance du conseil est-elle publique ?", "séance du ") == 1.0
    assert act_date_factor(None, "À quelle date les tarifs ont-ils été votés ?", "séance du ") == 1.0


def test_a_deadline_question_wants_the_date_after_its_deadline_words() -> None:
    from greffier.search.ask import _date_relation, _relation_agreement

    assert _date_relation("Quelle est la date limite de dépôt des candidatures ?") == "until"
    assert _relation_agreement("until", "Date limite de dépôt des offres : ") > 1.0
    assert _relation_agreement("until", "dossiers à remettre avant le ") > 1.0
    assert _relation_agreement("until", "lors de la séance du ") < 1.0


def test_the_date_of_an_amendment_is_not_the_date_of_the_act() -> None:
    from greffier.search.date_roles import AMENDMENT_OTHER, amendment_factor

    plan = "À quelle date le plan local d'urbanisme a-t-il été approuvé ?"
    assert amendment_factor(plan, " approuvant la modification simplifiée n°1 du Plan Local d'Urbanisme") == (
        AMENDMENT_OTHER
    )
    assert amendment_factor(plan, " approuvant le Plan Local d'Urbanisme d'Audierne, Vu") == 1.0
    change = "À quelle date la modification n°1 du plan local d'urbanisme a-t-elle été approuvée ?"
    assert amendment_factor(change, " approuvant la modification simplifiée n°1 du Plan Local d'Urbanisme") == 1.0
    assert role_factor(plan, "Vu l'arrêté du maire du ") == LEGAL_OTHER


def test_an_amendment_named_after_other_words_is_another_acts() -> None:
    from greffier.search.date_roles import amendment_factor

    lease = "Depuis quand la commune a-t-elle un bail avec TDF ?"
    assert amendment_factor(lease, ", puis un avenant au bail en date du 11 juin 2002.") == 1.0
