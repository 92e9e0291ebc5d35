"""Préfectures as issuers of their orders and recueils: the département named after "PRÉFET",
"PRÉFÈTE", "PRÉFECTURE" or a departmental state service (DDT, DDTM, DDPP…), on one line or over
the two lines of the Marianne letterhead ("PRÉFET\\nDE L'ALLIER"), with OCR noise between the
words or in the name ("Val-de-Mame" for Val-de-Marne, accents lost); and the number every act
published in a recueil carries since 2017 ("03-2024-01-30-00001": département, signature date,
number).

The canonical name is the one the State uses: "Préfecture de l'Allier", "Préfecture du
Val-de-Marne", "Préfecture des Alpes-de-Haute-Provence".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from greffier.extract.dates import make_date
from greffier.extract.headings import fold

# (code, name, the "of" form: "de l'", "du", "des", "de la", "de", "d'")
DEPARTEMENTS: tuple[tuple[str, str, str], ...] = (
    ("01", "Ain", "de l'"), ("02", "Aisne", "de l'"), ("03", "Allier", "de l'"),
    ("04", "Alpes-de-Haute-Provence", "des"), ("05", "Hautes-Alpes", "des"), ("06", "Alpes-Maritimes", "des"),
    ("07", "Ardèche", "de l'"), ("08", "Ardennes", "des"), ("09", "Ariège", "de l'"), ("10", "Aube", "de l'"),
    ("11", "Aude", "de l'"), ("12", "Aveyron", "de l'"), ("13", "Bouches-du-Rhône", "des"),
    ("14", "Calvados", "du"), ("15", "Cantal", "du"), ("16", "Charente", "de la"),
    ("17", "Charente-Maritime", "de la"), ("18", "Cher", "du"), ("19", "Corrèze", "de la"),
    ("2A", "Corse-du-Sud", "de la"), ("2B", "Haute-Corse", "de la"), ("21", "Côte-d'Or", "de la"),
    ("22", "Côtes-d'Armor", "des"), ("23", "Creuse", "de la"), ("24", "Dordogne", "de la"),
    ("25", "Doubs", "du"), ("26", "Drôme", "de la"), ("27", "Eure", "de l'"), ("28", "Eure-et-Loir", "d'"),
    ("29", "Finistère", "du"), ("30", "Gard", "du"), ("31", "Haute-Garonne", "de la"), ("32", "Gers", "du"),
    ("33", "Gironde", "de la"), ("34", "Hérault", "de l'"), ("35", "Ille-et-Vilaine", "d'"),
    ("36", "Indre", "de l'"), ("37", "Indre-et-Loire", "d'"), ("38", "Isère", "de l'"), ("39", "Jura", "du"),
    ("40", "Landes", "des"), ("41", "Loir-et-Cher", "de"), ("42", "Loire", "de la"),
    ("43", "Haute-Loire", "de la"), ("44", "Loire-Atlantique", "de la"), ("45", "Loiret", "du"),
    ("46", "Lot", "du"), ("47", "Lot-et-Garonne", "de"), ("48", "Lozère", "de la"),
    ("49", "Maine-et-Loire", "de"), ("50", "Manche", "de la"), ("51", "Marne", "de la"),
    ("52", "Haute-Marne", "de la"), ("53", "Mayenne", "de la"), ("54", "Meurthe-et-Moselle", "de"),
    ("55", "Meuse", "de la"), ("56", "Morbihan", "du"), ("57", "Moselle", "de la"), ("58", "Nièvre", "de la"),
    ("59", "Nord", "du"), ("60", "Oise", "de l'"), ("61", "Orne", "de l'"), ("62", "Pas-de-Calais", "du"),
    ("63", "Puy-de-Dôme", "du"), ("64", "Pyrénées-Atlantiques", "des"), ("65", "Hautes-Pyrénées", "des"),
    ("66", "Pyrénées-Orientales", "des"), ("67", "Bas-Rhin", "du"), ("68", "Haut-Rhin", "du"),
    ("69", "Rhône", "du"), ("70", "Haute-Saône", "de la"), ("71", "Saône-et-Loire", "de"),
    ("72", "Sarthe", "de la"), ("73", "Savoie", "de la"), ("74", "Haute-Savoie", "de la"),
    ("75", "Paris", "de"), ("76", "Seine-Maritime", "de la"), ("77", "Seine-et-Marne", "de"),
    ("78", "Yvelines", "des"), ("79", "Deux-Sèvres", "des"), ("80", "Somme", "de la"), ("81", "Tarn", "du"),
    ("82", "Tarn-et-Garonne", "de"), ("83", "Var", "du"), ("84", "Vaucluse", "de"), ("85", "Vendée", "de la"),
    ("86", "Vienne", "de la"), ("87", "Haute-Vienne", "de la"), ("88", "Vosges", "des"), ("89", "Yonne", "de l'"),
    ("90", "Territoire de Belfort", "du"), ("91", "Essonne", "de l'"), ("92", "Hauts-de-Seine", "des"),
    ("93", "Seine-Saint-Denis", "de la"), ("94", "Val-de-Marne", "du"), ("95", "Val-d'Oise", "du"),
    ("971", "Guadeloupe", "de la"), ("972", "Martinique", "de la"), ("973", "Guyane", "de la"),
    ("974", "La Réunion", "de"), ("976", "Mayotte", "de"),
)  # fmt: skip


def prefecture_name(code_or_name: str) -> str | None:
    """'03' or 'Allier' -> 'Préfecture de l'Allier'."""
    key = _key(code_or_name)
    for code, name, of in DEPARTEMENTS:
        if code_or_name.upper() == code or _key(name) == key:
            sep = "" if of.endswith("'") else " "
            return f"Préfecture {of}{sep}{name}"
    return None


def _key(text: str) -> str:
    """Folded, separators as spaces, and the OCR's 'rn' read as 'm' on both sides."""
    return re.sub(r"\s+", " ", re.sub(r"[\-'’_.,]", " ", fold(text))).replace("rn", "m").strip()


# longest names first: "Haute-Marne" before "Marne", "Seine-Saint-Denis" before "Seine"
_NAMES = sorted(((_key(n), c) for c, n, _ in DEPARTEMENTS), key=lambda kc: -len(kc[0]))
_LEAD = re.compile(
    r"(?i)\b(?:pr[ée]f(?:et|[èe]te|ecture)|sous[- ]pr[ée]fecture|direction\s+d[ée]partementale"
    r"|(?-i:DDTM?|DDPP|DDCSPP|DDETS(?:PP)?|DDFIP))\b"
)
_OF_WORDS = {"de", "du", "des", "la", "l", "d"}


_ADDRESSEE = re.compile(
    r"(?i)(?:\b(?:à|a)\s+la|\ben|\bau|\baux|\bpar\s+la|re[çc]ue?|transmise?|envoy[ée]e?|accus[ée]|d[ée]pos[ée]e?)\s*$"
)


def _near(joined: str) -> str | None:
    """The département whose name the text's next words spell with one or two letters wrong
    ("val de mar ne", "alpes de haute provance"); names of 6 letters or more only."""
    best, score = None, 0.0
    for key, code in _NAMES:
        plain = _PLAIN[code]
        if len(plain) < 6 or joined[:1] != key[:1]:
            continue
        for size in range(len(plain) - 1, len(plain) + 3):
            head = joined[:size]
            if size < len(joined) and joined[size : size + 1] not in (" ", ""):
                continue  # the name ends where a word ends
            for name in {key, plain}:
                name = name.replace(" ", "")
                # one letter wrong in the name's length, at most
                ratio = difflib.SequenceMatcher(None, head.replace(" ", ""), name).ratio()
                margin = ratio - max(0.8, 1 - 1.2 / len(name))
                if ratio > score and margin >= 0:
                    best, score = code, ratio
    return best


_PLAIN = {c: re.sub(r"\s+", " ", re.sub(r"[\-'’]", " ", fold(n))).strip() for c, n, _ in DEPARTEMENTS}


@dataclass(frozen=True)
class PrefectureMention:
    issuer: str
    printed: str
    start: int
    service: bool  # a departmental service (DDT…) rather than the préfet or the préfecture


def find_prefectures(text: str) -> list[PrefectureMention]:
    """Every 'PRÉFET DU X' / 'PRÉFECTURE DE X' / 'DDT de X' naming a known département; up to two
    noise words may sit between the title and the name (a logo read as 'recti', the line break
    of the letterhead)."""
    out: list[PrefectureMention] = []
    for m in _LEAD.finditer(text):
        if _ADDRESSEE.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # "reçu en préfecture", "transmis à la préfecture de X": the addressee
        window = text[m.end() : m.end() + 70]
        tokens = _key(window).split(" ")
        if not tokens or not tokens[0]:
            tokens = tokens[1:]
        # the département starts after the 'of' words, with at most two noise tokens before them
        lead = fold(m.group(0))
        if lead.startswith("prefe") and " region" in " " + " ".join(tokens[:3]):
            continue  # "préfet de la région X, préfet de Y": the département comes next
        service = not lead.startswith(("pref", "sous"))
        found = None
        # a service's name runs on ("des territoires et de la mer du Finistère")
        for skip in range(0, 7 if service else 3):
            rest = tokens[skip:]
            k = 0
            while k < len(rest) and rest[k] in _OF_WORDS:
                k += 1
            if k == 0 and skip:
                continue  # the name follows an 'of' word
            joined = " ".join(rest[k:])
            for key, code in _NAMES:
                if joined == key or joined.startswith(key + " "):
                    found = code
                    break
            if not found and k:  # after "DU"/"DE L'": a name the OCR misread by a letter or a space
                found = _near(joined)
            if found:
                break
        if found:
            issuer = prefecture_name(found)
            if issuer:
                printed = re.sub(r"\s+", " ", text[m.start() : m.end() + 40]).strip()
                out.append(PrefectureMention(issuer, printed, m.start(), service))
    return out


# the number of an act published in a recueil: département, date, sequence ("03-2024-01-30-00001")
_RAA_NUMBER = re.compile(r"(?<![\w-])(\d{2}|2[AB]|97\d)-((?:19|20)\d{2})-(\d{2})-(\d{2})-(\d{3,6})(?![\w-])")


@dataclass(frozen=True)
class RaaNumber:
    departement: str
    date: str | None
    number: str


def raa_numbers(text: str) -> list[RaaNumber]:
    out = []
    for m in _RAA_NUMBER.finditer(text):
        iso = make_date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
        if iso:
            out.append(RaaNumber(m.group(1), iso, m.group(0)))
    return out
