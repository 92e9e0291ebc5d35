"""The SCDL « Délibérations » export (schema.data.gouv.fr, scdl/deliberations 2.1.3): one row per
deliberation record, its issuer the collectivité's canonical name, its id the printed number (else a
stable one), its @ctes transmission identifier and reception date, its vote mapped to the schema's
counts (a unanimity with its number of voters known gives every voter for, none against).

The schema has no column for the outcome: a record with no vote (noted, withdrawn, postponed, a
decision under delegation) leaves the vote columns empty."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from greffier.extract.identity import canonical_issuers, issuer_key
from greffier.records import Deliberation, Document, Vote

__all__ = ["SCDL_COLUMNS", "delib_id", "infer_matiere", "scdl_row", "scdl_rows"]

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


def delib_id(d: Deliberation, issuer: str | None) -> str:
    """The printed reference, else a stable id from the issuer, the date and the object (the
    same record gets the same id at every export and re-ingest)."""
    if d.ref:
        return d.ref
    digest = hashlib.sha1(f"{issuer_key(issuer)}|{d.date}|{d.title}".encode()).hexdigest()[:8]
    return f"GRF-{(d.date or '0000-00-00').replace('-', '')}-{digest}"


def _counts(vote: Vote | None) -> dict[str, Any]:
    """VOTE_EFFECTIF (members in office), VOTE_REEL (voters), VOTE_POUR/CONTRE/ABSTENTION."""
    if vote is None:
        return {k: "" for k in ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")}
    pour, contre, abstention = vote.pour, vote.contre, vote.abstention
    if vote.unanimite:  # nobody against; abstentions only when written ("des suffrages exprimés (2 abstentions)")
        contre = 0 if contre is None else contre
        abstention = 0 if abstention is None else abstention
        if pour is None and vote.votants is not None:
            pour = vote.votants - abstention
    reel = vote.votants
    if reel is None and None not in (pour, contre, abstention):
        reel = pour + contre + abstention  # type: ignore[operator]
    return {
        "VOTE_EFFECTIF": "" if vote.effectif is None else vote.effectif,
        "VOTE_REEL": "" if reel is None else reel,
        "VOTE_POUR": "" if pour is None else pour,
        "VOTE_CONTRE": "" if contre is None else contre,
        "VOTE_ABSTENTION": "" if abstention is None else abstention,
    }


def scdl_row(d: Deliberation, doc: Document, siret: str | None = None, issuer: str | None = None) -> dict[str, Any]:
    """One SCDL « Délibérations » row; ``issuer``: the collectivité's canonical name (else the document's)."""
    matiere = infer_matiere(d.title)
    budget_year = None
    m = re.search(
        r"\b(?:budget|BP|BS|DM|compte administratif|exercice)\D{0,25}((?:19|20)\d{2})\b", d.title, re.IGNORECASE
    )
    if m:
        budget_year = m.group(1)
    return {
        "COLL_NOM": issuer or doc.issuer or "",
        "COLL_SIRET": siret or "",
        "DELIB_ID": delib_id(d, issuer or doc.issuer),
        "DELIB_DATE": d.date or "",
        "DELIB_MATIERE_CODE": matiere[0] if matiere else "",
        "DELIB_MATIERE_NOM": matiere[1] if matiere else "",
        "DELIB_OBJET": d.title,
        "BUDGET_ANNEE": budget_year or "",
        "BUDGET_NOM": "",
        "PREF_ID": d.pref_id or "",
        "PREF_DATE": d.pref_date or "",
        **_counts(d.vote),
        "DELIB_URL": "",
    }


def scdl_rows(
    records: Iterable[Deliberation], docs: Mapping[str, Document], siret: str | None = None
) -> list[dict[str, Any]]:
    """The rows of ``records``, each named by its collectivité's one canonical issuer over ``docs``
    ("Commune de CHEMERE" and "Commune de Chéméré" are one COLL_NOM)."""
    canon = canonical_issuers([d.issuer for d in docs.values() if d.issuer])
    out = []
    for r in records:
        doc = docs.get(r.doc_id)
        if doc is not None:
            out.append(scdl_row(r, doc, siret, canon.get(doc.issuer or "")))
    return out
