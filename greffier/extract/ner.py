"""ORG, PERSON and PLACE entities from spaCy's French pipeline, behind a sanity filter.

The only module that imports spaCy. The model is loaded once per process, on first use, with
its NER component alone (the French pipelines' ``ner`` has its own token-to-vector layer: the
parser, morphologizer, lemmatizer, attribute ruler and shared tok2vec are not loaded). It is
never downloaded: a missing model raises :class:`ModelUnavailableError` naming the pip package.

``GREFFIER_NER`` chooses: ``off`` (no name entities: the default, since NER roughly triples the
CPU time of ingest, measured by bench/ner.py), ``on`` (the default model, fr_core_news_sm), or a
model name (``fr_core_news_sm``, ``fr_core_news_md``, or ``sm`` / ``md``).

spaCy's spans go through :func:`clean_span` before they become entities: civilities and
articles are trimmed, and titles without a name ("Monsieur le Maire"), all-caps headings,
common words and administrative acronyms standing alone, figures and other junk are dropped;
so is a span that overlaps an AMOUNT, DATE, DIRECTION or DELIBERATION of the same text.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

from greffier.errors import ModelUnavailableError, UsageError

ENV_NER = "GREFFIER_NER"
DEFAULT_NER = "off"  # measured (bench/ner.py): NER on triples ingest CPU, 35 -> 12 pages/s on 2 cores
DEFAULT_MODEL = "fr_core_news_sm"
MODELS = {"fr_core_news_sm": "fr-core-news-sm", "fr_core_news_md": "fr-core-news-md"}
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}  # spaCy's MISC is not kept
NAME_TYPES = ("ORG", "PERSON", "PLACE")
BATCH_SIZE = 64
_CHUNK_CHARS = 1500  # spaCy input pieces: a few paragraphs, cut at line ends

_OFF = {"0", "off", "no", "false", "none"}
_ON = {"1", "on", "yes", "true"}

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def ner_model(value: str | bool | None = None) -> str | None:
    """The spaCy model to run, or None when name entities are off.

    ``value`` overrides ``GREFFIER_NER``: True/False, "on"/"off", or a model name."""
    if isinstance(value, bool):
        return DEFAULT_MODEL if value else None
    raw = value if value is not None else os.environ.get(ENV_NER) or DEFAULT_NER
    v = raw.strip().lower()
    if v in _OFF:
        return None
    if v in _ON:
        return DEFAULT_MODEL
    v = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}.get(v, v)
    if v not in MODELS:
        raise UsageError(f"{ENV_NER}={raw!r}: expected on, off, or one of {', '.join(MODELS)}")
    return v


def load_model(name: str = DEFAULT_MODEL) -> Any:
    """The spaCy pipeline ``name`` with NER alone, loaded once per process."""
    with _lock:
        if name in _loaded:
            return _loaded[name]
        package = MODELS.get(name, name.replace("_", "-"))
        try:
            import spacy
        except ImportError as exc:
            raise ModelUnavailableError(
                f"name entities need spaCy and the {name} model: pip install spacy {package} (or set {ENV_NER}=off)"
            ) from exc
        try:
            nlp = spacy.load(
                name,
                exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter", "tagger"],
            )
        except OSError as exc:  # spaCy's E050: no such package or directory
            raise ModelUnavailableError(
                f"the spaCy model {name} is not installed: pip install {package} (or set {ENV_NER}=off)"
            ) from exc
        if "ner" not in nlp.pipe_names:
            raise ModelUnavailableError(f"the spaCy model {name} has no ner component")
        _loaded[name] = nlp
        return nlp


# -- which text goes to spaCy --------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
_TOKEN = re.compile(r"\S+")
_ABBREV = {"m.", "mm.", "mme", "mmes", "mlle", "me", "dr", "pr", "st", "ste"}


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of ``text``: runs of lines, cut after a line that ends a sentence once
    a piece is long enough. Newlines become spaces (same length: offsets stay right)."""
    out: list[tuple[int, str]] = []
    start = pos = 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        stripped = line.rstrip()
        if pos - start >= _CHUNK_CHARS or (pos - start >= 300 and stripped.endswith((".", ":", ";"))) or not stripped:
            out.append((start, text[start:pos]))
            start = pos
    if start < len(text):
        out.append((start, text[start:]))
    return out


def may_hold_names(piece: str) -> bool:
    """Worth sending to spaCy: mostly letters, and a capitalized word that does not open a
    sentence (capitals that open sentences alone are no sign of a name)."""
    letters = len(_LETTER.findall(piece))
    if letters < 8 or letters < 0.4 * len(piece.strip()):
        return False  # figures, table rows
    prev = ""
    for tok in _TOKEN.findall(piece):
        word = tok.lstrip("«\"'’(")
        if word[:1].isupper() and prev and (prev[-1] not in ".!?:;•" or prev.lower() in _ABBREV):
            return True
        prev = tok
    return False


# -- the sanity filter -------------------------------------------------------------------------

_CIVILITY = re.compile(
    r"^(?:(?:M|MM|Mme|Mmes|Mlle|Mlles|Me|Dr|Pr|Mr)\.?|Monsieur|Madame|Mademoiselle|Messieurs|Mesdames)(?=\s|$)\s*",
)
_CIVILITY_BEFORE = re.compile(r"(?:\b(?:M|MM|Mme|Mmes|Mlle|Dr|Mr)\.?|\b(?:Monsieur|Madame|Mademoiselle))\s+$")
_ARTICLE = re.compile(r"^(?:(?:le|la|les|du|des|de|au|aux|à|en|par|pour|et)\s+|[ldj][’'])", re.IGNORECASE)
_EDGE = " \t\n\u00a0\u202f.,;:!?«»\"'’()[]{}-–—•*/\\|"
_WORD = re.compile(r"[^\W\d_]+(?:[-.][^\W\d_]+)*\.?|[^\W_]*\d[^\W_]*")
_ELISION = re.compile(r"\b[dlDLjJnNsScC][’']")
_SENTENCE_START = re.compile(r"(?:^|\n|[.!?:;•\-–—*]\s*|[\uf000-\uf8ff]\s*)\s*$")
# "Commune de Pierrefonds", "Ville de Marseille", "Conseil de Territoire du Pays de Martigues": the place
_PLACE_OF = re.compile(
    r"^(?:Commune|Ville|Mairie|Région|Département|Conseil (?:[Dd]épartemental|[Rr]égional|[Mm]unicipal)"
    r"|Conseils? de Territoires?|Territoire|Préfe(?:t|cture)|Sous-préfecture|GAL)\s+(?:de\s+l[’']|de\s+la\s+|du\s+"
    r"|des\s+|de\s+|d[’'])?(?=[A-ZÀ-Þ])",
)
_ORG_HEAD = re.compile(
    r"^(?:Métropole|Syndicat|Communauté|Association|Société|Agence|Chambre|Office|Fédération|Union|Groupe|Institut|District"
    r"|Établissement|Etablissement|Fondation|Banque|Caisse|Centre|Comité|Compagnie|Entreprise|SARL|SAS|SA|EURL)\b",
    re.IGNORECASE,
)
_STREET = re.compile(r"^(?:rue|avenue|boulevard|place|chemin|impasse|allée|route|quai|square|ru|hameau)\b", re.I)
# Words that make a title or a generic body, not a name: a span of these (and lowercase words) is dropped.
_TITLE_WORDS = set(
    (
        "maire maires président présidente vice-président vice-présidente adjoint adjointe adjoints "
        "conseiller conseillère conseillers municipal municipale municipaux communautaire délégué déléguée "
        "préfet préfète sous-préfet directeur directrice général générale secrétaire rapporteur trésorier "
        "receveur madame monsieur elus élus élu élue messieurs mesdames membres maître premier première "
        "questeur comptable public doyen doyenne chef responsable agent agents conseil conseils métropole "
        "commune communes communauté région département etat état bureau assemblée comité commission "
        "syndicat mixte service services direction directions territoire territoires collectivité "
        "collectivités république mairie ville"
    ).split()
)
# Capitalized words that stand alone at the start of lines or sentences and are no names.
_STOP_SINGLE = set(
    (
        "vu considérant rapport rapporteur présents présent absents absent excusés excusé pouvoir pouvoirs "
        "article articles compte budget conseil commune communes métropole région département etat état "
        "mairie ville territoire territoires préfecture assemblée bureau commission annexe objet délibération "
        "décision total montant recettes dépenses fonctionnement investissement service services direction "
        "directions mission pôle loi code décret arrêté ordre jour séance vote pour contre abstention "
        "abstentions unanimité adopté adoptée approuvé approuvée ajourné ajournée rejeté rejetée secrétaire "
        "questions diverses information informations monsieur madame république union europe président maire "
        "syndicat association société entreprise collectivité intercommunalité communauté agglomération "
        "préambule introduction synthèse sommaire page tableau source sources nb cf ps etc chapitre titre "
        "nord sud est ouest centre"
    ).split()
)
# Administrative and technical acronyms (and EU funds and programmes) that are no organization,
# person or place.
_STOP_ACRONYMS = set(
    (
        "CGCT EPCI HT TTC TVA PME TPE DSP AMO SCOT PLU PLUI ZAE ZA OM OMR PV CR DEL SPANC SPIC SPA RPQS TEOM "
        "REOM DGS DGA DGAS CT ETP RH GED PPI MAPA DCE CAO CLECT FCTVA DETR DSIL DM BP CA NB CM CC SIG RGPD "
        "PDF QPV ERP VRD EHPAD CCAS CIAS SDIS ANC EU EP AEP TRI PAV CSR DEEE DASRI DDS REP TLC OK RSA RAPPORT "
        "N NO COVID FEDER FEADER FSE FSE+ LEADER PLIE GEMA GEMAPI RODP SMIC ZAC ZAENR CSPS SRADDET PCAET PLH "
        "PADD OAP DUP DIA NOTRE ALUR ELAN APER RS"
    ).split()
)
_JUNK = re.compile(r"(?<![^\W_])\d|[€%@$£=+<>#_|]|https?:|www\.")
_NEXT_LINE_ITEM = re.compile(r"\n\s*[-–—•*\uf000-\uf8ff]")


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def common_words(texts: Sequence[str]) -> set[str]:
    """Accent-free forms of the words that stand in lowercase somewhere in ``texts``: a
    capitalized word among them is a common noun in a heading or a table, not a name."""
    return {_fold(w) for t in texts for w in re.findall(r"(?<![^\W\d_])[a-zàâäéèêëîïôöùûüç][^\W\d_]+", t)}


def clean_span(
    text: str, start: int, end: int, kind: str, common: set[str] | frozenset[str] = frozenset()
) -> tuple[int, int, str] | None:
    """The trimmed span and type of a spaCy entity of type ``kind`` in ``text``, or None to drop
    it. ``common``: :func:`common_words` of the document."""
    # trim edges, then civilities (a civility makes a person), then leading articles and elisions
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    for _ in range(3):
        span = text[start:end]
        m = _CIVILITY.match(span)
        if m and m.end() < len(span):
            kind = "PERSON"
        m = m or _ARTICLE.match(span)
        if not m or m.end() == 0:
            break
        start += m.end()
        while start < end and text[start] in _EDGE:
            start += 1
    span = text[start:end]
    if _NEXT_LINE_ITEM.search(span) or "\n\n" in span or span.count("\n") > 1:
        return None  # runs over a list item or a paragraph break
    # trailing words that are not part of a name ("Montmartin Approuvée", "Fonctionnement\nVu")
    while True:
        m = re.search(r"\s+([^\W\d_]+)$", text[start:end])
        if not m or m.group(1).lower() not in _STOP_SINGLE:
            break
        end = start + m.start()
    span = text[start:end]
    if len(span) < 2 or len(span) > 80 or _JUNK.search(span):
        return None
    words = _WORD.findall(_ELISION.sub("", span))
    if not words or len(words) > 8 or not (span[0].isupper() or _STREET.match(span)):
        return None
    capitalized = [w for w in words if w[0].isupper()]
    if all(w.lower().strip(".") in _TITLE_WORDS for w in capitalized):
        return None  # "Monsieur le Maire", "Conseil Communautaire", "Président de la Métropole"
    if all(_fold(w.strip(".")) in common for w in capitalized):
        return None  # "Traitement des Déchets", "EXPLOITATION": words the text also writes in lowercase
    letters = "".join(_LETTER.findall(span))
    if letters.isupper() and len(words) >= 3:
        return None  # an all-caps heading or table label
    before = text[max(0, start - 20) : start]
    if len(words) == 1:
        w = words[0]
        if w.lower().strip(".") in _STOP_SINGLE or w.upper() in _STOP_ACRONYMS or len(letters) < 2:
            return None
        if _SENTENCE_START.search(before) and not w.isupper() and not _CIVILITY_BEFORE.search(before):
            return None  # a capitalized word opening a line or sentence, alone
    if kind == "PERSON" and not any(len(w) > 1 and not w.endswith(".") for w in capitalized):
        return None  # initials alone
    # the type, where the words say it better than the model
    if _CIVILITY_BEFORE.search(before):
        kind = "PERSON"
    elif _STREET.match(span):
        kind = "PLACE"
    elif m := _PLACE_OF.match(span):
        return clean_span(text, start + m.end(), end, "PLACE", common)
    elif _ORG_HEAD.match(span) or (kind == "PLACE" and len(span.split()) == 1 and letters.isupper()):
        kind = "ORG"  # an acronym is an organization's more often than a place's
    return start, end, kind


# "M. Dupont", "Mme Martin", "Monsieur Jean-Claude THUILLIER": persons whatever the model says
_CIVIL_NAME = re.compile(
    r"(?<![^\W\d_])(?:M|MM|Mme|Mlle|Dr)\.?[ \t\u00a0]+|(?<![^\W\d_])(?:Monsieur|Madame|Mademoiselle)\s+"
)
_NAME_AFTER = re.compile(
    r"[A-ZÀ-Þ][^\W\d_]*(?:[-’'][^\W\d_]+)*(?:[ \t\u00a0]*\n?[ \t\u00a0]*[A-ZÀ-Þ][^\W\d_]*(?:[-’'][^\W\d_]+)*){0,2}"
)


def civility_names(text: str) -> list[tuple[int, int]]:
    """Spans of the capitalized words after a civility ("M. SUPERBI", "Madame Florence DEMOUY")."""
    out = []
    for m in _CIVIL_NAME.finditer(text):
        n = _NAME_AFTER.match(text, m.end())
        if n:
            out.append((n.start(), n.end()))
    return out


def _overlaps(start: int, end: int, taken: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in taken)


def find_names(
    texts: Sequence[str], taken: Sequence[Sequence[tuple[int, int]]] | None = None, model: str = DEFAULT_MODEL
) -> list[list[dict[str, Any]]]:
    """ORG/PERSON/PLACE entity dicts (``type``, ``start``, ``end``, ``text``, ``canonical``) for
    each text, offsets in that text. ``taken[i]`` are spans of text i already claimed by another
    entity type: a name overlapping one is dropped. One ``nlp.pipe`` call for all texts."""
    pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
    for i, text in enumerate(texts):
        for offset, piece in _chunks(text):
            if may_hold_names(piece):
                pieces.append((i, offset, piece))
    out: list[list[dict[str, Any]]] = [[] for _ in texts]
    common = common_words(texts)
    nlp = load_model(model) if pieces else None
    docs = nlp.pipe((p.replace("\n", " ") for _, _, p in pieces), batch_size=BATCH_SIZE) if nlp else []
    for (i, offset, _piece), doc in zip(pieces, docs):
        text = texts[i]
        claimed = list(taken[i]) if taken is not None else []
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is None:
                continue
            span = clean_span(text, offset + ent.start_char, offset + ent.end_char, kind, common)
            if span is None or _overlaps(span[0], span[1], claimed):
                continue
            start, end, kind = span
            claimed.append((start, end))
            out[i].append(_record(text, start, end, kind))
    for i, text in enumerate(texts):
        claimed = list(taken[i]) if taken is not None else []
        claimed += [(e["start"], e["end"]) for e in out[i]]
        for a, b in civility_names(text):
            span = clean_span(text, a, b, "PERSON", common)
            if span is not None and span[2] == "PERSON" and not _overlaps(span[0], span[1], claimed):
                claimed.append((span[0], span[1]))
                out[i].append(_record(text, *span))
        out[i].sort(key=lambda e: e["start"])
    return out


def _record(text: str, start: int, end: int, kind: str) -> dict[str, Any]:
    surface = text[start:end]
    return {"type": kind, "start": start, "end": end, "text": surface, "canonical": re.sub(r"\s+", " ", surface)}
