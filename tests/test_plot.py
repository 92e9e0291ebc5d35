"""`trend` as a sparkline, a table with conflicts, and a PNG chart (`--plot`)."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import struct
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from greffier.cli import main
from greffier.errors import MissingDependencyError, OutputError, UsageError
from greffier.output import sparkline
from greffier.plot import caption_lines, require_matplotlib, write_trend_png, year_values

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# a hand-made trend: a gap (2017), a negative value, a conflict in 2016, a missing last year.
# The doc ids are real documents of corpus/ so that the CLI can date them (2015-11-17, 2025-03-06).
TREND: dict[str, Any] = {
    "question": "Taux de la taxe foncière sur le bâti",
    "kind": "trend",
    "unit": "%",
    "series": [
        {
            "year": 2015,
            "answer": "18,5 %",
            "value": 18.5,
            "unit": "%",
            "doc_id": "compte-rendu-17-11-2015",
            "title": "Conseil municipal du 17 novembre 2015",
            "page": 5,
            "section_path": ["Fiscalité"],
            "evidence": "Le taux est fixé à 18,5 %.",
            "confidence": 0.9,
        },
        {
            "year": 2016,
            "answer": "19 %",
            "value": 19.0,
            "unit": "%",
            "doc_id": "compte-rendu-17-11-2015",
            "title": None,
            "page": 3,
            "section_path": [],
            "evidence": "Le taux passe à 19 %.",
            "confidence": 0.8,
            "conflicts": [
                {
                    "year": 2016,
                    "answer": "21 %",
                    "value": 21.0,
                    "unit": "%",
                    "doc_id": "20250306-pv",
                    "title": "Conseil municipal du 6 mars 2025",
                    "page": 40,
                    "section_path": [],
                    "evidence": "En 2016 le taux était de 21 %.",
                    "confidence": 0.75,
                }
            ],
        },
        {
            "year": 2018,
            "answer": "-2,5 %",
            "value": -2.5,
            "unit": "%",
            "doc_id": "cr-2018",
            "title": "CR 2018",
            "page": 1,
            "section_path": [],
            "evidence": "Baisse de 2,5 %.",
            "confidence": 0.7,
        },
        {
            "year": 2019,
            "answer": "20 %",
            "value": 20.0,
            "unit": "%",
            "doc_id": "cr-2019",
            "title": "CR 2019",
            "page": 2,
            "section_path": [],
            "evidence": "Le taux est de 20 %.",
            "confidence": 0.7,
        },
    ],
    "missing": [2017, 2020],
}


def trend_dict() -> dict[str, Any]:
    return copy.deepcopy(TREND)


# -- sparkline: a pure function ----------------------------------------------------------------


def test_sparkline_scales_between_min_and_max() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([8, 1]) == "█▁"
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"  # 3.5 rounds to the even 4


def test_sparkline_missing_years_are_gaps() -> None:
    assert sparkline([0, None, 10]) == "▁·█"
    assert sparkline([None, 3, None, None, 7, None]) == "·▁··█·"
    assert sparkline([0, None, 10], gap=" ") == "▁ █"
    assert sparkline([0, math.nan, 10]) == "▁·█"  # NaN is no value either
    assert sparkline([None, None]) == "··"
    assert sparkline([]) == ""


def test_sparkline_constant_series_is_flat_mid_height() -> None:
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline([5, None, 5]) == "▄·▄"
    assert sparkline([42]) == "▄"


def test_sparkline_negative_values() -> None:
    assert sparkline([-3, -2, 4]) == "▁▂█"
    assert sparkline([-1, -5, -8]) == "█▄▁"
    assert sparkline([-1.5, None, 1.5]) == "▁·█"


# -- the year grid and the caption: pure functions ---------------------------------------------


def test_year_values_cover_every_year_without_filling() -> None:
    assert year_values(trend_dict()) == [
        (2015, 18.5),
        (2016, 19.0),
        (2017, None),
        (2018, -2.5),
        (2019, 20.0),
        (2020, None),
    ]
    assert year_values({"series": [], "missing": []}) == []
    text = {"series": [{"year": 2020, "value": "2020-04-06"}], "missing": [2019]}
    assert year_values(text) == [(2019, None), (2020, None)]  # a date is not plotted as a number


def test_caption_cites_every_point_and_conflict() -> None:
    assert caption_lines(trend_dict()) == [
        "2015: Conseil municipal du 17 novembre 2015 p. 5",
        "2016: compte-rendu-17-11-2015 p. 3",  # no title: the doc id
        "2016 (also 21 %): Conseil municipal du 6 mars 2025 p. 40",
        "2018: CR 2018 p. 1",
        "2019: CR 2019 p. 2",
        "no value: 2017, 2020",
    ]
    long = {"series": [{"year": 2016, "value": 1, "title": "x" * 200, "doc_id": "d", "page": None}], "missing": []}
    (line,) = caption_lines(long)
    assert line.startswith("2016: xxx") and line.endswith("…") and len(line) < 100


# -- the PNG writer ------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_write_trend_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    out = write_trend_png(trend_dict(), tmp_path / "taux.png")
    assert out == tmp_path / "taux.png"
    data = out.read_bytes()
    width, height = _png_size(data)
    assert width == 900 and height >= 500  # 9 in at 100 dpi; taller with a longer caption
    assert b"Matplotlib" in data[:200]  # the tEXt Software chunk matplotlib writes
    assert len(data) > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["taux.png"]  # no temp file left behind
    pixels = imread(out)[:, :, :3]

    def has_colour(rgb: tuple[int, int, int]) -> bool:
        target = [c / 255 for c in rgb]
        return bool((abs(pixels - target).max(axis=2) < 0.02).sum() > 20)

    assert (pixels.min(axis=2) < 0.9).mean() > 0.01  # far from a blank image
    assert has_colour((0x1F, 0x77, 0xB4))  # the series (C0)
    assert has_colour((0xD6, 0x27, 0x28))  # the other document's marker (C3)


def test_chart_breaks_the_line_at_missing_years() -> None:
    pytest.importorskip("matplotlib")
    from greffier.plot import _draw

    Figure, _ = require_matplotlib()

    fig = _draw(Figure, trend_dict())
    ax = fig.axes[0]
    line = ax.lines[0]
    xs, ys = list(line.get_xdata()), list(line.get_ydata())
    assert xs == [2015, 2016, 2017, 2018, 2019, 2020]
    assert math.isnan(ys[2]) and math.isnan(ys[5]) and ys[3] == -2.5  # a NaN breaks the line: no interpolation
    assert ax.get_title() == TREND["question"]
    assert ax.get_ylabel() == "value (%)"
    (others,) = ax.collections  # the conflicting value of 2016
    assert [list(p) for p in others.get_offsets()] == [[2016.0, 21.0]]
    caption = "\n".join(t.get_text() for t in fig.texts)
    assert "2016 (also 21 %): Conseil municipal du 6 mars 2025 p. 40" in caption


def test_write_failure_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    def broken(self: Any, fh: Any, **kwargs: Any) -> None:
        fh.write(PNG_SIGNATURE + b"half a chart")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    target = tmp_path / "chart.png"
    with pytest.raises(OutputError, match=r"chart\.png: cannot write the chart: No space left on device"):
        write_trend_png(trend_dict(), target)
    assert list(tmp_path.iterdir()) == []


def test_write_to_unwritable_path(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    (tmp_path / "afile").write_text("not a directory")
    for target in (tmp_path / "afile" / "chart.png", tmp_path / "no" / "such" / "dir" / "chart.png"):
        with pytest.raises(OutputError, match=r"chart\.png"):
            write_trend_png(trend_dict(), target)
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(OutputError, match="cannot write"):  # a directory is in the way
        write_trend_png(trend_dict(), tmp_path / "dir.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "dir.png"]
    assert list((tmp_path / "dir.png").iterdir()) == []
    with pytest.raises(UsageError, match="PNG"):
        write_trend_png(trend_dict(), tmp_path / "chart.svg")


def test_missing_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'greffier\[plot\]'"):
        write_trend_png(trend_dict(), tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()


# -- the CLI -------------------------------------------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_trend_plot_end_to_end(demo_index: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "deliberations.png"
    r = invoke(
        "trend",
        "délibérations",
        "--from",
        "2014",
        "--to",
        "2018",
        "--index",
        str(demo_index),
        "--format",
        "json",
        "--plot",
        str(chart),
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)  # stdout stays pure JSON, whatever --plot does
    assert isinstance(rows, list)
    assert all(2014 <= row["year"] <= 2018 and row["doc_id"] and row["page"] for row in rows)
    data = chart.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 10_000
    assert f"chart written to {chart}" in r.stderr
    assert "▁" not in r.stderr and "█" not in r.stderr  # no sparkline outside the table format
    assert [p.name for p in tmp_path.iterdir()] == ["deliberations.png"]


def test_trend_plot_unwritable_path(demo_index: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    (tmp_path / "afile").write_text("not a directory")
    target = tmp_path / "afile" / "chart.png"
    r = CliRunner().invoke(main, ["trend", "délibérations", "--index", str(demo_index), "--plot", str(target)])
    assert r.exit_code == 1
    assert str(target) in r.stderr and "cannot write the chart" in r.stderr
    assert r.stdout == ""  # no half output either
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["afile"]
    r = CliRunner().invoke(main, ["trend", "x", "--index", str(demo_index), "--plot", str(tmp_path / "chart.svg")])
    assert r.exit_code == 2 and "should end in .png" in r.stderr


def test_trend_plot_without_matplotlib(demo_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    r = CliRunner().invoke(
        main, ["trend", "délibérations", "--index", str(demo_index), "--plot", str(tmp_path / "chart.png")]
    )
    assert r.exit_code == 1
    assert "pip install 'greffier[plot]'" in r.stderr and r.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def fake_trend(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Greffier.trend` answering the hand-made series (the CLI's presentation only is under test)."""
    from greffier.api import Greffier

    monkeypatch.setattr(Greffier, "trend", lambda self, *args, **kwargs: trend_dict())


@pytest.mark.usefixtures("fake_trend")
def test_trend_table_sparkline_and_conflicts(demo_index: Path) -> None:
    r = CliRunner().invoke(main, ["trend", "taux", "--index", str(demo_index)], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "2015 ██·▁█· 2020  (-2,5 … 20 %)" in r.stderr  # figures written the French way
    assert "missing years: 2017, 2020" in r.stderr
    header, _rule, *lines = r.stdout.splitlines()
    assert header.split() == ["year", "answer", "value", "unit", "also", "doc_id", "page", "evidence"]
    (row_2016,) = [line for line in lines if line.startswith("2016")]
    assert "21 % (20250306-pv p. 40, more recent)" in row_2016  # the other document is the 2025 minutes
    assert len(lines) == 4


@pytest.mark.usefixtures("fake_trend")
def test_trend_json_and_csv_unchanged(demo_index: Path) -> None:
    r = invoke("trend", "taux", "--index", str(demo_index), "--format", "json")
    assert json.loads(r.stdout) == TREND["series"]  # no `also`, conflicts as the library gave them
    assert "█" not in r.stderr
    r = invoke("trend", "taux", "--index", str(demo_index), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["year", "answer", "value", "unit", "doc_id", "page", "evidence"]
    assert [row["year"] for row in rows] == ["2015", "2016", "2018", "2019"]
    assert "█" not in r.stderr
