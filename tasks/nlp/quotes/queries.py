"""The questions speakers ask of an article's cast: who is in the foreground at a point of the
text, whom a he or she, a written name, a role noun or a delayed identification stands for.
A mixin of Cast (tasks/nlp/quotes/cast.py), which builds the state these read."""

from __future__ import annotations

import bisect

from spacy.tokens import Token

from tasks.nlp.names import ORG_WORDS, clean_name
from tasks.nlp.quotes.lexicons import (
    DOCUMENT_NOUNS,
    FINDING_NOUNS,
    ORG_NOUNS,
)
from tasks.nlp.quotes.parse import Index
from tasks.nlp.quotes.people import ORG_ENTS, Event, Person, name_words
from tasks.nlp.quotes.thresholds import (
    DECAY,
    UNKNOWN_GENDER,
)


def _char(e: Event) -> int:
    return e.char


class CastQueries:
    """Read-only questions over a built cast."""

    idx: Index
    people: dict[str, Person]
    events: list[Event]
    _pronouns: dict[int, Person]
    names: bool  # first names' gender keeps a he or she from a person (gender_from_names)

    # --- asking --------------------------------------------------------------------------------

    def salience(self, char: int) -> dict[str, tuple[float, int]]:
        """Each person's weight in the foreground just before a character, with where they were
        last mentioned (of two equal weights, the later mention is nearer the reader's mind)."""
        sent = self.idx.sent_of(self.idx.token_at(char))
        out: dict[str, tuple[float, int]] = {}
        stop = bisect.bisect_left(self.events, char, key=_char)
        for e in self.events[:stop]:
            w = out.get(e.person.name, (0.0, 0))[0] + e.weight * DECAY ** (sent - e.sent)
            out[e.person.name] = (w, e.char)
        return out

    def foreground(self, char: int, candidates: list[Person], gender: str | None = None
                   ) -> Person | None:
        """The most salient of candidates at char whose gender does not disagree with gender."""
        weights = self.salience(char)
        best, best_w = None, (0.0, 0)
        for p in candidates:
            w, last = weights.get(p.name, (0.0, 0))
            if gender is not None:
                if not self.agrees(p, gender):
                    continue  # ('she' is not Donald Trump, whom the article calls nothing)
                if p.gender is None:
                    w *= UNKNOWN_GENDER
            if w > 0 and (round(w, 9), last) > best_w:
                best, best_w = p, (round(w, 9), last)
        return best

    def agrees(self, person: Person, gender: str | None) -> bool:
        """Whether a he or she of ``gender`` can be the person: the article gives them no other
        gender, nor (with names on) does their first name when the article gives none."""
        said = person.gender or (person.name_gender if self.names else None)
        return gender is None or said in (None, gender)

    def pronoun(self, tok: Token) -> Person | None:
        """The person a he or she stands for (None when the article has no one it agrees with)."""
        return self._pronouns.get(tok.i)

    def named(self, name: str, char: int) -> Person | None:
        """The person a written name refers to: the fullest name ending or beginning with its
        words ('Lonechild', 'Mr. Hale'); of several, the one in the foreground."""
        words = name_words(clean_name(name))
        if not words:
            return None
        n = len(words)
        exact = [p for p in self.people.values() if p.words == words]
        if exact:
            return exact[0]
        found = [p for p in self.people.values()
                 if len(p.words) >= n and (p.words[-n:] == words or p.words[:n] == words)]
        if len(found) <= 1:
            return found[0] if found else None
        longest = max(len(p.words) for p in found)
        found = [p for p in found if len(p.words) == longest]
        return found[0] if len(found) == 1 else self.foreground(char, found) or found[0]

    def identified_next(self, head: Token) -> Person | None:
        """'A Vancouver peewee hockey coach says he's "amazed" ...' / 'Stephen Gillis said ...':
        a description speaking in a paragraph that names no one, at the top of the article,
        is the person the next paragraph opens on as its main subject, named in full (news's
        delayed identification); not a body ('The council issued a statement', 'the county
        heritage trust said': any word that names an institution), nor one speaking for an
        organisation it names; nor a poll or survey ('A CBI quarterly survey found ...')."""
        body = head.lower_ in DOCUMENT_NOUNS | FINDING_NOUNS | ORG_NOUNS | ORG_WORDS
        if not head.text.islower() or body or not any(
                c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in head.children):
            return None
        if any(t.ent_type_ in ORG_ENTS for c in head.rights if c.dep_ == "prep"
               for t in c.subtree):
            return None  # 'a spokesperson for Harbour Transit' speaks for it, unnamed
        text = self.idx.text
        lo = text.rfind("\n", 0, head.idx) + 1
        hi = text.find("\n", head.idx)
        if hi < 0:
            return None
        nxt = len(text) - len(text[hi:].lstrip())
        for e in self.events:
            if lo <= e.char < hi:
                return None  # the paragraph names someone: the description is not them
            if e.char >= nxt:
                end = text.find("\n", nxt)
                return e.person if e.main and len(e.person.words) > 1 and (
                    end < 0 or e.char < end) else None
        return None

    def in_role(self, noun: str, char: int, qualifiers: frozenset[str] = frozenset()
                ) -> Person | None:
        """The person the article introduced with this role noun, the most salient if several;
        a qualified description ('the Kremlin leader') only fits a role so qualified, not
        'Chinese leader Xi Jinping'."""
        found = [p for p in self.people.values() if any(
            r.head == noun and qualifiers <= set(name_words(f"{r.organisation or ''} {r.role}"))
            for r in p.roles)]
        return self.foreground(char, found) or (found[0] if len(found) == 1 else None)


