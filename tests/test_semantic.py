"""Semantic and hybrid search through the API and the CLI, with the model-free test embedder:
vectors beside the store, incremental re-embedding, recovery, fallback, config, evaluation."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.errors import IndexMismatchError, NotFoundError
from greffier.eval.retrieval import Answer, Candidate, Question, evaluate_retrieval, is_correct, load_questions
from greffier.index.config import CONFIG_NAME, IndexConfig
from greffier.search.hybrid import semantic_text
from greffier.search.query import parse_query
from greffier.settings import Settings

from .fake_embedder import HashEmbedder

_FILLER = " Le budget couvre aussi l’entretien des bâtiments communaux et des espaces verts." * 6
DOCS = {  # blank-line separated: each heading starts a section, each section one passage
    "budget-2017.txt": (
        "FINANCES\n\nLes dépenses d’électricité de l’éclairage public s’élèvent à 24 500 € en 2017."
        + _FILLER
        + "\n\nVOIRIE\n\nLa réfection de la chaussée de la rue Chauret est confiée à l’entreprise TPA."
        + _FILLER
        + "\n"
    ),
    "ecole-2024.txt": (
        "ÉCOLES\n\nLe tarif de la restauration scolaire passe à 3,80 € le repas pour l’année 2024-2025."
        "\n\nPERSONNEL\n\nLe conseil crée 15 emplois saisonniers d’animateurs pour les vacances d’été.\n"
    ),
}


def _write(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def _g(idx: Path, model: str | None = "test-hash") -> Greffier:
    return Greffier(Settings(index_dir=idx, workers=1, embedding_model=model))


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    src = _write(tmp_path)
    with _g(tmp_path / "idx") as g:
        assert all(r.status == "ingested" for r in g.ingest([src]))
    return src, tmp_path / "idx"


def test_vectors_are_written_beside_the_store_with_the_model_in_the_config(built: tuple[Path, Path]) -> None:
    _, idx = built
    cfg = json.loads((idx / CONFIG_NAME).read_text())
    assert (cfg["embedding_model"], cfg["embedding_dim"], cfg["embedding_normalized"]) == ("test-hash", 64, True)
    assert list((idx / "vectors").glob("matrix-*.f32"))
    with _g(idx, None) as g:  # no model named: the index's own
        status = g.status()
        assert status["embedded_passages"] == status["passages"] > 0
        assert status["embedding_model"] == "test-hash"


def test_three_modes_and_their_scores(built: tuple[Path, Path]) -> None:
    _, idx = built
    with _g(idx, None) as g:
        kw = g.search("éclairage public", mode="keyword")
        sem = g.search("éclairage public", mode="semantic")
        hyb = g.search("éclairage public")  # hybrid is the default
    assert kw[0].doc_id == sem[0].doc_id == hyb[0].doc_id == "budget-2017"
    assert {h.mode for h in kw} == {"keyword"} and kw[0].semantic_score is None and kw[0].keyword_score > 0
    assert {h.mode for h in sem} == {"semantic"} and sem[0].keyword_score is None
    assert -1.0 <= sem[0].semantic_score <= 1.0 and sem[0].score == sem[0].semantic_score
    assert {h.mode for h in hyb} == {"hybrid"}
    assert hyb[0].keyword_score is not None and hyb[0].semantic_score is not None
    assert [h.score for h in hyb] == sorted((h.score for h in hyb), reverse=True)
    assert len(sem) >= len(kw)  # semantic also returns passages that share no word with the query


def test_filters_apply_to_vectors_too(built: tuple[Path, Path]) -> None:
    _, idx = built
    with _g(idx, None) as g:
        for mode in ("semantic", "hybrid"):
            hits = g.search("tarif repas cantine", g.filters(year=2017), mode=mode, limit=20)
            assert hits and {h.year for h in hits} == {2017}
            assert g.search("tarif repas", g.filters(kind="rpqs"), mode=mode) == []


def test_required_and_excluded_words_hold_in_hybrid(built: tuple[Path, Path]) -> None:
    _, idx = built
    with _g(idx, None) as g:
        hits = g.search("tarif -restauration", mode="hybrid", limit=20)
        assert hits and all("restauration" not in h.text for h in hits)
        hits = g.search("+chaussée travaux", mode="semantic", limit=20)
        assert hits and all("chaussée" in h.text for h in hits)


def test_semantic_text_drops_query_syntax() -> None:
    assert semantic_text(parse_query('+"éclairage public" coût -église')) == "éclairage public coût"
    assert semantic_text(parse_query("Combien a-t-il voté ?")) == "a voté"


def test_reingest_embeds_only_changed_passages(built: tuple[Path, Path]) -> None:
    src, idx = built
    f = src / "budget-2017.txt"
    f.write_text(DOCS["budget-2017.txt"].replace("TPA", "Colas"), encoding="utf-8")
    HashEmbedder.calls.clear()
    with _g(idx, None) as g:
        results = {Path(r.path).name: r.status for r in g.ingest([src])}
        assert results == {"budget-2017.txt": "ingested", "ecole-2024.txt": "unchanged"}
        assert sum(HashEmbedder.calls) == 1  # one passage changed: one embedded
        changed = next(p.text for p in g.store.passages("budget-2017") if "Colas" in p.text)
        assert g.search(changed, mode="semantic")[0].text == changed  # its new vector is the one searched
        assert g.status()["embedded_passages"] == g.status()["passages"]
        HashEmbedder.calls.clear()
        g.ingest([src], force=True)
        assert sum(HashEmbedder.calls) == 0  # same texts: vectors reused


def test_a_killed_run_gets_its_vectors_from_the_next_writer(built: tuple[Path, Path]) -> None:
    _, idx = built
    with _g(idx, None) as g:
        expected = [h.passage_id for h in g.search("emplois saisonniers animateurs", mode="semantic")]
        g.ingest([])  # the writer, now
        g.semantic.delete("ecole-2024")  # the vectors are lost...
        g.semantic.commit()
        g.store.conn.execute("UPDATE documents SET index_state = 'pending' WHERE doc_id = 'ecole-2024'")
    with _g(idx, None) as g:  # ...and the next writer re-embeds the pending document
        g.ingest([])
        assert [h.passage_id for h in g.search("emplois saisonniers animateurs", mode="semantic")] == expected
        assert g.status()["embedded_passages"] == g.status()["passages"]
        assert g.store.pending_documents() == []


def test_an_index_without_vectors_falls_back_to_keyword(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = _write(tmp_path)
    with _g(tmp_path / "idx", "none") as g:
        g.ingest([src])
        assert g.status()["embedded_passages"] == 0
    with _g(tmp_path / "idx", None) as g, caplog.at_level(logging.WARNING):
        hits = g.search("éclairage public")
        assert hits and {h.mode for h in hits} == {"keyword"}
        assert "falls back to keyword" in caplog.text
        with pytest.raises(NotFoundError, match="no passage vectors"):
            g.search("éclairage public", mode="semantic")
    # a later ingest with a model embeds the documents that lack vectors
    with _g(tmp_path / "idx", "test-hash") as g:
        assert {r.status for r in g.ingest([src])} == {"unchanged"}
        assert g.status()["embedded_passages"] == g.status()["passages"]
        assert g.search("éclairage public")[0].mode == "hybrid"


def test_a_query_with_another_model_is_refused(built: tuple[Path, Path]) -> None:
    _, idx = built
    with pytest.raises(IndexMismatchError, match="embedded with model 'test-hash', not 'usem3'"):
        _g(idx, "usem3").search("éclairage")
    r = CliRunner().invoke(main, ["search", "éclairage", "--index", str(idx), "--embedding-model", "usem3"])
    assert r.exit_code == 1 and "embedded with model 'test-hash'" in r.stderr and "Traceback" not in r.output


def test_old_config_without_embedding_fields_still_loads(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text(
        json.dumps({"schema_version": 2, "keyword_backend": "tantivy", "analyzer": "fr_fold_stem"})
    )
    cfg = IndexConfig.load(tmp_path)
    assert cfg is not None and cfg.embedding_model is None and cfg.embedding_dim is None


def test_cli_search_json_has_scores_and_mode(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, idx = built
    monkeypatch.delenv("GREFFIER_EMBEDDING_MODEL")  # the index's own model
    r = CliRunner().invoke(main, ["search", "restauration scolaire", "--index", str(idx), "--format", "json"])
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)
    assert hits[0]["doc_id"] == "ecole-2024" and hits[0]["mode"] == "hybrid"
    assert {"keyword_score", "semantic_score", "mode", "score", "page", "section_path"} <= set(hits[0])
    r = CliRunner().invoke(main, ["search", "cantine", "--mode", "semantic", "--index", str(idx), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["keyword_score"] is None
    r = CliRunner().invoke(main, ["search", "x", "--mode", "fuzzy", "--index", str(idx)])
    assert r.exit_code == 2


def test_hit_rule_of_the_evaluation() -> None:
    q = Question("r1", "?", "paraphrase", "dev", (Answer("amp/r.txt", 13, "le  coût est de 3 €"),))
    assert is_correct(Candidate("amp/r.txt", 13, 13, "autre texte"), q)  # page covered
    assert is_correct(Candidate("amp/r.txt", 4, 12, "... le coût\nest de 3 € ..."), q)  # quote, spaces collapsed
    assert not is_correct(Candidate("amp/r.txt", 4, 12, "autre texte"), q)
    assert not is_correct(Candidate("autre.txt", 13, 13, "le coût est de 3 €"), q)
    assert not is_correct(Candidate("amp/r.txt", 13, 13, "autre texte"), q, match="quote")


def test_eval_retrieval_end_to_end(built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, idx = built
    monkeypatch.delenv("GREFFIER_EMBEDDING_MODEL")
    questions = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "q1",
            "question": "éclairage public électricité",
            "style": "keyword",
            "split": "dev",
            "answers": [{"source": "budget-2017.txt", "page": 1, "quote": "éclairage public s’élèvent à 24 500 €"}],
        },
        {
            "id": "q2",
            "question": "emplois saisonniers animateurs",
            "style": "paraphrase",
            "split": "dev",
            "answers": [{"source": "ecole-2024.txt", "page": 1, "quote": "15 emplois saisonniers"}],
        },
        {
            "id": "q3",
            "question": "inconnu",
            "style": "paraphrase",
            "split": "test",
            "answers": [{"source": "ecole-2024.txt", "page": 1, "quote": "15 emplois"}],
        },
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    gold = load_questions(questions)
    with _g(idx, None) as g:
        scores = evaluate_retrieval(g, gold, src, split="dev", match="quote")
    table = {(s.group, s.mode): s for s in scores}
    assert set(table) == {(g_, m) for g_ in ("all", "keyword", "paraphrase") for m in ("keyword", "semantic", "hybrid")}
    assert table["all", "hybrid"].questions == 2 and table["keyword", "keyword"].recall_at_1 == 1.0
    assert table["all", "keyword"].mrr_at_10 == 1.0
    r = CliRunner().invoke(
        main,
        ["eval", "retrieval", str(questions), "--corpus-root", str(src), "--index", str(idx), "--format", "json"],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out) == 9 and {"R@1", "R@5", "R@10", "MRR@10", "group", "mode"} <= set(out[0])
    r = CliRunner().invoke(
        main,
        [
            "eval",
            "retrieval",
            str(questions),
            "--corpus-root",
            str(src),
            "--index",
            str(idx),
            "--tune",
            "--split",
            "dev",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert {row["strategy"] for row in json.loads(r.stdout)} == {"weighted", "zscore", "rrf"}


def test_default_install_stays_torch_free() -> None:
    """Importing greffier and searching a keyword index never imports torch or sentence-transformers."""
    code = (
        "import sys, greffier.api, greffier.cli, greffier.index.usem3_backend, greffier.eval.retrieval;"
        "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_table_rows_get_no_vector(tmp_path: Path) -> None:
    from greffier.index.semantic import SemanticIndex, embeds
    from greffier.index.store import SCHEMA_VERSION
    from greffier.records import Document, Passage

    doc = Document("pv", "/x/pv.pdf", "0" * 64, "ingested", "PV", None, "proces_verbal", 2024, None, 3, "pdf")
    text = Passage("pv:s001p001", "pv", "pv:s001", 1, 1, 1, ("FINANCES",), 0, 30, "Le budget primitif est voté.")
    row = Passage("pv:t001r002", "pv", "pv:s001", 2, 1, 1, ("FINANCES",), 0, 0, "Électricité | 24 500,00")
    assert embeds(text) and not embeds(row)
    config = IndexConfig(schema_version=SCHEMA_VERSION, keyword_backend="tantivy", analyzer="fr_fold_stem")
    semantic = SemanticIndex(tmp_path, "test-hash", config)
    assert semantic.stage(doc, [text, row]) == 1
    semantic.commit()
    assert semantic.status()["embedded_passages"] == 1 and semantic.missing(["pv"]) == []
