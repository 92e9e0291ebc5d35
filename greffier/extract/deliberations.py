"""Deliberation records from minutes and lists of deliberations, and their SCDL export.

Minutes: each section headed by a deliberation (a number such as "D2025-003- Objet : …", or a
numbered agenda item) is one record, with the vote and the amounts found in its text and its
sub-sections (the vote may come pages after the heading). Decisions taken by delegation and
listed as "- DM2025-02 : …" are records too. Lists of deliberations: one record per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from greffier.extract.headings import numbering
from greffier.extract.refs import find_refs
from greffier.records import Deliberation, Document, Entity, Page, Section, Vote

_OBJET = re.compile(r"^.*?(?:Objet\s*:\s*|[-–:]\s+)", re.IGNORECASE)
_DELEGATED = re.compile(
    r"^[•\-–]?\s*(?P<ref>(?:DM|DEC|D[ée]cision)\s?[\w-]*\d{4}[-_]\d{1,4}|DM\s?\d{4}[-_]\d{1,4})\s*:\s*(?:Objet\s*:\s*)?(?P<title>.+)$",
    re.IGNORECASE,
)
_ROW_ANYWHERE = re.compile(r"(?<!\d)(?P<date>\d{2}/\d{2}/\d{4})\s+(?P<ref>(?:19|20)\d{2}_\d{1,4})\s+")
_OUTCOMES = (
    ("rejected", re.compile(r"\s*Rejetée\s*$", re.IGNORECASE)),
    ("postponed", re.compile(r"\s*Ajournée.*$", re.IGNORECASE)),
    ("noted", re.compile(r"\s*Prend acte\s*$", re.IGNORECASE)),
    ("adopted", re.compile(r"\s*Approuvée\s*$", re.IGNORECASE)),
)
_NAMES = re.compile(r"\b(?:M\.|Mme|Mmes|MM\.|Monsieur|Madame|Messieurs|Mesdames)\s")


def _vote(text: str) -> Vote | None:
    low = text
    unanimous = bool(re.search(r"à l['’]unanimité|unanimement", low, re.IGNORECASE))
    counts: dict[str, int | None] = {"pour": None, "contre": None, "abstention": None}
    for key, pattern in (
        ("pour", r"\bPour\s*:\s*(\d+)"),
        ("contre", r"\bContre\s*:\s*(\d+)"),
        ("abstention", r"\bAbstentions?\s*:\s*(\d+)"),
    ):
        m = re.search(pattern, low, re.IGNORECASE)
        if m:
            counts[key] = int(m.group(1))
    for key, pattern in (("contre", r"\bContre\s*:\s*([^\n]+)"), ("abstention", r"\bAbstentions?\s*:\s*([^\n]+)")):
        if counts[key] is None:
            m = re.search(pattern, low, re.IGNORECASE)
            if m and not re.match(r"\s*\d", m.group(1)):
                names = len(_NAMES.findall(m.group(1) + " "))
                counts[key] = names or None
    majority = re.search(r"à la majorité", low, re.IGNORECASE)
    if not unanimous and not majority and all(v is None for v in counts.values()):
        return None
    return Vote(pour=counts["pour"], contre=counts["contre"], abstention=counts["abstention"], unanimite=unanimous)


def _amounts(entities: Sequence[Entity]) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[float, str | None]] = set()
    for e in entities:
        if e.type == "AMOUNT" and e.currency == "EUR" and e.value is not None and (e.value, e.tax) not in seen:
            seen.add((e.value, e.tax))
            out.append({"value": e.value, "unit": "EUR", "tax": e.tax, "page": e.page, "text": e.text})
    return tuple(out)


def _council(doc: Document) -> str:
    return (
        "conseil communautaire"
        if doc.issuer and doc.issuer.lower().startswith(("communauté", "métropole"))
        else "conseil municipal"
    )


def _executive(doc: Document) -> str:
    return "maire" if doc.issuer and doc.issuer.lower().startswith("commune") else "president"


def extract_deliberations(
    doc: Document, sections: Sequence[Section], pages: Sequence[Page], entities: Sequence[Entity]
) -> list[Deliberation]:
    if doc.kind == "liste_deliberations":
        return _from_list(doc, pages)
    if doc.kind != "proces_verbal":
        return []
    out: list[Deliberation] = []
    by_section: dict[str, list[Entity]] = {}
    for e in entities:
        by_section.setdefault(e.section_id, []).append(e)
    n = 0
    # decisions taken by delegation, listed as "- DM2025-02 : ..."
    for s in sections:
        for line in s.text.split("\n"):
            m = _DELEGATED.match(line.strip())
            if m:
                refs = find_refs(m.group("ref"), doc.year, doc.issuer)
                ref = refs[0].ref if refs else re.sub(r"\s+", "", m.group("ref"))
                n += 1
                out.append(
                    Deliberation(
                        delib_id=f"{doc.doc_id}:d{n:03d}",
                        doc_id=doc.doc_id,
                        ref=ref,
                        body=_executive(doc),
                        date=doc.date,
                        title=m.group("title").strip(),
                        amounts=(),
                        vote=None,
                        page_start=s.page_start,
                        page_end=s.page_start,
                        section_id=s.section_id,
                    )
                )
    # one record per deliberation heading; its text runs until the next heading at its level or above
    for i, s in enumerate(sections):
        num = numbering(s.heading)
        if num is None or num[0] not in ("delib", "num", "num-dash-1"):
            continue
        if num[0] != "delib" and any(numbering(o.heading) and numbering(o.heading)[0] == "delib" for o in sections):
            continue  # numbered parts around numbered deliberations: only the latter are records
        block = [s]
        for o in sections[i + 1 :]:
            if o.level <= s.level:
                break
            block.append(o)
        text = "\n".join(b.text for b in block)
        ents = [e for b in block for e in by_section.get(b.section_id, [])]
        refs = find_refs(s.heading, doc.year, doc.issuer)
        title = s.heading
        if num[0] == "delib":
            objet = re.search(r"Objet\s*:\s*", s.heading, re.IGNORECASE)
            title = s.heading[objet.end() :].strip() if objet else _OBJET.sub("", s.heading, count=1).strip()
        else:
            title = re.sub(r"^\s*\d{1,2}\s*[.)–-]\s*", "", s.heading).strip()
        n += 1
        out.append(
            Deliberation(
                delib_id=f"{doc.doc_id}:d{n:03d}",
                doc_id=doc.doc_id,
                ref=refs[0].ref if refs else None,
                body=_council(doc),
                date=doc.date,
                title=title,
                amounts=_amounts(ents),
                vote=_vote(text),
                page_start=s.page_start,
                page_end=max(b.page_end for b in block),
                section_id=s.section_id,
            )
        )
    return out


def _from_list(doc: Document, pages: Sequence[Page]) -> list[Deliberation]:
    out: list[Deliberation] = []
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is None:
            return
        title = re.sub(r"\s+", " ", current["title"]).strip()
        outcome = None
        for name, pattern in _OUTCOMES:
            if pattern.search(title):
                outcome = name
                title = pattern.sub("", title).strip()
                break
        day, month, year = current["date"].split("/")
        out.append(
            Deliberation(
                delib_id=f"{doc.doc_id}:d{len(out) + 1:03d}",
                doc_id=doc.doc_id,
                ref=current["ref"],
                body=_council(doc),
                date=f"{year}-{month}-{day}",
                title=title,
                amounts=(),
                vote=None,
                page_start=current["page"],
                page_end=current["page_end"],
                outcome=outcome,
            )
        )

    for page in pages:
        text = re.sub(r"\s+", " ", page.text)
        pos = 0
        for m in _ROW_ANYWHERE.finditer(text):
            if current is not None:
                current["title"] += " " + text[pos : m.start()]
            close()
            current = {
                "date": m.group("date"),
                "ref": m.group("ref"),
                "title": "",
                "page": page.number,
                "page_end": page.number,
            }
            pos = m.end()
        if current is not None:
            current["title"] += " " + text[pos:]
            current["page_end"] = page.number
    close()
    return out


# -- SCDL "Délibérations" (schema.data.gouv.fr, scdl/deliberations 2.1.3) ------------------------
SCDL_COLUMNS = (
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
)
# Nomenclature "matières" of the ACTES transmission (the first level), inferred from the object.
_MATIERES = (
    (
        "7.1",
        "Finances locales / Décisions budgétaires",
        r"budg|compte administratif|compte de gestion|décision modificative|affectation du résultat",
    ),
    ("7.2", "Finances locales / Fiscalité", r"\btaux\b|fiscal|taxe|imp[ôo]t"),
    ("7.5", "Finances locales / Subventions", r"subvention"),
    (
        "7.10",
        "Finances locales / Divers",
        r"tarif|redevance|rodp|prix|participation financière|admission en non-valeur",
    ),
    (
        "4.1",
        "Fonction publique / Personnels titulaires et stagiaires",
        r"emploi|poste|recrutement|personnel|agent|vacataire|prime",
    ),
    ("1.1", "Commande publique / Marchés publics", r"march[ée]|appel d['’]offres|devis|consultation"),
    ("3.1", "Domaine et patrimoine / Acquisitions", r"acquisition|achat de terrain"),
    ("3.2", "Domaine et patrimoine / Aliénations", r"cession|vente|aliénation"),
    (
        "3.5",
        "Domaine et patrimoine / Autres actes de gestion du domaine public",
        r"domaine public|occupation|bail|location|dénomination",
    ),
    (
        "5.3",
        "Institutions et vie politique / Désignation de représentants",
        r"désignation|élection|délégués?|représentants?|commission",
    ),
    (
        "5.7",
        "Institutions et vie politique / Intercommunalité",
        r"syndicat|communauté de communes|intercommunal|smoa|se60|sivoc|adhésion",
    ),
    (
        "8.8",
        "Domaines de compétences par thèmes / Environnement",
        r"déchets|assainissement|eau potable|environnement|gemapi|ruissellement",
    ),
)


def infer_matiere(title: str) -> tuple[str, str] | None:
    low = title.lower()
    for code, name, pattern in _MATIERES:
        if re.search(pattern, low):
            return code, name
    return None


def scdl_row(d: Deliberation, doc: Document, siret: str | None = None) -> dict[str, Any]:
    matiere = infer_matiere(d.title)
    vote = d.vote
    budget_year = None
    m = re.search(
        r"\b(?:budget|BP|BS|DM|compte administratif|exercice)\D{0,25}((?:19|20)\d{2})\b", d.title, re.IGNORECASE
    )
    if m:
        budget_year = m.group(1)
    return {
        "COLL_NOM": doc.issuer or "",
        "COLL_SIRET": siret or "",
        "DELIB_ID": d.ref or "",
        "DELIB_DATE": d.date or "",
        "DELIB_MATIERE_CODE": matiere[0] if matiere else "",
        "DELIB_MATIERE_NOM": matiere[1] if matiere else "",
        "DELIB_OBJET": d.title,
        "BUDGET_ANNEE": budget_year or "",
        "BUDGET_NOM": "",
        "PREF_ID": "",
        "PREF_DATE": "",
        "VOTE_EFFECTIF": "",
        "VOTE_REEL": "",
        "VOTE_POUR": "" if vote is None or vote.pour is None else vote.pour,
        "VOTE_CONTRE": "" if vote is None or vote.contre is None else vote.contre,
        "VOTE_ABSTENTION": "" if vote is None or vote.abstention is None else vote.abstention,
        "DELIB_URL": "",
    }
