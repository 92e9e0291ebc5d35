"""A tune RPQS of the shared corpus (the SISPEA model's Brillac report) rewritten the way other
generators write theirs: codes not printed, a text layer without cell positions, a title page that
states no exercise in a report presented the next year. Its records must stay the same (skipped
when the shared corpus is absent)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from greffier.extract import indicators as extraction
from greffier.extract.pipeline import parse_file

_CODE = re.compile(r"\(?\s*(?:indicateur\s+)?\b(?:[DP]\.?[123]\d\d\.\d[AB]?|VP\.\d{3}|DC\.\d{3})\b\s*\)?", re.I)


@pytest.fixture(scope="module")
def brillac() -> tuple[Any, ...]:
    from tests.conftest import SHARED

    if SHARED is None:
        pytest.skip("../shared/corpus is not here: integration test skipped")
    seen: dict[str, tuple[Any, ...]] = {}
    real = extraction._extract

    def spy(*args: Any) -> Any:
        seen["inputs"] = args
        return real(*args)

    extraction._extract = spy  # type: ignore[assignment]
    try:
        parse_file(Path(SHARED) / "rpqs-narval" / "RPQS_Brillac_AC_2021.pdf", "brillac")
    finally:
        extraction._extract = real  # type: ignore[assignment]
    return seen["inputs"]


def _values(inputs: tuple[Any, ...]) -> set[tuple[str, float | None, str, int | None, str | None]]:
    return {(r.indicator, r.value, r.unit, r.year, r.commune) for r in extraction._extract(*inputs)}


def _rewritten(inputs: tuple[Any, ...], fn: Any) -> tuple[Any, ...]:
    doc, pages, layouts, raw, tables = inputs
    pages = [replace(p, text="\n".join(fn(x) for x in p.text.split("\n"))) for p in pages]
    layouts = [
        replace(lay, lines=tuple(replace(ln, segments=tuple(replace(s, text=fn(s.text)) for s in ln.segments))
                                 for ln in lay.lines))
        for lay in layouts
    ]  # fmt: skip
    raw = [[replace(x, text=fn(x.text)) for x in page] for page in raw] if raw else raw
    tables = [
        replace(t, caption=fn(t.caption), header_rows=tuple(tuple(fn(c) for c in r) for r in t.header_rows),
                rows=tuple(tuple(fn(c) for c in r) for r in t.rows), section_path=tuple(fn(x) for x in t.section_path))
        for t in tables
    ]  # fmt: skip
    return doc, pages, layouts, raw, tables


def test_without_its_codes(brillac: tuple[Any, ...]) -> None:
    base = _values(brillac)
    assert len(base) > 25
    assert _values(_rewritten(brillac, lambda t: _CODE.sub("", t).strip())) == base


def test_without_cell_positions(brillac: tuple[Any, ...]) -> None:
    doc, pages, _, raw, tables = brillac
    base = _values(brillac)
    assert _values((doc, pages, [], raw, tables)) == base  # lines of the text layer, trailing figures as cells
    assert _values((doc, pages, [], raw, [])) == base  # and no grid either


def test_presented_the_next_year_without_an_exercise_on_its_title_page(brillac: tuple[Any, ...]) -> None:
    doc, pages, layouts, raw, tables = brillac
    cover = re.sub(r"(?i)exercice\s*:?\s*2021", "Présenté au conseil municipal du 28 juin 2022", pages[0].text)
    moved = (replace(doc, year=2022), [replace(pages[0], text=cover), *pages[1:]], layouts, raw, tables)
    assert _values(moved) == _values(brillac)
