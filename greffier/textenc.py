"""Text encodings: reading text exports whatever their encoding, and refusing text that is not text.

Text exports of French administrations come as UTF-8 (with or without a byte-order mark), as
Windows-1252 / Latin-1 (older office software), or as UTF-16 (Windows "Unicode" text). They are
told apart without guessing from statistics:

1. a byte-order mark says UTF-8, UTF-16 or UTF-32;
2. without one, UTF-16 shows as NUL bytes in every other position (French text is mostly ASCII);
3. bytes that are valid UTF-8 are UTF-8 (a cp1252 text with accented letters is practically never
   valid UTF-8: an accented letter is one byte in 0xC0-0xFF followed by an ASCII one);
4. anything else is Windows-1252 (a superset of Latin-1's printable characters; its five undefined
   bytes are decoded as Latin-1's C1 controls so that decoding never fails).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from greffier.errors import UsageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, utf-32-*, cp1252


class UndecodableText(ValueError):
    """Bytes that are text in no encoding greffier reads (binary content)."""


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _latin1_for_holes(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("greffier-latin1", _latin1_for_holes)


def _cp1252(data: bytes) -> str:
    """Windows-1252, its five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1's."""
    return data.decode("cp1252", errors="greffier-latin1")


def decode_text(data: bytes) -> Decoded:
    """The text of a text export and the encoding it was read with. Raises
    :class:`UndecodableText` for binary content (NUL bytes in a file that is not UTF-16/32)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding).lstrip("\ufeff"), encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableText(f"not valid {encoding} after its byte-order mark (offset {exc.start})") from exc
    guessed = _utf16_without_bom(data)
    if guessed is not None:
        try:
            return Decoded(data.decode(guessed), guessed)
        except UnicodeDecodeError:
            pass
    sample = data[:4096]
    if sample.count(0) > max(1, len(sample) // 100):  # a stray NUL is dropped; many are a binary file
        raise UndecodableText("binary content in a .txt file")
    data = data.replace(b"\x00", b"")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return Decoded(_cp1252(data), "cp1252")


def check_text(value: str, what: str) -> str:
    """``value`` when it is text; a :class:`UsageError` when it holds bytes that were not UTF-8
    (a command-line argument in another encoding reaches Python as lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise UsageError(f"the {what} is not valid UTF-8 text: {shown!r} (check the terminal's encoding)") from exc
    return value
