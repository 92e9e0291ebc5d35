"""The vector store's inverted lists (IVF): exact top k on clustered rows, the tail of rows added
since the lists were built, deleted and re-ingested documents, stale or foreign list files."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from greffier.index import vectors as vectors_module
from greffier.index.keyword import Filters
from greffier.index.vectors import DocMeta, VectorIndex, content_key

DIM = 16
CLUSTERS = 12
PER_CLUSTER = 40  # rows per cluster: one document per cluster
YEARS = (2016, 2020, 2024)


@pytest.fixture(autouse=True)
def small_ivf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists from 200 rows, ~8 rows a list, a scan budget of 60 rows (an eighth of them)."""
    monkeypatch.setattr(vectors_module, "ANN_MIN_ROWS", 200)
    monkeypatch.setattr(vectors_module, "ANN_LIST_SIZE", 8)
    monkeypatch.setattr(vectors_module, "ANN_MIN_SCAN", 60)
    monkeypatch.setattr(vectors_module, "ANN_SCAN_PER_RESULT", 4)
    monkeypatch.setattr(vectors_module, "ANN_SCAN_FRACTION", 0.05)
    monkeypatch.setattr(vectors_module, "ANN_TAIL_FRACTION", 0.25)
    monkeypatch.setattr(vectors_module, "COMPACT_MIN_ROWS", 10)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def _clustered(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(cluster centers, rows): PER_CLUSTER rows close to each of CLUSTERS far-apart centers."""
    rng = np.random.default_rng(seed)
    centers = _unit_rows(rng.normal(size=(CLUSTERS, DIM)))
    rows = np.repeat(centers, PER_CLUSTER, axis=0) + 0.15 * rng.normal(size=(CLUSTERS * PER_CLUSTER, DIM))
    return centers, _unit_rows(rows)


def _doc_meta(c: int) -> DocMeta:
    return DocMeta(YEARS[c % len(YEARS)], "proces_verbal", "Commune de Pierrefonds")


def _build(directory: Path) -> tuple[VectorIndex, np.ndarray, dict[str, np.ndarray]]:
    """An index of the clustered rows, committed once: documents ``c{i}a`` and ``c{i}b`` hold
    half of cluster i each."""
    centers, rows = _clustered()
    index = VectorIndex(directory, DIM)
    vecs: dict[str, np.ndarray] = {}
    half = PER_CLUSTER // 2
    for c in range(CLUSTERS):
        for h, part in enumerate("ab"):
            m = rows[c * PER_CLUSTER + h * half : c * PER_CLUSTER + (h + 1) * half]
            ids = [f"c{c}{part}:p{i}" for i in range(half)]
            index.put(f"c{c}{part}", _doc_meta(c), ids, [content_key(i) for i in ids], m)
            vecs.update(zip(ids, m))
    index.commit()
    return index, centers, vecs


def _cluster_of(passage_id: str) -> int:
    return int(passage_id.split(":")[0][1:-1])


def _brute(vecs: dict[str, np.ndarray], q: np.ndarray, k: int, keep: set[str] | None = None) -> list[str]:
    qn = q / np.linalg.norm(q)
    ids = [pid for pid in vecs if keep is None or pid.split(":")[0] in keep]
    return sorted(ids, key=lambda pid: (-float(vecs[pid] @ qn), pid))[:k]


def _queries(centers: np.ndarray, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return _unit_rows(centers + 0.2 * rng.normal(size=centers.shape))


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many clustered rows each search scored through the lists."""
    seen: list[int] = []
    original = vectors_module._scan_lists

    def spy(*args: object, **kwargs: object) -> tuple[np.ndarray, np.ndarray]:
        rows, scores = original(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(int(rows.size))
        return rows, scores

    monkeypatch.setattr(vectors_module, "_scan_lists", spy)
    return seen


def test_lists_return_the_exact_top_k_on_clustered_rows(tmp_path: Path, scanned: list[int]) -> None:
    index, centers, vecs = _build(tmp_path)
    total = CLUSTERS * PER_CLUSTER
    # one commit past ANN_MIN_ROWS: the matrix is rewritten list by list, with its lists
    assert index._generation == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("vectors.sqlite")) == [
        "ivf-1.npz",
        "matrix-1.f32",
    ]
    ivf = index._open_ivf()
    assert ivf is not None and ivf.rows == total and len(ivf.offsets) - 1 >= CLUSTERS
    for q in _queries(centers):
        hits = index.search(q, Filters(), 10)
        assert [h.passage_id for h in hits] == _brute(vecs, q, 10)
        best = _brute(vecs, q, 1)[0]
        assert hits[0].score == pytest.approx(float(vecs[best] @ (q / np.linalg.norm(q))), abs=1e-5)  # exact
    assert scanned and max(scanned) < total // 2  # the lists, not every row
    # filters: the kept rows of the nearest lists (the budget counts kept rows)
    for q in _queries(centers, seed=12):
        keep = {f"c{c}{h}" for c in range(CLUSTERS) for h in "ab" if YEARS[c % len(YEARS)] == 2020}
        hits = index.search(q, Filters(year_from=2019, year_to=2021), 10)
        assert [h.passage_id for h in hits] == _brute(vecs, q, 10, keep)
    index.close()
    reader = VectorIndex(tmp_path, DIM)  # another process: same lists, same results
    q = _queries(centers)[5]
    assert [h.passage_id for h in reader.search(q, Filters(), 10)] == _brute(vecs, q, 10)


def test_rows_added_after_the_lists_are_searched_then_clustered(tmp_path: Path) -> None:
    index, centers, vecs = _build(tmp_path)
    rng = np.random.default_rng(5)
    center = _unit_rows(rng.normal(size=(1, DIM)))  # a new cluster: no list was built for it
    late = _unit_rows(center + 0.15 * rng.normal(size=(30, DIM)))
    ids = [f"late:p{i}" for i in range(30)]
    index.put("late", DocMeta(2025, "rpqs", ""), ids, [content_key(i) for i in ids], late)
    index.commit()
    vecs.update(zip(ids, late))
    ivf = index._open_ivf()
    assert index._generation == 1 and ivf is not None and ivf.rows == 480  # a tail of 30 rows: no rebuild
    for i in (0, 17, 29):
        hits = index.search(late[i], Filters(), 5)
        assert hits[0].passage_id == f"late:p{i}" and hits[0].score == pytest.approx(1.0, abs=1e-5)
        assert [h.passage_id for h in hits] == _brute(vecs, late[i], 5)
    assert [h.passage_id for h in index.search(late[3], Filters(kinds=("rpqs",)), 3)] == _brute(
        vecs, late[3], 3, {"late"}
    )
    more = _unit_rows(np.repeat(_unit_rows(rng.normal(size=(4, DIM))), 25, axis=0) + 0.15 * rng.normal(size=(100, DIM)))
    ids = [f"more:p{i}" for i in range(100)]
    index.put("more", DocMeta(2025, "rpqs", ""), ids, [content_key(i) for i in ids], more)
    index.commit()
    vecs.update(zip(ids, more))
    ivf = index._open_ivf()
    assert index._generation == 2 and ivf is not None and ivf.rows == 610
    assert sorted(p.name for p in tmp_path.glob("*.f32")) == ["matrix-2.f32"]
    assert sorted(p.name for p in tmp_path.glob("ivf-*")) == ["ivf-2.npz"]
    for q in [*_queries(centers), late[2], more[40]]:
        assert [h.passage_id for h in index.search(q, Filters(), 10)] == _brute(vecs, q, 10)


def test_deleted_and_reingested_documents_are_not_returned(tmp_path: Path) -> None:
    index, centers, vecs = _build(tmp_path)
    target = vecs["c4a:p7"]
    index.delete_doc("c4a")  # its rows stay in the lists (dead) until a compaction
    index.commit()
    assert index._generation == 1 and index._open_ivf() is not None
    alive = {k: v for k, v in vecs.items() if not k.startswith("c4a:")}
    for q in (target, centers[4]):
        hits = index.search(q, Filters(), 15)
        assert [h.passage_id for h in hits] == _brute(alive, q, 15)  # c4b's rows, from the same lists
        assert not any(h.passage_id.startswith("c4a:") for h in hits)
    # re-ingested with other vectors (a changed document): its new rows, from the tail, only
    rng = np.random.default_rng(9)
    new = _unit_rows(centers[4] + 0.15 * rng.normal(size=(5, DIM)))
    ids = [f"c4a:n{i}" for i in range(5)]
    index.put("c4a", _doc_meta(4), ids, [content_key(i) for i in ids], new)
    index.commit()
    assert index._generation == 1
    alive.update(zip(ids, new))
    for q in (target, new[2], centers[4]):
        hits = index.search(q, Filters(), 10)
        assert [h.passage_id for h in hits] == _brute(alive, q, 10)
        assert not any(h.passage_id.startswith("c4a:p") for h in hits)
    assert index.search(new[2], Filters(), 1)[0].passage_id == "c4a:n2"
    # re-ingested again, unchanged, then deleted for good: nothing of c4a is left
    index.put("c4a", _doc_meta(4), ids, [content_key(i) for i in ids], new)
    index.delete_doc("c4a")
    index.commit()
    assert not [h for h in index.search(new[0], Filters(), 50) if h.passage_id.startswith("c4a:")]


def test_enough_dead_rows_recluster_without_them(tmp_path: Path) -> None:
    index, centers, vecs = _build(tmp_path)
    for c in range(4):  # a third of the rows: past COMPACT_DEAD_FRACTION
        index.delete_doc(f"c{c}a")
        index.delete_doc(f"c{c}b")
    index.commit()
    ivf = index._open_ivf()
    assert index._generation == 2 and index.count() == 320 and ivf is not None and ivf.rows == 320
    alive = {k: v for k, v in vecs.items() if _cluster_of(k) >= 4}
    for q in _queries(centers)[4:]:
        assert [h.passage_id for h in index.search(q, Filters(), 10)] == _brute(alive, q, 10)


def _exact_only(index: VectorIndex) -> bool:
    index._invalidate()
    return index._open_ivf() is None


def test_a_stale_or_foreign_list_file_is_never_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    index, centers, vecs = _build(tmp_path)
    index.close()
    lists = tmp_path / "ivf-1.npz"
    good = lists.read_bytes()
    queries = _queries(centers)

    def check_exact() -> None:
        reader = VectorIndex(tmp_path, DIM)
        assert _exact_only(reader)
        for q in queries[:3]:
            assert [h.passage_id for h in reader.search(q, Filters(), 10)] == _brute(vecs, q, 10)
        reader.close()

    # another format: not read (and named in the warning), rebuilt by the next commit
    with np.load(lists) as data:
        fields = dict(data)
    fields["format"] = np.int64(vectors_module.ANN_FORMAT + 1)
    with open(lists, "wb") as fh:
        np.savez(fh, **fields)
    with caplog.at_level(logging.WARNING, logger="greffier.index.vectors"):
        check_exact()
    assert f"inverted-list format {vectors_module.ANN_FORMAT + 1}" in caplog.text
    writer = VectorIndex(tmp_path, DIM)
    writer.put("x", DocMeta(2025, "rpqs", ""), ["x:p0"], ["k"], _unit_rows(np.ones((1, DIM))))
    writer.commit()
    assert writer._generation == 2 and writer._open_ivf() is not None
    writer.delete_doc("x")
    writer.commit()
    writer.close()
    vecs.pop("x:p0", None)

    # lists of another generation (e.g. left by a killed compaction) are not this matrix's
    current = tmp_path / "ivf-2.npz"
    good = current.read_bytes()
    current.unlink()
    (tmp_path / "ivf-1.npz").write_bytes(good)
    check_exact()
    (tmp_path / "ivf-1.npz").unlink()

    # the matrix changed under the lists (its first row rewritten): the fingerprint differs
    current.write_bytes(good)
    matrix = tmp_path / "matrix-2.f32"
    original = matrix.read_bytes()
    with open(matrix, "r+b") as fh:
        fh.write(_unit_rows(np.arange(1, DIM + 1, dtype=np.float32)[None, :]).tobytes())
    reader = VectorIndex(tmp_path, DIM)
    assert _exact_only(reader)
    reader.close()
    matrix.write_bytes(original)

    # lists covering more rows than the committed ones
    reader = VectorIndex(tmp_path, DIM)
    reader.conn.execute("UPDATE meta SET value = '100' WHERE key = 'rows'")
    assert _exact_only(reader)
    reader.conn.execute("UPDATE meta SET value = '481' WHERE key = 'rows'")
    assert not _exact_only(reader)  # back in step: used again
    reader.close()

    # an unreadable file
    current.write_bytes(b"not a zip file")
    with caplog.at_level(logging.WARNING, logger="greffier.index.vectors"):
        check_exact()
    assert "unreadable" in caplog.text


def test_a_short_matrix_drops_its_lists(tmp_path: Path) -> None:
    index, centers, _ = _build(tmp_path)
    index.close()
    matrix = tmp_path / "matrix-1.f32"
    with open(matrix, "r+b") as fh:  # the last 100 rows lost (a damaged disk)
        fh.truncate(380 * DIM * 4)
    reader = VectorIndex(tmp_path, DIM)
    assert _exact_only(reader)  # the lists cover rows the file no longer has
    assert len(reader.search(centers[0], Filters(), 1000)) == 380
    reader.close()
    writer = VectorIndex(tmp_path, DIM)
    writer.delete_doc("nothing")  # the first write repairs: documents of lost rows are forgotten
    assert not (tmp_path / "ivf-1.npz").exists()
    writer.commit()
    assert writer.count() < 480 and writer._open_ivf() is not None  # rebuilt over what is left


def test_a_reader_keeps_one_generation_while_a_writer_reclusters(tmp_path: Path) -> None:
    index, centers, vecs = _build(tmp_path)
    reader = VectorIndex(tmp_path, DIM)
    q = _queries(centers)[2]
    expected = _brute(vecs, q, 10)
    assert [h.passage_id for h in reader.search(q, Filters(), 10)] == expected
    rng = np.random.default_rng(4)
    more = _unit_rows(np.repeat(_unit_rows(rng.normal(size=(5, DIM))), 40, axis=0) + 0.15 * rng.normal(size=(200, DIM)))
    ids = [f"more:p{i}" for i in range(200)]
    index.put("more", DocMeta(2025, "rpqs", ""), ids, [content_key(i) for i in ids], more)
    index.commit()  # rebuilt: new generation, rows renumbered, old files removed
    assert index._generation == 2 and not (tmp_path / "matrix-1.f32").exists()
    assert [h.passage_id for h in reader.search(q, Filters(), 10)] == expected  # its own snapshot
    vecs.update(zip(ids, more))
    fresh = VectorIndex(tmp_path, DIM)
    assert [h.passage_id for h in fresh.search(more[7], Filters(), 10)] == _brute(vecs, more[7], 10)


def test_files_of_the_earlier_sketch_are_ignored_then_removed(tmp_path: Path) -> None:
    index, centers, vecs = _build(tmp_path)
    index.close()
    for name in ("sketch-1.f32", "sketch-1.basis.npy"):
        (tmp_path / name).write_bytes(b"\0" * 64)
    reader = VectorIndex(tmp_path, DIM)
    q = _queries(centers)[0]
    assert [h.passage_id for h in reader.search(q, Filters(), 10)] == _brute(vecs, q, 10)
    writer = VectorIndex(tmp_path, DIM)
    writer.delete_doc("nothing")
    assert not list(tmp_path.glob("sketch-*"))


def test_below_the_threshold_search_stays_exact(tmp_path: Path) -> None:
    _, rows = _clustered()
    index = VectorIndex(tmp_path, DIM)
    ids = [f"a:p{i}" for i in range(150)]
    index.put("c0a", _doc_meta(0), ids, [content_key(i) for i in ids], rows[:150])
    index.commit()
    assert index._generation == 0 and not list(tmp_path.glob("ivf-*")) and index._open_ivf() is None


def test_a_failed_rebuild_leaves_the_commit_and_search_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise MemoryError

    with monkeypatch.context() as m:
        m.setattr(vectors_module, "_cluster", fail)
        index, centers, vecs = _build(tmp_path)  # the commit that would build the lists
    assert index.count() == 480 and index._generation == 0 and index._open_ivf() is None
    q = _queries(centers)[1]
    assert [h.passage_id for h in index.search(q, Filters(), 10)] == _brute(vecs, q, 10)  # exact
    index.put("late", DocMeta(2025, "rpqs", ""), ["late:p0"], ["k"], _unit_rows(np.ones((1, DIM))))
    index.commit()  # tries again
    assert index._generation == 1 and index._open_ivf() is not None
