"""One contract, run against every keyword backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.errors import UsageError
from greffier.index.keyword import BACKENDS, Filters, IndexedPassage, make_snippet, open_keyword_index
from greffier.search.query import parse_query

PASSAGES = [
    (
        "d1",
        2017,
        "rapport_activite",
        "Métropole Aix-Marseille-Provence",
        "Les dépenses d’électricité de l’éclairage public s’élèvent à 24 500 € en 2017.",
        "Finances > Faits marquants",
    ),
    (
        "d2",
        2016,
        "proces_verbal",
        "Commune de Pierrefonds",
        "Le conseil fixe les taux d’imposition : taxe foncière sur le bâti 20,5 %.",
        "3. Vote des taux",
    ),
    (
        "d3",
        2024,
        "proces_verbal",
        "Commune de Pierrefonds",
        "Tarif de la restauration scolaire pour l’année 2024-2025 : 3,80 € le repas.",
        "Tarifs",
    ),
    (
        "d4",
        2023,
        "rpqs",
        "Communauté de communes des Lisières de l’Oise",
        "Le service public d’assainissement non collectif a réalisé 71 contrôles en 2023.",
        "Indicateurs",
    ),
    (
        "d5",
        2018,
        "proces_verbal",
        "Commune de Pierrefonds",
        "Les élus évoquent l'éclairage de l’église et la restauration du clocher.",
        "Questions diverses",
    ),
]


@pytest.fixture(params=BACKENDS)
def index(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    idx = open_keyword_index(request.param, tmp_path / request.param)
    idx.add(
        IndexedPassage(f"{doc}:p1", doc, text, path, f"Titre {doc}", issuer, kind, year, 3)
        for doc, year, kind, issuer, text, path in PASSAGES
    )
    idx.commit()
    yield idx
    idx.close()


def _ids(index, q: str, filters: Filters | None = None, limit: int = 10) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.passage_id for h in index.search(parse_query(q), filters or Filters(), limit)]


def test_stemming_and_accent_folding(index) -> None:  # type: ignore[no-untyped-def]
    # "eclairages" (plural, no accent) finds "éclairage"
    assert set(_ids(index, "eclairages")) == {"d1:p1", "d5:p1"}
    assert _ids(index, "électricité")[0] == "d1:p1"
    assert _ids(index, "fonciere bati") == ["d2:p1"]


def test_bm25_ranks_the_passage_with_more_query_words_first(index) -> None:  # type: ignore[no-untyped-def]
    assert _ids(index, "éclairage public dépenses")[0] == "d1:p1"


def test_section_path_is_searched(index) -> None:  # type: ignore[no-untyped-def]
    assert _ids(index, "indicateurs") == ["d4:p1"]


def test_stop_words_alone_match_nothing(index) -> None:  # type: ignore[no-untyped-def]
    assert _ids(index, "le la les de") == []


def test_phrase_required_and_excluded(index) -> None:  # type: ignore[no-untyped-def]
    assert _ids(index, '"restauration scolaire"') == ["d3:p1"]
    assert _ids(index, "restauration -scolaire") == ["d5:p1"]
    assert _ids(index, "+eclairage public")[0] == "d1:p1"
    assert set(_ids(index, "+eclairage public")) == {"d1:p1", "d5:p1"}


def test_filters_year_kind_issuer(index) -> None:  # type: ignore[no-untyped-def]
    assert _ids(index, "éclairage", Filters(year_from=2018, year_to=2018)) == ["d5:p1"]
    assert _ids(index, "éclairage", Filters(year_from=2010, year_to=2017)) == ["d1:p1"]
    assert _ids(index, "éclairage restauration", Filters(kinds=("proces_verbal",))) == ["d3:p1", "d5:p1"] or set(
        _ids(index, "éclairage restauration", Filters(kinds=("proces_verbal",)))
    ) == {"d3:p1", "d5:p1"}
    assert _ids(index, "éclairage", Filters(issuers=("Commune de Pierrefonds",))) == ["d5:p1"]
    assert _ids(index, "éclairage", Filters(kinds=("rpqs",))) == []


def test_filter_by_documents(index) -> None:  # type: ignore[no-untyped-def]
    # a question's scope: only the documents it names, whatever their issuer
    assert _ids(index, "éclairage", Filters(doc_ids=("d5",))) == ["d5:p1"]
    assert set(_ids(index, "éclairage", Filters(doc_ids=("d1", "d5")))) == {"d1:p1", "d5:p1"}
    assert _ids(index, "éclairage", Filters(doc_ids=("d1",), year_from=2018)) == []
    assert _ids(index, "éclairage", Filters(doc_ids=("nope",))) == []


def test_limit_and_scores_are_ordered(index) -> None:  # type: ignore[no-untyped-def]
    hits = index.search(parse_query("éclairage restauration taxe contrôles"), Filters(), 3)
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_delete_document_then_count(index) -> None:  # type: ignore[no-untyped-def]
    assert index.count() == 5
    index.delete_doc("d1")
    index.commit()
    assert index.count() == 4
    assert _ids(index, "électricité") == []
    assert index.doc_ids() == {"d2", "d3", "d4", "d5"}


def test_reopen_keeps_documents(index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    again = open_keyword_index(index.name, tmp_path / index.name)
    assert again.count() == 5
    assert _ids(again, "assainissement") == ["d4:p1"]


def test_snippet_highlights_stemmed_matches(index) -> None:  # type: ignore[no-untyped-def]
    text = PASSAGES[0][4]
    snippet = make_snippet(text, parse_query("eclairage publics"), index.analyze)
    assert "**éclairage**" in snippet and "**public**" in snippet
    assert "**dépenses**" not in snippet


@pytest.mark.parametrize("bad", ['"open phrase', "", "   ", "-seulement", '""'])
def test_malformed_queries_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_query(bad)


def test_query_syntax_characters_are_plain_text() -> None:
    q = parse_query("taux: (bâti) [2016] l'éclairage? a/b")
    assert [c.text for c in q.clauses] == ["taux", "bâti", "2016", "l", "éclairage", "a", "b"]


@pytest.mark.parametrize(("y1", "y2"), [(2020, 2010), (1500, None)])
def test_bad_year_filters(y1: int, y2: int | None) -> None:
    with pytest.raises(UsageError):
        Filters(year_from=y1, year_to=y2)


def test_doc_freq_counts_passages_holding_an_analyzed_term(index) -> None:  # type: ignore[no-untyped-def]
    (eclair,) = index.analyze("éclairage")
    (restaur,) = index.analyze("restauration")
    (contr,) = index.analyze("contrôles")
    assert index.doc_freq(eclair) == 2  # d1 and d5
    assert index.doc_freq(restaur) == 2  # d3 and d5
    assert index.doc_freq(contr) == 1
    assert index.doc_freq("zzzabsent") == 0
