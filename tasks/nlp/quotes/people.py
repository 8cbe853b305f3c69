"""The cast's data: a person of the article, the roles it gives them, and each mention that
moves them into the foreground (tasks/nlp/quotes/cast.py builds them)."""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Token

from tasks.nlp.names import TITLES
from tasks.nlp.quotes.lexicons import (
    AGENT_SUFFIXES,
    FEMALE,
    GENDERED_NOUNS,
    MALE,
    MORE_ROLES,
    ROLE_NOUNS,
)
from tasks.nlp.quotes.model import Mention

# Labels of things that do not speak: a speaker so tagged is a person the NER misread.
SILENT_LABELS = frozenset({"FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
ORG_ENTS = frozenset({"ORG", "GPE", "NORP", "FAC"})  # what a role is held in


@dataclass
class Role:
    """A role the article gives a person: its head noun, as written, and its organisation."""

    head: str  # "coach"
    role: str  # "head coach"
    organisation: str | None  # "Sharks"


@dataclass
class Person:
    """One person of the article: the fullest name it gives and what it says of them."""

    name: str
    words: tuple[str, ...]
    # gender -> weight of the article's evidence for it (honorifics, role nouns, pronouns)
    votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    # the part of ``votes`` that only our own resolver inferred (a he or she resolved to the
    # person by salience), not what the article states (an honorific, a gendered noun, a pronoun
    # bound in the person's own clause)
    inferred: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    roles: list[Role] = field(default_factory=list)  # in the order the article gives them

    @property
    def role(self) -> str | None:
        """The role the article introduces the person with (the first it gives)."""
        return self.roles[0].role if self.roles else None

    @property
    def organisation(self) -> str | None:
        """The organisation of the first role that names one."""
        return next((r.organisation for r in self.roles if r.organisation), None)

    @property
    def gender(self) -> str | None:
        """The gender the article's words give, or None when they give none or disagree."""
        return said_gender(self.votes)

    @functools.cached_property
    def name_gender(self) -> str | None:
        """The gender the first name carries, when unambiguous (tasks/nlp/gender.py); asked for
        each he or she the foreground weighs, so worked out once."""
        from tasks.nlp.gender import gender_of_name

        return gender_of_name(self.name)

    @property
    def gender_inferred(self) -> bool:
        """The gender rests on resolved pronouns alone: nothing the article states backs it."""
        g = self.gender
        return g is not None and self.votes[g] <= self.inferred[g]


@dataclass
class Event:
    """A mention of a person outside quotation marks, as salience counts it."""

    char: int
    sent: int
    person: Person
    weight: float
    main: bool = False  # the subject of its sentence's main clause
    alone: bool = False  # the surname of a full name written alone ('Thurman')


@dataclass
class Alone:
    """What the article says of a person where it writes their surname alone, kept apart from
    their full name's until the two are known to agree (Cast._split_surnames)."""

    votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    roles: list[Role] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)  # first character of each such mention


def said_gender(votes: dict[str, float]) -> str | None:
    """The gender the larger share of the votes gives (None for none or a tie)."""
    m, f = votes.get(MALE, 0.0), votes.get(FEMALE, 0.0)
    return MALE if m > f else FEMALE if f > m else None


def main_clause(verb: Token) -> bool:
    """The verb of a main clause: its sentence's root, or one coordinated with it ('..., and
    Nicholson agreed'; the parser also joins a paragraph to the sentence before this way)."""
    return verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT"


def is_role_noun(word: str) -> bool:
    """A noun that says what a person is or does: a known role or title, or an agent noun
    ('fellow', 'organiser', 'economist', 'historian', 'consultant', 'representative')."""
    return word in ROLE_NOUNS or word in TITLES or word in GENDERED_NOUNS or \
        word in MORE_ROLES or word.endswith(AGENT_SUFFIXES)


def within(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """The characters lie inside one of the (sorted) speaker spans: a name there speaks."""
    k = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= start and end <= spans[k][1]


def is_credit(m: Mention, text: str) -> bool:
    """'(Jane Roe/CBC)': a photo credit or an aside in brackets names no actor of the story."""
    k = m.start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return "/" in text[m.start : m.end] or text[k - 1 : k] == "("


@functools.lru_cache(maxsize=1 << 16)
def name_words(name: str) -> tuple[str, ...]:
    """A name's words, lower case, without stops and commas (cached: the cast asks of the same
    few names again and again)."""
    return tuple(w.lower().strip(".,") for w in name.split())


