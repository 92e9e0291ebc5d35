"""`greffier eval`: evaluations against hand-annotated gold data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from greffier.cli.options import (
    Ctx,
    corpus_root_option,
    embedding_option,
    fail_on_errors,
    index_options,
    issuer_split_option,
    open_index,
    output_options,
)
from greffier.errors import UsageError as GreffierUsageError
from greffier.search.hybrid import MODES as SEARCH_MODES


@click.group("eval")
def eval_group() -> None:
    """Evaluations against hand-annotated gold data (see tests/gold/).

    \b
    Example:
      greffier eval entities tests/gold/entities
    """


@eval_group.command("entities")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.option("--errors", "show_errors", is_flag=True, help="Also list every false positive / negative on stderr.")
@click.option(
    "--ner",
    metavar="on|off|sm|md",
    default=None,
    help="ORG/PERSON/PLACE from spaCy: on, off, or the model (default: GREFFIER_NER, else off).",
)
@output_options(["type", "tp", "fp", "fn", "precision", "recall", "f1"])
@fail_on_errors
def eval_entities(gold: Path, show_errors: bool, ner: str | None) -> Any:
    """Precision, recall and F1 per entity type on a gold directory (or file).

    A prediction counts when type, span overlap and normalized value agree.

    \b
    Example:
      greffier eval entities tests/gold/entities
    """
    from greffier.eval.entities import evaluate_entities

    scores = evaluate_entities(gold, ner)
    rows = []
    for t, sc in scores.items():
        rows.append(
            {
                "type": t,
                "tp": sc.tp,
                "fp": sc.fp,
                "fn": sc.fn,
                "precision": round(sc.precision, 3),
                "recall": round(sc.recall, 3),
                "f1": round(sc.f1, 3),
            }
        )
        if show_errors:
            for err in sc.errors:
                click.echo(err, err=True)
    return rows


@eval_group.command("answers")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--split",
    default="all",
    show_default=True,
    help="Only the questions of this split (dev, test, heldout: the file's own values), or all.",
)
@click.option(
    "--by",
    type=click.Choice(["issuer", "folder", "type"]),
    default=None,
    help="Also one row per issuer (the question's), corpus folder (the answer's source) or question type.",
)
@click.option(
    "--curve",
    is_flag=True,
    help="Instead: accuracy, wrong rate and coverage of ask at each confidence threshold (ask --min-confidence).",
)
@click.option(
    "--part",
    type=click.Choice(["all", "tune", "report"]),
    default="all",
    show_default=True,
    help="Only the questions of the issuers ask was tuned on, or of the others (never tuned on).",
)
@index_options
@output_options()
@fail_on_errors
def eval_answers(
    questions: Path,
    split: str,
    by: str | None,
    curve: bool,
    part: str,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Accuracy, wrong-answer and abstention rates of `ask` and `trend` on a question set.

    Run it on an index built from the documents the questions are about. An unanswerable
    question counts as right only when greffier abstains.

    \b
    Example:
      greffier eval answers tests/gold/questions/answers.jsonl --split test --index shared-index
      greffier eval answers tests/gold/questions/blind3.jsonl --part report --by issuer --index shared-index
      greffier eval answers tests/gold/questions/blind3.jsonl --curve --index shared-index
    """
    from greffier.eval.answers import answer_curve, evaluate_answers

    with open_index(index_dir, backend) as g:
        if curve:
            return answer_curve(g, questions, split, part)
        return evaluate_answers(g, questions, split, by, part)


@eval_group.command("deliberations")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@corpus_root_option
@output_options(["source", "gold", "found", "matched", "ref_ok", "date_ok", "amounts_ok", "vote_ok", "all_ok"])
@fail_on_errors
def eval_deliberations(gold: Path, corpus_root: Path) -> Any:
    """Deliberation records against gold: share of records whose ref, date and amounts are right.

    \b
    Example:
      greffier eval deliberations tests/gold/deliberations --corpus-root ../shared/corpus
    """
    from greffier.eval.deliberations import evaluate_deliberations

    return evaluate_deliberations(gold, corpus_root)


@eval_group.command("minutes")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@corpus_root_option
@issuer_split_option
@click.option("--details", is_flag=True, help="Instead: one row per document (what was read, the items missed).")
@click.option(
    "--ocr-cache", type=click.Path(dir_okay=False), default=None, help="OCR cache file (default: user cache)."
)
@output_options(
    [
        "split",
        "issuer",
        "docs",
        "issuer_ok",
        "date_ok",
        "body_ok",
        "items",
        "records",
        "found",
        "precision",
        "vote_ok",
        "amounts_ok",
        "outcome_ok",
    ]
)
@fail_on_errors
def eval_minutes(gold: Path, corpus_root: Path, split: str, details: bool, ocr_cache: str | None) -> Any:
    """Issuer, body, meeting date and decided items of minutes and acts against blind gold.

    Rows per issuer, then per split: 'tune' (issuers the rules were written on) and 'report'
    (issuers never tuned on). found = share of gold items found as records, precision = share of
    records that are gold items; vote, amounts and outcome are scored on the items found.

    \b
    Example:
      greffier eval minutes tests/gold/minutes --corpus-root ../shared/corpus --split report
    """
    from greffier.eval.minutes import evaluate_minutes

    rows, detail = evaluate_minutes(gold, corpus_root, split, cache=ocr_cache)
    return detail if details else rows


@eval_group.command("headings")
@click.argument("gold", type=click.Path(exists=True, path_type=Path), default="tests/gold", required=False)
@click.option(
    "--corpus-root",
    "roots",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Where the gold's source paths live; repeatable (default: corpus and ../shared/corpus).",
)
@issuer_split_option
@click.option("--details", is_flag=True, help="Instead: each heading missed, spurious or misplaced (--split tune).")
@output_options()
@fail_on_errors
def eval_headings(gold: Path, roots: tuple[Path, ...], split: str, details: bool) -> Any:
    """Section headings found against hand-made outlines: precision, recall, F1, level accuracy.

    GOLD is tests/gold (its folders headings and headings_tune* are 'tune', headings_heldout*
    are 'report': issuers never tuned on), one of those folders, or one file. A gold with
    "pages": [first, last] outlines those pages only. Rows per document,
    then pooled per split. --details only with --split tune.

    \b
    Example:
      greffier eval headings tests/gold --split report
    """
    from greffier.eval.headings import evaluate_headings

    found = list(roots) or [p for p in (Path("corpus"), Path("../shared/corpus")) if p.is_dir()]
    return evaluate_headings(gold, found, split, details)


@eval_group.command("ocr")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_root_option
@click.option(
    "--dpi", type=click.IntRange(72, 600), default=None, help="Render pages at this resolution (default 300)."
)
@click.option("--errors", "show_errors", is_flag=True, help="Instead: the gold lines read worst, with the OCR text.")
@output_options(["source", "page", "quality", "lines", "chars", "cer", "wer", "ocr_conf", "cpu_s"])
@fail_on_errors
def eval_ocr(gold: Path, corpus_root: Path, dpi: int | None, show_errors: bool) -> Any:
    """Character and word error rates of OCR against lines transcribed by hand from page images.

    One row per gold page, then one per page quality (clean, degraded) and [all]. Pages are
    read afresh (the OCR cache is not used).

    \b
    Example:
      greffier eval ocr tests/gold/ocr/lines.jsonl --corpus-root ../shared/corpus
    """
    from greffier.eval.ocr import evaluate_ocr, worst_lines

    if show_errors:
        return worst_lines(gold, corpus_root, dpi)
    return evaluate_ocr(gold, corpus_root, dpi)


@eval_group.command("retrieval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    "modes",
    type=click.Choice(SEARCH_MODES),
    multiple=True,
    help="Search mode to score (repeatable; default: all three, side by side).",
)
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True)
@click.option(
    "--corpus-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="Where the questions' source paths live (../shared/corpus, as ingested into --index).",
)
@click.option(
    "--match",
    type=click.Choice(["either", "quote", "page"]),
    default="either",
    show_default=True,
    help="A hit is right when its page span covers the answer page or it holds the quote (either), "
    "or only one of the two.",
)
@click.option("--tune", is_flag=True, help="Instead: hybrid scores for a grid of fusion settings (use --split dev).")
@click.option(
    "--save",
    is_flag=True,
    help="With --tune: record the best setting (hybrid R@5 over all questions, then MRR@10) in the index config, "
    "for the index's model.",
)
@embedding_option
@index_options
@output_options()  # columns: those of the rows (scores, or the --tune grid)
@fail_on_errors
def eval_retrieval(
    questions: Path,
    modes: tuple[str, ...],
    split: str,
    corpus_root: Path,
    match: str,
    tune: bool,
    save: bool,
    index_dir: Path | None,
    backend: str | None,
) -> Any:
    """Recall@1/5/10 and MRR@10 of each search mode, overall and for keyword-like and paraphrased
    questions. Run it on an index built from the corpus with `greffier ingest`.

    \b
    Example:
      greffier ingest ../shared/corpus --index shared-index
      greffier eval retrieval tests/gold/questions/retrieval.jsonl --split test \\
        --corpus-root ../shared/corpus --index shared-index
    """
    from greffier.eval.retrieval import best_fusion, evaluate_retrieval, load_questions, tune_fusion

    gold = load_questions(questions)
    with open_index(index_dir, backend) as g:
        if save and not tune:
            raise GreffierUsageError("--save goes with --tune")
        if tune:
            grid = tune_fusion(g, gold, corpus_root, split=split, match=match)
            if save:
                best = best_fusion(grid)
                g.save_fusion(best["strategy"], best["keyword_weight"] or 0.0, best["rrf_k"] or 60)
                if not Ctx.quiet:
                    click.echo(
                        f"saved for model {g.semantic.model}: {best['strategy']} keyword_weight="
                        f"{best['keyword_weight']} rrf_k={best['rrf_k']} (R@5 {best['all_r5']}, MRR@10 "
                        f"{best['all_mrr10']} on {split})",
                        err=True,
                    )
            return grid
        scores = evaluate_retrieval(g, gold, corpus_root, modes=modes or SEARCH_MODES, split=split, match=match)
    return [
        {
            "split": s.split,
            "group": s.group,
            "mode": s.mode,
            "questions": s.questions,
            "R@1": round(s.recall_at_1, 3),
            "R@5": round(s.recall_at_5, 3),
            "R@10": round(s.recall_at_10, 3),
            "MRR@10": round(s.mrr_at_10, 3),
            "note": s.note,
        }
        for s in scores
    ]


@eval_group.command("tables")
@click.argument("gold", type=click.Path(exists=True, path_type=Path), default="tests/gold/tables", required=False)
@corpus_root_option
@click.option("--errors", "show_errors", is_flag=True, help="Also list the gold cells missed on stderr.")
@output_options(["source", "page", "table_id", "strategy", "gold", "found", "matched", "precision", "recall"])
@fail_on_errors
def eval_tables(gold: Path, corpus_root: Path, show_errors: bool) -> Any:
    """Cell-level precision and recall of table extraction on hand-annotated tables.

    A cell counts when its value, row header and column header are right (headers compared
    accent- and case-insensitively, whitespace collapsed). The last row is the total.

    \b
    Example:
      greffier eval tables tests/gold/tables --corpus-root ../shared/corpus
    """
    from greffier.eval.tables import evaluate_tables, totals

    scores = evaluate_tables(gold, corpus_root)
    rows: list[dict[str, Any]] = []
    for s in scores:
        rows.append(
            {
                "source": s.source,
                "page": s.page,
                "table_id": s.table_id,
                "strategy": s.strategy,
                "gold": s.gold,
                "found": s.found,
                "matched": s.matched,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
            }
        )
        if show_errors:
            for m in s.missed:
                click.echo(f"missed {s.source} p.{s.page}: {m}", err=True)
    total = totals(scores)
    rows.append(
        {
            "source": "TOTAL",
            "page": None,
            "table_id": None,
            "strategy": None,
            "gold": total["gold"],
            "found": total["found"],
            "matched": total["matched"],
            "precision": total["precision"],
            "recall": total["recall"],
        }
    )
    return rows


@eval_group.command("indicators")
@click.argument("gold", type=click.Path(exists=True, path_type=Path), default="tests/gold/indicators", required=False)
@corpus_root_option
@issuer_split_option
@click.option("--errors", "show_errors", is_flag=True, help="Also list missed and spurious records on stderr.")
@output_options(
    [
        "source",
        "split",
        "gold",
        "found",
        "right",
        "recall",
        "precision",
        "loose",
        "no_value_gold",
        "no_value_right",
        "invented",
    ]
)
@fail_on_errors
def eval_indicators(gold: Path, corpus_root: Path, split: str, show_errors: bool) -> Any:
    """Precision and recall of indicator records against the gold (value, unit, year, commune and
    code right), per file and per split; "invented" counts values extracted where the report says
    "non renseigné" or "sans objet".

    \b
    Example:
      greffier eval indicators tests/gold/indicators --corpus-root ../shared/corpus --split report
    """
    from greffier.eval.indicators import evaluate_indicators, summary

    scores = evaluate_indicators(gold, corpus_root, split)
    if show_errors:
        for s in scores:
            for m in s.missed:
                click.echo(f"missed {s.source}: {m}", err=True)
            for m in s.spurious:
                click.echo(f"spurious {s.source}: {m}", err=True)
    return summary(scores)
