"""Deliberation records of minutes: the amounts of the deliberation itself (not the debate's),
HT/TTC from table columns, headings the layout missed or wrapped; and the gold floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.eval.deliberations import evaluate_deliberations
from greffier.extract.amounts import find_amounts
from greffier.extract.debate import debate_ranges
from greffier.extract.deliberations import extract_deliberations
from greffier.extract.entities import extract_entities
from greffier.records import Deliberation, Document, Page, Section, Table, TableCell

from .conftest import GOLD

DOC = Document(
    doc_id="pv",
    path="pv.pdf",
    sha256="0",
    status="ingested",
    title="Procès-verbal",
    issuer="Commune de Pierrefonds",
    kind="proces_verbal",
    year=2025,
    date="2025-03-06",
    pages=3,
    source_type="pdf",
)


def _sections(*items: tuple[str, str, int]) -> list[Section]:
    """(heading, text, level) -> sections on page 1 (a heading "" is the front matter)."""
    out = []
    for n, (heading, text, level) in enumerate(items):
        out.append(
            Section(
                section_id=f"pv:s{n:04d}",
                doc_id="pv",
                ordinal=n,
                heading=heading,
                level=level,
                path=(heading,),
                parent_id=None,
                page_start=1,
                page_end=1,
                text=text,
            )
        )
    return out


def _records(sections: list[Section], tables: list[Table] | None = None) -> list[Deliberation]:
    entities = extract_entities(sections, {}, DOC.year, DOC.issuer, ner=False)
    pages = [Page(doc_id="pv", number=1, label="1", text="\n".join(s.heading + "\n" + s.text for s in sections))]
    return extract_deliberations(DOC, sections, pages, entities, tables or [])


def _amounts(d: Deliberation) -> set[tuple[float, str | None]]:
    return {(a["value"], a["tax"]) for a in d.amounts}


# -- bug 1: amounts quoted in the debate are not the deliberation's ------------------------------
def test_debate_after_the_decision_is_left_out() -> None:
    text = "\n".join(
        [
            "Monsieur Dutilloy, conseiller municipal délégué, informe le conseil municipal d’un projet de 41 300 €.",
            "Le Conseil Municipal, après en avoir délibéré, à l’unanimité :",
            "• APPROUVE le projet et le plan de financement de 8 260 € à la charge de la commune.",
            "Abstentions : M. Leblanc, M. Thuiller.",
            "Monsieur Tanguy s’étonne du taux de la subvention.",
            "Monsieur Ribeiro rappelle que ce projet avait un budget de 5 000 € en 2024.",
            "De ce fait, le reste à charge aurait été de 15 000 €.",
        ]
    )
    (d,) = _records(_sections(("D2025-005- Objet : Subvention place", text, 1)))
    assert _amounts(d) == {(41300.0, None), (8260.0, None)}
    assert d.vote is not None and d.vote.unanimite


def test_debate_before_the_decision_and_preliminary_talk_are_left_out() -> None:
    text = "\n".join(
        [
            "Rapporteur : Jean-Claude CORMONT",
            "En propos liminaire, M. CORMONT rappelle l’achat d’un camion de 250 000 €.",
            "Rapport Monsieur le Vice-Président propose d’attribuer 1 350 € à l’association.",
            "Vu le Code Général des Collectivités Territoriales,",
            "Considérant les demandes de subventions déposées,",
            "M. LOUBES interroge sur le montant des investissements.",
            "M. GUILLAUME précise que les investissements s’élèvent à hauteur de 15 617 € HT.",
            "Après avoir délibéré, les Membres du Conseil Communautaire ont, à l’unanimité :",
            "• Approuvé le montant de 500 € ci-dessus,",
        ]
    )
    (d,) = _records(_sections(("DEL2025-72 : Attribution de subventions", text, 1)))
    assert _amounts(d) == {(1350.0, None), (500.0, None)}


def test_the_presenter_and_the_report_resuming_count() -> None:
    text = "\n".join(
        [
            "Madame le maire passe la parole à M. RIBEIRO, adjoint aux finances.",
            "M. RIBEIRO présente la proposition budgétaire de 1 577 616 € en fonctionnement.",
            "Madame Defossez demande si une borne coûtant 2 000 € doit être installée.",
            "M. Papin répond que non.",
            "Madame le Maire indique qu’il est proposé d’acquérir un véhicule de 21 886 €.",
            "Vote : Pour à l’unanimité",
        ]
    )
    (d,) = _records(_sections(("D2025-014- Objet : Budget", text, 1)))
    assert _amounts(d) == {(1577616.0, None), (21886.0, None)}


def test_a_named_mayor_reporting_is_not_a_debate() -> None:
    # "Madame BOURBIER rappelle…": a name, but no question, objection nor answer
    ranges = debate_ranges(
        [
            "Noël - Prime aux agents\nMadame BOURBIER rappelle que la prime est versée en décembre.\n"
            "Pour information, Madame WATTIER organisera une tombola de 300 €.\nVote : Pour à l’unanimité"
        ]
    )
    assert ranges == [[]]


# -- bug 2: HT/TTC from the table's column (or row) headers ---------------------------------------
def _table(cells: list[tuple[str, float, str | None, str, str]]) -> Table:
    return Table(
        table_id="pv:t001",
        doc_id="pv",
        page=1,
        page_end=1,
        bbox=(0, 0, 1, 1),
        section_id="pv:s0000",
        section_path=(),
        caption="",
        strategy="lines",
        header_rows=(),
        rows=(),
        cells=tuple(
            TableCell("pv:t001", "pv", 1, i + 1, 2, text, value, "EUR", tax, row_header=row, col_header=col)
            for i, (text, value, tax, row, col) in enumerate(cells)
        ),
    )


def test_tax_from_the_table_column() -> None:
    text = "\n".join(
        [
            "Le plan de financement serait le suivant :",
            "Désignation Montant HT Collectivités Montant",
            "Mobilier urbain 10 600,00 € Subvention FEADER 33 040,00 €",
            "Montant TTC (TVA 20%) 12 720,00 €",
            "TOTAL 10 600,00 € TOTAL 10 600,00 €",
            "Vote : Pour à l’unanimité",
        ]
    )
    table = _table(
        [
            ("10 600,00 €", 10600.0, "HT", "Mobilier urbain", "DÉPENSES / Montant HT"),
            ("33 040,00 €", 33040.0, None, "Mobilier urbain", "RECETTES / Montant"),
            ("12 720,00 €", 12720.0, "HT", "Montant TTC (TVA 20%)", "DÉPENSES / Montant HT"),
            ("10 600,00 €", 10600.0, None, "TOTAL", "RECETTES / Montant"),
        ]
    )
    sections = _sections(("D2025-005- Objet : Subvention", text, 1))
    (d,) = _records(sections, [table])
    assert _amounts(d) == {(10600.0, "HT"), (33040.0, None), (12720.0, "TTC")}
    (plain,) = _records(sections)  # no table: no tax to take
    assert _amounts(plain) == {(10600.0, None), (33040.0, None), (12720.0, None)}


def test_a_figure_restated_without_its_tax_is_one_amount() -> None:
    text = "Un marché de 12 500 € HT soit 15 000 € TTC.\nLes 12 500 € seront imputés au budget.\nVote : Pour : 12"
    (d,) = _records(_sections(("D2025-004- Objet : Marché", text, 1)))
    assert _amounts(d) == {(12500.0, "HT"), (15000.0, "TTC")}


def test_rates_keep_their_unit() -> None:
    text = "Le coût est de 296.16 € au 1er janvier 2015 (toutes taxes comprises).\nSoit 2.47 €/m3.\nVote : Pour : 18"
    (d,) = _records(_sections(("12. Rapport annuel sur l’eau", text, 1)))
    assert [(a["value"], a["unit"], a["tax"]) for a in d.amounts] == [(296.16, "EUR", "TTC"), (2.47, "EUR/m3", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bracketed mark after a date is the amount's
        ("est de 296.16 € au 1er janvier 2015 (toutes taxes comprises) +1.72 %", [(296.16, "TTC")]),
        # a mark that follows an earlier figure, or ends a sentence before, is not this one's
        ("(travaux 35 024.96 € HT) soit l’octroi d’une subvention de 1 800,00 €.", [(35024.96, "HT"), (1800, None)]),
        ("de 367.50 € (toutes taxes comprises). Soit 3.06 €", [(367.5, "TTC"), (3.06, None)]),
        # "€" then "HT" on the next line was read as TTC
        ("un montant de 170 000.00 €\nHT soit 204 000.00 € TTC.", [(170000, "HT"), (204000, "TTC")]),
        # the low bound of a range takes the high bound's unit
        ("la cession en l’état entre 1200 et 1500 € HT.", [(1200, "HT"), (1500, "HT")]),
    ],
)
def test_amount_taxes_and_ranges(text: str, expected: list[tuple[float, str | None]]) -> None:
    assert [(a.value, a.tax) for a in find_amounts(text) if a.unit == "EUR"] == [
        (pytest.approx(v), t) for v, t in expected
    ]


# -- headings the layout missed or wrapped --------------------------------------------------------
def test_a_heading_left_in_the_text_is_a_record() -> None:
    sections = _sections(
        (
            "2. DEVELOPPEMENT ECONOMIQUE",
            "DEL2025-60 : Aides directes aux entreprises – PME,\ncommerciales – ESPOSITO\n"
            "Aide de 10 000 € à la société.\nAprès avoir délibéré, à l’unanimité",
            1,
        ),
        ("DEL2025-61 : Aides directes – LA COTE A L’OS", "Aide de 1 800 €.\nAprès avoir délibéré, à l’unanimité", 2),
    )
    refs = {d.ref: d for d in _records(sections)}
    assert set(refs) == {"DEL2025-60", "DEL2025-61"}
    assert refs["DEL2025-60"].title == "Aides directes aux entreprises – PME, commerciales – ESPOSITO"
    assert _amounts(refs["DEL2025-60"]) == {(10000.0, None)}
    assert _amounts(refs["DEL2025-61"]) == {(1800.0, None)}


def test_a_heading_in_the_text_ends_the_record_that_held_it() -> None:
    text = (
        "Il est proposé 30 € par mois.\nVote : Pour : 12\n"
        "D2025-042- Objet : Protection sociale\nUne aide de 15 € par mois.\nVote : Pour : 11"
    )
    records = _records(_sections(("D2025-041- Objet : Absences", text, 1)))
    assert [(d.ref, _amounts(d), d.vote.pour if d.vote else None) for d in records] == [
        ("D2025-041", {(30.0, None)}, 12),
        ("D2025-042", {(15.0, None)}, 11),
    ]


def test_a_heading_glued_to_the_last_line_of_the_page_before_is_a_record() -> None:
    text = (
        "Vote : Pour : 12\n4 abstentions : M. Leblanc, M. Papin D2025-011- Objet : Affectation des\nrésultats 2024\n"
        "Résultat cumulé 169 666,04 €\nVote : Pour : 15"
    )
    records = _records(_sections(("D2025-010- Objet : Compte financier", text, 1)))
    assert [(d.ref, d.title, _amounts(d)) for d in records] == [
        ("D2025-010", "Compte financier", set()),
        ("D2025-011", "Affectation des résultats 2024", {(169666.04, None)}),
    ]
    assert [d.vote.pour if d.vote else None for d in records] == [12, 15]


def test_a_wrapped_heading_that_starts_with_a_reference_is_one_record() -> None:
    sections = _sections(
        ("DEL2025-72 : Attribution de subventions (complémentaire à la délibération", "", 1),
        ("DEL2025-36 du 10 avril 2025)", "Montant proposé 500 €\nAprès avoir délibéré, à l’unanimité :", 1),
    )
    (d,) = _records(sections)
    assert d.ref == "DEL2025-72"
    assert d.title.endswith("(complémentaire à la délibération DEL2025-36 du 10 avril 2025)")
    assert _amounts(d) == {(500.0, None)} and d.vote is not None and d.vote.unanimite


def test_a_table_row_numbered_like_a_deliberation_is_not_a_record() -> None:
    sections = _sections(
        ("D2024-44 - Objet : Admission en non-valeur", "Les créances suivantes :", 1),
        ("2022 - 114 Occupation du domaine public 117,60 €", "Vote : Pour à l’unanimité", 1),
        ("D 2024-46 - Objet : Cession bail rural", "Le fermage est de 150 €.\nVote : Pour : 12", 1),
    )
    records = _records(sections)
    assert [d.ref for d in records] == ["D2024-44", "D2024-46"]
    assert records[0].vote is not None and records[0].vote.unanimite


def test_a_lone_bullet_under_the_heading_is_its_subtitle() -> None:
    text = "• Avis à donner sur la proposition n°23 : Fusion des syndicats\nPar courrier du préfet…\nVote : Pour : 12"
    (d,) = _records(_sections(("9. Projet de schéma départemental", text, 1)))
    assert d.title == "Projet de schéma départemental − Avis à donner sur la proposition n°23 : Fusion des syndicats"


# -- the gold -------------------------------------------------------------------------------------
def test_deliberation_gold_floor(shared_corpus: Path) -> None:
    rows = evaluate_deliberations(GOLD / "deliberations", shared_corpus)
    total = rows[-1]
    assert total["matched"] == total["gold"]
    assert total["all_ok"] / total["gold"] >= 0.95, rows
    assert total["vote_ok"] / total["gold"] >= 0.95, rows


def test_a_numbered_list_under_a_numbered_item_is_its_text() -> None:
    recs = _records(
        _sections(
            ("", "Le conseil municipal s'est réuni le 6 mars 2025.", 1),
            ("1. Approbation du procès-verbal", "Le procès-verbal est adopté à l'unanimité.", 1),
            ("2. Subventions aux associations", "Le conseil municipal attribue les subventions suivantes :", 1),
            ("1. Association sportive", "1 500 €", 2),
            ("2. Comité des fêtes", "800 €", 2),
            ("", "Adopté à l'unanimité.", 2),
            ("3. Tarifs de la cantine", "Le conseil fixe le repas à 3,20 €. Adopté par 12 voix pour et 3 contre.", 1),
        )
    )
    assert [r.title for r in recs] == [
        "Approbation du procès-verbal",
        "Subventions aux associations",
        "Tarifs de la cantine",
    ]
    assert {a["value"] for a in recs[1].amounts} == {1500.0, 800.0} and recs[1].vote.unanimite
