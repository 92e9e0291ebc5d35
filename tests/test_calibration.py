"""Per-kind abstention (greffier.search.calibration) on answer rows as ask writes them."""

from greffier.search.calibration import calibrated, unsure


def _row(kind: str, subject: float | None, confidence: float) -> dict:
    return {
        "question": "À quelle date le conseil municipal a-t-il approuvé le plan local d'urbanisme ?",
        "kind": kind,
        "years": [None, None],
        "answer": "29 juin 2021",
        "value": "2021-06-29",
        "confidence": confidence,
        "subject": subject,
        "evidence": "Vu la délibération du conseil municipal en date du 29 juin 2021 approuvant le PLU",
        "alternatives": [{"answer": "7 août 2015", "value": "2015-08-07"}],
    }


def test_an_answer_about_its_subject_is_given() -> None:
    row = _row("date", 1.0, 0.9)
    assert unsure(row) is None and calibrated(row) is row


def test_an_answer_beside_another_subject_is_withheld_and_shown() -> None:
    out = calibrated(_row("date", 0.2, 0.9))
    assert out["answer"] is None and "what the question is about" in out["reason"]
    assert [c["value"] for c in out["candidates"]] == ["2021-06-29", "2015-08-07"]
    assert out["kind"] == "date" and out["question"].startswith("À quelle date")


def test_a_low_confidence_date_is_withheld_and_figures_are_not_gated_here() -> None:
    assert calibrated(_row("date", 1.0, 0.5))["answer"] is None
    assert calibrated(_row("figure", 0.0, 0.5))["answer"] is not None
    assert calibrated(_row("vote", None, 0.5))["answer"] is not None  # no subject word to check


def test_a_body_never_answers_a_question_asking_a_person() -> None:
    row = _row("direction", 1.0, 0.9) | {
        "answer": "Conseil régional de Bretagne",
        "value": "Conseil régional de Bretagne",
    }
    assert (
        calibrated(row | {"question": "Qui présidait la séance du conseil municipal du 28 septembre 2017 ?"})["answer"]
        is None
    )
    assert calibrated(row | {"question": "À quel agent le maire a-t-il délégué la signature ?"})["answer"] is None
    assert calibrated(row | {"question": "Quel organisme a financé les travaux de la salle ?"})["answer"] is not None
