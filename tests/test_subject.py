"""A question's subject words and whether an answer's evidence names them (hand-built minutes text)."""

from greffier.search.evidence import Weigher
from greffier.search.question import parse_question
from greffier.search.subject import rarest_found, subject_fields, subject_weights


def _weigher() -> Weigher:
    # every minutes page writes the generic words; the subject words are rarer
    df = {"lilas": 1, "terrai": 2, "vente": 8, "rue": 50}
    return Weigher(lambda w: [w.lower()[:6]] if len(w) > 2 else [], lambda s: df.get(s, 600), 1000)


def test_the_subject_leaves_out_what_every_act_writes() -> None:
    wg = _weigher()
    q = parse_question("À quelle date le conseil municipal a-t-il approuvé la vente du terrain rue des Lilas ?", 2020)
    weights = subject_weights(wg, q)
    assert "lilas" in weights and "terrai" in weights and weights["lilas"] > weights["vente"]
    assert not {"conseil", "munici", "approu", "date"} & set(weights)


def test_another_decision_of_the_meeting_does_not_hold_the_subject() -> None:
    wg = _weigher()
    q = parse_question("Le conseil municipal a-t-il approuvé la vente du terrain rue des Lilas ?", 2020)
    other = "Le conseil municipal, après en avoir délibéré, approuve le budget primitif de l'assainissement."
    own = "Le conseil municipal approuve la vente du terrain communal situé rue des Lilas à M. Durand."
    assert subject_fields(wg, q, other) == {"subject": 0.0, "subject_rare": 0.0}
    fields = subject_fields(wg, q, own)
    assert fields["subject"] is not None and fields["subject"] > 0.9 and fields["subject_rare"] == 1.0
    # the two rarest words name the decision: "terrain" alone is another sale
    assert rarest_found(wg, subject_weights(wg, q), "la vente du terrain de football") == 0.5
