"""Text helpers of the web pages: highlighted snippets as safe HTML, French labels and numbers.

Every string that comes from a document is untrusted: it is escaped here (or by Jinja2's
autoescape) before it reaches a page; :func:`highlight` returns :class:`markupsafe.Markup`
only after escaping each piece itself.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

# stands for a literal "**" of the document while the snippet's own "**" marks are read
_LITERAL_STARS = "\ue000\ue000"

KIND_LABELS = {
    "rapport_activite": "Rapport d'activité",
    "proces_verbal": "Procès-verbal / compte rendu",
    "rpqs": "RPQS",
    "liste_deliberations": "Liste de délibérations",
    "other": "Autre",
}
ENTITY_LABELS = {
    "AMOUNT": "Montant / quantité",
    "DATE": "Date",
    "DIRECTION": "Direction / service",
    "DELIBERATION": "Délibération",
    "ORG": "Organisme",
    "PERSON": "Personne",
    "PLACE": "Lieu",
}
STATUS_LABELS = {"ingested": "indexé", "needs_ocr": "à océriser (scan sans texte)", "failed": "échec"}
MODE_LABELS = {"hybrid": "hybride", "keyword": "mots-clés", "semantic": "sémantique"}
ANSWER_KINDS = {
    "figure": "chiffre",
    "date": "date",
    "direction": "direction",
    "org": "organisme",
    "open": "question ouverte",
    "trend": "évolution",
}
UNIT_LABELS = {"EUR": "€", "count": "", "%": "%", "m3": "m³", "m2": "m²", "km": "km", "t": "t", "ha": "ha"}

_REASONS = (
    (r"^no candidate fits well enough$", "aucune valeur trouvée ne correspond assez bien à la question"),
    (r"^no passage holds a value of the asked type$", "aucun passage ne contient une valeur du type demandé"),
    (
        r"^the question asks why, how, where or whether",
        "la question demande pourquoi, comment, où ou si : greffier extrait des chiffres, des dates et des "
        "organismes, il ne rédige pas de réponse ; lisez les passages ci-dessous",
    ),
    (r"^no document has a year$", "aucun document de l'index n'a d'année"),
)
_RANGE_REASON = re.compile(r"^no value fits well enough for any year from (\d+) to (\d+)$")


def mark_query(text: str, snippet_of: Any) -> str:
    """``snippet_of(text)`` (greffier's snippet maker, which wraps matched words in ``**``) with a
    literal ``**`` of the text kept apart from the marks."""
    return snippet_of(text.replace("**", _LITERAL_STARS))


def highlight(snippet: str) -> Markup:
    """A snippet whose matched words are wrapped in ``**`` as HTML: every piece escaped, the
    matched words in ``<mark>``; a literal ``**`` of the document comes back as text."""
    parts = snippet.split("**")
    out = []
    for i, part in enumerate(parts):
        piece = escape(part.replace(_LITERAL_STARS, "**"))
        # an odd piece is a matched word, unless the marks are unbalanced (the last piece)
        if i % 2 == 1 and i < len(parts) - 1:
            out.append(Markup("<mark>") + piece + Markup("</mark>"))
        else:
            out.append(piece)
    return Markup("").join(out)


def french_reason(reason: str | None) -> str:
    if not reason:
        return ""
    for pattern, label in _REASONS:
        if re.search(pattern, reason):
            return label
    m = _RANGE_REASON.match(reason)
    if m:
        return f"aucune valeur ne correspond assez bien, pour aucune année de {m.group(1)} à {m.group(2)}"
    return reason


def number_fr(value: Any, decimals: int = 2) -> str:
    """1861.0 -> "1 861", 2.25 -> "2,25" (a narrow no-break space between thousands)."""
    if value is None:
        return ""
    if not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def value_fr(value: Any, unit: str | None, tax: str | None = None) -> str:
    """A value with its unit, as a French reader writes it."""
    if value is None:
        return ""
    text = number_fr(value) if isinstance(value, int | float) else str(value)
    label = UNIT_LABELS.get(unit or "", unit or "")
    out = f"{text} {label}".strip()
    return f"{out} {tax}" if tax else out


def percent(confidence: Any) -> str:
    if not isinstance(confidence, int | float):
        return ""
    return f"{round(confidence * 100)} %"


def csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote; numbers stay."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        if not re.fullmatch(r"[+-]?\d[\d\s.,]*", value):
            return "'" + value
    return value
