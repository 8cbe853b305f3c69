"""Name resolution within an article: titles dropped, short mentions joined to full names."""

from __future__ import annotations

import pytest

from tasks.nlp.names import canonical_names, clean_name


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("President Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Kremlin spokesman Dmitry Peskov", "PERSON", "Dmitry Peskov"),
        ("Blinken's", "PERSON", "Blinken"),
        ("Dr. Ingrid Solberg", "PERSON", "Ingrid Solberg"),
        ("the Foreign Ministry", "ORG", "Foreign Ministry"),
        ("Madonna", "PERSON", "Madonna"),
        # letters for an office or an honour are not the name; a surname alone keeps them
        ("Judge Marcus Hale QC", "PERSON", "Marcus Hale"),
        ("Ruth Calloway MP,", "PERSON", "Ruth Calloway"),
        ("Hale QC", "PERSON", "Hale QC"),
    ],
)
def test_clean_name(text, label, expected):
    assert clean_name(text, label) == expected


def test_canonical_names_join_surnames_and_first_names():
    mentions = [
        ("Vladimir Putin", "PERSON"), ("Xi Jinping", "PERSON"), ("Putin", "PERSON"),
        ("Xi", "PERSON"), ("Antony Blinken", "PERSON"), ("Blinken", "PERSON"),
        ("Moscow", "GPE"), ("the European Union", "ORG"), ("European Union", "ORG"),
        ("Peskov", "PERSON"),
    ]
    assert canonical_names(mentions) == [
        "Vladimir Putin", "Xi Jinping", "Vladimir Putin", "Xi Jinping", "Antony Blinken",
        "Antony Blinken", "Moscow", "European Union", "European Union", "Peskov",
    ]


def test_canonical_names_do_not_cross_labels_or_partial_words():
    assert canonical_names([("Jordan", "GPE"), ("Michael Jordan", "PERSON"), ("Jo", "PERSON")]) == [
        "Jordan", "Michael Jordan", "Jo",
    ]
