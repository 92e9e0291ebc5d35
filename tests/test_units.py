"""Embedding units (issue 14): a long passage is embedded as several windows, each a row of the
vector index under the passage's id; a search keeps a passage's best window. Model-free (a test
embedder that counts a token per word)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from greffier.api import Greffier
from greffier.index import units
from greffier.index.embeddings import passage_text, register_backend
from greffier.index.keyword import Filters
from greffier.index.vectors import DocMeta, VectorIndex, content_key
from greffier.settings import Settings

from .fake_embedder import HashEmbedder

# a deliberation as council minutes print it (Pierrefonds-style wording)
_DELIB = (
    "Madame le maire rappelle que le contrat de prestation pour la restauration scolaire arrive à "
    "échéance le 31 août. Une consultation a été lancée selon la procédure adaptée. Trois offres ont "
    "été reçues et analysées par la commission. Rapporteur : Bernard FAVROLE\n"
    "Le Conseil Municipal, après en avoir délibéré, à l’unanimité : retient l’offre de la société "
    "API Restauration pour un prix unitaire de 3,12 € HT le repas ; autorise Madame le maire à signer "
    "le marché et toutes les pièces s’y rapportant.\n"
    "Vote : Pour à l’unanimité. Le tarif facturé aux familles reste fixé à 3,80 € le repas pour "
    "l’année scolaire 2024-2025, la commune prenant en charge la différence."
)


def _words(text: str) -> list[str]:
    return text.split()


def test_a_short_passage_is_one_unit_and_its_text_unchanged() -> None:
    text = "Le conseil crée 15 emplois saisonniers d’animateurs pour les vacances d’été."
    assert units.windows(text, lambda w: 1, size=20) == [text]
    assert units.passage_units(["PERSONNEL"], text, "CM du 6 mars 2025", None) == [
        passage_text(["PERSONNEL"], text, "CM du 6 mars 2025")
    ]


def test_a_long_passage_is_cut_at_sentence_ends_into_windows_of_about_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    size = 25
    out = units.windows(_DELIB, lambda w: 1, size=size)
    assert len(out) == -(-len(_words(_DELIB)) // size)  # ceil: windows of at most about `size` words
    assert [w for part in out for w in _words(part)] == _words(_DELIB)  # every word once, in order
    for part in out[:-1]:
        after = _DELIB[_DELIB.index(part) + len(part)]
        assert part[-1] in ".;:!?" or after == "\n", part[-20:]  # a sentence or line end near each cut
        assert abs(len(_words(part)) - len(_words(_DELIB)) / len(out)) <= units._SLACK * size + 1
    # the context goes in front of every window
    monkeypatch.setattr(units, "WINDOW_TOKENS", size)
    with_context = units.passage_units(["FINANCES"], _DELIB, "CM du 6 mars 2025", lambda w: 1)
    assert len(with_context) == len(units.windows(_DELIB, lambda w: 1)) > 1
    assert all(u.startswith("CM du 6 mars 2025 > FINANCES\n") for u in with_context)


def test_a_passage_keeps_its_best_window_and_the_limit_counts_passages(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(5, 8)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    ids = ["a", "a", "a", "b", "c"]  # passage a embedded in three windows
    index = VectorIndex(tmp_path / "v", 8)
    index.put("d", DocMeta(2024, "minutes", ""), ids, [content_key(f"{i}{n}") for n, i in enumerate(ids)], rows)
    index.commit()
    query = rows[1] + 0.01 * rows[3]  # closest to a's second window
    hits = index.search(query, Filters(), limit=3)
    assert hits[0].passage_id == "a" and len({h.passage_id for h in hits}) == 3
    assert hits[0].score == pytest.approx(float(rows[1] @ (query / np.linalg.norm(query))), abs=1e-5)
    assert index.count() == 5 and index.passages() == 3
    index.close()


class _WordTokens(HashEmbedder):
    """The test embedder, with a token per word: long passages get windows."""

    def word_tokens(self, word: str) -> int:
        return 1


register_backend("test-words", _WordTokens)


def test_ingest_embeds_windows_and_search_finds_a_passage_by_its_second_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "WINDOW_TOKENS", 30)
    src = tmp_path / "src"
    src.mkdir()
    filler = " Le budget couvre aussi l’entretien des bâtiments communaux et des espaces verts." * 4
    (src / "cm-2024.txt").write_text(
        "RESTAURATION SCOLAIRE\n\n" + _DELIB + "\n\nVOIRIE\n\nLa réfection de la rue Chauret." + filler + "\n",
        encoding="utf-8",
    )
    with Greffier(Settings(index_dir=tmp_path / "idx", workers=1, embedding_model="test-words")) as g:
        g.ingest([src])
        status = g.status()
        assert status["embedded_passages"] == status["embeddable_passages"] > 0
        assert status["embedding_units"] == "windows-30"  # recorded in the index config
        rows = g._semantic._existing_vectors().count()  # type: ignore[union-attr]
        assert rows > status["embedded_passages"]  # the long passages have several rows
        hits = g.search("tarif familles différence année scolaire", mode="semantic", limit=10)
        ids = [h.passage_id for h in hits]
        assert len(ids) == len(set(ids))  # one hit per passage
        assert "3,80 €" in hits[0].text  # in the deliberation's last window
        HashEmbedder.calls.clear()
        g.ingest([src], force=True)  # every window's text already embedded
        assert sum(HashEmbedder.calls) == 0


def test_the_config_records_the_units_and_an_older_index_had_whole_passages(tmp_path: Path) -> None:
    import json

    from greffier.index.config import CONFIG_NAME, IndexConfig

    cfg = IndexConfig(1, "tantivy", "french").with_embedding("e5", 384, True, "windows-160")
    cfg.save(tmp_path)
    assert IndexConfig.load(tmp_path).units == "windows-160"  # type: ignore[union-attr]
    data = json.loads((tmp_path / CONFIG_NAME).read_text(encoding="utf-8"))
    del data["embedding_units"]  # an index written before the units were recorded
    (tmp_path / CONFIG_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert IndexConfig.load(tmp_path).units == "passages"  # type: ignore[union-attr]
    assert units.units_label(None) == "passages"
