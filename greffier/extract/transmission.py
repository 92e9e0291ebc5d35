"""Each deliberation's transmission to the préfecture (the SCDL's PREF_ID and PREF_DATE): the @ctes
identifier stamped on the act ("ID : 029-200054724-20221206-DE2022_141-DE", "Accusé de réception en
préfecture 044-214400400-20131119-D2013-109-DE") and the reception date written beside it ("Date de
réception préfecture : 25/11/2013", "Reçu en préfecture le 07/12/2022").

A record takes the identifier whose act number has its reference's digits; a document with one
identifier and one record (an extract) gives it that one. The stamps' counts of members ("Membres en
exercice : 29 … votants : 28") complete a record's vote when its own text does not state them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from greffier.extract.dates import first_date
from greffier.extract.identity import ActesId, actes_ids
from greffier.extract.votes import members
from greffier.records import Deliberation

__all__ = ["with_transmission"]

_ID_TEXT = re.compile(r"\b\d{2}[\dAB]-\d{9}-(?:19|20)\d{6}-[\w.\-]{1,40}?-(?:DE|AR|AI|AU|CC|BF)\b")
_RECEIVED = re.compile(
    r"(?i)(?:r[ée]ception(?:\s+(?:en|[àa]\s+la|par\s+la))?\s+pr[ée]fecture|re[çc]ue?\s+(?:en|[àa]\s+la)\s+pr[ée]fecture"
    r"|accus[ée]\s+de\s+r[ée]ception)\D{0,30}?(?P<date>[0-3]?\d\s?[/.-]\s?[01]?\d\s?[/.-]\s?(?:19|20)?\d{2}"
    r"|[0-3]?\d(?:er)?\s+\w+\s+(?:19|20)\d{2})"
)


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _received_near(raw: str, start: int) -> str | None:
    """The reception date written within 250 characters of an identifier."""
    window = raw[max(0, start - 250) : start + 250]
    for m in _RECEIVED.finditer(window):
        iso = first_date(re.sub(r"\s", "", m.group("date")) if "/" in m.group("date") else m.group("date").lower())
        if iso:
            return iso
    return None


def with_transmission(records: Sequence[Deliberation], raw_text: str, head: str) -> list[Deliberation]:
    """``records`` with their @ctes identifier and reception date (from ``raw_text``, the document
    before its stamps were removed) and the members' counts of the header ``head``."""
    if not records:
        return []
    ids: list[tuple[ActesId, str, int]] = []
    for m in _ID_TEXT.finditer(raw_text):
        found = actes_ids(m.group(0))
        if found and all(found[0] != a for a, _, _ in ids):
            ids.append((found[0], m.group(0), m.start()))
    votants, effectif = members(head)
    out = []
    for d in records:
        pref = None
        if d.ref and len(_digits(d.ref)) >= 3:
            pref = next((x for x in ids if _digits(x[0].number).endswith(_digits(d.ref)[-6:])), None)
            pref = pref or next((x for x in ids if _digits(d.ref).endswith(_digits(x[0].number))), None)
        if pref is None and len(ids) == 1 and len(records) == 1:
            pref = ids[0]
        if pref is not None:
            d = replace(d, pref_id=pref[1], pref_date=_received_near(raw_text, pref[2]))
        if d.vote is not None and (d.vote.votants is None or d.vote.effectif is None):
            d = replace(
                d,
                vote=replace(
                    d.vote,
                    votants=d.vote.votants if d.vote.votants is not None else votants,
                    effectif=d.vote.effectif if d.vote.effectif is not None else effectif,
                ),
            )
        out.append(d)
    return out
