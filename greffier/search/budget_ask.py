"""Questions about a budget's figures answered from its maquette lines (extract/budget_lines.py).

"Quel montant la Région consacre-t-elle à la masse salariale (chapitre 012) dans son BP 2024 ?",
"le total des dépenses de fonctionnement", "les autorisations d'engagement votées", "les
recettes d'emprunt (chapitre 16)": a budget prints each of these on a line of its maquette (a
chapter, a section total, AP/AE votées), in the column of the vote, with the previous budget
"pour mémoire". A line answers when

* the question names its chapter ("chapitre 012"), or its label's words are in the question (at
  least two, and three quarters of them; one, "Transports", when the question also says the
  line's direction and section; the usual other names of a line are read too: "masse salariale"
  for the charges de personnel, "autorisations de programme" for "AP votées", "recettes réelles"
  for the sub-total of real operations);
* a question about a "budget annexe" is not answered from a budget principal;
* its direction (dépenses / recettes) and section (fonctionnement / investissement) do not
  contradict the question's;
* it has a figure for the asked year: the vote's total for the budget's own year, the "pour
  mémoire" column for the year before.

The lines that match best must agree on the figure (the same chapter is printed on several
pages); otherwise, or for a zero, the budget route gives nothing and the passage search answers.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from greffier.extract.budget_lines import BudgetLine, BudgetValue, budget_lines
from greffier.extract.headings import fold
from greffier.records import Document

if TYPE_CHECKING:
    from greffier.api import Greffier

log = logging.getLogger(__name__)

_BUDGETISH = re.compile(
    r"\bbudget|\bbp\b|\bchapitre|\bcredits?\b|\bdepenses?\b|\brecettes?\b|\bautorisations? d|\bap\b|\bae\b"
    r"|\bemprunt|\bsection d|\bfonctionnement\b|\binvestissement\b|\bcharges?\b|\bproduits?\b|\bcessions?\b"
    r"|\bmasse salariale\b|\bdotations?\b|\bsubventions?\b|\bimpots?\b|\bfiscalite\b|\bvirement\b"
    r"|\bdette\b|\binterets\b|\bfrais financiers\b|\bimprevues\b"
)
_CHAPTER = re.compile(r"\bchapitres?\s*(?:n°\s*)?(\d{2,4}(?:\s*-\s*\d{1,4})?)\b")
# other names of a maquette's lines, from the instructions budgétaires (M57, M14)
_SYNONYMS = (
    (re.compile(r"\bmasse salariale\b|\b(?:frais|depenses) de personnel\b"), "charges personnel"),
    (re.compile(r"\bautorisations? de programme\b"), "ap votees"),
    (re.compile(r"\bautorisations? d'engagement\b"), "ae votees"),
    (re.compile(r"\bemprunts?\b"), "emprunts dettes assimilees"),
    (re.compile(r"\bcessions?\b"), "produits cessions immobilisations"),
    (re.compile(r"\b(?:depenses|recettes) reelles\b"), "sous total operations reelles mixtes"),
    (re.compile(r"\binterets? de la dette\b|\bfrais financiers\b"), "charges financieres"),
    (re.compile(r"\brembours\w* (?:\w+ ){0,3}(?:dette|emprunts?)\b"), "emprunts dettes assimilees"),
    (re.compile(r"\bdepenses imprevues\b"), "dont depenses imprevues"),
)
_STOP = {
    "de", "des", "du", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "sur", "pour", "par",
    "dont", "hors", "sauf", "un", "une", "ou", "se", "sa", "son", "ses", "y", "compris",
}  # fmt: skip
_DEPENSES = re.compile(r"\bdepenses?\b|\bconsacr|\bverse|\brembours|\bdepense\b|\bcharges?\b")
_RECETTES = re.compile(r"\brecettes?\b|\bpercoi|\bpercev|\battend|\btirer\b|\bencaiss|\bressources?\b")
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# the words of a direction, a section or a total: what a line is of, not what it is
_CONTEXT = {"depense", "recette", "investi", "fonctio", "total", "sou", "section"}
_PREVIOUS = re.compile(r"\bbudget precedent\b|\bexercice precedent\b|\bpour memoire\b")


def _stem(word: str) -> str:
    word = word.rstrip("sx") if len(word) > 3 else word
    return word[:7]


_WHERE = {_stem(w) for w in ("depenses", "recettes", "budget", "chapitre", "montant", "inscrit", "votees", "vote")}


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.split(r"[^a-z0-9]+", text) if w and w not in _STOP and not w.isdigit()}


def _label_words(label: str) -> set[str]:
    """A label's words, stemmed; an abbreviation ("Prod. services", "Reprises amort.") as its
    prefix and a star: it matches every word it begins."""
    t = re.sub(r"\([^)]*\)?", " ", fold(label))  # "(hors 016 et 017)", "(2)"
    out = set()
    for m in re.finditer(r"[a-z0-9]+(\.)?", t):
        w = m.group(0).rstrip(".")
        if w in _STOP or w.isdigit() or len(w) < 2:
            continue
        out.add(f"{w[:7]}*" if m.group(1) and len(w) >= 3 else _stem(w))
    return out


def _hits(label_words: set[str], qwords: set[str]) -> set[str]:
    return {w for w in label_words if (w in qwords or (w.endswith("*") and any(q.startswith(w[:-1]) for q in qwords)))}


def _question_text(question: str) -> str:
    q = fold(question).replace("’", "'")
    extra = [words for pattern, words in _SYNONYMS if pattern.search(q)]
    return " ".join([q, *extra])


def _asked_sens(q: str) -> str | None:
    dep, rec = _DEPENSES.search(q), _RECETTES.search(q)
    if dep and rec:
        return "depenses" if dep.start() < rec.start() else "recettes"
    return "depenses" if dep else "recettes" if rec else None


def _asked_section(q: str) -> str | None:
    inv, fon = "investissement" in q, "fonctionnement" in q
    return "investissement" if inv and not fon else "fonctionnement" if fon and not inv else None


def _names(hit: set[str], named: set[str], content: set[str], same_place: bool) -> bool:
    """Whether the question's words name the line: two of its own words; or one ("Transports",
    "Subventions d'investissement") with its direction or section in its label, or both asked in
    the question and the line's own (``same_place``); or, for a section's
    total ("Dépenses de fonctionnement – Total"), its direction and section."""
    if len(named) >= 2:
        return True
    if len(named) == 1:
        return len(hit) >= 2 or (same_place and len(content) == 1)
    return not content and len(hit) >= 2


def _budget_docs(g: Greffier, issuer: str | None) -> list[Document]:
    docs = [d for d in g.documents() if d.kind == "budget"]
    if issuer is not None:
        return [d for d in docs if d.issuer == issuer]
    return docs if len({d.issuer for d in docs}) == 1 else []  # whose budget? the question must say


def _matching(g: Greffier, question: str, issuer: str | None) -> list[tuple[tuple, BudgetLine, Document]]:
    """The lines of the issuer's budgets that fit the question, best first, with their rank key."""
    folded = fold(question).replace("’", "'")
    if not _BUDGETISH.search(folded):
        return []
    docs = _budget_docs(g, issuer)
    if "budget annexe" in folded or "budgets annexes" in folded:  # not the budget principal's lines
        docs = [d for d in docs if "budget annexe" in fold(g.store.page_text(d.doc_id, 1) or "")]
    if not docs:
        return []
    qtext = _question_text(question)
    qwords = _words(qtext)
    code_m = _CHAPTER.search(folded)
    code = re.sub(r"\s+", "", code_m.group(1)) if code_m else None
    sens, section = _asked_sens(folded), _asked_section(folded)
    out = []
    for doc in docs:
        for table in g.store.tables(doc.doc_id):
            for line in budget_lines(table, doc.year):
                if code is not None and line.code != code:
                    continue
                lw = _label_words(line.label)
                hit = _hits(lw, qwords)
                content = lw - _CONTEXT
                named = hit & content
                same_place = sens is not None and section is not None and (line.sens, line.section) == (sens, section)
                # three quarters of what the line is of (of all its words for a section's total)
                covered = len(named) >= 0.75 * len(content) if content else len(hit) >= 0.75 * len(lw)
                enough = bool(lw) and covered and _names(hit, named, content, same_place)
                if code is None and not enough:
                    continue
                # the question's "investissement" may be the label's own ("Virement à la section
                # d'investissement" is a line of the fonctionnement section)
                if sens and line.sens and line.sens != sens and _stem(sens) not in lw:
                    continue
                if section and line.section and line.section != section and _stem(section) not in lw:
                    continue
                # the line named by what it is of first ("Transports" before "DEPENSES D'INVESTISSEMENT")
                key = (code is not None, len(named), len(hit), round(len(hit) / max(len(lw), 1), 3))
                out.append((key, line, doc))
    out.sort(key=lambda t: t[0], reverse=True)
    return out


def _asked_year(question: str, year: int | None, q_year: int | None, budget_year: int | None) -> int | None:
    if _PREVIOUS.search(fold(question)) and budget_year is not None:
        return budget_year - 1
    return year or q_year or budget_year


def _asked_role(question: str) -> str | None:
    """The column a question asks for by name: the president's proposals, the assembly's vote."""
    q = fold(question)
    if re.search(r"\bpropos(?:e|ee|es|ees|ition|itions)\b", q):
        return "proposed"
    named = re.search(r"\b(?:ap|ae|autorisations?)\b[^.?]{0,40}\bvotee", q)  # "AE votées": a line's name
    if re.search(r"\bvote(?:e|es|s)?\b", q) and not named:
        return "voted"
    return None


def _pick(
    ranked: list[tuple[tuple, BudgetLine, Document]], year: int | None, first: str | None = None
) -> tuple[BudgetLine, BudgetValue, Document, int] | None:
    """The figure the best lines agree on for ``year`` (None when they disagree); ``first``: the
    column role the question names."""
    if not ranked:
        return None
    best_key = ranked[0][0]
    found: list[tuple[BudgetLine, BudgetValue, Document]] = []
    for key, line, doc in ranked:
        if key != best_key:
            break
        v = line.value_for(year, doc.year, first)
        if v is not None:
            found.append((line, v, doc))
    values = {round(v.value, 2) for _, v, _ in found}
    if len(values) != 1:
        return None
    line, value, doc = found[0]
    return line, value, doc, len(found)


def _row(g: Greffier, line: BudgetLine, value: BudgetValue, doc: Document, year: int | None) -> dict[str, Any] | None:
    page = g.store.page_text(doc.doc_id, line.page)
    if page is None or re.sub(r"\s+", " ", value.text) not in re.sub(r"\s+", " ", page):
        return None  # the figure must be found again on its page
    label = f"{line.code} {line.label}" if line.code else line.label
    table = g.store.table(line.table_id)
    return {
        "answer": value.text,
        "value": value.value,
        "unit": "EUR",
        "tax": None,
        "kind": "figure",
        "year": value.year or year or doc.year,
        "doc_id": doc.doc_id,
        "title": doc.title,
        "issuer": doc.issuer,
        "page": line.page,
        "section_path": list(table.section_path) if table else [],
        "evidence": f"{label} | {value.column}: {value.text}",
        "ocr": False,
        "ocr_conf": None,
    }


def _split_elsewhere(g: Greffier, question: str, line: BudgetLine, value: BudgetValue, doc: Document) -> bool:
    """Whether the question asks a part of the line that another table of the budget gives: the
    same line ("AP VOTEES") split by function in a column whose header holds a word of the
    question that neither the line's label nor its column holds ("… votées pour les transports":
    "DONT Fonction 8 Transports"). The whole line's figure would answer another question."""
    own = _label_words(line.label)
    asked = _words(_question_text(question)) - own - _words(fold(value.column)) - _words(fold(doc.issuer or ""))
    # (the words of a direction, a section or a total say where the line is, not a part of it:
    # "recettes d'emprunt (chapitre 16)" is the line of the recettes column of the chapters' table)
    asked = {w for w in asked if not any(w.startswith(c) for c in _CONTEXT)} - _WHERE
    if not asked:
        return False
    for table in g.store.tables(doc.doc_id):
        if table.table_id == line.table_id:
            continue
        for c in table.cells:
            if (
                c.col_header
                and c.row_header
                and _label_words(c.row_header) == own
                and asked & _words(fold(c.col_header))
            ):
                return True
    return False


def budget_answer(
    g: Greffier, question: str, issuer: str | None, year: int | None, q_year: int | None
) -> dict[str, Any] | None:
    """The figure of a budget's line that the question names, or None to let the search answer."""
    ranked = _matching(g, question, issuer)
    if not ranked:
        return None
    budget_year = ranked[0][2].year
    named = {int(y) for y in _YEARS.findall(question)}
    if _PREVIOUS.search(fold(question)) and budget_year is not None:
        named.add(budget_year - 1)
    if year is None and len(named) >= 2:  # "pour le budget précédent (2023) et pour le BP 2024": a series
        return budget_trend(g, question, min(named), max(named), issuer, ranked)
    asked = _asked_year(question, year, q_year, budget_year)
    picked = _pick(ranked, asked, _asked_role(question))
    if picked is None:
        return None
    line, value, doc, agreeing = picked
    if value.value == 0:
        return None  # an empty column or an unused chapter: no figure to give
    if _split_elsewhere(g, question, line, value, doc):
        return None  # "les AP votées pour les transports": a column of the line's other table
    row = _row(g, line, value, doc, asked)
    if row is None:
        return None
    strong = ranked[0][0][0] or agreeing >= 2
    row["confidence"] = 0.9 if strong else 0.75
    log.debug("budget line %s p%d answers %r", line.table_id, line.page, question)
    return {"question": question, "years": [asked, asked], **row, "alternatives": [], "source": "budget"}


def budget_trend(
    g: Greffier,
    what: str,
    lo: int | None,
    hi: int | None,
    issuer: str | None,
    ranked: list[tuple[tuple, BudgetLine, Document]] | None = None,
) -> dict[str, Any] | None:
    """One figure per year from a budget's line (the vote and the previous budget "pour
    mémoire"), or None."""
    ranked = ranked if ranked is not None else _matching(g, what, issuer)
    if not ranked:
        return None
    budget_year = ranked[0][2].year
    if budget_year is None:
        return None
    lo = lo or budget_year - 1
    hi = hi or budget_year
    series, missing = [], []
    for y in range(lo, hi + 1):
        picked = _pick(ranked, y)
        row = _row(g, *picked[:3], y) if picked is not None and picked[1].value != 0 else None
        if row is None:
            missing.append(y)
            continue
        series.append({**row, "year": y, "confidence": 0.8})
    if not series:
        return None
    return {"question": what, "kind": "trend", "unit": "EUR", "series": series, "missing": missing, "source": "budget"}
