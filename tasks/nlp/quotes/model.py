"""What the quote rules produce: an attribution (Quote) over the article's entity Mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.nlp.quotes.lexicons import AWARD_WORDS, ORG_NOUNS


@dataclass
class Mention:
    """An entity mention as the quote pass sees it."""

    start: int
    end: int
    label: str
    canonical: str

    def names_a_body(self, text: str) -> bool:
        """A name written after 'the' ('the West will see it', 'the Kremlin', 'the Roman
        Catholic'), the article inside the mention or before it: a place, body or bloc the NER
        took for a person. People's names take no article, so such a mention is never a person
        for the quote rules. So is a name holding a possessive ("Justin Trudeau's Liberals"):
        what belongs to someone is a group, not them. So is a name an organisation's noun
        introduces ('the British aid group Gatsby said its ...', 'the consulting firm Oxford
        Economics'): people are introduced by what they do, not by such a noun. And a name
        before a prize's word ('any Pulitzer prizes') is the prize's."""
        written = text[self.start : self.end]
        before = _LAST_WORD.search(text, max(0, self.start - 24), self.start)
        after = _NEXT_WORD.match(text, self.end)
        return written[:4].lower() == "the " or \
            text[max(0, self.start - 4) : self.start].lower() == "the " or \
            _POSSESSIVE_IN.search(written) is not None or \
            before is not None and before.group(1) in ORG_NOUNS or \
            after is not None and after.group(1).lower() in AWARD_WORDS


_POSSESSIVE_IN = re.compile(r"['’]s\s+\w")
_LAST_WORD = re.compile(r"\b([a-z]+)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")


@dataclass
class Evidence:
    """What the rule that kept a quote read in the parse, for the passes after it: token
    indexes of its cue and speaker, how a cue-less paragraph floats, joint speakers' names."""

    cue_token: int | None = None
    speaker_token: int | None = None  # a possessor who speaks ("Smith's spokesman said")
    speaker_head: int | None = None  # head of the speaker's phrase
    # a paragraph of quote with no cue: "continues" a voice quoted before it, or "opens" with
    # none before it (refloat reads the paragraph before for either)
    floats: str | None = None
    also: list[tuple[int, int]] = field(default_factory=list)  # joint speakers' names
    gender_inferred: bool = False  # the speaker's gender rests on resolved pronouns alone
    # the speaker is someone the article brought in without a name ('a spokesman ... the
    # spokesman said'): the cast gives them no one's name
    unnamed: bool = False


@dataclass
class Quote:
    """One attribution: content fragments, cue, speaker mention and resolved name."""

    spans: list[tuple[int, int]]
    quote_type: str  # direct | mixed | indirect (speech) | belief (belief, plan, stance)
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    speaker_text: str | None = None
    speaker_span: tuple[int, int] | None = None
    speaker: str | None = None
    speaker_label: str | None = None
    speaker_role: str | None = None  # as the article gives it: 'spokesman', 'senior fellow'
    speaker_organisation: str | None = None  # where the role is held: 'Kremlin'
    speaker_gender: str | None = None  # male | female, only from the article's own words
    # which rule or pass chose the speaker (its accuracy is reported per rule by `news-etl eval`)
    speaker_rule: str | None = None
    # what the rules saw, for the passes after them (never stored)
    evidence: Evidence = field(default_factory=Evidence, repr=False, compare=False)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]
