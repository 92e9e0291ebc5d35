"""The CLI contract, through CliRunner, on the real documents of corpus/."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.cli import main
from greffier.index.config import CONFIG_NAME
from greffier.index.store import SCHEMA_VERSION

from .conftest import CORPUS

PV = CORPUS / "20250306-PV.pdf"
AMP = CORPUS / "amp-rapport-activite-2017.txt"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_ingest_json_then_unchanged_then_force(tmp_path: Path) -> None:
    idx = str(tmp_path / "idx")
    r = run("ingest", str(PV), str(AMP), "--index", idx, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["status"], x["doc_id"]) for x in rows] == [
        ("ingested", "20250306-pv"),
        ("ingested", "amp-rapport-activite-2017"),
    ]
    assert rows[0]["pages"] == 8 and rows[0]["sections"] >= 5 and rows[0]["error"] is None
    again = json.loads(run("ingest", str(PV), "--index", idx, "--format", "json").stdout)
    assert again[0]["status"] == "unchanged"
    forced = json.loads(run("ingest", str(PV), "--index", idx, "--format", "json", "--force").stdout)
    assert forced[0]["status"] == "ingested"
    status = json.loads(run("status", "--index", idx, "--format", "json").stdout)
    assert status["documents"] == 2 and status["indexed_passages"] == status["passages"] > 0
    assert status["keyword_backend"] == "tantivy"


def test_docs_sections_search_formats(demo_index: Path) -> None:
    idx = str(demo_index)
    docs = json.loads(run("docs", "--index", idx, "--format", "json").stdout)
    by_id = {d["doc_id"]: d for d in docs}
    pv = by_id["20250306-pv"]
    assert (pv["kind"], pv["year"], pv["date"], pv["issuer"]) == (
        "proces_verbal",
        2025,
        "2025-03-06",
        "Commune de Pierrefonds",
    )
    amp = by_id["amp-rapport-activite-2017"]
    assert (amp["kind"], amp["year"], amp["issuer"]) == ("rapport_activite", 2017, "Métropole Aix-Marseille-Provence")
    assert by_id["spanc-rapport-annuel-2023"]["kind"] == "rpqs"
    assert by_id["repertoire-chronologique-2024"]["kind"] == "liste_deliberations"

    secs = json.loads(run("sections", "amp-rapport-activite-2017", "--index", idx, "--format", "json").stdout)
    assert {"section_id", "heading", "level", "path", "page_start", "page_end", "text"} <= set(secs[0])
    heads = [s["heading"].strip() for s in secs if s["level"] == 1]
    assert "01 – LA DIRECTION GENERALE DES SERVICES" in heads

    hits = json.loads(run("search", "restauration scolaire", "--index", idx, "--format", "json").stdout)
    assert hits and hits[0]["doc_id"] == "repertoire-chronologique-2024"
    assert {"rank", "score", "doc_id", "title", "year", "page", "section_path", "snippet", "passage_id", "text"} <= set(
        hits[0]
    )
    assert "**" in hits[0]["snippet"]
    # the snippet and the page cite real text of that page
    pages = {h["page"] for h in hits}
    assert all(isinstance(p, int) and p >= 1 for p in pages)

    out = run("search", "restauration scolaire", "--index", idx, "--format", "csv", "--limit", "2").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and rows[0]["rank"] == "1"


def test_search_filters(demo_index: Path) -> None:
    idx = str(demo_index)

    def years(*args: str) -> set[int]:
        r = run("search", "assainissement", "--index", idx, "--format", "json", "--limit", "50", *args)
        assert r.exit_code == 0, r.output
        return {h["year"] for h in json.loads(r.stdout)}

    assert years() >= {2015, 2023}
    assert years("--year", "2023") == {2023}
    assert years("--from", "2015", "--to", "2016") == {2015}
    kinds = json.loads(run("search", "assainissement", "--index", idx, "--format", "json", "--kind", "rpqs").stdout)
    assert kinds and all(h["doc_id"] == "spanc-rapport-annuel-2023" for h in kinds)
    lisieres = json.loads(
        run("search", "assainissement", "--index", idx, "--format", "json", "--issuer", "lisieres").stdout
    )
    assert lisieres and {h["doc_id"] for h in lisieres} == {"spanc-rapport-annuel-2023"}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["search", '"taux foncier'], 2, "unbalanced double quote"),
        (["search", "taux", "--year", "2016", "--from", "2015"], 2, "either a year or a year range"),
        (["search", "taux", "--issuer", "Marseille-Nord"], 1, "no document from an issuer matching"),
        (["sections", "nope"], 1, "no document 'nope'"),
    ],
)
def test_bad_requests_get_clear_errors(demo_index: Path, args: list[str], code: int, message: str) -> None:
    r = run(*args, "--index", str(demo_index))
    assert r.exit_code == code
    assert message in r.stderr and "Traceback" not in r.output


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    r = run("search", "taux", "--index", str(tmp_path / "none"))
    assert r.exit_code == 1 and "no greffier index" in r.stderr


def test_backend_mismatch_is_refused(tmp_path: Path) -> None:
    idx = str(tmp_path / "idx")
    assert run("ingest", str(AMP), "--index", idx, "--format", "json").exit_code == 0
    r = run("search", "taux", "--index", idx, "--backend", "whoosh")
    assert r.exit_code == 1 and "keyword_backend='tantivy'" in r.stderr
    cfg = json.loads((tmp_path / "idx" / CONFIG_NAME).read_text())
    assert cfg["keyword_backend"] == "tantivy" and cfg["schema_version"] == SCHEMA_VERSION


def test_whoosh_backend_end_to_end(tmp_path: Path) -> None:
    idx = str(tmp_path / "w")
    assert run("ingest", str(AMP), "--index", idx, "--backend", "whoosh", "--format", "json").exit_code == 0
    hits = json.loads(run("search", "Inspection Générale des Services", "--index", idx, "--format", "json").stdout)
    assert hits and any("Inspection" in " ".join(h["section_path"]) for h in hits[:3])


def _bad_files(tmp: Path) -> dict[str, Path]:
    from pypdf import PdfWriter

    files: dict[str, Path] = {}
    truncated = tmp / "truncated.pdf"
    truncated.write_bytes(PV.read_bytes()[:3000])
    files["truncated"] = truncated
    corrupt = tmp / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    files["corrupt"] = corrupt
    docx = tmp / "rapport.pdf"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    files["docx"] = docx
    empty_pdf = tmp / "zero-pages.pdf"
    PdfWriter().write(str(empty_pdf))
    files["zero"] = empty_pdf
    encrypted = tmp / "encrypted.pdf"
    w = PdfWriter(clone_from=str(PV))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with encrypted.open("wb") as fh:
        w.write(fh)
    files["encrypted"] = encrypted
    (tmp / "empty.txt").write_text("")
    files["empty_txt"] = tmp / "empty.txt"
    (tmp / "empty.pdf").write_bytes(b"")
    files["empty_pdf"] = tmp / "empty.pdf"
    (tmp / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00" * 64)  # a program renamed .txt
    files["binary"] = tmp / "binary.txt"
    return files


def test_bad_inputs_are_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    good = tmp_path / "good.txt"
    shutil.copy(AMP, good)
    idx = str(tmp_path / "idx")
    args = [
        "ingest",
        *map(str, bad.values()),
        str(good),
        str(tmp_path / "missing.pdf"),
        "--index",
        idx,
        "--format",
        "json",
    ]
    r = run(*args)
    assert r.exit_code == 1
    rows = {Path(x["path"]).name: x for x in json.loads(r.stdout)}
    assert rows["good.txt"]["status"] == "ingested"
    expected = {
        "truncated.pdf": "",
        "corrupt.pdf": "",
        "rapport.pdf": "ZIP",
        "zero-pages.pdf": "no pages",
        "encrypted.pdf": "password",
        "empty.txt": "empty text file",
        "empty.pdf": "empty file (0 bytes)",
        "binary.txt": "binary content",
        "missing.pdf": "no such file",
    }
    for name, reason in expected.items():
        row = rows[name]
        assert row["status"] == "failed", row
        assert name in row["error"] and reason in row["error"]
        assert "error: " in r.stderr and name in r.stderr
    # nothing half-written: only the good document is in the store and the index
    status = json.loads(run("status", "--index", idx, "--format", "json").stdout)
    assert status["documents"] == 1 and status["indexed_passages"] == status["passages"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "locked.txt"
    f.write_text("texte")
    f.chmod(0)
    r = run("ingest", str(f), "--index", str(tmp_path / "idx"), "--format", "json")
    assert r.exit_code == 1 and "permission denied" in json.loads(r.stdout)[0]["error"]


def test_unsupported_file_type(tmp_path: Path) -> None:
    f = tmp_path / "notes.docx"
    f.write_bytes(b"PK\x03\x04")
    r = run("ingest", str(f), "--index", str(tmp_path / "idx"), "--format", "json")
    assert r.exit_code == 1 and "unsupported file type .docx" in json.loads(r.stdout)[0]["error"]


def test_every_command_help_ends_with_an_example() -> None:
    for name in ("ingest", "docs", "sections", "search", "status"):
        out = run(name, "--help").stdout
        assert "Example:" in out and "greffier " in out.split("Example:")[1]
