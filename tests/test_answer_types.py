"""Every answer type end to end, on minutes written as French councils write them: a vote on the
meeting the question names, a list of designated members, the firm a contract went to, a series of
tax rates from several meetings, and the candidates a table shows when greffier abstains."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from greffier.api import Greffier
from greffier.cli import main
from greffier.settings import Settings

_RATES = {
    2014: ("10 mars", "03-10", "Taux 2013 Taux 2014 proposés Taxe d’habitation 15,01 % 15,46 % "
           "Taxe sur le foncier bâti 17,05 % 17,56 %"),
    2015: ("31 mars", "03-31", "Taux 2014 Taux 2015 proposés Taxe d’habitation 15,46 % 15,46 % "
           "Taxe sur le foncier bâti 17,56 % 17,56 %"),
}  # fmt: skip


def _meeting(tmp_path: Path, year: int) -> Path:
    day, mmdd, rates = _RATES[year]
    doc = tmp_path / f"compte-rendu-{mmdd[3:]}-{mmdd[:2]}-{year}.txt"
    doc.write_text(
        f"Commune de Chéméré\nCompte rendu du conseil municipal du {day} {year}\n\n"
        f"DE-{year}/31 – Vote des taux communaux {year}\n"
        f"Monsieur le Maire, rapporteur, présente les taux d’imposition proposés par la commission des finances.\n"
        f"{rates} Les membres du Conseil municipal, après en avoir délibéré, décident à l’unanimité des membres "
        f"présents de voter les taux comme sus-mentionnés.\n"
        f"DE-{year}/32 – Taxe d’aménagement : Exonération des abris de jardin\n"
        f"Il est procédé à un vote à main levée sur l’exonération des abris de jardin.\n"
        f"• 8 voix « Pour »,\n• {8 if year == 2014 else 5} voix « Contre »,\n• 3 « Abstention ».\n"
        f"{'La voix de Monsieur le Maire étant prépondérante (« Contre »), le' if year == 2014 else 'Le'} Conseil "
        f"municipal, après en avoir délibéré, décide à la majorité des membres présents "
        f"{'de ne pas exonérer' if year == 2014 else 'd’exonérer'} les abris de jardin de la part communale de la "
        f"taxe d’aménagement.\n"
        f"DE-{year}/33 – Représentants au syndicat d’énergie\n"
        f"Le Conseil municipal désigne ses représentants au Syndicat départemental d’énergie (SYDELA)\n"
        f"Titulaires : Valérie LEBLOND, Christelle GUIGNON Suppléants : Georges LECLEVE, Marc VOYAU\n"
        f"DE-{year}/34 – Aménagement de la rue de la Treille : attribution du marché\n"
        f"Après analyse des offres, le Conseil municipal décide à l’unanimité des membres présents de retenir "
        f"l’offre de l’entreprise COLAS pour un montant de 170 091,15 € H.T. (l’entreprise EUROVIA "
        f"était moins bien classée).\n",
        encoding="utf-8",
    )
    return doc


@pytest.fixture(scope="module")
def minutes_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("answer-types")
    with Greffier(Settings(index_dir=tmp / "idx", workers=1)) as g:
        g.ingest([_meeting(tmp, 2014), _meeting(tmp, 2015)])
    return tmp / "idx"


def test_a_vote_of_the_meeting_named_with_the_casting_vote(minutes_index: Path) -> None:
    with Greffier(Settings(index_dir=minutes_index, workers=1)) as g:
        tie = g.ask(
            "Le conseil a-t-il accepté le 10 mars 2014 d'exonérer les abris de jardin de la taxe d'aménagement ?"
        )
        later = g.ask(
            "Le conseil a-t-il accepté le 31 mars 2015 d'exonérer les abris de jardin de la taxe d'aménagement ?"
        )
    assert tie["kind"] == "vote" and tie["value"]["approved"] is False and tie["value"]["contre"] == 8
    assert later["value"]["approved"] is True and later["value"]["contre"] == 5


def test_a_list_of_designated_members_not_the_substitutes(minutes_index: Path) -> None:
    with Greffier(Settings(index_dir=minutes_index, workers=1)) as g:
        r = g.ask("Qui représente la commune comme titulaires au Syndicat départemental d'énergie (SYDELA) en 2015 ?")
    assert r["kind"] == "list" and r["items"] == ["Valérie LEBLOND", "Christelle GUIGNON"]


def test_the_firm_a_contract_went_to(minutes_index: Path) -> None:
    with Greffier(Settings(index_dir=minutes_index, workers=1)) as g:
        r = g.ask("Quelle entreprise a été retenue en mars 2014 pour l'aménagement de la rue de la Treille ?")
    assert r["answer"] == "COLAS", r


def test_a_series_of_rates_from_several_meetings(minutes_index: Path) -> None:
    with Greffier(Settings(index_dir=minutes_index, workers=1)) as g:
        r = g.ask("Quel taux de taxe d'habitation la commune a-t-elle voté chaque année de 2012 à 2015 ?")
    assert r["kind"] == "trend"
    assert [(p["year"], p["value"]) for p in r["series"]] == [(2013, 15.01), (2014, 15.46), (2015, 15.46)]
    assert r["missing_years"] == [2012]


def test_a_table_shows_the_candidates_when_greffier_abstains(minutes_index: Path) -> None:
    r = CliRunner().invoke(
        main, ["ask", "Quelle entreprise a construit la piscine olympique ?", "--index", str(minutes_index)]
    )
    assert r.exit_code == 0, r.output
    assert "no answer" in r.stderr
    if "candidates" in r.stderr:  # what it saw, each marked as no answer
        assert "? " in r.stdout
