"""The keyword query language, parsed once and handed to any keyword backend.

Words are OR-ed and ranked by BM25; ``"a phrase"`` matches the words in order; ``+word``
(or ``+"phrase"``) is required, ``-word`` excluded. Anything else is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greffier.errors import UsageError

# Characters that mean something to a backend's own query parser: never passed through.
_SPECIAL = re.compile(r"[+\-&|!(){}\[\]^\"~*?:\\/<>=`@#$%;,.«»“”]")


@dataclass(frozen=True)
class Clause:
    text: str  # words, stripped of query-syntax characters
    phrase: bool
    occur: str  # should | must | must_not


@dataclass(frozen=True)
class KeywordQuery:
    raw: str
    clauses: tuple[Clause, ...]

    @property
    def positive_words(self) -> list[str]:
        return [w for c in self.clauses if c.occur != "must_not" for w in c.text.split()]


def _clean(text: str) -> str:
    text = text.replace("’", "'")
    text = re.sub(r"(?<=\w)'(?=\w)", " ", text)  # l'éclairage -> l éclairage
    return re.sub(r"\s+", " ", _SPECIAL.sub(" ", text.replace("'", " "))).strip()


def parse_query(raw: str) -> KeywordQuery:
    """Parse a user query. Raises :class:`UsageError` on malformed syntax."""
    if raw is None or not raw.strip():
        raise UsageError("empty query: give at least one word to search for")
    if raw.count('"') % 2:
        raise UsageError(f"malformed query {raw!r}: unbalanced double quote")
    clauses: list[Clause] = []
    for m in re.finditer(r'([+-]?)"([^"]*)"|(\S+)', raw):
        if m.group(3) is not None:
            token = m.group(3)
            occur = "should"
            if len(token) > 1 and token[0] in "+-":
                occur = "must" if token[0] == "+" else "must_not"
                token = token[1:]
            text = _clean(token)
            for word in text.split():
                clauses.append(Clause(word, False, occur))
        else:
            occur = {"+": "must", "-": "must_not"}.get(m.group(1), "should")
            text = _clean(m.group(2))
            if not text:
                raise UsageError(f'malformed query {raw!r}: empty phrase ""')
            clauses.append(Clause(text, len(text.split()) > 1, occur))
    if not any(c.occur != "must_not" for c in clauses):
        raise UsageError(f"malformed query {raw!r}: nothing to search for (only excluded words)")
    return KeywordQuery(raw=raw, clauses=tuple(clauses))
