"""A question's premises (greffier.search.premises): the places and years it names, checked against
the document its answer comes from, on text written as council minutes write it."""

import re

from greffier.search.calibration import calibrated
from greffier.search.premises import (
    asked_places,
    asked_references,
    asked_years,
    missing_reference,
    other_issuer,
    other_meeting,
    premise_missing,
)

# a page of Chéméré's minutes, as its PDF text layer reads
MINUTES = (
    "COMMUNE DE CHEMERE\nSéance du 10 juillet 2012\n"
    "Objet : Salle multifonctions – Réalisation des emprunts\n"
    "Par 13 voix « Pour » et 2 « Abstention », le Conseil municipal, après en avoir délibéré, décide à la "
    "majorité des membres présents :• de réaliser l’emprunt auprès du Crédit Agricole Atlantique Vendée"
)


def test_the_names_a_question_writes_with_capitals_inside_its_sentence() -> None:
    q = "Le 23 mars 2010, le conseil municipal de Saint-Pardoux-la-Rivière a-t-il approuvé la hausse des taux ?"
    assert asked_places(q) == ("saint", "pardoux", "riviere")
    assert asked_places("Le nom « Impasse du Lavoir » a-t-il été adopté à Chéméré ?") == (
        "impasse",
        "lavoir",
        "chemere",
    )
    # titles, bodies, months and the sentence's first word are no names
    assert asked_places("Quand le Conseil municipal a-t-il voté en Juillet ? Donnez le détail du vote.") == ()
    assert asked_places("Le conseil municipal d'Audierne a-t-il approuvé le PLU ?") == ("audierne",)
    assert asked_years("Lors de la séance du 10 juillet 2012, pour 2013 ?") == (2012, 2013)


def test_an_answer_from_another_communes_minutes_misses_the_place_asked() -> None:
    asked = "Lors de la séance du 10 juillet 2012, le conseil municipal de Plougrescant a-t-il approuvé les emprunts ?"
    why = premise_missing(asked, MINUTES, 2012, "Commune de Chemere")
    assert why is not None and "plougrescant" in why
    # the commune asked about, written with its accents in the question, plain in the issuer
    own = asked.replace("Plougrescant", "Chéméré")
    assert premise_missing(own, MINUTES, 2012, "Commune de Chemere") is None


def test_an_answer_from_a_document_of_another_year_misses_the_year_asked() -> None:
    asked = "Auprès de quel organisme Chéméré a-t-il contracté l'emprunt de la salle multifonctions en juillet 2004 ?"
    why = premise_missing(asked, MINUTES, 2012, "Commune de Chemere")
    assert why is not None and "2004" in why
    assert premise_missing(asked.replace("2004", "2012"), MINUTES, 2012, "Commune de Chemere") is None
    # a decision of the year before, minuted in a document of the next year, keeps its answer
    assert premise_missing(asked.replace("2004", "2011"), MINUTES, 2012, "Commune de Chemere") is None
    # a year the document writes, whatever the document's own year
    assert premise_missing(asked.replace("2004", "2012"), MINUTES, 2015, "Commune de Chemere") is None


def test_a_missing_premise_withholds_the_answer_and_shows_it() -> None:
    row = {
        "question": "Le conseil de Plougrescant a-t-il approuvé les emprunts ?",
        "kind": "vote",
        "years": [None, None],
        "answer": "adopté (13 pour, 2 abstention(s))",
        "value": {"approved": True, "pour": 13},
        "confidence": 0.8,
        "subject": 0.9,
    }
    out = calibrated(row, "its document never writes plougrescant, which the question names")
    assert out["answer"] is None and "plougrescant" in out["reason"]
    assert out["candidates"][0]["value"] == {"approved": True, "pour": 13}
    assert calibrated(row) is row


def test_a_brand_in_mixed_case_is_no_place_and_a_folder_names_a_document_printing_no_issuer() -> None:
    assert asked_places("Quelle direction a mis en place l'offre PayFip utilisée par la régie ?") == ()
    q = "Quelles entreprises Chéméré a-t-il retenues en 2012 pour rénover la maison de la gare ?"
    page = "LOGEMENT D'URGENCE : Après consultation pour rénover la maison de la gare, sont retenues les entreprises"
    assert premise_missing(q, page, 2012, None) is not None
    assert premise_missing(q, "/corpus/chemere/Subventions 2012.pdf " + page, 2012, None) is None


def _weigher(passages: list[str]):
    from greffier.extract.headings import fold
    from greffier.search.evidence import Weigher

    def analyze(word: str) -> list[str]:
        return [fold(word)[:7]] if len(word) > 2 else []

    def doc_freq(stem: str) -> int:
        return sum(1 for p in passages if any(analyze(w) == [stem] for w in re.findall(r"\w+", p)))

    return Weigher(analyze, doc_freq, len(passages))


def test_a_thing_named_by_a_word_no_passage_writes_is_not_in_the_corpus() -> None:
    from greffier.search.premises import unknown_things

    wg = _weigher(
        [
            "la commission des finances, réunie le 26 mars dernier, propose au Conseil de voter les taux",
            "Une session de visites est organisée sur site le 08 octobre 2025 de 14h à 15h",
            "les effluents de Plouhinec et Audierne sont traités à la station d'épuration intercommunale",
            "le projet de salle multifonctions",
        ]
    )
    asked = "Quel jour la commission des finances s'est-elle réunie pour le projet de skatepark ?"
    assert unknown_things(wg, asked) == ("skatepark",)
    assert unknown_things(wg, "Quel jour la commission des finances s'est-elle réunie pour voter les taux ?") == ()
    # a verb the corpus never writes is no thing: "envoient" follows no determiner
    assert unknown_things(wg, "Quelles communes envoient leurs effluents à la station d'épuration ?") == ()


def test_a_year_recalled_on_another_page_does_not_answer_for_that_year() -> None:
    asked = "Quel cabinet la commune de Chéméré a-t-elle retenu en décembre 2004 pour les tests d'étanchéité ?"
    page = "• de retenir la proposition des 2 tests avec l’option du cabinet ENERBAT LOIRE LITTORAL"
    other_page = "Vu la délibération du 14 décembre 2004 instituant la taxe locale d'équipement"
    doc = f"{page} {other_page}"
    assert premise_missing(asked, doc, 2012, "Commune de Chemere") is None  # the document writes 2004
    why = premise_missing(asked, doc, 2012, "Commune de Chemere", near=page)
    assert why is not None and "2004" in why
    assert premise_missing(asked, doc, 2012, "Commune de Chemere", near=f"{page} {other_page}") is None


def test_a_question_naming_a_meeting_by_its_day_is_not_answered_from_another_meeting() -> None:
    # found with bench/ablation.py: the posting date of the 17 June minutes read for the 22 April meeting
    asked = "Quand le compte rendu de la séance du conseil municipal de Chéméré du 22 avril 2014 a-t-il été affiché ?"
    held = {"2014-04-22", "2014-06-17", "2014-05-27"}
    why = other_meeting(asked, "2014-06-17", held)
    assert why is not None and "2014-04-22" in why
    assert other_meeting(asked, "2014-04-22", held) is None
    # the issuer has no minutes of that day: nothing to prefer, the other checks decide
    assert other_meeting(asked, "2014-06-17", {"2014-06-17"}) is None
    # a month names no meeting ("depuis janvier 2025"), an undated annex is no other meeting
    assert other_meeting("Quelle société fournit les repas depuis janvier 2025 ?", "2024-12-10", {"2025-01-27"}) is None
    assert other_meeting(asked, None, held) is None


def test_a_cited_reference_must_be_written_on_the_answers_pages() -> None:
    assert asked_references("le dossier BPC 2015/2, et avec quel vote ?") == ("BPC 2015/2",)
    assert asked_references("l'arrêté n° 2936/24 du 26 décembre 2024 (DG2025-002, parcelles ZA 89)") == (
        "2936/24",
        "DG2025-002",
        "ZA 89",
    )
    # years, spans of years, dates, a budget's year and indicator codes are no references
    assert asked_references("au BP 2024, la subvention FSE 2018-2020, le 12/03/2015, le taux P301.3") == ()
    page = "• d’accorder une bourse au permis de conduire d’un montant de 700,00 € au dossier n°BPC 2015/1,"
    why = missing_reference("la bourse du dossier BPC 2015/2 a-t-elle été accordée ?", page)
    assert why is not None and "BPC 2015/2" in why
    assert missing_reference("la bourse du dossier BPC 2015/1 a-t-elle été accordée ?", page) is None


def test_an_answer_from_another_issuers_document_is_not_the_named_issuers() -> None:
    # found with bench/ablation.py: a community of communes' count read for the Métropole's switchboard
    why = other_issuer("Métropole Aix-Marseille-Provence", "Communauté de communes des Lisières de l’Oise")
    assert why is not None and "Métropole Aix-Marseille-Provence" in why
    # one collectivité however its name is spelled; a document without an issuer; no issuer named
    assert other_issuer("Commune de Chéméré", "Commune de Chemere") is None
    assert other_issuer("Commune d'Abainville", "Commune de Abainville") is None
    assert other_issuer("Commune de Chemere", None) is None
    assert other_issuer(None, "Commune de Chemere") is None


def test_the_accounts_of_another_exercice_are_another_figure() -> None:
    # tune7 t7-111 (unanswerable): the 2010 minutes approve the compte administratif of 2009
    from greffier.search.premises import other_exercice

    q = "Quel est l'excédent de fonctionnement du compte administratif 2010 du budget communal de Chéméré ?"
    ev = "Le Conseil municipal, après avoir pris connaissance du Compte administratif de l’exercice 2009 du budget"
    assert other_exercice(q, ev) is not None
    assert other_exercice(q, ev.replace("2009", "2010")) is None
    assert other_exercice("Quel est l'excédent de fonctionnement en 2010 ?", ev) is None  # no exercice asked
