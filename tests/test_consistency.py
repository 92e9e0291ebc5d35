"""Cross-year consistency of a series' candidates (greffier/search/consistency.py)."""

from __future__ import annotations

import pytest

from greffier.search.consistency import jaccard, similarity, support


def t(label: str, heading: str = "") -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(label.split()), frozenset(heading.split())


def test_jaccard() -> None:
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset("a")) == 0.0


def test_the_candidate_worded_like_the_other_years_gets_the_support() -> None:
    # 2016 and 2017 each state the Christmas bonus for 5 to 20 hours, and another figure; 2018
    # states only the bonus
    bonus = "prime noel heures"
    templates = {
        2016: [t("aide classe decouverte"), t(bonus, "noel prime agents")],
        2017: [t(bonus, "noel prime agents"), t("tarif cantine")],
        2018: [t(bonus, "noel prime agents")],
    }
    s = support(templates)
    assert s[2016][1] == pytest.approx(1.0) and s[2016][0] == pytest.approx(0.0)
    assert s[2017][0] == pytest.approx(1.0) and s[2017][1] == pytest.approx(0.0)
    assert s[2018] == [pytest.approx(1.0)]


def test_label_counts_more_than_heading() -> None:
    same_label = similarity(t("subvention cooperative", "vote budget"), t("subvention cooperative", "comptes"))
    same_heading = similarity(t("subvention cooperative", "vote budget"), t("tarif salle", "vote budget"))
    assert same_label > same_heading > 0


def test_a_lone_year_has_no_support() -> None:
    assert support({2020: [t("a b")], 2021: []}) == {2020: [0.0], 2021: []}
