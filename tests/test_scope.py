"""Which documents a question names (greffier.search.scope)."""

from __future__ import annotations

from greffier.records import Document
from greffier.search.scope import document_names, named_documents, question_names


def _doc(doc_id: str, path: str, title: str, issuer: str | None = None, printed: str | None = None) -> Document:
    return Document(doc_id, path, "x", "ingested", title, issuer, "other", 2021, None, 3, "pdf", issuer_printed=printed)


DOCS = [
    # water reports whose title page names only the commune, budget extracts with no letterhead
    _doc("abain", "/c/rpqs-narval/RPQS_Abainville_AC_2021.pdf", "Abainville 2021"),
    _doc("corne", "/c/rpqs-narval/RPQS_LaCorneEnVexin_AC_2021.pdf", "Assainissement Exercice 2021"),
    _doc("jons", "/c/rpqs-narval/RPQS_Jons_AC_2022.pdf", "BAC CONSEILS 2022"),
    _doc("bzh", "/c/regions/BP_2024_Bretagne_extracted.pdf", "BUDGET – RECAPITULATION"),
    _doc(
        "ge", "/c/regions/BP_2024_Grand Est_extracted.pdf", "REGION GRAND EST", "Région Grand Est", "REGION GRAND EST"
    ),
    _doc("norm", "/c/regions/BP_2024_Normandie.pdf", "Budget", "Région Normandie", "Conseil Régional de Normandie"),
    _doc("cm1", "/c/chemere/CM 8 novembre 2011.pdf", "Conseil municipal", "Commune de Chemere"),
    _doc("cm2", "/c/chemere/Subventions 2012.pdf", "TRAVAUX AU MAGASIN VIVAL :"),
    _doc("corte", "/c/corte/pv-2024.pdf", "Procès-verbal", "Commune de Corte", "Ville de CORTE"),
]


def test_names_come_from_issuer_title_file_and_folder() -> None:
    assert {"abainville"} <= document_names(DOCS[0])
    assert {"corne", "vexin"} <= document_names(DOCS[1])  # camel case split
    assert {"chemere", "subventions", "vival"} <= document_names(DOCS[7])  # the folder names it
    # generic words of administrative names never name a document
    assert not {"region", "budget", "commune", "ville", "assainissement"} & set().union(*map(document_names, DOCS))


def test_question_names_are_its_capitalised_words_past_the_first() -> None:
    assert question_names("Quel volume a été facturé aux abonnés d'Abainville en 2021 ?") == {"abainville"}
    assert question_names("Combien la Région Bretagne consacre-t-elle à la masse salariale ?") == {"bretagne"}
    assert {"corne", "vexin"} <= question_names("Quel est le prix de l'eau à La Corne-en-Vexin ?")
    assert question_names("quel est le prix de l'eau en 2021 ?") == set()


def test_a_question_is_scoped_to_the_documents_it_names() -> None:
    assert named_documents("Combien d'abonnés le service d'assainissement de Jons comptait-il ?", DOCS) == ("jons",)
    assert named_documents("Quel montant la Région Bretagne consacre-t-elle au chapitre 012 ?", DOCS) == ("bzh",)
    # the issuer and the name printed on the document both name it
    assert named_documents("Quelles dépenses la Région Normandie a-t-elle votées ?", DOCS) == ("norm",)
    # a commune's documents, with or without an issuer read from them
    assert named_documents("Combien Chéméré a-t-il versé au Triolet de Retz ?", DOCS) == ("cm1", "cm2")


def test_no_scope_when_the_question_names_nothing_specific() -> None:
    assert named_documents("Quel est le montant total du budget ?", DOCS) == ()
    # "Ville" and "Région" are generic: "Petite Ville de Demain" names no town
    assert named_documents("Depuis quand la commune est-elle « Petite Ville de Demain » ?", DOCS) == ()
    assert named_documents("Quel est le montant voté par la Région ?", DOCS) == ()
