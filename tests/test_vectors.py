"""The vector store: exact cosine search, filters as a row mask, commits, compaction, repair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from greffier.errors import IndexMismatchError
from greffier.index import vectors as vectors_module
from greffier.index.keyword import Filters
from greffier.index.vectors import DocMeta, VectorIndex, content_key

DIM = 8
RNG = np.random.default_rng(7)

DOCS = {
    "pv-2016": DocMeta(2016, "proces_verbal", "Commune de Pierrefonds"),
    "pv-2024": DocMeta(2024, "proces_verbal", "Commune de Pierrefonds"),
    "spanc-2023": DocMeta(2023, "rpqs", "Communauté de communes des Lisières de l’Oise"),
}


def _unit(rows: int) -> np.ndarray:
    m = RNG.normal(size=(rows, DIM)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _fill(index: VectorIndex, per_doc: int = 5) -> dict[str, np.ndarray]:
    out = {}
    for doc_id, meta in DOCS.items():
        m = _unit(per_doc)
        ids = [f"{doc_id}:p{i}" for i in range(per_doc)]
        index.put(doc_id, meta, ids, [content_key(i) for i in ids], m)
        out.update(dict(zip(ids, m)))
    index.commit()
    return out


def test_exact_cosine_matches_brute_force(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path, DIM)
    vecs = _fill(index)
    q = RNG.normal(size=DIM).astype(np.float32)
    hits = index.search(q, Filters(), 4)
    qn = q / np.linalg.norm(q)
    brute = sorted(vecs, key=lambda pid: -float(vecs[pid] @ qn))[:4]
    assert [h.passage_id for h in hits] == brute
    assert hits[0].score == pytest.approx(float(vecs[brute[0]] @ qn), abs=1e-5)
    assert index.count() == 15 and index.doc_ids() == set(DOCS)


def test_filters_mask_rows_before_ranking(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path, DIM)
    _fill(index)
    q = _unit(1)[0]

    def docs(filters: Filters) -> set[str]:
        return {h.passage_id.split(":")[0] for h in index.search(q, filters, 50)}

    assert docs(Filters()) == set(DOCS)
    assert docs(Filters(year_from=2023, year_to=2024)) == {"pv-2024", "spanc-2023"}
    assert docs(Filters(kinds=("rpqs",))) == {"spanc-2023"}
    assert docs(Filters(issuers=("Commune de Pierrefonds",), year_to=2020)) == {"pv-2016"}
    assert docs(Filters(kinds=("liste_deliberations",))) == set()
    assert docs(Filters(doc_ids=("pv-2024", "spanc-2023"))) == {"pv-2024", "spanc-2023"}
    assert docs(Filters(doc_ids=("pv-2024",), kinds=("rpqs",))) == set()
    assert docs(Filters(doc_ids=("unknown",))) == set()
    assert len(index.search(q, Filters(kinds=("rpqs",)), 3)) == 3  # the limit counts kept rows only


def test_replace_and_delete_then_reopen(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path, DIM)
    _fill(index)
    new = _unit(2)
    index.put("pv-2016", DOCS["pv-2016"], ["pv-2016:new0", "pv-2016:new1"], ["k0", "k1"], new)
    index.delete_doc("spanc-2023")
    index.commit()
    assert index.count() == 5 + 2 and index.doc_ids() == {"pv-2016", "pv-2024"}
    assert index.search(new[1], Filters(), 1)[0].passage_id == "pv-2016:new1"
    index.close()
    again = VectorIndex(tmp_path, DIM)
    assert again.count() == 7
    assert again.search(new[0], Filters(), 1)[0].passage_id == "pv-2016:new0"
    assert set(again.cached("pv-2016", ["k1", "nope"])) == {"k1"}
    np.testing.assert_allclose(again.cached("pv-2016", ["k1"])["k1"], new[1])


def test_uncommitted_rows_are_cut_on_open(tmp_path: Path) -> None:
    """A run killed after appending rows but before committing the id table."""
    index = VectorIndex(tmp_path, DIM)
    _fill(index)
    index.put("late", DocMeta(2025, "other", ""), ["late:p0"], ["k"], _unit(1))
    index._writer.flush()  # rows on disk, id table not committed: then the process dies
    size_with_tail = index._matrix_path().stat().st_size
    reader = VectorIndex(tmp_path, DIM)  # a reader ignores the tail and leaves the file alone
    assert reader.count() == 15 and "late" not in reader.doc_ids()
    assert len(reader.search(_unit(1)[0], Filters(), 100)) == 15
    assert reader._matrix_path().stat().st_size == size_with_tail
    again = VectorIndex(tmp_path, DIM)  # a writer cuts it before its first write
    fresh = _unit(1)
    again.put("late", DocMeta(2025, "other", ""), ["late:p0"], ["k"], fresh)
    again.commit()
    assert again._matrix_path().stat().st_size == size_with_tail
    assert again.count() == 16 and again.search(fresh[0], Filters(), 1)[0].passage_id == "late:p0"


def test_compaction_keeps_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_module, "COMPACT_MIN_ROWS", 10)
    index = VectorIndex(tmp_path, DIM)
    vecs = _fill(index)
    q = _unit(1)[0]
    before = [h.passage_id for h in index.search(q, Filters(year_from=2020), 10)]
    index.delete_doc("pv-2016")  # a third of the rows die: more than COMPACT_DEAD_FRACTION
    index.commit()
    assert index._generation == 1 and sorted(p.name for p in tmp_path.glob("matrix-*")) == ["matrix-1.f32"]
    assert index._matrix_path().stat().st_size == 10 * DIM * 4
    assert [h.passage_id for h in index.search(q, Filters(year_from=2020), 10)] == before
    hit = index.search(vecs["spanc-2023:p3"], Filters(), 1)[0]
    assert hit.passage_id == "spanc-2023:p3" and hit.score == pytest.approx(1.0, abs=1e-5)


def test_dimension_mismatch_is_refused(tmp_path: Path) -> None:
    VectorIndex(tmp_path, DIM).close()
    with pytest.raises(IndexMismatchError, match="8 dimensions"):
        VectorIndex(tmp_path, 16)


def test_empty_index(tmp_path: Path) -> None:
    assert VectorIndex(tmp_path, DIM).search(_unit(1)[0], Filters(), 5) == []
