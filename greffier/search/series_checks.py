"""A trend's values checked one by one before they are shown: a year whose value belongs to another
collectivité or to another facet of the measured thing is reported missing, never filled.

Found with bench/ablation.py --trends (each year of the tune trend questions asked again with that
year's page hidden): the year was then filled from another commune's report of the same kind
("abonnés" of Rully for Brillac), or from the other service's price printed on the next page (the
sanitation price for the drinking-water one). A missing year is an honest answer; a wrong value is
not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from greffier.search.facets import contradicts

log = logging.getLogger(__name__)


def checked_series(
    result: dict[str, Any], question: str, not_its_document: Callable[[str], str | None]
) -> dict[str, Any]:
    """``result`` (a trend answer) without the years whose value is read in a document that is not
    the collectivité's the question names (``not_its_document``: why a document is not, or None), or
    whose evidence names another facet of the thing asked (:func:`greffier.search.facets.contradicts`);
    those years join the missing ones, with the reason under ``dropped``."""
    if result.get("kind") != "trend" or not result.get("series"):
        return result
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for row in result["series"]:
        doc_id = row.get("doc_id")
        why = not_its_document(doc_id) if doc_id else None
        why = why or contradicts(question, row.get("evidence") or "")
        if why:
            dropped.append({"year": row.get("year"), "value": row.get("answer"), "doc_id": doc_id, "reason": why})
        else:
            kept.append(row)
    if not dropped:
        return result
    log.info("trend %r: %d year(s) dropped: %s", question, len(dropped), dropped)
    missing = sorted({*(result.get("missing") or []), *(d["year"] for d in dropped if d["year"] is not None)})
    out = {**result, "series": kept, "missing": missing, "dropped": dropped}
    if "missing_years" in result:
        out["missing_years"] = missing
    if not kept:
        out["reason"] = "no value left once the values of another collectivité or another thing are set aside"
    return out
