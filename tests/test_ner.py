"""ORG/PERSON/PLACE entities: the sanity filter, the settings, the missing-model error, and
(marked `models`) the real spaCy French model on a hand-written passage."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from greffier.errors import ModelUnavailableError, UsageError
from greffier.extract import ner
from greffier.extract.entities import extract_entities_from_text
from greffier.extract.ner import civility_names, clean_span, common_words, may_hold_names, ner_model
from greffier.settings import Settings


def _clean(text: str, surface: str, kind: str, common: frozenset[str] | set[str] = frozenset()) -> tuple | None:
    start = text.index(surface)
    span = clean_span(text, start, start + len(surface), kind, common)
    return None if span is None else (text[span[0] : span[1]], span[2])


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        ("Monsieur le Maire rappelle l'ordre du jour.", "Monsieur le Maire", "PERSON"),
        ("Madame la Présidente ouvre la séance.", "Madame la Présidente", "PERSON"),
        ("le Conseil Communautaire approuve", "Conseil Communautaire", "ORG"),
        (
            "AIDE AU DEVELOPPEMENT DES PME ET TPE ARTISANALES\nsur le financement",
            "AIDE AU DEVELOPPEMENT DES PME",
            "ORG",
        ),
        ("Vu le code général des collectivités", "Vu", "PERSON"),
        ("Présents : Madame Florence DEMOUY", "Présents", "ORG"),
        ("selon le CGCT applicable", "CGCT", "ORG"),
        ("au titre du FEADER et du programme", "FEADER", "ORG"),
        ("le compte 13912-040 est approvisionné", "13912-040", "ORG"),
        ("un montant de 500 € versé", "500 €", "ORG"),
        ("Ordre du jour :\n- RODP chantiers\n- Marché", "jour :\n- RODP chantiers", "ORG"),
        ("voir https://www.smdoise.fr/en-pratique pour", "https://www.smdoise.fr/en-pratique", "ORG"),
        ("Approuvée le 3 mai.\nFontaine 20 000,00 €", "Fontaine", "PLACE"),  # opens a line, alone
        ("M. X. Y. a signé", "X. Y.", "PERSON"),  # initials alone
    ],
)
def test_filter_drops(text: str, surface: str, kind: str) -> None:
    assert _clean(text, surface, kind) is None


def test_filter_drops_words_the_text_writes_in_lowercase() -> None:
    text = "Le Traitement des Déchets\nLe traitement des déchets ménagers est assuré par le SMDO."
    common = common_words([text])
    assert _clean(text, "Traitement des Déchets", "ORG", common) is None
    assert _clean(text, "SMDO", "ORG", common) == ("SMDO", "ORG")


@pytest.mark.parametrize(
    ("text", "surface", "kind", "expected"),
    [
        (
            "sous la présidence de Madame Florence DEMOUY, maire",
            "Madame Florence DEMOUY",
            "PERSON",
            ("Florence DEMOUY", "PERSON"),
        ),
        ("M. SUPERBI précise que", "SUPERBI", "PLACE", ("SUPERBI", "PERSON")),  # a civility makes a person
        ("la Commune de Pierrefonds adhère", "Commune de Pierrefonds", "ORG", ("Pierrefonds", "PLACE")),
        ("la Ville de Marseille et", "Ville de Marseille", "ORG", ("Marseille", "PLACE")),
        (
            "« la Métropole Aix-Marseille-Provence »",
            "« la Métropole Aix-Marseille-Provence »",
            "LOC",
            ("Métropole Aix-Marseille-Provence", "ORG"),
        ),
        (
            "le Syndicat Mixte du Département de l'Oise (SMDO)",
            "Syndicat Mixte du Département de l'Oise",
            "PLACE",
            ("Syndicat Mixte du Département de l'Oise", "ORG"),
        ),
        ("des travaux rue de l’Armistice cet été", "rue de l’Armistice", "ORG", ("rue de l’Armistice", "PLACE")),
        ("les syndicats SE60 et SEZEO", "SE60", "PLACE", ("SE60", "ORG")),
        ("la déchetterie d’Attichy a accueilli", "d’Attichy", "PLACE", ("Attichy", "PLACE")),
        ("vers Compiègne, puis", "Compiègne,", "PLACE", ("Compiègne", "PLACE")),
        (
            "Monsieur Jean-Jacques \nCARRETERO, présent",
            "Jean-Jacques \nCARRETERO",
            "PERSON",
            ("Jean-Jacques \nCARRETERO", "PERSON"),
        ),
    ],
)
def test_filter_keeps_and_trims(text: str, surface: str, kind: str, expected: tuple[str, str]) -> None:
    assert _clean(text, surface, kind) == expected


def test_civility_names() -> None:
    text = (
        "M. FAVROLE interroge. Madame le Maire répond. Mme Debuisser et Monsieur Jean-Claude THUILLIER votent contre."
    )
    assert [text[a:b] for a, b in civility_names(text)] == ["FAVROLE", "Debuisser", "Jean-Claude THUILLIER"]


def test_prefilter() -> None:
    assert may_hold_names("La séance est ouverte par M. Dupont à Compiègne.")
    assert not may_hold_names("La séance est ouverte. Le quorum est atteint.")  # capitals open sentences only
    assert not may_hold_names("12 500 € 15 000 € 3 % 2024 2025")


def test_ner_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ner_model(False) is None and ner_model("off") is None
    assert ner_model(True) == ner_model("on") == ner.DEFAULT_MODEL
    assert ner_model("md") == "fr_core_news_md" and ner_model("fr_core_news_sm") == "fr_core_news_sm"
    monkeypatch.setenv("GREFFIER_NER", "OFF")
    assert ner_model() is None and Settings(index_dir=Path("x")).ner == "OFF"
    monkeypatch.delenv("GREFFIER_NER")
    assert ner_model() == (None if ner.DEFAULT_NER == "off" else ner.DEFAULT_MODEL)
    with pytest.raises(UsageError, match="GREFFIER_NER"):
        ner_model("large")
    with pytest.raises(UsageError, match="GREFFIER_NER"):
        Settings(index_dir=Path("x"), ner="fr_core_news_lg")


def test_ner_off_adds_nothing() -> None:
    ents = extract_entities_from_text("M. Dupont, maire de Compiègne, rencontre le SMDO.", ner=False)
    assert not [e for e in ents if e["type"] in ("ORG", "PERSON", "PLACE")]


def test_missing_model_names_the_pip_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ner.MODELS, "fr_core_news_zz", "fr-core-news-zz")
    with pytest.raises(ModelUnavailableError, match="pip install fr-core-news-zz"):
        ner.load_model("fr_core_news_zz")
    real_import = builtins.__import__

    def no_spacy(name: str, *args: object, **kwargs: object) -> object:
        if name == "spacy":
            raise ImportError("No module named 'spacy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    with pytest.raises(ModelUnavailableError, match="pip install spacy fr-core-news-zz"):
        ner.load_model("fr_core_news_zz")


PASSAGE = """Commune de Pierrefonds
Compte rendu du conseil municipal du 12 mars 2024
Sous la présidence de Madame Florence Dupont, maire, le conseil municipal s'est réuni en mairie.
Monsieur le Maire de Compiègne assistait à la séance. M. Martin présente la convention signée avec
l'Office national des forêts pour l'entretien de la forêt de Compiègne, pour un montant de 12 500 € HT.
Mme Lefèvre rappelle que le Syndicat mixte du département de l'Oise collecte les déchets de Pierrefonds
et de Vieux-Moulin depuis 2016.
"""


@pytest.mark.models
def test_real_french_model_finds_names() -> None:
    ents = extract_entities_from_text(PASSAGE, doc_year=2024, ner="fr_core_news_sm")
    names = {(e["type"], e["text"]) for e in ents if e["type"] in ("ORG", "PERSON", "PLACE")}
    for e in ents:
        assert PASSAGE[e["start"] : e["end"]] == e["text"]
    assert {("PERSON", "Florence Dupont"), ("PERSON", "Martin"), ("PERSON", "Lefèvre")} <= names, names
    assert ("PLACE", "Pierrefonds") in names and ("PLACE", "Compiègne") in names, names
    assert any(t == "ORG" and "Syndicat" in x for t, x in names), names
    assert not any("Maire" in x or "Monsieur" in x for _, x in names), names
    # no name over another type's span: the amount and the dates stay theirs
    assert not any(t in ("ORG", "PERSON", "PLACE") and any(ch.isdigit() for ch in x) for t, x in names)


@pytest.mark.models
def test_parsed_document_carries_name_entities(tmp_path: Path) -> None:
    from greffier.extract.pipeline import parse_file

    f = tmp_path / "cr.txt"
    f.write_text(PASSAGE, encoding="utf-8")
    parsed = parse_file(f, "cr", ner="fr_core_news_sm")
    sections = {s.section_id: s for s in parsed.sections}
    names = [e for e in parsed.entities if e.type in ("ORG", "PERSON", "PLACE")]
    assert names and len({e.entity_id for e in parsed.entities}) == len(parsed.entities)
    for e in names:
        assert sections[e.section_id].text[e.start : e.end] == e.text
        assert e.text in e.sentence.replace("\n", " ") or e.canonical in e.sentence
    assert not [e for e in parse_file(f, "cr", ner=False).entities if e.type == "PERSON"]


@pytest.mark.models
def test_the_ner_setting_reaches_ingest(tmp_path: Path) -> None:
    from greffier.api import Greffier

    doc = tmp_path / "cr-2024.txt"
    doc.write_text(
        "Compte rendu du conseil municipal du 12 mars 2024\n\n"
        "M. Jean Dupont présente le projet de la Communauté de communes des Lisières de l'Oise "
        "pour la commune de Compiègne. Mme Claire Martin demande le coût des travaux.\n",
        encoding="utf-8",
    )
    found = {}
    for setting in ("off", "sm"):
        with Greffier(Settings(index_dir=tmp_path / setting, workers=1, embedding_model="none", ner=setting)) as g:
            g.ingest([doc])
            found[setting] = {e.text for e in g.entities(types=("PERSON",))}
    assert found["off"] == set()
    assert {"Jean Dupont", "Claire Martin"} <= found["sm"]
