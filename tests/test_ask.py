"""Question understanding and extractive answers on the demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.search.ask import issuer_in_question
from greffier.search.question import parse_question
from greffier.settings import Settings


@pytest.mark.parametrize(
    ("question", "kind", "years", "unit", "counted"),
    [
        ("Combien d'arrêtés le maire a-t-il signés en 2018 ?", "figure", (2018, 2018), "count", "arrêtés"),
        ("Quel tonnage d'ordures ménagères a été collecté en 2023 ?", "figure", (2023, 2023), "t", None),
        ("Quelle direction pilote le plan climat ?", "direction", (None, None), None, None),
        ("Comment a évolué le taux de la taxe d'habitation depuis 2015 ?", "trend", (2015, 2025), "%", None),
        ("Quel était le tarif de la cantine entre 2016 et 2019 ?", "trend", (2016, 2019), "EUR", None),
        ("Quand le conseil de développement a-t-il été installé ?", "date", (None, None), None, None),
        ("Combien a coûté l'éclairage public l'an dernier ?", "figure", (2024, 2024), "EUR", None),
    ],
)
def test_parse_question(question: str, kind: str, years: tuple, unit: str | None, counted: str | None) -> None:
    q = parse_question(question, latest_year=2025)
    assert (q.kind, (q.year_from, q.year_to), q.unit, q.counted) == (kind, years, unit, counted)
    assert "combien" not in q.terms and "2018" not in q.terms


def test_issuer_named_in_a_question() -> None:
    issuers = [
        "Commune de Pierrefonds",
        "Métropole Aix-Marseille-Provence",
        "Communauté de communes des Lisières de l’Oise",
    ]
    assert issuer_in_question("Quel budget à Pierrefonds en 2016 ?", issuers)[0] == "Commune de Pierrefonds"
    assert issuer_in_question("Combien la CCLO a-t-elle perçu ?", issuers)[0].startswith("Communauté")
    assert issuer_in_question("Quel est le budget ?", issuers) == (None, set())


def test_ask_cites_a_verified_page(demo_index: Path) -> None:
    with Greffier(Settings(index_dir=demo_index, workers=1)) as g:
        r = g.ask(
            "Combien de délibérations la Métropole Aix-Marseille-Provence a-t-elle préparées et suivies en 2017 ?"
        )
        assert (r["value"], r["unit"], r["doc_id"], r["page"]) == (1861.0, "count", "amp-rapport-activite-2017", 65)
        assert "1 861 délibérations" in r["evidence"]
        page = g.store.page_text(r["doc_id"], r["page"])
        assert page is not None and "1 861 délibérations" in page
        r = g.ask("Quand le Conseil de Développement d'Aix-Marseille-Provence a-t-il été installé ?")
        assert r["value"] == "2017-04-06" and r["kind"] == "date"


def test_ask_abstains_rather_than_guess(demo_index: Path) -> None:
    with Greffier(Settings(index_dir=demo_index, workers=1)) as g:
        r = g.ask("Combien de piscines olympiques la commune a-t-elle construites en 2019 ?")
        assert r["answer"] is None and r["reason"]


def test_ask_cli_json(demo_index: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "ask",
            "Quel est le montant du marché entretien espaces verts 2025 en euros HT ?",
            "--index",
            str(demo_index),
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    if row["answer"] is None:  # an abstention says why and shows what it saw
        assert row["reason"] and isinstance(row["candidates"], list) and "no answer" in r.stderr
    else:
        assert {"value", "doc_id", "page", "evidence"} <= set(row)
