"""The text warnings of followshift/privacy/text.py: a table of Dutch sentences, what each must
give and, as important, what it must not (the things follow-shift posts are full of)."""

from __future__ import annotations

import pytest

from followshift.privacy.text import ADDRESS, EMAIL, PHONE, PLATE, national, scan

# (text, [(kind, matched text), ...])
TRUE_POSITIVES = [
    # licence plates: every sidecode, with and without dashes
    ("Auto met kenteken XX-99-99 aangehouden", [(PLATE, "XX-99-99")]),  # 1
    ("Kenteken 12-34-AB bleek gestolen", [(PLATE, "12-34-AB")]),  # 2
    ("De 12-AB-34 reed door rood", [(PLATE, "12-AB-34")]),  # 3
    ("Een Golf, AB-12-CD, zonder APK", [(PLATE, "AB-12-CD")]),  # 4
    ("Busje AB-CD-12 gecontroleerd", [(PLATE, "AB-CD-12")]),  # 5
    ("Bestelauto 12-AB-CD stond fout", [(PLATE, "12-AB-CD")]),  # 6
    ("Scooter 99-XXX-9 zonder verzekering", [(PLATE, "99-XXX-9")]),  # 7
    ("De 1-KBX-23 is in beslag genomen", [(PLATE, "1-KBX-23")]),  # 8
    ("Bestuurder van de GB-123-H blies te veel", [(PLATE, "GB-123-H")]),  # 9
    ("Kenteken X-999-XX klopte niet", [(PLATE, "X-999-XX")]),  # 10
    ("De auto (XXX-99-X) stond op de stoep", [(PLATE, "XXX-99-X")]),  # 11
    ("Controle van de G-12-BBB", [(PLATE, "G-12-BBB")]),  # 12
    ("Kenteken 1-ZZ-234 was vals", [(PLATE, "1-ZZ-234")]),  # 13
    ("Nieuw kenteken 123-TG-4", [(PLATE, "123-TG-4")]),  # 14
    ("kenteken ab-12-cd in kleine letters", [(PLATE, "ab-12-cd")]),
    ("Zonder streepjes: GBX12T en 1KBX23", [(PLATE, "GBX12T"), (PLATE, "1KBX23")]),
    ("Oud kenteken AB1234.", [(PLATE, "AB1234")]),
    ("**HT-123-B** rijdt weg", [(PLATE, "HT-123-B")]),
    # phone numbers
    ("Bel mij op 06-12345678.", [(PHONE, "06-12345678")]),
    ("Mobiel: 0612345678", [(PHONE, "0612345678")]),
    ("Zijn nummer 06 12 34 56 78 stond op de auto", [(PHONE, "06 12 34 56 78")]),
    ("Buurman (06-1234 5678) belde ons", [(PHONE, "06-1234 5678")]),
    ("Internationaal +31 6 12345678", [(PHONE, "+31 6 12345678")]),
    ("Of +31612345678", [(PHONE, "+31612345678")]),
    ("Het nummer 0031 6 1234 5678 werkt niet", [(PHONE, "0031 6 1234 5678")]),
    ("Vast nummer 020-1234567", [(PHONE, "020-1234567")]),
    ("Bel 0316-123456 voor de sleutel", [(PHONE, "0316-123456")]),
    ("Bel (0316) 123456", [(PHONE, "(0316) 123456")]),
    ("Zaak: +31 (0)20 123 4567", [(PHONE, "+31 (0)20 123 4567")]),
    ("Bel 010 123 45 67 vandaag", [(PHONE, "010 123 45 67")]),
    ("Een betaalnummer 0900-1234 is niet van ons", [(PHONE, "0900-1234")]),
    ("Bel 06-12345678 2 keer", [(PHONE, "06-12345678")]),
    ("Twee: 06-12345678 06-87654321", [(PHONE, "06-12345678"), (PHONE, "06-87654321")]),
    # e-mail addresses
    ("Mail naar jan.jansen@example.nl voor info", [(EMAIL, "jan.jansen@example.nl")]),
    (
        "Zijn adres: p.de-vries+post@mail.example.com.",
        [(EMAIL, "p.de-vries+post@mail.example.com")],
    ),
    # street + house number
    ("Inbraak aan de Dorpsstraat 12 in Zevenaar", [(ADDRESS, "Dorpsstraat 12")]),
    ("Melding op de Kerkweg 3a", [(ADDRESS, "Kerkweg 3a")]),
    ("Burenruzie Julianalaan 114-2", [(ADDRESS, "Julianalaan 114-2")]),
    ("Aanrijding bij het Stationsplein 1", [(ADDRESS, "Stationsplein 1")]),
    ("Herengracht 502 bis", [(ADDRESS, "Herengracht 502 bis")]),
    ("Boot lag aan de Nieuwe Kade 7 B", [(ADDRESS, "Kade 7 B")]),
    ("Op de Rijnkade 20, bij de brug", [(ADDRESS, "Rijnkade 20")]),
    ("Het huis aan de Ringsingel 9.", [(ADDRESS, "Ringsingel 9")]),
    ("Rijksstraatweg 45 afgesloten", [(ADDRESS, "Rijksstraatweg 45")]),
    ("Controle op de Waaldijk 3", [(ADDRESS, "Waaldijk 3")]),
    ("Grote Markt 12 ontruimd", [(ADDRESS, "Markt 12")]),
    # several in one text, in text order
    (
        "Bestuurder (06-12345678) van 12-AB-34 woont Dorpsstraat 5",
        [(PHONE, "06-12345678"), (PLATE, "12-AB-34"), (ADDRESS, "Dorpsstraat 5")],
    ),
]

FALSE_POSITIVES = [
    "Om 19:15 begon de dienst, om 21.30 uur waren we klaar.",
    "Zaterdag 24-10-2026 en 24/10/26 en 24.10.2026",
    "Op 06-12-2026 10:00 uur begint de controle",
    "Verkeerscontrole op de A12 en de N325, daarna de A325.",
    "Bij spoed: bel 112.",
    "Geen spoed? Bel 0900-8844.",
    "Geen spoed? Bel 0900 8844 of Meld Misdaad Anoniem 0800-7000.",
    "In 2026 en 1999 was het ook druk.",
    "Een boete van € 1.250 en eentje van €390,-.",
    "Overtreding van artikel 5 WVW en art. 8 lid 2.",
    "Team 3 en Team 12 gingen samen op pad.",
    "Onderweg 3 auto's gecontroleerd.",
    "Snelweg 12 km afgesloten.",
    "We reden 130 km/u op de snelweg 4 keer.",
    "Er waren 0,5 promille en 12 agenten.",
    "Stationsplein 19:15: rustig.",
    "De Dorpsstraat was afgesloten.",
    "Het postcodegebied 6901 AB.",
    "Meer info op https://www.politie.nl/nieuws/2026/ab-12-cd.html en www.politie.nl/06-12345678",
    "Proces-verbaal nummer PL0600-2026123456.",
    "De score was 2-0 na 90 minuten.",
    "Een MP5 en een COVID19-test en een A2B-formulier.",
    "Zo'n 30-40 mensen, 10-15 minuten.",
    "Kamer 0.12 in het bureau",
    "Bureau de Kolk, 1e verdieping",
    "Halverwege de dienst: koffie.",
    "Iemand met een T-shirt en een E-bike.",
    "De dienst-auto van Team-12.",
    "Wij twitteren als @politie_zevenaar.",
]


@pytest.mark.parametrize(("text", "expected"), TRUE_POSITIVES)
def test_finds_what_is_personal(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in scan(text)] == expected


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_leaves_the_everyday_alone(text: str) -> None:
    assert [(f.kind, f.text) for f in scan(text)] == []


def test_allowed_numbers_in_any_notation() -> None:
    text = "Bel de wijkagent op 06-12345678 of het bureau op 0316 123456."
    assert [f.text for f in scan(text, ["+31 6 1234 5678"])] == ["0316 123456"]
    assert scan(text, ["0612345678", "0316-123456"]) == []


def test_lines_count_from_the_start_of_the_text() -> None:
    found = scan("Eerste regel\n\nDerde: AB-12-CD\nVierde jan@example.nl")
    assert [(f.line, f.text) for f in found] == [(3, "AB-12-CD"), (4, "jan@example.nl")]


def test_message_names_kind_and_text() -> None:
    (found,) = scan("Kenteken XX-99-99")
    assert found.message == 'possible licence plate "XX-99-99" (privacy)'


@pytest.mark.parametrize(
    ("given", "digits"),
    [
        ("+31 6 1234 5678", "0612345678"),
        ("0031 (0)20 123 4567", "0201234567"),
        ("0900-8844", "09008844"),
        ("112", "112"),
    ],
)
def test_national_form(given: str, digits: str) -> None:
    assert national(given) == digits


def test_the_module_is_a_leaf() -> None:
    """content/ reads with it, the desk and check show it: it imports nothing of followshift."""
    from tests.test_structure import imports

    assert imports("privacy.text") == set()


def test_a_post_full_of_findings_is_scanned_in_bounded_time() -> None:
    """A post is at most 256 KB (confine.MAX_BYTES); thousands of findings stay fast."""
    import time

    for text in ("Dorpsstraat 1 " * 10000, "06-12345678 " * 10000, "0" * 200_000, "A" * 200_000):
        started = time.perf_counter()
        scan(text)
        assert time.perf_counter() - started < 5, text[:20]
