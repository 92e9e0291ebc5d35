"""In an enumeration of labelled figures the words after a figure label the next one."""

from __future__ import annotations

from greffier.search.labels import own_words_end

LIST = "AFR – Cantine 32 090,00 € Triolet de Retz 5 184,30 € Arche Football Club Subvention annuelle 1 500,00 €"


def test_the_next_figures_label_is_not_this_ones() -> None:
    end = LIST.find("32 090,00") + len("32 090,00")
    assert LIST[own_words_end(LIST, end) :].startswith("Triolet de Retz")
    last = LIST.rfind("1 500,00") + len("1 500,00")
    assert own_words_end(LIST, last) is None  # no figure follows


def test_words_tied_by_a_link_word_stay_the_figures() -> None:
    s = "une subvention de 32 090 € pour la cantine et 5 184 € pour le Triolet"
    assert own_words_end(s, s.find("32 090") + 6) is None
    s = "Les agents recenseurs recevront 20 € brutpour chaque séance de formation et 40 € brut pour la demi-journée"
    assert own_words_end(s, s.find("20 €") + 4) is None
