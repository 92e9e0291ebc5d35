"""Which of an item's amounts its decision sets, and the words that open and close a decision.

The decision's own amounts when it states some ("décide de retenir l'offre de X pour 31 865,00 €
HT" after a table of six offers); every amount of the item when the decision points back to them
(a tariff table approved "telle que présentée"); none when it does neither (an estimate quoted in
the exposé); and for a budget decision (DM, BP, CA) the balance of its sections, not each line of
its table.
"""

from __future__ import annotations

import re
from typing import Any

# the end of an extract: "Pour extrait conforme", "Fait et délibéré les jour, mois et an que dessus"
CLOSING = re.compile(r"(?i)pour\s+extrait\s+(?:certifi[ée]\s+)?conforme|(?:ainsi\s+)?fait\s+et\s+d[ée]lib[ée]r[ée]")
DECISION = re.compile(
    r"\b(?:d[ée]cide|d[ée]cident|approuve|adopte|arr[êe]te|autorise|fixe|attribue|accorde|vote)\b", re.IGNORECASE
)


_BUDGET_DECISION = re.compile(
    r"(?i)d[ée]cision\s+modificative|\bDM\s?n|budget\s+(?:primitif|suppl[ée]mentaire)|compte\s+administratif"
)
_BALANCE = re.compile(r"(?i)s['’]?\s?[ée]quilibr|\b[ée]quilibr[ée]e?s?\b|\bbalance\b")
# what the decision points back to: a table or a list presented before it
_PRESENTED = re.compile(
    r"(?i)tel(?:le)?s?\s+qu|ci-(?:dessus|apr[èe]s|dessous|joint)|annex[ée]|tableau|suivant|suit\b|propos[ée]|"
    r"plan\s+de\s+financement|tarifs?|montants?|r[ée]partition|d[ée]tail|[ée]nonc[ée]|pr[ée]sent[ée]"
)


def _labelled_total(amount: str, window: str) -> bool:
    """The amount follows a section's or a total's label ("Section de fonctionnement 13 712 €",
    "s'équilibre à 36 976 €"), not a line of the table after it ("R 6419 6 231 €")."""
    amount = re.sub(r"\s+", " ", amount)
    pos = window.find(amount)
    while pos >= 0:
        if re.search(
            r"(?i)(?:fonctionnement|investissement|quilibr\w*|total\w*|exploitation)[^€\d]{0,30}$", window[:pos]
        ):
            return True
        pos = window.find(amount, pos + 1)
    return False


def decided_amounts(amounts: tuple[dict[str, Any], ...], text: str) -> tuple[dict[str, Any], ...]:
    """The amounts of the decision itself when it states some ("décide de retenir l'offre de X
    pour 31 865,00 € HT" after a table of six offers); else every amount of the item when the
    decision points back to them (a tariff table the decision approves 'telle que présentée');
    else none (an estimate quoted in the exposé is not what the council sets). A budget decision
    (DM, BP, CA) sets its sections' balance ("s'équilibre … fonctionnement 13 712 € …
    investissement 36 976 €"), not each line of its table."""
    flat = re.sub(r"\s+", " ", text)
    if amounts and _BUDGET_DECISION.search(flat[:300]):
        windows = [flat[m.start() : m.end() + 300] for m in _BALANCE.finditer(flat)]
        balance = tuple(a for a in amounts if any(_labelled_total(str(a.get("text", "")), w) for w in windows))
        if balance:
            return balance
    m = DECISION.search(text)
    if not m or not amounts:
        return amounts
    clause = re.sub(r"\s+", " ", text[m.start() :])
    kept = tuple(a for a in amounts if re.sub(r"\s+", " ", str(a.get("text", ""))) in clause)
    if kept:
        return kept
    return amounts if _PRESENTED.search(clause) else ()
