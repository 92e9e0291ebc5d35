"""Reliability (#17): one writer and many readers, damage found and repaired, hostile inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.api import KEYWORD_DIR, STORE_NAME, Greffier
from greffier.cli import main
from greffier.errors import WriterBusyError
from greffier.index.lock import LOCK_NAME, WriterLock
from greffier.settings import Settings

from .conftest import CORPUS

AMP = CORPUS / "amp-rapport-activite-2017.txt"


OWN_MODEL = {"GREFFIER_EMBEDDING_MODEL": "", "GREFFIER_WORKERS": "1"}  # the index's own model (test-hash)


def run(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env or OWN_MODEL)


def invoke(*args: str) -> object:
    """Like :func:`run`, exceptions caught (to check there is no traceback)."""
    return CliRunner().invoke(main, list(args), env=OWN_MODEL)


def _docs(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    (src / "piscine.txt").write_text(
        "FINANCES\n\nLe budget de la piscine municipale est voté pour 12 000 €.\n", encoding="utf-8"
    )
    (src / "ecole.txt").write_text(
        "ÉCOLES\n\nLe tarif de la restauration scolaire passe à 3,80 € le repas.\n", encoding="utf-8"
    )
    return src


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    src = _docs(tmp_path)
    idx = tmp_path / "idx"
    with Greffier(Settings(index_dir=idx, workers=1, embedding_model="test-hash")) as g:
        assert {r.status for r in g.ingest([src])} == {"ingested"}
    return src, idx


def _tree(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``directory`` with its size and modification time (but SQLite's shared
    memory index and an empty write-ahead log, which a WAL reader may create: no data)."""
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)
    }


# -- 1. one writer, many readers -----------------------------------------------------------


def test_readers_search_while_the_writer_holds_its_writers(built: tuple[Path, Path]) -> None:
    """A writer in the middle of a batch: the keyword writer taken, rows appended, a document
    pending. Readers read the last committed state and take no lock (they used to run the
    recovery, take the keyword writer and fail with LockBusy)."""
    _, idx = built
    with Greffier(Settings(index_dir=idx, workers=1, embedding_model="test-hash")) as writer:
        writer.ingest([])  # the writer, under the lock
        writer.keyword.delete_doc("piscine")  # tantivy's writer lock is held from here, uncommitted
        doc = writer.store.document("ecole")
        assert doc is not None
        writer.semantic.stage(doc, list(writer.store.passages("ecole")))  # rows appended, uncommitted
        writer.store.conn.execute("UPDATE documents SET index_state = 'pending' WHERE doc_id = 'piscine'")
        for mode in ("keyword", "semantic", "hybrid"):
            r = run("search", "piscine municipale", "--mode", mode, "--index", str(idx), "--format", "json")
            assert r.exit_code == 0, r.output
            assert json.loads(r.stdout)[0]["doc_id"] == "piscine"
        for cmd in ("status", "docs", "entities"):
            assert run(cmd, "--index", str(idx), "--format", "json").exit_code == 0
        status = json.loads(run("status", "--index", str(idx), "--format", "json").stdout)
        assert status["embedded_passages"] == status["passages"]  # committed rows only
        assert writer.store.pending_documents() == ["piscine"]  # no reader recovered it


def test_a_second_ingest_is_refused_with_the_writers_pid(built: tuple[Path, Path]) -> None:
    src, idx = built
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from greffier.index.lock import WriterLock; "
            f"lock = WriterLock(Path({str(idx)!r})); lock.acquire(); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _tree(idx)
        r = invoke("ingest", str(src), "--index", str(idx))
        assert r.exit_code == 1
        assert f"another ingest (pid {holder.pid}) is running" in r.output
        with pytest.raises(WriterBusyError):
            Greffier(Settings(index_dir=idx, workers=1)).ingest([src])
        # readers are not held up
        assert run("search", "piscine", "--index", str(idx), "--mode", "keyword").exit_code == 0
        after = _tree(idx)
        assert {k: v for k, v in after.items() if k != LOCK_NAME} == {k: v for k, v in before.items() if k != LOCK_NAME}
    finally:
        holder.communicate("")
    assert holder.returncode == 0
    r = run("ingest", str(src), "--index", str(idx), "--format", "json")  # released: it goes
    assert r.exit_code == 0 and {x["status"] for x in json.loads(r.stdout)} == {"unchanged"}


def test_ingest_wait_waits_for_the_running_ingest(built: tuple[Path, Path]) -> None:
    src, idx = built
    lock = WriterLock(idx)
    lock.acquire()
    env = {**os.environ, "GREFFIER_EMBEDDING_MODEL": "none", "GREFFIER_NER": "off"}
    waiter = subprocess.Popen(
        [sys.executable, "-m", "greffier.cli", "ingest", str(src), "--index", str(idx), "--wait", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert waiter.stderr is not None
        line = waiter.stderr.readline()  # blocks until it says it waits (it cannot finish before)
        assert f"waiting for another ingest (pid {os.getpid()})" in line
    finally:
        lock.release()
    out, _ = waiter.communicate()
    assert waiter.returncode == 0
    assert {x["status"] for x in json.loads(out)} == {"unchanged"}


def test_a_killed_writer_leaves_no_lock_behind(built: tuple[Path, Path]) -> None:
    src, idx = built
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from greffier.index.lock import WriterLock; "
            f"WriterLock(Path({str(idx)!r})).acquire(); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()  # kill -9: the kernel drops the lock; the pid left in the file is dead
    holder.wait()
    assert (idx / LOCK_NAME).read_text().strip() == str(holder.pid)
    r = run("ingest", str(src), "--index", str(idx), "--format", "json")
    assert r.exit_code == 0, r.output


def test_a_read_only_index_is_searched_without_writing_anything(built: tuple[Path, Path]) -> None:
    src, idx = built
    with Greffier(Settings(index_dir=idx, workers=1)) as g:  # leave a pending document behind
        g.ingest([])
        g.store.conn.execute("UPDATE documents SET index_state = 'pending' WHERE doc_id = 'ecole'")
    before = _tree(idx)
    for args in (
        ("search", "piscine", "--mode", "hybrid"),
        ("search", "piscine", "--mode", "semantic"),
        ("status",),
        ("docs",),
        ("ask", "Quel est le tarif de la restauration scolaire ?"),
    ):
        r = run(*args, "--index", str(idx), "--read-only", "--format", "json")
        assert r.exit_code == 0, (args, r.output)
    assert _tree(idx) == before
    r = invoke("ingest", str(src), "--index", str(idx), "--read-only")
    assert r.exit_code == 2 and "read-only" in r.output
    assert _tree(idx) == before


# -- 5. damage: found on open, rebuilt by the next ingest or by check --repair ----------------


def test_a_truncated_vector_file_is_reported_and_rebuilt_by_the_next_ingest(
    built: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    src, idx = built
    (matrix,) = (idx / "vectors").glob("matrix-*.f32")
    full = matrix.stat().st_size
    with open(matrix, "r+b") as fh:
        fh.truncate(full // 2 + 7)  # half the rows, and a torn one
    r = invoke("status", "--index", str(idx), "--format", "json")
    assert r.exit_code == 0
    status = json.loads(r.stdout)
    assert status["vector_rows_missing"] > 0
    r = invoke("search", "restauration scolaire repas", "--mode", "semantic", "--index", str(idx))
    assert r.exit_code == 0 and "holds 1 of its 2 committed rows" in caplog.text and "check --repair" in caplog.text
    r = run("ingest", str(src), "--index", str(idx), "--format", "json")
    assert r.exit_code == 0 and {x["status"] for x in json.loads(r.stdout)} == {"unchanged"}
    status = json.loads(run("status", "--index", str(idx), "--format", "json").stdout)
    assert "vector_rows_missing" not in status
    assert status["embedded_passages"] == status["passages"]
    hits = json.loads(
        run("search", "restauration scolaire", "--mode", "semantic", "--index", str(idx), "--format", "json").stdout
    )
    assert {h["doc_id"] for h in hits} == {"piscine", "ecole"}


def test_a_deleted_keyword_folder_is_an_error_then_rebuilt(built: tuple[Path, Path]) -> None:
    import shutil

    src, idx = built
    shutil.rmtree(idx / KEYWORD_DIR)
    r = invoke("search", "piscine", "--index", str(idx), "--mode", "keyword")
    assert r.exit_code == 1 and "keyword index" in r.output and "Traceback" not in r.output
    r = run("ingest", str(src), "--index", str(idx), "--format", "json")
    assert r.exit_code == 0
    hits = json.loads(run("search", "piscine", "--index", str(idx), "--mode", "keyword", "--format", "json").stdout)
    assert hits and hits[0]["doc_id"] == "piscine"


@pytest.mark.parametrize("target", [STORE_NAME, f"{KEYWORD_DIR}/meta.json", "vectors/vectors.sqlite"])
def test_a_corrupt_file_is_a_clear_error_not_a_traceback(built: tuple[Path, Path], target: str) -> None:
    _, idx = built
    (idx / target).write_bytes(b"\x00garbage" * 512)
    for wal in idx.rglob("*-wal"):
        wal.unlink()
    r = invoke("search", "piscine", "--index", str(idx), "--mode", "hybrid")
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "damaged" in r.output or "unreadable" in r.output


# -- 2. a batch never dies ---------------------------------------------------------------


def _restarting_export(path: Path, parts: int = 3, pages: int = 12) -> None:
    """A text export of several documents appended, each numbered from 1 (printed numbers after
    the legality stamp restart), with varied text so that cleanup keeps it."""
    import random

    rng = random.Random(17)
    words = "budget piscine école voirie travaux subvention association conseil commune marché tarif".split()
    lines = []
    for _part in range(parts):
        for n in range(1, pages + 1):
            for _ in range(3):
                lines.append(" ".join(rng.choice(words) for _ in range(10)) + f" : {rng.randint(1, 9999)} euros.")
            lines.append("Reçu au contrôle de légalité le 02 novembre 2018")
            lines.append(str(n + 1))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_restarting_page_numbers_are_counted_not_a_crash(tmp_path: Path) -> None:
    from greffier.extract.text import read_text, split_text_pages

    f = tmp_path / "appended.txt"
    _restarting_export(f)
    pages = split_text_pages(read_text(f))
    numbers = [p.number for p in pages]
    assert numbers == sorted(set(numbers)) and len(numbers) == 36
    r = run("ingest", str(f), "--index", str(tmp_path / "idx"), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["status"] == "ingested"


def test_one_bad_path_of_any_kind_is_one_failed_row(tmp_path: Path) -> None:
    src = _docs(tmp_path)
    bad_name = os.fsdecode(b"d\xe9lib\xe9ration.txt")  # Latin-1 bytes in a UTF-8 file system
    (src / bad_name).write_text("Une délibération.\n", encoding="utf-8")
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    (src / "boucle.txt").symlink_to(src / "boucle.txt")
    (src / "disparu.txt").symlink_to(tmp_path / "gone.txt")  # its target vanished
    (src / "sub").mkdir()
    (src / "sub" / "vers-le-haut").symlink_to(src, target_is_directory=True)  # a directory loop
    export = tmp_path / "appended.txt"
    _restarting_export(export)
    arg_bad = tmp_path / os.fsdecode(b"arg-\xff.txt")
    arg_bad.write_text("Texte.\n", encoding="utf-8")
    r = invoke(
        "ingest", str(loop), str(arg_bad), str(src), str(export), "--index", str(tmp_path / "idx"), "--format", "csv"
    )
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    rows = {row["path"]: row for row in __import__("csv").DictReader(r.stdout.splitlines())}
    status = {Path(p).name: row["status"] for p, row in rows.items()}
    assert status == {
        "loop.pdf": "failed",
        "arg-\\xff.txt": "failed",
        "boucle.txt": "failed",
        "disparu.txt": "failed",
        "d\\xe9lib\\xe9ration.txt": "failed",
        "ecole.txt": "ingested",
        "piscine.txt": "ingested",
        "appended.txt": "ingested",
    }
    errors = {Path(p).name: row["error"] for p, row in rows.items()}
    assert "symbolic link loop" in errors["loop.pdf"] and "loop.pdf" in errors["loop.pdf"]
    assert "not valid UTF-8" in errors["arg-\\xff.txt"] and "arg-\\xff.txt" in errors["arg-\\xff.txt"]
    assert "no such file" in errors["disparu.txt"]


# -- 3. output hygiene -------------------------------------------------------------------

HOSTILE = "Montant \x1b[2J\x1b]0;pwned\x07 de 12 000 € \u202eTTC\x00 fin."


def test_control_characters_are_escaped_in_table_and_csv_exact_in_json(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "hostile\x1b[31m.txt").write_text(f"FINANCES\n\n{HOSTILE}\n", encoding="utf-8")
    idx = str(tmp_path / "idx")
    r = run("ingest", str(src), "--index", idx, "--format", "table")
    assert r.exit_code == 0 and "\x1b" not in r.output and "hostile\\x1b[31m.txt" in r.output
    for fmt in ("table", "csv"):
        r = run("search", "montant", "--index", idx, "--mode", "keyword", "--format", fmt)
        assert r.exit_code == 0
        out = r.stdout
        assert not any(c in out for c in "\x1b\x07\x00\u202e"), repr(out)
        assert "\\x1b[2J" in out and "\\u202e" in out
    r = run("search", "montant", "--index", idx, "--mode", "keyword", "--format", "json")
    assert HOSTILE.replace("\x00", "") in json.loads(r.stdout)[0]["text"]  # exact (a stray NUL dropped on read)


def test_an_invalid_utf8_query_is_a_usage_error(built: tuple[Path, Path]) -> None:
    _, idx = built
    bad = os.fsdecode(b"caf\xe9")
    for args in (("search", bad), ("ask", bad), ("trend", bad), ("search", "piscine", "--issuer", bad)):
        r = invoke(*args, "--index", str(idx))
        assert r.exit_code == 2, (args, r.output)
        assert "not valid UTF-8" in r.output and "Traceback" not in r.output


def test_trend_refuses_an_empty_year_range_like_search(built: tuple[Path, Path]) -> None:
    _, idx = built
    for cmd in ("search", "trend"):
        r = invoke(cmd, "tarif", "--from", "2030", "--to", "2010", "--index", str(idx))
        assert r.exit_code == 2 and "2030 > 2010" in r.output, (cmd, r.output)


# -- 4. text exports in other encodings ----------------------------------------------------

FRENCH = "Délibération n° 2018-07 : le conseil fixe le tarif à 3,80 € — « cantine » ; août, œuvre.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + FRENCH.encode("utf-8"), "utf-8-sig"),
        (FRENCH.encode("cp1252"), "cp1252"),
        (FRENCH.replace("€", "EUR").replace("—", "-").replace("œ", "oe").encode("latin-1"), "cp1252"),
        (FRENCH.encode("utf-16"), "utf-16-le"),  # with its byte-order mark
        (FRENCH.encode("utf-16-le"), "utf-16-le"),  # without one
        (FRENCH.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_text_exports_are_read_in_their_encoding(data: bytes, encoding: str) -> None:
    from greffier.textenc import decode_text

    decoded = decode_text(data)
    assert decoded.encoding == encoding
    if "EUR" in decoded.text:
        assert decoded.text == FRENCH.replace("€", "EUR").replace("—", "-").replace("œ", "oe")
    else:
        assert decoded.text == FRENCH


def test_a_latin1_export_is_ingested_and_searchable(tmp_path: Path) -> None:
    f = tmp_path / "cr.txt"
    f.write_bytes(("CONSEIL MUNICIPAL\n\n" + FRENCH).encode("cp1252"))
    idx = str(tmp_path / "idx")
    assert run("ingest", str(f), "--index", idx).exit_code == 0
    hits = json.loads(
        run("search", "délibération cantine", "--index", idx, "--mode", "keyword", "--format", "json").stdout
    )
    assert hits and "« cantine »" in hits[0]["text"] and "3,80 €" in hits[0]["text"]


# -- 5. greffier check [--repair] ----------------------------------------------------------


def _check(idx: Path, *extra: str) -> tuple[int, dict[tuple[str, str], dict[str, str]]]:
    r = invoke("check", "--index", str(idx), "--format", "json", *extra)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r.exit_code, {(x["part"], x["check"]): x for x in json.loads(r.stdout)}


def test_check_finds_each_kind_of_damage_and_repair_rebuilds_it(built: tuple[Path, Path]) -> None:
    import shutil
    import sqlite3

    _, idx = built
    code, rows = _check(idx)
    assert code == 0 and {x["status"] for x in rows.values()} == {"ok"}
    # damage: the keyword index loses its files, the matrix file a row, the id table names a stray document
    shutil.rmtree(idx / KEYWORD_DIR)
    (matrix,) = (idx / "vectors").glob("matrix-*.f32")
    with open(matrix, "r+b") as fh:
        fh.truncate(matrix.stat().st_size - 10)
    conn = sqlite3.connect(idx / "vectors" / "vectors.sqlite")
    conn.execute("INSERT INTO docs VALUES ('ghost', 2020, 'other', '')")
    conn.commit()
    conn.close()
    code, rows = _check(idx)
    assert code == 1
    assert rows[("keyword", "open")]["status"] == "damaged"
    assert rows[("vectors", "matrix file size")]["status"] == "damaged"
    assert "not in the store" in rows[("vectors", "passage ids")]["detail"]
    code, rows = _check(idx, "--repair")
    assert code == 0, rows
    assert {x["status"] for x in rows.values()} <= {"ok", "repaired"}
    assert rows[("vectors", "matrix file size")]["status"] == "repaired"
    code, rows = _check(idx)
    assert code == 0 and {x["status"] for x in rows.values()} == {"ok"}
    hits = json.loads(run("search", "piscine", "--index", str(idx), "--format", "json").stdout)
    assert hits[0]["doc_id"] == "piscine" and hits[0]["mode"] == "hybrid"


def test_check_says_a_damaged_store_cannot_be_rebuilt(built: tuple[Path, Path]) -> None:
    _, idx = built
    (idx / STORE_NAME).write_bytes(b"not a database" * 100)
    for wal in idx.glob("greffier.sqlite-*"):
        wal.unlink()
    code, rows = _check(idx, "--repair")
    assert code == 1 and rows[("store", "open")]["status"] == "damaged"
    assert "new --index" in rows[("store", "open")]["detail"]


# -- 6. bounds per document --------------------------------------------------------------


def _hostile_job(job: tuple[str, ...]) -> str:
    """A parse stand-in: sleeps forever, allocates 4 GB, dies, or returns its path."""
    import time

    kind = job[0].split(":")[0]
    if kind == "sleep":
        time.sleep(3600)
    if kind == "alloc":
        return str(len(bytearray(4 * 1024**3)))
    if kind == "die":
        os._exit(3)
    return job[0]


def test_a_job_over_a_limit_fails_alone_and_its_worker_is_replaced() -> None:
    import multiprocessing

    from greffier.errors import InputError
    from greffier.extract.limits import Limits, run_bounded

    jobs = [("ok:1",), ("sleep:2",), ("alloc:3",), ("ok:4",), ("die:5",), ("ok:6",), ("ok:7",)]
    ctx = multiprocessing.get_context("spawn")
    results = list(run_bounded(jobs, _hostile_job, 2, Limits(memory_mb=512, seconds=2), ctx))
    assert results[0] == "ok:1" and results[3] == "ok:4" and results[5:] == ["ok:6", "ok:7"]
    sleep, alloc, died = results[1], results[2], results[4]
    assert isinstance(sleep, InputError) and sleep.path == "sleep:2" and "longer than the limit (2 s)" in sleep.reason
    assert isinstance(alloc, InputError) and "memory limit" in alloc.reason and "512 MB" in alloc.reason
    assert isinstance(died, InputError) and "exit code 3" in died.reason
    assert multiprocessing.active_children() == []  # every worker stopped


def test_a_pdf_bomb_is_failed_by_the_memory_limit_and_the_batch_goes_on(tmp_path: Path) -> None:
    from .pdfbomb import write_bomb

    src = _docs(tmp_path)
    write_bomb(src / "bombe.pdf")
    env = {**OWN_MODEL, "GREFFIER_WORKERS": "2", "GREFFIER_PARSE_MEMORY_MB": "768", "GREFFIER_EMBEDDING_MODEL": "none"}
    r = CliRunner().invoke(main, ["ingest", str(src), "--index", str(tmp_path / "idx"), "--format", "json"], env=env)
    assert r.exit_code == 1, r.output
    rows = {Path(x["path"]).name: x for x in json.loads(r.stdout)}
    assert rows["bombe.pdf"]["status"] == "failed" and "memory limit (768 MB)" in rows["bombe.pdf"]["error"]
    assert rows["piscine.txt"]["status"] == rows["ecole.txt"]["status"] == "ingested"


def test_entity_sentences_found_once_per_text_are_the_same_as_rescanning() -> None:
    """The sentences of an amount list (one amount per line, no sentence end) and of random
    texts: found by bisection over the breaks found once, as the rescanning function finds them."""
    import random

    from greffier.extract.entities import _sentence, _Sentences

    rng = random.Random(17)
    alphabet = ["a", "É", " ", "  ", "\n", ".", ";", "!", "?", "\t", "x.", ". ", "\nb", "\nB", "1 000 €", "mot " * 90]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        find = _Sentences(text)
        for _ in range(8):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            assert find(a, b) == _sentence(text, a, b), (text, a, b)
    listing = "".join(f"ligne {i} subvention de {i * 7} € accordée à l'association\n" for i in range(400))
    find = _Sentences(listing)
    for i in range(0, 400, 37):
        a = listing.index(f"{i * 7} €")
        assert find(a, a + 5) == _sentence(listing, a, a + 5)


def test_a_page_of_thousands_of_figures_parses_in_linear_time(tmp_path: Path) -> None:
    """The probe's page of 36,000 short lines, each with an amount, took minutes: each entity
    looked for its page by scanning every paragraph of its section, each passage likewise. Doubling
    the lines must about double the Python lines run in greffier (counted, not timed)."""
    import sys

    import tests.pdfmaker as pm
    from greffier.extract.pipeline import parse_file
    from greffier.extract.scan import OcrOptions

    def lines_run(n: int) -> int:
        page = pm.PdfPage()
        for i in range(n):
            page.text(20, 5 + i * (14380 / n), f"{i} 12,50 € {i % 7}", size=min(8, 0.8 * 14380 / n))
        path = tmp_path / f"dense-{n}.pdf"
        height, pm.PAGE_H = pm.PAGE_H, 14400
        try:
            pm.write_pdf(path, [page])
        finally:
            pm.PAGE_H = height
        count = 0

        def trace(frame, event, arg):  # type: ignore[no-untyped-def]
            nonlocal count
            if "greffier" not in frame.f_code.co_filename:
                return None
            if event == "line":
                count += 1
            return trace

        sys.settrace(trace)
        try:
            parsed = parse_file(path, "dense", ocr=OcrOptions("never"))
        finally:
            sys.settrace(None)
        assert sum(1 for e in parsed.entities if e.type == "AMOUNT") >= n
        return count

    small, large = lines_run(400), lines_run(1600)
    assert large < 5 * small, (small, large)  # linear: about 4x; the scans made it 10x and more


def test_a_single_file_is_parsed_under_the_bounds_too(tmp_path: Path) -> None:
    """Ingesting one file used to parse it in the ingest process, without the memory and time
    bounds (a PDF bomb given alone was unbounded): now only an explicit workers = 1 does."""
    from greffier.api import Greffier
    from greffier.settings import Settings

    from .conftest import CORPUS

    with Greffier(Settings(index_dir=tmp_path / "idx", workers=2, parse_seconds=0.001)) as g:
        (result,) = g.ingest([CORPUS / "spanc-rapport-annuel-2023.pdf"])
    assert result.status == "failed" and "longer than the limit" in (result.error or ""), result
    assert Settings().workers >= 2  # the default is bounded, on a one-CPU machine too


def test_ingest_reports_each_document_as_it_finishes(tmp_path: Path) -> None:
    """Without a terminal (a log, CI), ingest writes one line per document on stderr as it
    finishes, before the table on stdout: a run killed midway has shown how far it got."""
    from click.testing import CliRunner

    from greffier.cli import main

    from .conftest import CORPUS

    out = CliRunner().invoke(
        main,
        [
            "ingest",
            str(CORPUS / "20250306-PV.pdf"),
            str(CORPUS / "amp-rapport-activite-2017.txt"),
            "--index",
            str(tmp_path / "idx"),
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    lines = [ln for ln in out.stderr.splitlines() if ln.startswith("ingested: ")]
    assert len(lines) == 2 and any("20250306-PV.pdf" in ln and "pages" in ln for ln in lines)
