"""The dates a minutes' header quotes that are not the meeting's: the convocation's ("Date de
convocation : 5 avril 2023", "convoqué le 19 janvier 2024", "Envoi de la convocation le : 30
novembre 2022") and the transmission stamps ("Date d'affichage : …", "transmis le …"). They are
blanked before the meeting date is looked for; the date a convocation announces ("… qui se
tiendra le jeudi 14 mars 2024") is read first in an agenda."""

from __future__ import annotations

import re

from greffier.extract.dates import MONTH_WORDS, first_date

__all__ = ["announced_date", "mask_quoted_dates"]

_NUMBER_WORDS = (
    r"un|une|premier|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    r"|vingt|trente|et|mil|mille|cent"
)
# the end of a date after its month: a year in figures or in words
_YEAR_AFTER = rf"(?:\s+(?:(?:19|20)\d\d\b|(?:deux\s+mil(?:le)?)(?:[\s-]+(?:{_NUMBER_WORDS})\b)*))?"
_DATE_END = (
    rf"(?:\b(?:{MONTH_WORDS}|janv|f[ée]vr?|avr|juil|sept|oct|nov|d[ée]c)\b\.?{_YEAR_AFTER}"
    r"|\b\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}\b)"
)
# the words that introduce a date other than the meeting's; the gap up to the date names no
# meeting ("dûment convoqué, s'est réuni le 12 avril" keeps its date)
_GAP = r"(?:(?!r[ée]uni|s[ée]ance|s['’]est|assembl|conseil|bureau|comit[ée]|tiendra|aura\s+lieu)[^.;\n]){0,45}?"
_QUOTED = re.compile(
    rf"(?i)(?:\b(?:convoc\w*|convoqu\w*|envoi|envoy[ée]\w*|affich\w*|publi(?:[ée]e?s?|cation)|transmis\w*"
    rf"|transmission|re[çc]ue?s?)\b{_GAP}{_DATE_END}"
    # "Date de convocation du conseil municipal : 5 avril 2023": the date label is enough
    rf"|\bdate\s+(?:de\s+(?:la\s+)?|d['’]\s?)(?:convocation|envoi|affichage|publication|transmission)\b"
    rf"[^.;\n]{{0,45}}?{_DATE_END})"
)


def mask_quoted_dates(text: str) -> str:
    """``text`` with the convocation's and the stamps' dates blanked (same length)."""
    if not re.search(r"(?i)convo|envo|affich|publi|transmi|re[çc]u", text):
        return text
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


_ANNOUNCED = re.compile(
    r"(?i)\b(?:se\s+tiendra|aura\s+lieu|se\s+r[ée]unira|(?:est|sont|seront)\s+(?:convoqu[ée]e?s?|invit[ée]e?s?)"
    r"|vous\s+convie|vous\s+convoque)\b(?P<after>[^.;]{0,90})"
)


def announced_date(text: str) -> str | None:
    """The meeting a convocation announces: "… la séance du conseil municipal qui se tiendra le
    jeudi 14 mars 2024 à 18 heures"."""
    for m in _ANNOUNCED.finditer(text):
        iso = first_date(m.group("after").lower())
        if iso:
            return iso
    return None
