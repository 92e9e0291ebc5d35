"""List answers (greffier.search.listing) read from enumerations written as French minutes write them."""

from __future__ import annotations

import pytest

from greffier.search.listing import enumerations_of_text, inline_enumerations, line_blocks, list_kind, person_runs

_DESIGNATIONS = (
    "Syndicat d’alimentation en eau potable Titulaires : Bernard CHAZELAS, Jean-Paul LERAY "
    "Suppléants : Alice BICZYSKO, Philippe GAILLARD Syndicat des transports scolaires Titulaires : "
    "Bernard CHAZELAS, Jacques CHEVALIER Suppléant : Philippe BRIAND\n"
    "Messieurs Philippe GAILLARD, Jean-Paul LERAY et Georges LECLEVE se portent candidats pour être délégués "
    "titulaires.\n"
)

_LOTS = (
    "LOGEMENT D'URGENCE :\n"
    "Après consultation pour rénover la maison de la gare, sont retenues les entreprises suivantes :\n"
    "• Gros Oeuvre : Didier FAVREAU\nMenuiseries extérieures :\nMickaël RUZZANTE\n"
    "• Menuiseries intérieures et cloisons :\nMickaël RUZZANTE\n• Peinture : Rodolphe BRUN\n"
    "• Plomberie : RECOQUILLE SANIRETZ\nCOMPTES DE GESTION ET ADMINISTRATIFS :\nLes résultats de clôture"
)

_LENDERS = (
    "• de réaliser l’emprunt, pour le financement des travaux de la salle multifonctions, auprès de :\n"
    "Crédit Agricole Atlantique Vendée pour un montant de 600 000,00\n"
    "€uros à taux fixe de 5,29 % avec un remboursement à échéance trimestrielle\n"
    "• Caisse d’Epargne des Pays de la Loire pour un montant de 700 000,00 €uros à taux fixe de 5,73 %\n"
    "• de donner tous pouvoirs à Monsieur le Maire.\n"
    "les propositions suivantes :\nProposition Montant Durée Taux Frais de dossier\nDurée de déblocage\n"
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Quels conseillers ont été élus membres titulaires de la commission d'appel d'offres ?", "person"),
        ("Qui sont les trois délégués titulaires de la commune ?", "person"),
        ("Qui représente la commune comme titulaires au SYDELA ?", "person"),
        ("Auprès de quels organismes la commune a-t-elle emprunté ?", "other"),
        ("Dans quelles rues le réseau sera-t-il étendu ?", "other"),
        ("Quel montant la commune a-t-elle emprunté ?", None),
        ("Qui préside la commission ?", None),
        ("Quels montants ont été votés ?", None),
    ],
)
def test_list_questions(question: str, kind: str | None) -> None:
    assert list_kind(question) == kind


def test_person_runs_stop_at_a_role_label_and_join_et() -> None:
    runs = [r[2] for r in person_runs(_DESIGNATIONS)]
    assert ["Bernard CHAZELAS", "Jean-Paul LERAY"] in runs
    assert ["Alice BICZYSKO", "Philippe GAILLARD"] in runs
    assert ["Philippe GAILLARD", "Jean-Paul LERAY", "Georges LECLEVE"] in runs  # civility left out


def test_the_role_label_before_a_run_is_kept_apart() -> None:
    found = enumerations_of_text("cm", 3, _DESIGNATIONS, "person")
    alice = next(e for e in found if e.items[0] == "Alice BICZYSKO")
    assert "Suppléants" in alice.role and "Titulaires" not in alice.role
    assert "eau potable" in alice.context  # the body named before the titulaires is its too


def test_a_block_of_lots_names_each_holder_once() -> None:
    ((_, _, items),) = line_blocks(_LOTS)
    assert items == ["Didier FAVREAU", "Mickaël RUZZANTE", "Rodolphe BRUN", "RECOQUILLE SANIRETZ"]


def test_a_block_of_lenders_ends_at_the_next_decision_and_a_table_header_is_no_block() -> None:
    blocks = [b[2] for b in line_blocks(_LENDERS)]
    assert blocks == [["Crédit Agricole Atlantique Vendée", "Caisse d’Epargne des Pays de la Loire"]]


def test_inline_lists_need_the_noun_asked_or_streets() -> None:
    text = "Elle traite les effluents des communes d’Audierne, Plouhinec et Pont-Croix. Les caractéristiques"
    assert [x[2] for x in inline_enumerations(text, "communes")] == [["Audierne", "Plouhinec", "Pont-Croix"]]
    assert inline_enumerations(text, "entreprises") == []
    streets = "situées en zone collectif : rue Daniel Guezingar, venelle de Kergadec, rue Molière, rue Guynemer."
    (found,) = inline_enumerations(streets, "rues")
    assert found[2] == ["rue Daniel Guezingar", "venelle de Kergadec", "rue Molière", "rue Guynemer"]
    assert inline_enumerations("Proposition Montant, Durée, Observations", "organismes") == []


_NOMMES = (
    "Arrête\nArticle 1 : Sont nommés membres de la commission de contrôle de la consultation de la population :\n"
    "• M. Gurvan KERLOC’H, président de la commission de contrôle\n• Mme Simone JOURAND,\n• M. Didier LOAS,\n"
    "• M.Eric BOSSER,\n• Mme isabelle COSSEC-PETIT,\n• M. Erwan LE BRIS.\n"
    "Article 2 : le rôle de la commission de contrôle est fixé par le règlement :\n"
    "• Emettre un avis sur les supports de communication de la commune ;\n"
)


def test_a_block_of_persons_after_their_civility_is_read_whole() -> None:
    (block,) = line_blocks(_NOMMES)
    assert block[2] == [
        "Gurvan KERLOC’H", "Simone JOURAND", "Didier LOAS", "Eric BOSSER", "Isabelle COSSEC-PETIT", "Erwan LE BRIS"
    ]  # fmt: skip


def test_a_block_with_a_person_line_not_read_is_no_list() -> None:
    # a line the reader cannot read as a name ("Mme 1sabelle …", OCR) would make the list short
    assert line_blocks(_NOMMES.replace("Mme isabelle COSSEC-PETIT", "Mme 1sabelle c0ssec")) == []


def test_more_list_questions() -> None:
    assert list_kind("Qui étaient les membres titulaires de la commission d'appel d'offres en 2009 ?") == "person"
    assert list_kind("Quels habitants ont été tirés au sort comme jurés d'assises ?") == "person"
    assert list_kind("Quels lycées bénéficient des autorisations de programme ?") == "other"


def test_a_tables_header_read_as_names_lists_nothing() -> None:
    # tune7 t7-102 (Chéméré, CM 10 juillet 2012): "ENTREPRISE TOTAL TRANCHE FERME HT OPTION 2 HT …"
    from greffier.search.listing import enumerations_of_text

    text = (
        "Seules les 3 entreprises suivantes ont répondu à la négociation et remis les offres suivantes :\n"
        "ENTREPRISE TOTAL TRANCHE FERME HT OPTION 2 HT, TOTAL TRANCHE FERME AVEC OPTIONS HT\n"
    )
    assert all("TOTAL" not in " ".join(e.items) for e in enumerations_of_text("d", 3, text, "firm", "entreprises"))
