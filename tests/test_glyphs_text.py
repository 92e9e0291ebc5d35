"""Glyph normalization and text-export page splitting, on hand-made inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from greffier.errors import InputError
from greffier.extract.cleanup import clean_pages
from greffier.extract.glyphs import SOFT_BREAK, normalize_glyphs
from greffier.extract.layout import build_blocks
from greffier.extract.text import read_text, split_text_pages
from greffier.records import Line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\uf0b7 Le développement", "• Le développement"),
        ("\uf0d8 De la structure de la Métropole :", "➢ De la structure de la Métropole :"),
        ("\uf0fc La Direction Habitat", "✓ La Direction Habitat"),
        ("\uf0fe Oui \uf06f Non", "☑ Oui ☐ Non"),
        ("\uf0a7 item", "▪ item"),
        ("\ue123 inconnu", "• inconnu"),  # unknown private-use glyph at line start: a bullet
        ("mot\ue123mot", "motmot"),  # elsewhere: dropped, never left as garbage
    ],
)
def test_private_use_glyphs_become_real_characters(raw: str, expected: str) -> None:
    assert normalize_glyphs(raw) == expected


def test_hyphenation_mark_is_kept_as_a_soft_break_then_joined() -> None:
    assert normalize_glyphs("adminis\ufffe") == "adminis" + SOFT_BREAK
    lines = [Line("Le service des affaires adminis\ufffe", 1), Line("tratives gère le courrier.", 1)]
    kept, _ = clean_pages([lines])
    blocks = build_blocks(kept)
    assert [b.text for b in blocks] == ["Le service des affaires administratives gère le courrier."]


def test_compound_words_broken_at_a_hyphen_keep_their_hyphen() -> None:
    lines = [Line("La Métropole Aix-", 1), Line("Marseille-Provence regroupe 92 communes.", 1)]
    blocks = build_blocks(clean_pages([lines])[0])
    assert blocks[0].text == "La Métropole Aix-Marseille-Provence regroupe 92 communes."


def test_broken_lines_are_rejoined_into_paragraphs_and_bullets_split() -> None:
    lines = [
        Line("Les compétences non délégables sont les ", 1),
        Line("suivantes : ", 1),
        Line("- Le développement et aménagement économique, social et culturel, ", 1),
        Line("- L’aménagement de l’espace métropolitain, ", 1),
        Line("La dynamique débutée en 2016 a été poursuivie. ", 1),
    ]
    blocks = build_blocks(clean_pages([lines])[0])
    assert [b.kind for b in blocks] == ["para", "bullet", "bullet", "para"]
    assert blocks[0].text == "Les compétences non délégables sont les suivantes :"
    assert blocks[1].text == "• Le développement et aménagement économique, social et culturel,"


def test_stamp_pages_of_a_text_export(tmp_path: Path) -> None:
    text = (
        "INTRODUCTION\nPremière page.\n\nReçu au Contrôle de légalité le 02 novembre 2018\n\n\n4 \n"
        "Suite du texte.\nReçu au Contrôle de légalité le 02 novembre 2018\n7\nFin du rapport.\n"
    )
    pages = split_text_pages(text)
    assert [(p.number, p.label) for p in pages] == [(1, "1-3"), (4, "4-6"), (7, "7")]
    assert pages[0].stamps == ("Reçu au Contrôle de légalité le 02 novembre 2018",)
    assert all("Reçu" not in ln.text for p in pages for ln in p.lines)
    assert [ln.text for ln in pages[1].lines] == ["Suite du texte."]


def test_form_feeds_split_pages() -> None:
    pages = split_text_pages("page un\fpage deux\fpage trois")
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.lines[0].text for p in pages] == ["page un", "page deux", "page trois"]


def test_crlf_is_normalized(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"ligne un\r\nligne deux\r\n")
    assert read_text(f) == "ligne un\nligne deux\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty text file"), (b"   \n\n", "empty text file"), (b"caf\xe9\x00\x00\x00\x01\x02", "binary content")],
)
def test_bad_text_files_name_the_problem(tmp_path: Path, content: bytes, reason: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_text(f)
    assert reason in str(exc.value) and str(f) in str(exc.value)


def test_running_headers_and_page_numbers_are_removed_and_kept_as_metadata() -> None:
    pages = []
    for n in range(1, 5):
        pages.append(
            [
                Line(
                    f"Commune de Pierrefonds - Conseil Municipal du 6 mars 2025 – Page {n} / 4",
                    n,
                    11,
                    False,
                    20,
                    30,
                    50,
                    842,
                ),
                Line(f"Texte de la page {n} avec des mots.", n, 11, False, 300, 312, 50, 842),
                Line(f"{n}", n, 9, False, 800, 810, 290, 842),
            ]
        )
    kept, removed = clean_pages(pages)
    assert [[ln.text for ln in p] for p in kept] == [[f"Texte de la page {n} avec des mots."] for n in range(1, 5)]
    assert removed[0] == ["Commune de Pierrefonds - Conseil Municipal du 6 mars 2025 – Page 1 / 4", "1"]


def test_input_errors_cross_process_boundaries() -> None:
    """Regression: an unpicklable InputError broke the parser pool on the first bad file."""
    import pickle

    err = pickle.loads(pickle.dumps(InputError("a.pdf", "encrypted: a password is required")))
    assert (err.path, err.reason, str(err)) == (
        "a.pdf",
        "encrypted: a password is required",
        "a.pdf: encrypted: a password is required",
    )


def test_a_doubled_accent_stands_for_a_lost_word_space() -> None:
    # RPQS Jons: "L'indice global de conformité́de la collecte" (é, then a combining acute)
    assert normalize_glyphs("conformité\u0301de la collecte") == "conformité de la collecte"
    assert normalize_glyphs("Conformité\u0301 exercice") == "Conformité exercice"
    assert normalize_glyphs("ge\u0301ne\u0301rale") == "ge\u0301ne\u0301rale"  # decomposed letters are letters
