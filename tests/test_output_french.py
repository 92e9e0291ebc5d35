"""Figures written the French way in terminal tables; CSV and JSON keep the exact number."""

from __future__ import annotations

import pytest

from greffier.output import french_number, french_value, render


@pytest.mark.parametrize(
    ("value", "text"),
    [(1861.0, "1 861"), (40.92, "40,92"), (206716.79, "206 716,79"), (-0.5, "-0,5"), (1817648000.0, "1 817 648 000")],
)
def test_french_number(value: float, text: str) -> None:
    assert french_number(value) == text


def test_french_value_adds_the_unit_sign_and_leaves_other_values() -> None:
    assert french_value(40.92, "%") == "40,92 %"
    assert french_value(1861, "count") == "1 861"
    assert french_value(206716.79, "EUR") == "206 716,79 €"
    assert french_value("2013-10-31", None) == "2013-10-31"
    assert french_value({"approved": True}, None) == {"approved": True}


def test_tables_write_decimals_the_french_way_and_csv_does_not() -> None:
    rows = [{"value": 40.92, "year": 2015, "page": 3}]
    table = render(rows, "table")
    assert "40,92" in table and "2015" in table and "2 015" not in table
    assert render(rows, "csv").splitlines()[1] == "40.92,2015,3"


def test_a_narrow_table_keeps_each_cells_value_and_page() -> None:
    from greffier.output import _shorten

    cell = "1.62 EUR/m3 (rpqs-abainville-ac-2021 p.8)"
    assert _shorten(cell, 60) == cell
    short = _shorten(cell, 28)
    assert len(short) == 28 and short.startswith("1.62 EUR/m3 (rpqs") and short.endswith("… p.8)")
    assert _shorten("Rapport annuel sur le prix et la qualité", 12) == "Rapport ann…"  # no citation: cut at the end
