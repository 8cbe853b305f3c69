"""Corpus-level identity: every entity canonical name and speaker name mapped to one identity for
the whole warehouse, with a display name and a kind (person, organisation, place, group, other).

The per-article ``canonical`` is left as it is; this decides, on evidence from all articles:

- **kind** by the votes of every mention's NER label (PERSON -> person, ORG -> organisation,
  GPE/LOC/FAC -> place, NORP -> group, anything else -> other), each mention preceded by a
  personal title (Mr, President, spokesman) counting as ``TITLE_VOTES`` person votes, and a name
  holding an organisation word (Party, United, Council, Ltd) never a person. The small model's NER
  errors are a given; the corpus outvotes them ("Labour" ORG 126 / PERSON 62 -> organisation).
- **one name, one identity**: names that differ only in case, punctuation, a possessive, a leading
  "the" or a middle initial ("George W. Bush", "George Bush") are one; a plural group or party
  name joins its singular ("Tories" -> "Tory", "Lib Dems" -> "Lib Dem").
- **lone surnames and first names**: a one-word name whose votes make it a person takes the full
  person name that ends (surname) or else begins (first name) with it, when one full name holds
  at least ``DOMINANT_SHARE`` of the articles of all full names that do ("Blair" -> "Tony Blair"
  when the corpus points to one Blair). Otherwise it stays its own identity with status
  ``ambiguous`` and the full names it could be as candidates.

Everything is a plain function of name statistics (one row per stored name and label), so a run
computes it from one GROUP BY over the entity and quote rows, and tests call it directly.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tasks.names import ORG_WORDS

KINDS = ("person", "organisation", "place", "group", "other")
LABEL_KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place",
              "FAC": "place", "NORP": "group"}
TITLE_VOTES = 3  # a mention after "Mr", "President" ... is strong evidence of a person
DOMINANT_SHARE = 0.8  # share of articles one full name needs to claim a lone surname
MIN_FULL_NAME_ARTICLES = 2  # a full name seen once does not claim a surname used elsewhere
# Words that, inside a name, make it an organisation whatever the NER said ("Manchester United").
ORG_NAME_WORDS = ORG_WORDS | frozenset("""united city fc rovers athletic wanderers olympic
    plc airlines airways motors holdings partners studios records labs systems networks""".split())


@dataclass
class NameStats:
    """How the corpus uses one stored name under one label."""

    name: str
    label: str | None
    mentions: int
    articles: int
    titled: int = 0  # mentions right after a personal title


@dataclass
class Identity:
    """What a stored name refers to across the corpus."""

    name: str
    identity: str
    kind: str
    status: str  # exact (its own identity) | joined (a variant of another name) |
    #              resolved (a lone surname or first name given its full name) | ambiguous
    candidates: list[str] = field(default_factory=list)


_PUNCT = re.compile(r"[^\w\s]")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def name_key(name: str) -> tuple[str, ...]:
    """The words that identify a name: HTML entities decoded, case, punctuation, a possessive
    and a leading 'the' ignored."""
    text = html.unescape(name).replace("’", "'").strip()
    text = _POSSESSIVE.sub("", text)
    words = _PUNCT.sub(" ", text.replace("'", "")).lower().split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return tuple(words)


def _singular(key: tuple[str, ...]) -> tuple[str, ...] | None:
    last = key[-1] if key else ""
    if len(last) > 4 and last.endswith("ies"):
        return key[:-1] + (last[:-3] + "y",)
    if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        return key[:-1] + (last[:-1],)
    return None


@dataclass
class _Group:
    key: tuple[str, ...]
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    articles: int = 0
    forms: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # surface -> mentions
    names: set[str] = field(default_factory=set)

    def kind(self) -> str:
        if ORG_NAME_WORDS.intersection(self.key) and len(self.key) > 1:
            return "organisation"
        if not self.votes:
            return "other"
        # ties go to the kind listed first in KINDS
        return max(KINDS, key=lambda k: (self.votes.get(k, 0.0), -KINDS.index(k)))

    def display(self) -> str:
        return max(self.forms, key=lambda f: (self.forms[f], len(f), f))


def resolve_identities(stats: Iterable[NameStats]) -> list[Identity]:
    """One Identity per stored name (see the module docstring for the rules)."""
    groups: dict[tuple[str, ...], _Group] = {}
    for s in stats:
        key = name_key(s.name)
        if not key:
            continue
        g = groups.setdefault(key, _Group(key))
        kind = LABEL_KIND.get(s.label or "", "other")
        g.votes[kind] += s.mentions
        g.votes["person"] += TITLE_VOTES * s.titled
        g.articles += s.articles
        g.forms[html.unescape(s.name).strip()] += s.mentions
        g.names.add(s.name)

    # a middle initial does not make another person: "george w bush" joins "george bush"
    target: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in groups:
        if len(key) == 3 and len(key[1]) == 1 and (key[0], key[2]) in groups:
            target[key] = (key[0], key[2])
    # plural groups and parties join their singular ("tories" -> "tory")
    for key, g in groups.items():
        sing = _singular(key)
        if sing and sing in groups and key not in target and \
                g.kind() != "person" and groups[sing].kind() != "person":
            target[key] = sing
    merged: dict[tuple[str, ...], _Group] = {}
    for key, g in groups.items():
        root = target.get(key, key)
        m = merged.setdefault(root, _Group(root))
        for k, v in g.votes.items():
            m.votes[k] += v
        m.articles += g.articles
        for f, n in g.forms.items():
            m.forms[f] += n
        m.names |= g.names

    # full person names, indexed by their last and by their first word
    by_last: dict[str, list[_Group]] = defaultdict(list)
    by_first: dict[str, list[_Group]] = defaultdict(list)
    for key, g in merged.items():
        if len(key) >= 2 and g.kind() == "person" and g.articles >= MIN_FULL_NAME_ARTICLES:
            by_last[key[-1]].append(g)
            by_first[key[0]].append(g)

    out: list[Identity] = []
    for key, g in merged.items():
        kind = g.kind()
        identity, status, candidates = g.display(), "exact", []
        if len(key) == 1 and kind == "person":
            cands = by_last.get(key[0]) or by_first.get(key[0]) or []
            if cands:
                total = sum(c.articles for c in cands)
                best = max(cands, key=lambda c: (c.articles, c.display()))
                if best.articles >= DOMINANT_SHARE * total:
                    identity, status = best.display(), "resolved"
                else:
                    status = "ambiguous"
                    ranked = sorted(cands, key=lambda c: (-c.articles, c.display()))
                    candidates = [c.display() for c in ranked]
        for name in sorted(g.names):
            st = status
            if st == "exact" and name_key(name) != key:
                st = "joined"
            out.append(Identity(name, identity, kind, st, candidates))
    return out
