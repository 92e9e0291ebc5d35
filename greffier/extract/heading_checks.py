"""What a title's own text says it is not: checks on heading candidates after layout judged them.

Whatever its font, a section title of a French administrative document opens on a capital or a
number, reads as words, and names a subject. So a line set like a title is no title when it

- goes on with a lowercase word or closes a parenthesis it never opened: the end of the line
  before it ("commun de moyens", "DEL2025-36 du 10 avril 2025)");
- names a person or an addressee ("Monsieur le Préfet", "Monsieur Maxime GABRIEL" over
  "Responsable eau et assainissement", a signature's name over "Président de la CCLO");
- captions a figure or a table ("Figure 3 : …", "Tableau 2 – …", "Source : INSEE");
- is noise a scan's bad text layer left ("ïantttrepoSÀufuaut ffi 'lrjtirr-rlv").
"""

from __future__ import annotations

import re
from collections import defaultdict

from greffier.extract.heading_rules import Cand
from greffier.extract.headings import KNOWN_TITLES, fold

# a number closed by a parenthesis: "C) …", "2.4) …", "ii) …", "1°) …"
_LEAD_NUMBER = re.compile(r"^\s*(?:[A-Za-z]|[IVXL]{1,5}|[ivxl]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}°?)\s?\)\s*")
_UNNUMBERED = ("font", "caps", "named", "minutes-part", "lead")
# a person: a civility, then a name or a function ("Monsieur le Préfet", "Mme DUPONT", "M. X")
_CIVILITY = re.compile(
    r"^(?:Monsieur|Madame|Mademoiselle|Messieurs|Mesdames|MM\.|Mme|Mmes|Mlle|M\.|Mr|Maître|Me)\s+"
    r"(?:le\s|la\s|l[’']|les\s)?[A-ZÀ-Ý]"
)
# "Franck Superbi", "Jean-Claude HERPIERRE": two or three capitalised words, no common word
_NAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?(?:\s+[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+){1,2}$")
# "Alice BICZYSKO", "Marie-Josèphe BATARD": a first name and a surname in capitals
_PERSON = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?\s+[A-ZÀ-Ý]{2,}(?:[- ][A-ZÀ-Ý]{2,})*\b")
# the function under a signature's name, or a contact card's details
_FUNCTION = re.compile(
    r"^(?:(?:Le|La|L[’'])\s*)?(?:Président|Présidente|Vice-président|Vice-présidente|Maire|Adjoint|Adjointe|"
    r"Responsable|Directeur|Directrice|Chargé|Chargée|Conseiller|Conseillère|Technicien|Technicienne|"
    r"Secrétaire|Délégué|Déléguée|Chef|Cheffe)\b"
)
_CONTACT = re.compile(
    r"@\w|(?:\b0\d(?:[ .]?\d\d){4}\b)|\b\d{5}\s+[A-ZÀ-Ý][A-ZÀ-Ý' -]{2,}|https?://|www\.", re.IGNORECASE
)
# "Figure 3 : …", "Tableau n°2 – …", "Graphique 1", "Source : INSEE", "Sources :"
_CAPTION = re.compile(
    r"^(?:(?:Figure|Fig\.|Tableau|Graphique|Graphe|Diagramme|Carte|Photo|Photographie|Illustration|Schéma|Image)"
    r"\s*(?:n\s?°\s*)?\d{1,3}\b|Sources?\s*:)",
    re.IGNORECASE,
)
_FIELD = re.compile(r"^([^:\d]+?)\s*:\s*([^:]+?)\s*$")  # label : value, no figure in the label
_GLOSSARY = re.compile(
    r"^(?:annexe\s*\W*\s*)?(?:glossaire|lexique|definitions?(?: des (?:termes|indicateurs))?"
    r"|liste des (?:sigles|abreviations|acronymes)|sigles(?: et abreviations)?|abreviations)$"
)
_LEAD_NUMERAL = re.compile(r"^(?:\d{1,2}|[ivxl]{1,5})(?:\.\d{1,2})*\s*[.)–—-]?\s*")
_NEGATION = re.compile(r"^(?:Aucun|Aucune|AUCUN|AUCUNE|Pas d[e’']|PAS D[E’']|Néant|NÉANT|Sans objet|SANS OBJET)\b")
_AUXILIARY = re.compile(
    r"\b(?:a|ont|avait|avaient) été\b|\bn[’'](?:a|ont|est|était|y a)\b|\bne (?:sont|peut|peuvent|doit|doivent)\b"
    r"|\bil y a(?:vait)?\b",
    re.IGNORECASE,
)
_NOTES = {
    "remarque",
    "remarques",
    "nota",
    "nb",
    "n.b",
    "rappel",
    "attention",
    "important",
    "observation",
    "observations",
    "commentaire",
    "commentaires",
    "precision",
    "precisions",
    "exemple",
    "exemples",
    "a noter",
}
# a row of a table or a key figure ends with a quantity: "Qualité technique du projet 50 points"
_FIGURE_END = re.compile(r"\d[\d  .,]*\s*(?:points?|pts|%|€|euros?|k?m[23²³]?|ml|kg|tonnes?|t|h)\s*$")
_SUM = re.compile(r"^(?:Total|TOTAL|Sous-total|SOUS-TOTAL|Moyenne|MOYENNE)\b")
# a figure set as an amount: "768 033 350,00", "1 250", "0,00", "12,5"
_AMOUNT = re.compile(r"(?<![\w,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w,])|(?<![\w,.])\d+,\d+(?![\w,])")
# "(suite)", "(suite 1)", "- suite", "(SUITE 2)": the title of a page that goes on with the last one
_GOES_ON = re.compile(r"[(\[–—-]\s*suite\b[^)\]]*[)\]]?\s*(?:\b[A-Z]\d?\s*)?$", re.IGNORECASE)
_PLAIN_CHARS = re.compile(r"[\wÀ-ÿ'’\-.,:;()«»\"“”/%€°&+²³ ]")


def drop_continuations(cands: list[Cand]) -> None:
    """A title opens on a capital, a number or a glyph: a line starting with a lowercase word or
    closing a parenthesis it did not open goes on with the text before it."""
    for c in cands:
        if c.heading is None or c.confirmed or not c.text:
            continue
        rest = _LEAD_NUMBER.sub("", c.text, count=1)
        # (a numbered line opens on its number: "a) Les boues", "i) Le réseau")
        lower = c.text[0].islower() and c.heading.kind in _UNNUMBERED
        if lower or rest.count(")") > rest.count("("):
            c.heading = None


def drop_person_lines(cands: list[Cand]) -> None:
    """A line that names a person (a civility and a name, or a name over a function or a contact
    card) is a signature, an addressee or a contact, not a section."""
    for i, c in enumerate(cands):
        if c.heading is None or c.confirmed or fold(c.text) in KNOWN_TITLES:
            continue
        if _CIVILITY.match(c.text) or _roll_call(c.text):
            c.heading = None
            continue
        follow = [f for f in cands[i + 1 : i + 3] if f.line.page == c.line.page]
        if not follow:
            continue
        if _NAME.match(c.text) and _FUNCTION.match(follow[0].text):
            c.heading = None
        elif len(c.text.split()) <= 4 and any(_CONTACT.search(f.text) for f in follow) and not _states(follow[0].text):
            c.heading = None  # a name over an address, a phone number, a mail


_ROLL_WORDS = {"excuse", "excusee", "excuses", "absent", "absente", "absents", "present", "presente", "a", "et"}


def _roll_call(text: str) -> bool:
    """Two names or more and nothing else but "excusé", "absent", "à" (a roll call, proxies:
    "Alice BICZYSKO : Nicolas BOUCHER :", "Philippe BRIAND : Excusé Bernard CHAZELAS :")."""
    if len(_PERSON.findall(text)) < 2:
        return False
    rest = re.findall(r"[^\W\d_]+", fold(_PERSON.sub(" ", text)))
    return all(w in _ROLL_WORDS for w in rest)


def _states(text: str) -> bool:
    """Whether a line is running text (a contact card's lines are short)."""
    return len(text.split()) >= 8


def drop_form_fields(cands: list[Cand]) -> None:
    """ "Nature du contrat : Affermage", "Exploitant : SAUR": a short label, a colon and a value of
    a few words fill in a form field; a title names a subject. (Numbered lines keep their own
    colon: "D2025-040 – Objet : Tarifs 2026"; a dated step of a timeline has figures in its label.)"""
    for c in cands:
        if c.heading is None or c.confirmed or c.heading.kind not in _UNNUMBERED:
            continue
        m = _FIELD.match(c.text)
        if m and len(m.group(1).split()) <= 5 and 1 <= len(m.group(2).split()) <= 3:
            c.heading = None


def drop_glossary_terms(cands: list[Cand]) -> None:
    """Under a glossary ("Glossaire", "Lexique", "Définitions", "Liste des sigles"), terms set in
    bold in the text's size over their definitions are entries, not sections: the run of two or
    more unnumbered titles in one body-size style that follows the glossary's title."""
    titled = [c for c in cands if c.heading is not None]
    for k, head in enumerate(titled):
        if not _GLOSSARY.match(_LEAD_NUMERAL.sub("", fold(head.text))):
            continue
        run: list[Cand] = []
        for c in titled[k + 1 :]:
            if c.heading.kind not in _UNNUMBERED or c.heading.tier > 0 or (run and _style(c) != _style(run[0])):
                break
            run.append(c)
        if len(run) >= 2:
            for c in run:
                if not c.confirmed:
                    c.heading = None


def _style(c: Cand) -> tuple[float | None, bool, int | None]:
    return (c.line.size, c.line.bold, c.line.color)


def drop_statements(cands: list[Cand]) -> None:
    """A line that states a fact ("Aucune opération n’a été réalisée en 2021", "Pas de travaux
    engagés", "Néant"), labels a sum ("Total", "Sous-total 2021") or a note ("Remarque", "NB",
    "Commentaires") reports or comments, it does not title."""
    for c in cands:
        if c.heading is None or c.confirmed or c.heading.kind not in _UNNUMBERED:
            continue
        sum_label = _SUM.match(c.text) and len(c.text.split()) <= 3
        note = fold(c.text) in _NOTES
        # (a row of a table: its label and two figures or more, "AP VOTEES 768 033 350,00 650 174 200,00")
        figure = _FIGURE_END.search(c.text) or len(_AMOUNT.findall(c.text)) >= 2
        if _NEGATION.match(c.text) or _AUXILIARY.search(c.text) or sum_label or note or figure:
            c.heading = None


def drop_repeated_titles(cands: list[Cand]) -> None:
    """A state or a table set over several pages repeats its title on each ("BALANCE GENERALE –
    DEPENSES" on pages 10 and 11, "… (suite 1)", "… (suite 2)"): the section goes on, it does not
    open again. So an unnumbered title marked as going on, or the same words as the title just
    before it, is no new heading."""
    last = ""
    for c in cands:
        if c.heading is None:
            continue
        key = fold(_GOES_ON.sub("", c.text)).strip()
        # (a numbered item taken up again later, "16. Remboursement … (suite)", is a section again)
        goes_on = _GOES_ON.search(c.text) and c.heading.kind in _UNNUMBERED
        if not c.confirmed and (goes_on or (key and key == last)):
            c.heading = None
            continue
        last = key


def drop_captions(cands: list[Cand]) -> None:
    """ "Figure 3 : …", "Tableau 2 – …", "Source : …" caption a figure or a table."""
    for c in cands:
        if c.heading is not None and not c.confirmed and _CAPTION.match(c.text):
            c.heading = None


def drop_garbled(cands: list[Cand]) -> None:
    """Noise from a bad text layer (a scan's hidden OCR): words mixing cases or symbols."""
    for c in cands:
        if c.heading is not None and not c.confirmed and garbled(c.text):
            c.heading = None


def garbled(text: str) -> bool:
    """Whether a line reads as noise: a quarter of its words or more mix lower and upper case
    inside a word ("ïantttrepoSÀufuaut"), or hold symbols no title holds ("$", "{", "^")."""
    words = [w for w in re.split(r"[\s'’\-/]+", text) if len(w) >= 3]
    if not words:
        return False
    odd = sum(1 for w in words if re.search(r"[a-zà-ÿ][A-ZÀ-Ý]", w) or len(_PLAIN_CHARS.sub("", w)) > 0)
    return odd >= 2 and odd >= 0.25 * len(words)


def drop_fixed_titles(cands: list[Cand]) -> None:
    """A title-like line at the same height of three pages or more, in the same words (figures
    aside), is a running title set below the page's margin band (under a logo, a banner), not a
    new section each time. (A template may put its sections' titles at a fixed height: those
    differ in their words.)"""
    spots: dict[tuple[str, int], set[int]] = defaultdict(set)
    for c in cands:
        top = _height(c)
        if top is not None:
            spots[(re.sub(r"\d+", "#", fold(c.text)), top)].add(c.line.page)
    for c in cands:
        top = _height(c)
        if c.heading is None or c.confirmed or top is None:
            continue
        key = re.sub(r"\d+", "#", fold(c.text))
        if len(set().union(*(spots.get((key, t), set()) for t in (top - 1, top, top + 1)))) >= 3:
            c.heading = None


def _height(c: Cand) -> int | None:
    """The line's top in hundredths of its page's height."""
    if c.line.top is None or not c.line.page_height:
        return None
    return round(100 * c.line.top / c.line.page_height)
