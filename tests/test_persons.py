"""Who presided, signed or was secretary (greffier.search.persons), on the formulas as the Audierne
deliberations, its mayor's orders (read by OCR) and a prefectoral order print them."""

from greffier.eval.answers import _same_name
from greffier.search.persons import asked_role, person_key, persons_in

# the head of an Audierne deliberation (text layer)
DELIBERATION = (
    "Le conseil municipal s’est réuni en séance ordinaire, à la mairie, sous la présidence de Monsieur Joseph "
    "EVENAT, maire.\nConvocation du 14 septembre 2017.\nMembres en exercice : 29\n"
    "Secrétaire de séance : Madame Anne-Marie GIRAUD-MAZEAS\nDELIBERATION N° 087-17\n"
)
# the foot of a prefectoral order, and of a mayor's order as an OCR joins its lines
PREFECT = (
    "Le présent arrêté sera notifié au président de la communauté ainsi qu'aux maires des communes membres.\n"
    "Le préfet,\nSigné\nLouis LE FRANC\n"
)
MAYOR_OCR = "• remis aux intéressés, M:\nAudierne, le 28 février 2025 Le maire, Gurvan KERLOC'H\n"


def test_the_role_a_question_asks() -> None:
    assert asked_role("Qui présidait la séance du conseil municipal d'Audierne du 28 septembre 2017 ?") == "preside"
    assert asked_role("Qui a signé l'arrêté n° 2936/24 du 26 décembre 2024 ?") == "sign"
    assert asked_role("Qui était secrétaire de séance le 14 septembre 2017 ?") == "secretary"
    # a body asked, or no person at all
    assert asked_role("Qui est le délégataire du service d'assainissement collectif ?") is None
    assert asked_role("Quel montant a été signé avec l'entreprise ?") is None


def test_people_read_from_the_formulas_of_their_role() -> None:
    (p,) = persons_in(DELIBERATION, "preside")
    assert (p.name, p.role) == ("Joseph EVENAT", "maire")
    (s,) = persons_in(DELIBERATION, "secretary")
    assert s.name == "Anne-Marie GIRAUD-MAZEAS"
    (f,) = persons_in(PREFECT, "sign")
    assert (f.name, f.role) == ("Louis LE FRANC", "préfet")
    (m,) = persons_in(MAYOR_OCR, "sign")
    assert (m.name, m.role) == ("Gurvan KERLOC'H", "maire")
    # the name ends at its line: the next line's letterhead is no part of it
    (n,) = persons_in("salutations.\nLe maire,\nGurvan KERLOC’H\nHOTEL DE VILLE", "sign")
    assert n.name == "Gurvan KERLOC’H" and person_key(n.name) == person_key(m.name)
    # a mayor who presents a report signs nothing; a president named by function is no person
    assert persons_in("Le maire, M. Jean DUPONT, expose au conseil le projet\n", "sign") == []
    assert persons_in("Sous la présidence du Président de la Métropole, la Conférence", "preside") == []


def test_a_person_with_or_without_the_role_printed_after_the_name() -> None:
    assert _same_name("Joseph EVENAT", "Joseph EVENAT, maire")
    assert _same_name("Louis LE FRANC, préfet du Finistère", "Louis LE FRANC, préfet")
    assert not _same_name("Louis LE FRANC, préfet du Finistère", "Gurvan KERLOC'H, maire")


def test_the_holder_of_a_delegation_surname_first() -> None:
    # Audierne, arrêté DG2025-004 (tune6 t6-058): "Délégation permanente est donnée à Mme COSSEC-PETIT
    # Isabelle, Directrice Générale des Services de la commune, à l'effet de signer :"
    from greffier.search.persons import asked_role, persons_in

    text = (
        "Article 1 : Délégation permanente est donnée à Mme COSSEC-PETIT Isabelle, Directrice Générale des "
        "Services de la commune, à l’effet de signer :"
    )
    [p] = persons_in(text, "delegate")
    assert p.name == "Isabelle COSSEC-PETIT" and p.role.startswith("Directrice Générale des Services")
    [p] = persons_in("Le maire donne délégation de signature à Monsieur Jean DUPONT, adjoint aux travaux.", "delegate")
    assert p.name == "Jean DUPONT"
    assert asked_role("À qui le maire a-t-il donné délégation permanente de signature par l'arrêté DG2025-004 ?") == (
        "delegate"
    )
    assert asked_role("Qui a signé l'arrêté du 12 septembre 2024 ?") == "sign"
