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
        # a party, its members or a chamber the NER ran into the name is no part of it
        ("Senate Democrats Ines Okafor", "PERSON", "Ines Okafor"),
        ("Republican Governors Dale Brandt", "PERSON", "Dale Brandt"),
        ("Democrats Okafor", "PERSON", "Okafor"),
        ("GOP Sen. Mara Lindqvist", "PERSON", "Mara Lindqvist"),
        ("Senate", "ORG", "Senate"),
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


def test_a_word_the_ner_tags_a_body_twice_as_often_is_that_body_not_a_person():
    from tasks.nlp.names import resolve_mentions

    # 'Harbourgas' is a company the NER once took for a person
    got = resolve_mentions([("Harbourgas", "ORG"), ("Harbourgas", "PERSON"), ("Harbourgas", "ORG")])
    assert [lab for _, lab in got] == ["ORG", "ORG", "ORG"]
    # a person the NER mixes up with a body about as often stays a person; so does one written
    # after a title, or a word of a person's full name in the article
    got = resolve_mentions([("Ferris", "ORG"), ("Ferris", "PERSON")])
    assert [lab for _, lab in got] == ["ORG", "PERSON"]
    got = resolve_mentions([("Mayor Ferris", "PERSON"), ("Ferris", "ORG"), ("Ferris", "ORG")])
    assert got[0] == ("Ferris", "PERSON")
    got = resolve_mentions([("Dougal Ferris", "PERSON"), ("Ferris", "ORG"), ("Ferris", "ORG"),
                            ("Ferris", "PERSON")])
    assert got[-1] == ("Dougal Ferris", "PERSON")
    # nor a name the NER reads as a nationality (an unusual given name)
    got = resolve_mentions([("Onwuka", "NORP"), ("Onwuka", "NORP"), ("Onwuka", "PERSON")])
    assert got[-1] == ("Onwuka", "PERSON")


def test_a_whole_name_the_ner_tags_a_body_twice_as_often_is_that_body():
    """'Harbour City Gulls' tagged PERSON once and ORG twice is the team, and its one PERSON tag
    does not make its other mentions a person's (a he after it is the shortstop's)."""
    from tasks.nlp.names import resolve_mentions

    got = resolve_mentions([("the Harbour City Gulls", "ORG"), ("Harbour City Gulls", "PERSON"),
                            ("Dara Okafor", "PERSON"), ("Harbour City Gulls", "ORG"),
                            ("Okafor", "PERSON")])
    assert [lab for _, lab in got] == ["ORG", "ORG", "PERSON", "ORG", "PERSON"]
    # a person's full name the NER once tags a body stays the person's
    got = resolve_mentions([("Dara Okafor", "PERSON"), ("Dara Okafor", "ORG"),
                            ("Dara Okafor", "PERSON")])
    assert [lab for _, lab in got] == ["PERSON", "PERSON", "PERSON"]
    # nor one written after a title somewhere, whatever the NER takes its other mentions for
    got = resolve_mentions([("Dara Okafor", "GPE"), ("Dara Okafor", "GPE"),
                            ("Founder Dara Okafor", "PERSON")])
    assert got == [("Dara Okafor", "PERSON")] * 3
    # and a two-word name a surname alone shows to be a person's still becomes one
    got = resolve_mentions([("Marcus Hale", "ORG"), ("Hale", "PERSON")])
    assert got[0] == ("Marcus Hale", "PERSON")


def test_a_surname_alone_is_the_full_name_with_its_generation():
    assert canonical_names([("Ruth D. Calloway Jr.", "PERSON"), ("Calloway", "PERSON")]) == [
        "Ruth D. Calloway Jr.", "Ruth D. Calloway Jr."]


def test_a_shared_surname_goes_to_the_person_named_first_not_to_a_studio():
    # the subject first, a relative by full name after: the surname alone is the subject, in
    # that person's fullest form; a studio named after its founder is no person sharing it
    got = canonical_names([("Chris Mallory", "PERSON"), ("Anne Marie Mallory", "PERSON"),
                           ("Mallory", "PERSON"), ("Christopher J. Mallory", "PERSON")])
    assert got[2] == "Chris Mallory"
    got = canonical_names([("Studio Vesna", "PERSON"), ("Ana Vesna", "PERSON"),
                           ("Vesna", "PERSON")])
    assert got[2] == "Ana Vesna"


def test_initials_spelled_out_match_as_the_pattern_would():
    """spelled_out walks the text instead of compiling a pattern per initials: on generated
    runs of words, link words, apostrophes, dashes, accents and odd spaces it finds exactly
    what the pattern it replaced finds (the first spelling before the initials' first use)."""
    import random
    import re

    from tasks.nlp.names import spelled_out

    def pattern(initials, text):
        first = re.search(rf"\b{initials}\b", text)
        if first is None:
            return None
        words = [rf"{c}[\w'’-]*" for c in initials]
        links = r"\s+(?:(?:of|for|and|the|on|de|du|la|&)\s+)*"
        m = re.search(r"\b" + links.join(words) + r"\b", text[: first.start()])
        return m.group(0) if m else None

    rng = random.Random(11)

    def word(c):
        return c + "".join(rng.choice("ar'’-_és²") for _ in range(rng.randint(0, 4)))

    def between():
        s = rng.choice([" ", "  ", "\n", "\xa0", "", "-", ", "])
        for _ in range(rng.randint(0, 2)):
            s += rng.choice(["of", "the", "&", "for", "on", "one", "la", "lab"]) + \
                rng.choice([" ", "", "\n"])
        return s

    found = 0
    for _ in range(4_000):
        initials = rng.choice(["PBO", "BOP", "OOO", "PBOB"])
        text = rng.choice(["", "x", "The ", "O'", "-", "é"])
        for _ in range(rng.randint(1, 3)):
            text += "".join(word(c) + between() for c in initials) + rng.choice(["", ". "])
        text += rng.choice([" ", "", "x"]) + initials + rng.choice(["", " ", "x"])
        expected = pattern(initials, text)
        found += expected is not None
        assert spelled_out(initials, text) == expected, (initials, text)
    assert found > 300  # the generator spells initials out often enough to test the match
