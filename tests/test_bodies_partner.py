"""A body written as the partner of the one acting does not answer who acted (hand-built report text)."""

from greffier.search.bodies import PARTNER_FACTOR, partner_factor


def test_a_partner_is_not_who_acted() -> None:
    who = "Quelle direction a conduit l'étude sur le schéma directeur des eaux pluviales ?"
    sentence = "La Direction de l'Assainissement a conduit l'étude, en lien avec la "
    assert partner_factor(who, sentence) == PARTNER_FACTOR
    assert partner_factor(who, "avec l'appui de l'") == PARTNER_FACTOR
    assert partner_factor(who, "Cette année, la ") == 1.0


def test_a_question_asking_the_partner_keeps_it() -> None:
    assert partner_factor("Avec quel organisme la commune a-t-elle conduit l'étude ?", "en partenariat avec l'") == 1.0
