"""The answer model: the evidence of ask's best candidate turned into a probability."""

from __future__ import annotations

from greffier.records import Entity, SearchHit
from greffier.search.candidate import Candidate
from greffier.search.confidence import FEATURES, confidence, features, shipped_model

SENTENCE = "Le conseil fixe le loyer mensuel du logement d'urgence à 100,00 € à compter du 1er janvier."
HIT = SearchHit(1, 3.0, "cm-2012", "CM", 2012, 3, (), "", "cm-2012:p1", SENTENCE)


def _cand(value: float, score: float, n: int = 0) -> Candidate:
    e = Entity(f"e{n}", "AMOUNT", f"{value:.2f} €", "cm-2012", 3, "s1", 0, 5, SENTENCE, value=value, unit="EUR")
    return Candidate(e, HIT, score, overlap=0.6, proximity=0.5, retrieval=1.0, passage_cov=0.7, factor=1.0)


def _row(cands: list[Candidate]) -> dict[str, float]:
    return dict(zip(FEATURES, features(cands, "figure", True)))


def test_features_of_the_best_candidate() -> None:
    row = _row([_cand(100.0, 0.6), _cand(100.0, 0.55, 1), _cand(2454.75, 0.3, 2), _cand(0.0, 0.58, 3)])
    assert row["lead"] == 0.6 - 0.58  # ahead of the best other value, not of its own copy
    assert row["support"] == 1 / 3  # one other passage gives the same value
    assert row["close_values"] == 1 / 3  # one other value within 0.9 of its score
    assert row["zero"] == 0.0
    assert _row([_cand(0.0, 0.6)])["zero"] == 1.0


def test_shipped_model_is_a_probability_that_grows_with_the_lead() -> None:
    model = shipped_model()
    assert model is not None and 0.0 < model.threshold < 1.0
    alone = confidence(model, [_cand(100.0, 0.6)], "figure", True)
    contested = confidence(model, [_cand(100.0, 0.6), _cand(150.0, 0.6, 1), _cand(90.0, 0.59, 2)], "figure", True)
    assert 0.0 <= contested < alone <= 1.0
    assert confidence(model, [], "figure", True) == 0.0
