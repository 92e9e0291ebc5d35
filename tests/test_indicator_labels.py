"""Row labels that name an indicator without its code: the official name with other articles and
prepositions, abbreviated ("Tx", "Nb", "Qté", "STEP"), or split over two lines of the text layer;
and the lines of an index's scoring grid, which name other figures than theirs."""

from __future__ import annotations

from greffier.extract.indicator_prose import prose_candidates
from greffier.extract.indicator_ref import match_name
from greffier.extract.indicator_rows import Context, line_rows, row_candidates

AC = "assainissement_collectif"


def _key(label: str) -> str | None:
    hit = match_name(label, AC)
    return hit[0].key if hit else None


def _read(lines: list[list[str]], year: int = 2021) -> list[tuple[str, float | None, str, int | None]]:
    ctx = Context(AC, year)
    rows, _ = line_rows(7, lines, ctx, [])
    return sorted({(c.ind.key, c.value, c.unit, c.year) for r in rows for c in row_candidates(r, ctx)}, key=str)


def test_names_compared_on_their_content_words() -> None:
    # SISPEA's wording with "des effluents" where the reference says "d'effluents"
    assert _key("Taux de débordement des effluents dans les locaux des usagers") == "P251.1"
    assert _key("Taux de conformité des performances des ouvrages d'épuration") == "P205.3"
    assert _key("Tx de desserte (%)") == "P201.1"
    assert _key("Tx d'impayés") == "P257.0"
    assert _key("Nb d'abonnés") == "abonnes"
    assert _key("Vol. facturés (m3)") == "volumes_factures"
    assert _key("Tx de conformité perf. STEP") == "P205.3"
    # words that name nothing stay unmatched
    assert _key("Existence d'un plan des réseaux avec localisation des ouvrages") is None
    assert _key("Taux de TVA") is None


def test_abbreviated_labels_in_a_year_table() -> None:
    lines = [
        ["", "2020", "2021"],
        ["Nb d'abonnés", "120", "125"],
        ["Tx de desserte (%)", "95", "96"],
        ["Tx d'impayés", "1,2 %", "1,0 %"],
    ]
    got = _read(lines)
    assert ("abonnes", 125.0, "count", 2021) in got and ("abonnes", 120.0, "count", 2020) in got
    assert ("P201.1", 96.0, "%", 2021) in got
    assert ("P257.0", 1.0, "%", 2021) in got and ("P257.0", 1.2, "%", 2020) in got


def test_a_scoring_grid_line_is_not_the_figure_its_words_name() -> None:
    # the SISPEA grid of P202.2B, as a consultant's report prints it (Jons 2022, p. 8)
    lines = [
        ["", "2022"],
        ["Connaissance de 50 % du matériau et du diamètre sur le"],
        ["linéaire total des réseaux 0 (non) – 10 (oui)", "10"],
        ["TOTAL Indice de connaissance et de gestion patrimoniale des réseaux", "120/120", "75/120"],
    ]
    got = _read(lines, 2022)
    assert not [g for g in got if g[0] == "lineaire_reseau"]
    sentence = (
        "INDICE DE CONNAISSANCE ET DE GESTION PATRIMONIALE DES RESEAUX Descriptif Cotation Indice patrimonial "
        "Existence d'un plan des réseaux avec localisation des ouvrages principaux 0 (non) – 10 (oui) 10"
    )
    assert prose_candidates(8, sentence, AC, 2022) == []
