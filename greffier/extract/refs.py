"""DELIBERATION entities: references to deliberations, decisions and arrêtés. Never raises.

Codes broken across lines ("EMP 002-" / "2152/17/BM") are re-joined; the reference is
normalized without spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.extract.dates import find_dates

_WS = r"[ \u00a0\t]*\n?[ \u00a0\t\n]*"


@dataclass(frozen=True)
class RefMatch:
    start: int
    end: int
    text: str
    ref: str
    date: str | None
    body: str | None  # conseil | bureau | president | maire | None


_PATTERNS = [
    # AMP: "FAG 004-1187/17/CM", "EMP 002-\n2152/17/BM"
    ("amp", re.compile(rf"\b[A-Z]{{2,5}}[ \u00a0]?\d{{3}}-{_WS}\d{{3,5}}/\d{{2}}(?:/(?P<org>CM|BM|CT\d?))?(?![\w/])")),
    # "DEL2025-59", "DEL 2025-36", "DM2024-01", "D2025-003", "DCM2019-12", "DEC2020-12"
    ("prefixed", re.compile(r"\b(?P<prefix>DEL|DCM|DM|DEC|AR|D)[ \u00a0]?(?:19|20)\d{2}[-_]\d{1,4}(?![\w/]|-\d)")),
    # register rows: "2024_01"
    ("register", re.compile(r"(?<![\w/-])(?:19|20)\d{2}_\d{1,4}(?![\w/-])")),
    # "délibération n° 2016-45", "décision n° 2020-12", "N°2023-125", "Décision 2025-06"
    (
        "numbered",
        re.compile(
            r"(?P<intro>\b(?:d[ée]lib[ée]rations?|d[ée]cisions?|arr[êe]t[ée]s?)"
            r"(?:[ \u00a0]+(?:du[ \u00a0]+\w+[ \u00a0]+)?(?:n°|no|numéro)?)?[ \u00a0]*|\bN°[ \u00a0]*)"
            r"(?P<num>(?:19|20)\d{2}[-/]\d{1,4}|\d{1,4}[-/](?:19|20)\d{2})(?![\w/]|-\d)",
            re.IGNORECASE,
        ),
    ),
]
_NOT_A_DELIBERATION = re.compile(
    r"(?:d[ée]cret|loi|ordonnance|circulaire|r[èe]glement)\s*(?:n°|no)?\s*$", re.IGNORECASE
)


def _body(kind: str, m: re.Match[str], text: str, start: int, issuer: str | None) -> str | None:
    if kind == "amp":
        org = m.group("org") or ""
        return "bureau" if org == "BM" else "conseil"  # /CM conseil, /BM bureau, /CTn conseil de territoire
    if kind == "prefixed":
        prefix = m.group("prefix")
        if prefix == "DM":
            return "maire"
        if prefix in ("DEC", "AR"):
            return _executive(issuer)
        return "conseil"
    if kind == "register":
        return "conseil"
    intro = (m.group("intro") or "").lower()
    if intro.startswith(("décision", "decision", "arrêté", "arrete")):
        return _executive(issuer)
    return "conseil"


def _executive(issuer: str | None) -> str:
    return "maire" if issuer and issuer.lower().startswith("commune") else "president"


def find_refs(text: str, doc_year: int | None = None, issuer: str | None = None) -> list[RefMatch]:
    try:
        return _find(text, doc_year, issuer)
    except Exception:  # never break ingestion
        return []


def _find(text: str, doc_year: int | None, issuer: str | None) -> list[RefMatch]:
    out: list[RefMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if kind == "numbered":
                start, end = m.start("num"), m.end("num")
                if _NOT_A_DELIBERATION.search(text[max(0, m.start() - 20) : m.start()] + m.group("intro")):
                    continue
            else:
                start, end = m.start(), m.end()
            if any(start < e and end > s for s, e in taken):
                continue
            if _NOT_A_DELIBERATION.search(text[max(0, start - 25) : start]):
                continue
            raw = text[start:end]
            ref = re.sub(r"\s+", "", raw)
            out.append(
                RefMatch(
                    start, end, raw, ref, _date_near(text, start, end, doc_year), _body(kind, m, text, start, issuer)
                )
            )
            taken.append((start, end))
    return sorted(out, key=lambda r: r.start)


def _date_near(text: str, start: int, end: int, doc_year: int | None) -> str | None:
    """The date of the act: "… du 19-10-2017", "… en date du 3 octobre 2024", or a register
    row's leading date ("23/01/2024 2024_01")."""
    after = text[end : end + 60]
    m = re.match(r"[\s,]*(?:du|en date du|adoptée? le|du conseil \w+ du)\s+", after, re.IGNORECASE)
    if m:
        dates = [d for d in find_dates(after[m.end() :], doc_year) if d.start < 25 and d.precision == "day"]
        if dates:
            return dates[0].iso
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    dates = [d for d in find_dates(before, doc_year) if d.precision == "day"]
    if dates and dates[-1].end >= len(before.rstrip()) - 1:
        return dates[-1].iso
    return None
