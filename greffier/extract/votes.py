"""Votes and outcomes as minutes write them: "adopté à l'unanimité", "Pour : 13 – Contre : 1",
"par 12 voix pour, 2 contre et 3 abstentions", "16 voix « Pour »", counts in words; adopted,
rejected, postponed, withdrawn, noted, ordered."""

from __future__ import annotations

import re

from greffier.extract.identity import words_value
from greffier.records import Vote

__all__ = ["decision_vote", "members", "outcome_of", "read_vote"]

_NAMES = re.compile(r"\b(?:M\.|Mme|Mmes|MM\.|Monsieur|Madame|Messieurs|Mesdames)\s")


_NUMBER_WORDS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente"
    "|quarante|cinquante|soixante|et"
)
_COUNT = rf"(\d{{1,3}}|(?:(?:{_NUMBER_WORDS})[\s-]+){{0,3}}(?:{_NUMBER_WORDS}))"
_Q = r"[«»\"“”\s]*"  # "16 voix « Pour »", "« Pour » : 15"
_VOICES = (
    (
        "pour",
        re.compile(
            # a bare "Pour" on the count's own line: a table's figure above a row labelled "Pour …" is none
            rf"\b{_COUNT}(?:\s*(?i:voix|votes?){_Q}(?i:pour|favorables?)\b|\s*[«\"“]\s*(?i:pour)\b"
            rf"|[ \t]*(?:Pour|POUR)\b|\s*(?i:pour)(?=\s*[,;)/–—]|\s+-\s|\s+et\s+\d|[ \t]*\n"
            rf"|\s+\d{{1,3}}\s+(?i:contre|abstention)))"
        ),
    ),
    ("contre", re.compile(rf"\b{_COUNT}\s*(?:(?i:voix|votes?){_Q})?(?:[«\"“]\s*)?(?i:contre)\b")),
    # "Abstention" as an OCR may spell it: "Absterition", "Abstenlion"
    ("abstention", re.compile(rf"\b{_COUNT}\s*(?:[«\"“]\s*)?(?i:abst[a-z]{{4,7}}ns?)\b")),
)


def _count(raw: str) -> int | None:
    raw = raw.strip(" -").lower()
    if raw.isdigit():
        return int(raw)
    words = [w for w in re.split(r"[\s-]+", raw) if w]
    try:
        return words_value(words)
    except KeyError:
        return None


def _plain(text: str) -> str:
    """Accents off (an OCR'd 'unanimite', 'a l'unanimite'), apostrophes straight, spaces single;
    the case kept."""
    text = re.sub(r"[ \t\u00a0\u202f]+", " ", text.translate(_ACCENTS))
    if "-\n" in text or "- \n" in text:  # a word cut at a line end: "absten-\ntions", "unanimi-\nte"
        text = _HYPHENATED.sub(_join_cut, text)
    low = text.lower()
    for clues, pattern, word in _OCR_WORDS:  # each looked for only when a clue of it is there
        if any(c in low for c in clues):
            text = pattern.sub(word, text)
    # "vingt-deux (22) voix pour": the figures stand for the words
    if _FIGURES.search(text):
        text = _WORDS_AND_FIGURES.sub(r"\g<figure>", text)
    return text


_HYPHENATED = re.compile(r"([a-z])- ?\n ?([a-z]+)")
_NUMBER_WORD = re.compile(rf"(?:{_NUMBER_WORDS})$")


def _join_cut(m: re.Match[str]) -> str:
    # a compound number keeps its hyphen ("vingt-\ntrois" -> "vingt-trois")
    return f"{m.group(1)}-{m.group(2)}" if _NUMBER_WORD.match(m.group(2)) else m.group(1) + m.group(2)


_ACCENTS = str.maketrans(
    "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ’‘",
    "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY''",
)
_FIGURES = re.compile(r"\(\d{1,3}\)")


# the vote's words as an OCR misreads them: "unanimlte", "l'unanimit6", "vo1x", "P0ur", "C0ntre"
_OCR_WORDS = (
    (
        ("unan", "uman", "unam", "umam", "unarn", "urnan"),
        re.compile(r"(?i)u(?:[nm]|rn)a(?:[nm]|rn)[il1|!](?:[mn]|rn)[il1|!]t[e6]?\b"),
        "unanimite",
    ),
    (("v0", "vo1", "volx", "vo|", "vo!"), re.compile(r"\bv[o0][il1|!]x\b"), "voix"),
    (("p0ur",), re.compile(r"\bP0ur\b"), "Pour"),
    (("p0ur",), re.compile(r"\bp0ur\b"), "pour"),
    (("c0ntre",), re.compile(r"\bC0ntre\b"), "Contre"),
    (("c0ntre",), re.compile(r"\bc0ntre\b"), "contre"),
    (
        ("abstent1", "abstentl", "abstent|", "abstent!", "abstenti0"),
        re.compile(r"(?i)\babstent[il1|!][o0]n"),
        "abstention",
    ),
)


_WORDS_AND_FIGURES = re.compile(rf"(?i)\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))*\s*\((?P<figure>\d{{1,3}})\)")


# "Pour : 22", "POUR: 22", "Pour = 22", "Abstention(s) : 2", "Contre : néant", "Contre : -" (none);
# as an OCR reads them: "Pour ; 25", "Pour : 2S", "Contre : O"; a label after its figure ("26 POUR ;
# 3 CONTRE") is not followed by its own figure
_FIGURE = r"(?P<fig>\d{1,3}(?![\dOolIS])|[\dOolIS]{1,3}\b|n[ée]ant|aucune?|[-–/](?=\s|$))"
# a secret ballot's "« Oui » : 15 – « Non » : 2" are for and against
_LABELS = (
    ("pour", "(?:Pour|Oui)"),
    ("contre", r"(?:Contre|Non(?=\s*[»\"”]?\s*:\s*\d))"),
    # "Abstentions : 2", "Abst. : 2", "Se sont abstenus : 3", "S'abstiennent : 1"
    (
        "abstention",
        r"(?:Abst[a-z]{4,7}ns?|Abst\.|(?:se\s+sont\s+)?abstenu(?:e|s|es)?|s['’]abstien(?:t|nent))(?:\s*\(s\))?",
    ),
)
# a speck an OCR reads between the colon and the figure ("« Pour » : . 10")
_LABELLED = {
    key: re.compile(rf"(?i)\b{label}\s*[»\"”]?\s*(?P<sep>[:;=|])\s*(?:[.,'‘’`·]\s*)?(?:[-–](?=\d))?{_FIGURE}")
    for key, label in _LABELS
}
# a text whose first label comes before its figure ("Pour ; 25 Contre ; 0"): every label does
_LEADS = re.compile(r"(?i)(?<!\d )(?<!\d)\b(?:Pour|Contre|Abstentions?)\s*[:;=]\s*\d")
_OCR_DIGITS = str.maketrans("OoIlS", "00115")


def _figure(raw: str) -> int | None:
    """A labelled count: figures (an OCR's O, l, S among them), or a word or dash for none."""
    if raw.isdigit():
        return int(raw)
    if raw[:1] in "-–/" or raw.lower().startswith(("n", "a")):
        return 0
    digits = raw.translate(_OCR_DIGITS)
    if digits.isdigit() and (any(c.isdigit() for c in raw) or raw in ("O", "o")):
        return int(digits)
    return None


# a count right after another label's colon is that label's ("Pour : 27 Contre : -")
_LABEL_BEFORE = re.compile(r"(?i)(?:pour|contre|abst\w*|votants|exprim\w*|pr[ée]sents|repr[ée]sent\w*)\s*[:=]\s*$")
_LABEL_BEFORE_LEADING = re.compile(
    r"(?i)(?:pour|contre|abst\w*|votants|exprim\w*|pr[ée]sents|repr[ée]sent\w*)\s*[:;=]\s*$"
)
# the labels and their figures in a row, without colons: "POUR 29 CONTRE 0 ABSTENTION 0", "Pour 22 - Contre 5 - Abst. 2"
_SEQUENCE = re.compile(
    r"(?i)(?<!\d)(?<!\d[ \t])\bPour\s*[:=]?\s*(\d{1,3})\W{0,4}Contre\s*[:=]?\s*(\d{1,3})"
    r"(?:\W{0,4}(?:Abstentions?|Abst\.?)(?:\s*\(s\))?\s*[:=]?\s*(\d{1,3}))?\b"
)
# a table of the vote: the labels in a row, the figures in the next ("Votants Pour Contre Abstention
# / 29 22 5 2")
_TABLE_LABEL = r"(?:Votants|Exprim[ée]s|Suffrages\s+exprim[ée]s|Pour|Contre|Abstentions?|Blancs?|Nuls?)"
_TABLE = re.compile(
    rf"(?i)\b(?P<labels>{_TABLE_LABEL}(?:\s*[|/;,]?\s*{_TABLE_LABEL}){{1,6}})\s*[:|]?\s*(?P<figures>\d+(?:\s*[|/;,]?\s*\d+){{1,6}})\b"
)
# "adopté par 20 voix contre 3": twenty for, three against
_AGAINST = re.compile(
    # ("par 12 voix contre et 5 voix pour": "et" starts the next count, it is none itself)
    rf"(?i)\bpar\s+{_COUNT}\s+voix\s+contre\s+(?!et\b){_COUNT}\b(?!\s*(?:voix\s+)?(?:pour|contre|abstention))"
)


_OWN_FIGURE = re.compile(r"[ \t»\"”]*[:|=]?[ \t]*\d")
# a cheap look for a label followed by its figure (no lookbehinds) before the run is looked for
_RUN_HINT = re.compile(r"(?i)(?:pour|contre|abstentions?|votants)\s*[:=;]?\s*\d")
_PAIR = rf"({_TABLE_LABEL})\s*[:=;|]?\s*(\d{{1,3}})(?![\d,.]\d)"
# one pair a line too ("Votants 29 / Pour 25 / Contre 0", a table's rows), "VOTES POUR 25 VOTES CONTRE 0"
_RUN = re.compile(
    rf"(?i)(?<!\d)(?<!\d[ \t])\b(?:(?:votes?\s+|voix\s+)?{_TABLE_LABEL}\s*[:=;|]?\s*\d{{1,3}}(?![\d,.]\d)"
    r"[^\w\n]{0,4}\n?[^\w\n]{0,2}){2,}"
)


def _table_vote(text: str) -> dict[str, int] | None:
    for m in _TABLE.finditer(text):
        labels = [fold_label(x) for x in re.findall(_TABLE_LABEL, m.group("labels"), re.IGNORECASE)]
        figures = [int(x) for x in re.findall(r"\d+", m.group("figures"))]
        if len(labels) != len(figures) or not {"pour", "contre", "abstention"} & set(labels):
            continue
        return {k: v for k, v in zip(labels, figures) if k in ("pour", "contre", "abstention")}
    return None


def fold_label(label: str) -> str:
    low = label.lower()
    return "abstention" if low.startswith("abst") else low


_MEMBER = r"(?:M\.|Mme|Mmes|MM\.|Monsieur|Madame)\s+[^,;.()\n]{1,40}?"
_MEMBERS = rf"(?P<names>{_MEMBER}(?:(?:\s*,\s*|\s+et\s+){_MEMBER})*)"
_ABSTAINING = re.compile(rf"{_MEMBERS}\s*\)?\s*(?:s'\s?abst[ei]n|(?:qui\s+)?ne\s+prennent\s+pas\s+part)", re.IGNORECASE)
_AGAINST_NAMED = re.compile(rf"{_MEMBERS}\s*\)?\s*(?:votant|votent|vote|ayant\s+vot[ée])\s+contre\b", re.IGNORECASE)
_UNANIMOUS_VOICES = re.compile(
    r"(?i)unanimite\b[^.\n]{0,40}?\(\s*(\d{1,3})\s+(?:voix|votants|votes)\s*\)|unanimite\s*:?\s*(\d{1,3})\s+voix\b(?!\s*contre)"
)


# where a deliberation decides: the vote read there first, so that a vote the exposé quotes (the
# community's "délibération adoptée à l'unanimité") does not stand for the council's
def _cut(word: str) -> str:
    """``word`` in a pattern that allows a hyphenation at a line end anywhere in it."""
    return r"(?:-[ \t]*\n[ \t]*)?".join(re.escape(c) for c in word)


# matched on the text with its accents off (an OCR's "aprés", "deliberé"), a word cut at a line end
_DECIDING = re.compile(
    rf"(?i){_cut('apres')}\s+en\s+avoir\s+{_cut('deliber')}|{_cut('apres')}\s+{_cut('deliberation')}"
    r"|il\s+est\s+procede\s+au\s+vote"
    # "après avoir entendu son rapporteur en son exposé et délibéré", "après avoir délibéré"
    rf"|{_cut('apres')}\s+avoir\s+{_cut('deliber')}|\bexpose\s+et\s+{_cut('deliber')}"
    r"|\bvote\s*:|passage\s+au\s+vote|mis\s+aux\s+voix"
)


# a sentence that quotes another act's vote: "le syndicat, par une délibération adoptée à l'unanimité, a …"
_QUOTING = re.compile(
    r"(?i)par\s+(?:une\s+|sa\s+)?d[ée]lib[ée]ration|d[ée]lib[ée]ration\s+(?:n[°o]|du\s|en\s+date|adopt)"
    r"|\ba\s+(?:[ée]t[ée]\s+)?(?:adopt|approuv|vot)"
)


def decision_vote(text: str) -> Vote | None:
    """The vote of an item: read from its last deciding formula on, with the 200 characters before it
    ("Le conseil, à l'unanimité, après en avoir délibéré") less the sentences that quote another
    act's vote; else from its whole text."""
    last = max((m.start() for m in _DECIDING.finditer(text.translate(_ACCENTS))), default=None)
    if last is not None and last > 200:
        # the quoting sentences blanked, the rest (its line breaks too) kept as written
        window = re.sub(r"[^.;\n]+", lambda m: "" if _QUOTING.search(m.group(0)) else m.group(0), text[last - 200 :])
        vote = read_vote(window)
        if vote is not None:
            return vote
    return read_vote(text)


def read_vote(text: str) -> Vote | None:
    low = _plain(text)
    # "Punanimité", "lunanimité": an OCR's "l'unanimité"
    unanimous = bool(re.search(r"unanimite|unanimement|\bunanime\b|una-?\s?nimite|unani-?\s?mite", low, re.IGNORECASE))
    # "à l'unanimité moins une voix", "unanimité sauf 2 abstentions": not unanimous
    unanimous = unanimous and not re.search(r"(?i)unanimite\s*(?:moins|sauf|[àa]\s+l['’]exception)", low)
    counts: dict[str, int | None] = {"pour": None, "contre": None, "abstention": None}
    lowered = low.lower()
    leads = ";" in low and _LEADS.search(low) is not None  # the style only matters for ";" separators
    for key, pattern in _LABELLED.items():
        for m in pattern.finditer(low):
            if m.group("sep") == ";" and not leads and re.search(r"\d\s?$", low[max(0, m.start() - 2) : m.start()]):
                continue  # "26 POUR ; 3 CONTRE": the label after its figure
            counts[key] = _figure(m.group("fig"))
            if counts[key] is None and m.group("fig") in ("l", "I") and re.match(r"[ \t]*(?:\n|$)", low[m.end() :]):
                counts[key] = 1  # "Contre : l" ending its line: an OCR's one
            break
    m = _SEQUENCE.search(low)
    if m and counts["pour"] is None and counts["contre"] is None:
        counts["pour"], counts["contre"] = int(m.group(1)), int(m.group(2))
        if m.group(3) is not None and counts["abstention"] is None:
            counts["abstention"] = int(m.group(3))
    # labels each followed by its figure, no colons: "Pour 23 Abstention 6", "Votants 29 Pour 23 Contre 2"
    for m in _RUN.finditer(low) if _RUN_HINT.search(low) else ():
        pairs = {fold_label(a): int(b) for a, b in re.findall(_PAIR, m.group(0), re.IGNORECASE)}
        found = {k: v for k, v in pairs.items() if k in counts and counts[k] is None}
        if found and all(counts[k] is None for k in ("pour", "contre", "abstention") if k in pairs):
            counts.update(found)
            break
    table = _table_vote(low)
    if table and all(counts[k] is None for k in table):
        counts.update(table)
    m = _AGAINST.search(low)
    if m and counts["pour"] is None and counts["contre"] is None:
        counts["pour"], counts["contre"] = _count(m.group(1)), _count(m.group(2))
    # "par 12 voix pour, 2 contre et 3 abstentions", "Vote : 9 voix pour", "quinze voix pour"
    for key, pattern in _VOICES:
        if counts[key] is None and ("abst" if key == "abstention" else key) in lowered:
            for m in pattern.finditer(low):
                if "\n" in low[m.end(1) : m.end()] and _OWN_FIGURE.match(low, m.end()):
                    continue  # "Pour 25\nContre 0": the next line's label has a figure of its own
                if not (_LABEL_BEFORE_LEADING if leads else _LABEL_BEFORE).search(
                    low[max(0, m.start() - 24) : m.start()]
                ):
                    counts[key] = _count(m.group(1))
                    break
    for key, pattern in (("contre", r"\bContre\s*:\s*([^\n]+)"), ("abstention", r"\bAbstentions?\s*:\s*([^\n]+)")):
        if counts[key] is None:
            m = re.search(pattern, low, re.IGNORECASE)
            if m and not re.match(r"\s*\d", m.group(1)):
                names = len(_NAMES.findall(m.group(1) + " "))
                counts[key] = names or None
    # "M. X et Mme Y s'abstenant", "Mme Z vote contre": the members named
    for key, pattern, hint in (("abstention", _ABSTAINING, "s'"), ("contre", _AGAINST_NAMED, "vot")):
        if counts[key] is None and hint in lowered and key[:4] in lowered:
            m = pattern.search(low)
            if m:
                counts[key] = len(_NAMES.findall(m.group("names") + " ")) or None
    # "adopté à l'unanimité (29 voix)": the voices are for
    m = _UNANIMOUS_VOICES.search(low) if unanimous and counts["pour"] is None else None
    if m:
        counts["pour"] = int(m.group(1) or m.group(2))
    majority = re.search(r"a la majorite", low, re.IGNORECASE)
    if not unanimous and not majority and all(v is None for v in counts.values()):
        return None
    votants, effectif = members(low)
    return Vote(
        pour=counts["pour"],
        contre=counts["contre"],
        abstention=counts["abstention"],
        unanimite=unanimous,
        votants=votants,
        effectif=effectif,
    )


_VOTANTS = re.compile(r"(?i)\b(?:nombre\s+de\s+)?votants\s*[:;=]?\s*(\d{1,3})\b")
_EFFECTIF = re.compile(r"(?i)\ben\s+exercice\s*[:;=]?\s*(\d{1,3})\b|\beffectif(?:\s+l[ée]gal)?\s*[:;=]\s*(\d{1,3})\b")


def members(text: str) -> tuple[int | None, int | None]:
    """(voters, members in office) as a header or a vote states them: "Membres en exercice : 29
    Membres présents : 25 Membres votants : 28", "Votants : 15"."""
    low = text.lower()
    v = _VOTANTS.search(text) if "votant" in low else None
    e = _EFFECTIF.search(text) if "exercice" in low or "effectif" in low else None
    return (int(v.group(1)) if v else None, int(e.group(1) or e.group(2)) if e else None)


def outcome_of(text: str, kind: str = "", vote: Vote | None = None) -> str | None:
    """adopted | rejected | postponed | withdrawn | noted | ordered, from the item's own text;
    more votes against than for is a rejection whatever the words around it."""
    low = text.lower()
    if vote is not None and vote.pour is not None and vote.contre is not None and vote.contre > vote.pour:
        return "rejected"
    if re.search(r"retir[ée]e?\s+de\s+l['’]ordre\s+du\s+jour|est\s+retir[ée]", low):
        return "withdrawn"
    if re.search(
        # ("surseoir à statuer" is also the power a PLU's prescription gives the mayor: no deferral)
        r"\bajourn|report[ée]e?\s+(?:à|au|lors)|sursis\s+à\s+statuer"
        r"|d[ée]cide\w*\s+de\s+(?:reporter|différer|diff[ée]rer)\b",
        low,
    ):
        return "postponed"
    if re.search(r"\brejet(?:te|é|ée)\b|n['’]est\s+pas\s+adopt|n['’]adopte\s+pas|\bn['’]approuve\s+pas", low):
        return "rejected"
    if kind in ("arrete", "recueil") and re.search(r"\barr[êe]te\b|\ba r r [êe] t e\b", low):
        return "ordered"
    if re.search(r"d[ée]cide|adopt|approuv|unanimit|voix\s+pour|\bpour\s*:\s*\d|[ée]met\s+un\s+avis|autorise", low):
        return "adopted"
    if re.search(r"prend\s+acte|pris\s+acte", low):
        return "noted"
    return None
