"""Bodies a question names in capitals must be named by the answer's passage; a count's head noun."""

from __future__ import annotations

from greffier.search.acronyms import asked_names, names_found
from greffier.search.question import parse_question


def test_names_written_in_capitals() -> None:
    q = "Combien la commune de Pierrefonds a-t-elle versé en 2025 à l’association USP ?"
    assert asked_names(q, "Commune de Pierrefonds") == ("usp",)
    assert not names_found(
        ("usp",), "Il est donc proposé de verser une subvention de 400 € à l’Association Saint Louis Poissy."
    )
    assert names_found(("usp",), "Subvention exceptionnelle à l'U.S.P. : l'USP organise le tournoi")
    # tax bases and budget kinds are no names; the issuer's own name is left out
    assert asked_names("Combien a coûté (HT) la mission du PLU confiée par CHÉMÉRÉ ?", "Commune de Chéméré") == ("plu",)
    assert asked_names("Quel montant TTC au BP 2024 ?") == ()
    assert names_found((), "anything")


def test_a_population_is_a_count_whatever_follows() -> None:
    q = parse_question(
        "Quelle est la population totale de Pierrefonds au 1er janvier 2025 retenue pour la redevance électricité ?"
    )
    assert q.unit == "count"
    assert parse_question("Quel est le montant de la redevance électricité en 2025 ?").unit == "EUR"


def test_a_length_is_asked_in_km_or_linear_metres() -> None:
    from greffier.records import Entity
    from greffier.search.ask import _unit_ok

    q = parse_question("Quelle est la longueur totale du réseau d'assainissement en 2022 (en mètres linéaires) ?")
    assert q.unit == "km"

    def amount(text: str, unit: str) -> Entity:
        return Entity("e", "AMOUNT", text, "d", 1, "s", 0, len(text), text, value=1.0, unit=unit)

    assert _unit_ok(q, amount("15,25 km", "km")) and _unit_ok(q, amount("15 250 ml", "m"))
    assert not _unit_ok(q, amount("5 ans", "count"))
