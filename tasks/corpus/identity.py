"""Corpus-level identity: every entity canonical name and speaker name mapped to one identity for
the whole warehouse, with a display name and a kind (person, organisation, place, group, other).

The per-article ``canonical`` is left as it is; this decides, on evidence from all articles:

- **clean names**: HTML entities decoded, a possessive dropped (whatever its apostrophe), the
  sentence fragment on the far side of a spaced dash ("Howard - can" -> Howard, "Best Feature at
  Cannes - Nair" -> Nair), scores and unbalanced brackets dropped, a word written twice in a row
  once ("Justin Trudeau Trudeau"), and of a person glued to a neighbour by a slash the last part
  ("Instagram/Jane Roe" -> Jane Roe).
- **kind** by the votes of every mention's NER label (PERSON -> person, ORG -> organisation,
  GPE/LOC/FAC -> place, NORP -> group, anything else -> other), each mention preceded by a
  personal title (Mr, President, spokesman) counting as ``TITLE_VOTES`` person votes, and a name
  holding an organisation word (Party, United, Council, Ltd) never a person. A name written after
  "the", "a" or "an" in ``DETERMINED_SHARE`` or more of its PERSON mentions is not a person
  (people are not "an Oscar", "the Premiership", "the Lib Dems"): its kind is the best of its
  other votes, and a nationality word so used ("the Welsh") is a group. Nor is a one-word name
  that no full person name in the corpus ends or begins with and no title ever precedes: news
  introduces a person by full name or title somewhere, and such a word is a misread company,
  club or product ("Yukos", "Euronext", "Linux"); a mononym so introduced ("singer Madonna")
  stays a person. Nor is a name the sentences around it present as an organisation or a work
  in ``CONTEXT_SHARE`` of its mentions ("editor of Mac Format", "Sale Sharks prop Andrew
  Sheridan", "the third Harry Potter film": sql/identity_stats.sql counts them). The small
  model's NER errors are a given;
  the corpus outvotes them ("Labour" ORG 126 / PERSON 62 -> organisation).
- **a kind of thing**: an organisation or place name written in the plural in ``PLURAL_SHARE`` of
  its mentions ("Oscars", "iPods") is an award, a product or a people, not one body.
- **one name, one identity**: full person names that differ only by a familiar first name
  ("Bernie Ebbers", "Bernard Ebbers") are one; names that differ only in case, punctuation, a
  possessive, a leading "the" or a middle initial ("George W. Bush", "George Bush") are one; a
  plural group or party name joins its singular ("Tories" -> "Tory", "Lib Dems" -> "Lib Dem").
- **lone surnames and first names**: a one-word name that full person names end or begin with,
  and that is labelled PERSON or follows a title in ``PERSON_SHARE`` of its mentions, or stands
  in an article beside such a full name in ``BACKED_SHARE`` of them, is a person whatever the
  other labels say ("Trump" ORG 15,726 / PERSON 4,587: the surname as a
  modifier, "the Trump administration"); full names holding under ``MIN_BACKING`` of the lone
  word's articles do not count ("Twitter" against "Twitter Pinterest", share-button text). It
  takes the full person name that ends (surname) or begins (first name) with it: read as a surname or as a
  first name, whichever more articles of full names back, and resolved when one full name holds
  at least ``DOMINANT_SHARE`` of that reading's articles ("Blair" -> "Tony Blair" when the corpus
  points to one Blair; "Howard" -> "Michael Howard" beside Ron and John Howard; "Charles", a first
  name far more often than Ray Charles's surname, stays itself beside Charles Kennedy and Charles
  Clarke). Otherwise it stays its own identity with status ``ambiguous`` and the full names it
  could be as candidates.

Everything is a plain function of name statistics (one row per stored name and label), so a run
computes it from one GROUP BY over the entity and quote rows, and tests call it directly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tasks.nlp.names import ORG_WORDS, tidy_name

KINDS = ("person", "organisation", "place", "group", "other")
LABEL_KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place",
              "FAC": "place", "NORP": "group"}
TITLE_VOTES = 3  # a mention after "Mr", "President" ... is strong evidence of a person
DETERMINED_SHARE = 0.15  # persons are after "the/a/an" in under 1% of mentions, misread names in 20%+
# A lone word that full person names end or begin with is a person when this share of its
# mentions is labelled PERSON or follows a title, whatever the rest say: a surname used as a
# modifier ("the Trump administration", "Clinton aides") is tagged ORG but names the person.
PERSON_SHARE = 0.05
# ... or when this share of its mentions stand in an article beside a full person name holding it
# ("Ferguson", tagged ORG every time, written after "Alex Ferguson" in the same report).
BACKED_SHARE = 0.5
PERSON_MARGIN = 2.0  # person votes must be twice any other kind's to make a person
MIN_BACKING = 0.2  # full names must hold this share of a lone word's articles to explain it
MIN_TITLED_SHARE = 0.02  # titles before a lone word that mark a real mononym, not a stray match
DOMINANT_SHARE = 0.8  # share of articles one full name needs to claim a lone surname
MIN_FULL_NAME_ARTICLES = 2  # a full name seen once does not claim a surname used elsewhere
# A name the sentences present as an organisation ("editor of X", "media giant X", "X prop Andrew
# Sheridan") or a work ("the third X", "X and the Prisoner of Azkaban", "X director Alfonso Cuaron")
# in this share of its mentions, and at least this many times, is no person whatever the NER says.
CONTEXT_SHARE = 0.2
MIN_CONTEXT = 3
# An organisation or place name written in the plural this often ("two Oscars", "iPods") names a
# kind of thing, not one body.
PLURAL_SHARE = 0.15
MIN_PLURAL = 2
GLUED_SHARE = 3.0  # a name written alone this many times as often absorbs its glued variant
# Words that, inside a name, make it an organisation whatever the NER said ("Manchester United").
ORG_NAME_WORDS = ORG_WORDS | frozenset("""team squad united city fc rovers rangers athletic wanderers
    olympic albion county hotspur plc airlines airways motors holdings partners studios records
    labs systems networks dem dems democrats republicans conservatives tories""".split())
# Last words that make a name an award, a contest or an event, not a person ("Grammy Awards",
# "Davis Cup", "Australian Open").
EVENT_WORDS = frozenset("""award awards prize prizes cup trophy championship championships
    festival games olympics tournament open final finals""".split())
# Nationality and language words that name a people ("the Welsh", "the French").
NATIONALITY_WORDS = frozenset("""welsh french dutch swiss greek thai scots british english irish
    scottish""".split())
NATIONALITY_SUFFIXES = ("ish", "ese")


@dataclass
class NameStats:
    """How the corpus uses one stored name under one label."""

    name: str
    label: str | None
    mentions: int
    articles: int
    titled: int = 0  # mentions right after a personal title
    determined: int = 0  # mentions right after "the", "a" or "an"
    org_context: int = 0  # mentions the sentence presents as an organisation ("editor of X")
    work_context: int = 0  # mentions the sentence presents as a work ("the third X")
    backed: int = 0  # one-word mentions in an article whose full person name holds the word


# NameStats's fields, in order: the columns of sql/identity_stats.sql and of the kept counts
STAT_COLUMNS = ("name", "label", "mentions", "articles", "titled", "determined", "org_context",
                "work_context", "backed")


@dataclass
class Identity:
    """What a stored name refers to across the corpus."""

    name: str
    identity: str
    kind: str
    status: str  # exact (its own identity) | joined (a variant of another name) |
    #              resolved (a lone surname or first name given its full name) | ambiguous
    candidates: list[str] = field(default_factory=list)


# Familiar forms of English first names, each with the name it shortens: a full name written
# with either is one person when the rest of it is the same.
FIRST_NAME_FORMS = {form: name for name, forms in (
    ("bernard", "bernie"), ("william", "bill billy will willie"), ("robert", "bob bobby rob robbie"),
    ("richard", "dick rick rich richie"), ("michael", "mike mick mickey"), ("anthony", "tony"),
    ("james", "jim jimmy"), ("thomas", "tom tommy"), ("edward", "ed eddie ted ned"),
    ("charles", "charlie chuck"), ("joseph", "joe joey"), ("daniel", "dan danny"),
    ("david", "dave davey"), ("stephen", "steve steven"), ("christopher", "chris"),
    ("nicholas", "nick nicky"), ("alexander", "alex"), ("andrew", "andy"), ("benjamin", "ben"),
    ("samuel", "sam sammy"), ("matthew", "matt"), ("patrick", "paddy"), ("peter", "pete"),
    ("philip", "phil phillip"), ("gerald", "gerry jerry"), ("ronald", "ron ronnie"),
    ("donald", "don donnie"), ("kenneth", "ken kenny"), ("timothy", "tim timmy"),
    ("jonathan", "jon"), ("gregory", "greg"), ("jeffrey", "jeff"), ("geoffrey", "geoff"),
    ("lawrence", "larry"), ("leonard", "len lenny"), ("frederick", "fred freddie"),
    ("elizabeth", "liz lizzie beth betty"), ("margaret", "maggie peggy meg"),
    ("katherine", "kate katie kathy"), ("catherine", "cathy"), ("jennifer", "jen jenny"),
    ("rebecca", "becky"), ("susan", "sue susie"), ("deborah", "debbie deb"),
    ("victoria", "vicky vicki"), ("abigail", "abby"), ("zachary", "zach"), ("nathaniel", "nate"))
    for form in (name, *forms.split())}
_PUNCT = re.compile(r"[^\w\s]")
LOWER_CASE = "(lower case)"
# Words the NER glues before a name that are not part of it: a personal title or a role ("Mr
# Hague", "Rapper Eminem", "Chancellor Gordon Brown"), a nationality noun ("Briton Karl Keska"),
# a quantifier or a verb opening the sentence ("Both Mr Brown and Mr Blair", "Vote Blair").
# Dropped only before another capitalised word ("Lord of the Rings" keeps its Lord); a day only
# before a title ("Tuesday Mr Ebbers", but the Sunday Times).
LEADING_WORDS = frozenset("""mr mrs ms miss dr prof professor sir dame lord lady rev president
    supt insp det sgt cllr capt cmdr lt
    senator governor mayor chancellor minister premier judge spokesman spokeswoman spokesperson
    chairman chairwoman coach striker midfielder goalkeeper defender actor actress singer rapper
    comedian presenter novelist guitarist drummer both neither either vote
    briton scot scotsman englishman irishman welshman frenchman frenchwoman dutchman spaniard""".split())
NAME_PARTICLES = frozenset("de da di du van von der den al el bin ibn la le".split())  # Mr de Vabres
HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame lord lady rev".split())
DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# An adjective or a compound made from a name is the name ("a George Bush-style tax cut").
_NAME_SUFFIX = re.compile(r"-(?:style|led|backed|based|like|era|type|esque|inspired)$", re.I)
_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,}s$")
_MISTER = re.compile(r"(?i)^(?:mr|mrs|ms|miss)\.?\s")  # only a person is called Mr
_STRAY = "\"'“”‘’«» "


def bare_name(name: str, person: bool = True) -> str:
    """A stored name as the corpus compares and shows it: tidied (tasks.nlp.names.tidy_name),
    without stray quote marks, leading titles, roles and sentence openers, or a -style suffix.
    ``person``: whether the name is read as a person's at all; a title is part of a drink's or
    an album's name ("Dr Pepper", "Sgt Pepper")."""
    text = _NAME_SUFFIX.sub("", tidy_name(name).strip(_STRAY)).strip(_STRAY)
    words = text.split()
    while person and len(words) > 1 and (words[1][:1].isupper() or words[1][:1].isdigit()
                              or words[1] in NAME_PARTICLES) and (
            (first := words[0].lower().rstrip(".,")) in LEADING_WORDS
            or first in DAYS and words[1].lower().rstrip(".") in HONORIFICS):
        words = words[1:]
    return " ".join(words)


def name_key(name: str, person: bool = True) -> tuple[str, ...]:
    """The words that identify a name: its bare name (bare_name), and case, punctuation and a
    leading 'the' ignored."""
    text = bare_name(name, person).replace("’", "'")
    # a hyphenated name is one word ("Kilroy-Silk", "Sven-Goran"): a lone "Kilroy-Silk" is a
    # surname the full name ends with; the same words spaced join it (resolve_identities)
    words = _PUNCT.sub(" ", re.sub(r"(?<=\w)-(?=\w)", "_", text.replace("'", ""))).lower().split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if words and text == text.lower():
        return (LOWER_CASE, *words)  # "bush" is no spelling of "Bush": a common noun misread
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
    mentions: int = 0
    person_mentions: int = 0  # mentions the NER labelled PERSON
    titled: int = 0
    determined: int = 0  # of those, written after the/a/an
    org_context: int = 0
    work_context: int = 0
    backed: int = 0
    articles: int = 0
    forms: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # surface -> mentions
    names: set[str] = field(default_factory=set)
    # what kind() found, by its arguments: a group is asked again after every merge, and most
    # groups join nothing (cleared when the group absorbs another)
    voted: dict[bool, tuple[str, bool | None]] = field(default_factory=dict, repr=False)
    plural: float | None = field(default=None, repr=False)  # plural_share(), once found

    def absorb(self, other: _Group) -> None:
        """Add another group's evidence to this one (a variant joining its root name)."""
        self.voted.clear()
        self.plural = None
        for k, v in other.votes.items():
            self.votes[k] += v
        for f, n in other.forms.items():
            self.forms[f] += n
        self.mentions += other.mentions
        self.person_mentions += other.person_mentions
        self.titled += other.titled
        self.determined += other.determined
        self.org_context += other.org_context
        self.work_context += other.work_context
        self.backed += other.backed
        self.articles += other.articles
        self.names |= other.names

    def person_share(self) -> float:
        """Share of the mentions labelled PERSON or written after a personal title."""
        return (self.person_mentions + self.titled) / self.mentions if self.mentions else 0.0

    def determined_share(self) -> float:
        """Share of the PERSON-labelled mentions written after the, a or an."""
        return self.determined / self.person_mentions if self.person_mentions else 0.0

    def presented_as_no_person(self) -> bool:
        """Whether the sentences around the name present it as an organisation or a work often
        enough to overrule the NER: ``CONTEXT_SHARE`` of its mentions, ``MIN_CONTEXT`` at least,
        and more often than a personal title precedes it."""
        context = self.org_context + self.work_context
        return (context >= MIN_CONTEXT and context >= CONTEXT_SHARE * self.mentions
                and context > self.titled)

    def kind(self, unsupported: bool = False, plurals: bool = True) -> str:
        """The kind the votes give; ``unsupported``: a lone word no full name or title backs;
        ``plurals``: whether a name counted in the plural is a kind of thing (not before a party's
        name has joined its members': "Liberals" and "Liberal Party")."""
        if unsupported not in self.voted:
            self.voted[unsupported] = self._voted(unsupported)
        best, people = self.voted[unsupported]
        if plurals and people is not None and best in ("organisation", "place") and \
                self.plural_share() >= PLURAL_SHARE:
            # no one speaks of two BBCs: a name counted in the plural names a kind of thing, an
            # award, a product, a people ("Oscars", "iPods", "Britons"), not one body
            return "group" if people else "other"
        return best

    def _voted(self, unsupported: bool) -> tuple[str, bool | None]:
        """kind() before the plural test: the kind, and whether the votes read the name as a
        people often enough ("Mormons") to make its plural a group; None when the kind is
        settled without that test."""
        if HONORIFICS.intersection(self.key[1:]):
            return "other", None  # "Brown and Mr Blair": two people, not one name
        if any(_ACRONYM_PLURAL.match(f.split()[-1]) for f in self.forms if f.split()):
            return "group", None  # "Labour MPs", "GPs": members, many of them
        if len(self.key) > 1 and self.key[-1] in EVENT_WORDS:
            return "other", None
        votes = dict(self.votes)
        if ORG_NAME_WORDS.intersection(self.key) and len(self.key) > 1:
            # an organisation word makes a name an organisation ("Manchester United", whatever
            # the NER said), unless most of its mentions read it as a place ("United States")
            place = votes.get("place", 0.0)
            return ("place" if 2 * place > sum(votes.values()) else "organisation"), None
        if unsupported:
            votes["person"] = 0.0
        if votes.get("person", 0.0) >= max(votes.values()) and self.presented_as_no_person():
            # "editor of Mac Format", "the third Harry Potter": what the sentences say it is
            # outweighs the NER's PERSON, titles included ("star Harry Potter" is no title); a
            # place is left a place ("players for Fiji" is the team, the country still the word)
            votes["person"] = 0.0
            votes["organisation"] = votes.get("organisation", 0.0) + TITLE_VOTES * self.org_context
            votes["other"] = votes.get("other", 0.0) + TITLE_VOTES * self.work_context
        if self.person_mentions and self.determined_share() >= DETERMINED_SHARE:
            # "the Premiership", "an Oscar": the NER's PERSON is wrong
            votes["person"] = 0.0  # titles too: "best actor Oscar" is no title
            word = self.key[0] if len(self.key) == 1 else ""
            if word in NATIONALITY_WORDS or len(word) > 4 and word.endswith(NATIONALITY_SUFFIXES):
                return "group", None
            votes["other"] = votes.get("other", 0.0) + 0.5  # what remains when nothing else does
        if not any(v > 0 for v in votes.values()):
            return "other", None
        # ties go to the kind listed first in KINDS
        best = max(KINDS, key=lambda k: (votes.get(k, 0.0), -KINDS.index(k)))
        if best == "person":
            # people are seldom tagged anything else: a name nearly as often read as works,
            # products, organisations and places together is not one ("Replay More Videos",
            # "Aston Villa": a place, an organisation and a building by turns)
            rest = sum(v for k, v in votes.items() if k != "person")
            if votes["person"] < PERSON_MARGIN * rest:
                return max((k for k in KINDS if k != "person"),
                           key=lambda k: (votes.get(k, 0.0), -KINDS.index(k))), None
        return best, votes.get("group", 0.0) >= 0.1 * sum(votes.values())  # "Mormons"

    def plural_share(self) -> float:
        """Share of the mentions written as the plural of the name ("Oscars" of "Oscar"); 0 when
        fewer than ``MIN_PLURAL`` are, when most are (the name itself ends in s), when the name
        is also a party's ("Liberals", "Liberal Party": the members of one body), or is of three
        words or more (a body's spelling varies: "Laboratory", "Laboratories")."""
        if self.plural is None:
            self.plural = self._plural_share()
        return self.plural

    def _plural_share(self) -> float:
        if len(self.key) > 2:
            return 0.0
        plural = sum(n for f, n in self.forms.items() if _singular(name_key(f, False)) == self.key)
        if plural < MIN_PLURAL or 2 * plural > self.mentions or \
                any("party" in name_key(f, False) for f in self.forms):
            return 0.0  # (mostly plural: a name that ends in s, "Fox News" beside "Fox New")
        return plural / self.mentions

    def display(self) -> str:
        return max(self.forms, key=lambda f: (self.forms[f], len(f), f))


# Generic nouns an organisation's name may end with or not: "Labour Party" is Labour.
GENERIC_ORG_NOUNS = frozenset("party group company corporation corp inc plc ltd club fc".split())
INITIAL_SKIP = frozenset("of the and for de".split())  # words an acronym leaves out
_ACRONYM = re.compile(r"^[A-Z]{2,5}$")
BODY_KINDS = ("organisation", "place", "group")


def _merge(groups: dict[tuple[str, ...], _Group], target: dict[tuple[str, ...], tuple[str, ...]]
           ) -> dict[tuple[str, ...], _Group]:
    """Groups joined to their targets (each target a root, not itself joined elsewhere). A root
    nothing joins is the group it was, with what kind() found kept: most names join nothing."""
    members: dict[tuple[str, ...], list[_Group]] = defaultdict(list)
    for key, g in groups.items():
        members[target.get(key, key)].append(g)
    merged: dict[tuple[str, ...], _Group] = {}
    for root, gs in members.items():
        if len(gs) == 1 and gs[0].key == root:
            merged[root] = gs[0]
            continue
        merged[root] = _Group(root)
        for g in gs:
            merged[root].absorb(g)
    return merged


def _short_forms(groups: dict[tuple[str, ...], _Group]
                 ) -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[tuple[str, ...], str]]:
    """Which organisation or place names join which: a name with its generic noun joins the name
    without it ("Labour Party" -> "Labour"), and an acronym the one full name of its initials
    of the same kind that the corpus points to ("EU" and "European Union", "US" and "United
    States"), the one with fewer mentions joining the other. Also each full name an acronym
    may stand for, with its initials."""
    kinds = {key: g.kind(plurals=False) for key, g in groups.items()}
    target: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in groups:
        if len(key) >= 2 and key[-1] in GENERIC_ORG_NOUNS and key[:-1] in groups and \
                kinds[key] in BODY_KINDS and kinds[key[:-1]] in BODY_KINDS:
            target[key] = key[:-1]
    by_initials: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key, g in groups.items():
        words = [p for w in key if w not in INITIAL_SKIP for p in w.split("_") if p]
        if len(key) >= 2 and kinds[key] in BODY_KINDS and key not in target and \
                g.articles >= MIN_FULL_NAME_ARTICLES:
            by_initials["".join(w[0] for w in words)].append(key)
    for key, g in groups.items():
        if len(key) != 1 or kinds[key] not in BODY_KINDS or key in target or \
                not any(_ACRONYM.match(f) for f in g.forms):
            continue
        # of the same kind: "TB" (an organisation, as the NER reads it) is not Tate Britain
        cands = [k for k in by_initials.get(key[0], [])
                 if kinds[k] == kinds[key] and key[0] not in k]  # not "BT Together" for BT
        if not cands:
            continue
        best = max(cands, key=lambda k: (groups[k].articles, k))
        if groups[best].articles < DOMINANT_SHARE * sum(groups[k].articles for k in cands):
            continue
        small, big = sorted((key, best), key=lambda k: (groups[k].mentions, k))
        target[small] = big
    # a chain (a name joining one that joins another) ends at its last root
    for key, root in list(target.items()):
        while root in target and target[root] != key:
            root = target[root]
        target[key] = root
    return target, {k: w for w, keys in by_initials.items() for k in keys}


def _personal(stats: list[NameStats]) -> set[str]:
    """The names read as a person's (their titles stripped): a person label or a title anywhere
    among a name's mentions, or a name opening with Mr, Mrs, Ms or Miss. "Mr Hague" tagged ORG
    twice is still Hague; "Dr Pepper", never tagged a person, keeps its Dr."""
    return {s.name for s in stats if s.label in ("PERSON", None) or s.titled
            or _MISTER.match(tidy_name(s.name).strip(_STRAY))}


def name_keys(stats: Iterable[NameStats]) -> dict[str, tuple[str, ...]]:
    """Each name's key as resolve() reads it (a name with an empty key has none)."""
    stats = list(stats)
    personal = _personal(stats)
    return {s.name: key for s in stats if (key := name_key(s.name, s.name in personal))}


@dataclass
class Outside:
    """What resolving some of the corpus's names needs to know of the rest (identity_delta):
    the first and last words of the full person names among the rest, and the rest's full
    person names a lone word may stand for, each as (key, articles, display)."""

    name_words: set[str]
    full_names: list[tuple[tuple[str, ...], int, str]]


@dataclass
class Resolution:
    """Identities with how they were reached: each name's key, each key's kind by its own
    votes (``first_kinds``) and the key of the group it ended in (``roots``), each such
    group's (kind, articles, display), and the full names an acronym may stand for, with
    their initials (``initials``)."""

    identities: list[Identity]
    keys: dict[str, tuple[str, ...]]
    first_kinds: dict[tuple[str, ...], str]
    roots: dict[tuple[str, ...], tuple[str, ...]]
    groups: dict[tuple[str, ...], tuple[str, int, str]]
    initials: dict[tuple[str, ...], str]


class _Known:
    """A full person name outside the names being resolved, as the lone-word rule reads it."""

    def __init__(self, articles: int, shown: str) -> None:
        self.articles, self.shown = articles, shown

    def display(self) -> str:
        return self.shown


def resolve_identities(stats: Iterable[NameStats]) -> list[Identity]:
    """One Identity per stored name (see the module docstring for the rules)."""
    return resolve(stats).identities


def resolve(stats: Iterable[NameStats], outside: Outside | None = None) -> Resolution:
    """resolve_identities, with what the rest of the corpus contributes when ``stats`` are some
    of its names only (``outside``), and how each name was reached."""
    groups: dict[tuple[str, ...], _Group] = {}
    stats = list(stats)
    personal = _personal(stats)
    keyed: dict[str, tuple[str, ...]] = {}
    for s in stats:
        key = name_key(s.name, s.name in personal)
        if not key:
            continue
        keyed[s.name] = key
        g = groups.setdefault(key, _Group(key))
        kind = LABEL_KIND.get(s.label or "", "other")
        g.votes[kind] += s.mentions
        g.mentions += s.mentions
        g.votes["person"] += TITLE_VOTES * s.titled
        g.titled += s.titled
        g.org_context += s.org_context
        g.work_context += s.work_context
        g.backed += s.backed
        if s.label == "PERSON":
            g.person_mentions += s.mentions
            g.determined += s.determined
        g.articles += s.articles
        g.forms[bare_name(s.name, s.name in personal)] += s.mentions
        g.names.add(s.name)

    # a middle initial does not make another person ("george w bush" joins "george bush"; a
    # middle name may: John Quincy Adams is not John Adams); nor does a name written surname
    # first ("Trump Donald"), or a word glued before a full name far more often written alone
    # ("Crooked Hillary Clinton", "Sprinter Kelly Holmes"): each joins the name it varies
    target: dict[tuple[str, ...], tuple[str, ...]] = {}
    # each group's kind by its own votes, worked out once (the groups do not change until they
    # are merged below; 60k calls took a second of 16,800 names)
    first_kinds = {key: g.kind() for key, g in groups.items()}
    person = {key for key, kind in first_kinds.items() if kind == "person" and LOWER_CASE not in key}
    for key in person:
        if len(key) == 3 and key[1:] in person and \
                groups[key[1:]].articles >= GLUED_SHARE * groups[key].articles:
            target[key] = key[1:]
        elif len(key) == 2 and (key[1], key[0]) in person and \
                groups[(key[1], key[0])].articles >= GLUED_SHARE * groups[key].articles:
            target[key] = (key[1], key[0])
    # a familiar form of the first name is the same person ("Bernie Ebbers", "Bernard Ebbers"):
    # the rarer joins the commoner
    familiar: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in person:
        if len(key) >= 2 and key[0] in FIRST_NAME_FORMS:
            familiar[(FIRST_NAME_FORMS[key[0]], *key[1:])].append(key)
    for keys in familiar.values():
        root = max(keys, key=lambda k: (groups[k].articles, groups[k].mentions, k))
        for key in keys:
            if key != root and key not in target:
                target[key] = root
    # "Kilroy Silk" spaced is "Kilroy-Silk"
    for key in groups:
        spaced = tuple(w for part in key for w in part.split("_"))
        if spaced != key and spaced in groups:
            target[spaced] = key
    for key in groups:
        if len(key) == 3 and len(key[1]) == 1 and (key[0], key[2]) in groups:
            target[key] = (key[0], key[2])  # whatever the kinds say
    for key, root in list(target.items()):  # a chain ends at its last name
        seen = {key}
        while root in target and root not in seen:
            seen.add(root)
            root = target[root]
        target[key] = root
    # plural groups and parties join their singular ("tories" -> "tory"); a person's name never
    # does, nor a word some full person name begins or ends with ("Smiths" is not Smith)
    name_words = {w for k in groups if len(k) >= 2 and first_kinds[k] == "person"
                  for w in (k[0], k[-1])} | (outside.name_words if outside else set())
    for key, g in groups.items():
        sing = _singular(key)
        if sing and sing in groups and key not in target and \
                first_kinds[key] != "person" and first_kinds[sing] != "person" and \
                not (len(sing) == 1 and sing[0] in name_words) and \
                not all(f.split()[-1].isupper() for f in g.forms if f.split()):
            target[key] = sing  # (an acronym's S is no plural: "ISIS" is not "ISI")
    merged = _merge(groups, target)
    # an organisation and its short forms are one: "Labour Party" and "Labour", "European
    # Union" and "EU"
    short, initials = _short_forms(merged)
    merged = _merge(merged, short)
    kinds = {key: g.kind() for key, g in merged.items()}  # by the votes alone

    # full person names, indexed by their last and by their first word
    by_last: dict[str, list[_Group | _Known]] = defaultdict(list)
    by_first: dict[str, list[_Group | _Known]] = defaultdict(list)
    for key, g in merged.items():
        if len(key) >= 2 and kinds[key] == "person" and g.articles >= MIN_FULL_NAME_ARTICLES:
            by_last[key[-1]].append(g)
            by_first[key[0]].append(g)
    for key, articles, shown in outside.full_names if outside else []:
        by_last[key[-1]].append(_Known(articles, shown))
        by_first[key[0]].append(_Known(articles, shown))

    out: list[Identity] = []
    for key, g in merged.items():
        kind = kinds[key]
        identity, status, candidates = g.display(), "exact", []
        # a lone word some full person name ends or begins with, used as a person often enough
        # ("Trump" ORG 15,726 / PERSON 4,587: "the Trump administration" is still Trump)
        if len(key) != 1:
            for name in sorted(g.names):
                out.append(Identity(name, identity, kind, _status(name, key, "exact"), []))
            continue
        # full names far rarer than the lone word are not what it stands for ("Twitter" in
        # 1,064 articles against "Twitter Pinterest", share-button text, in 15)
        (surnames, last_total), (first_names, first_total) = (
            (c, n) if (n := sum(x.articles for x in c)) >= MIN_BACKING * g.articles else ([], 0)
            for c in (by_last.get(key[0], []), by_first.get(key[0], [])))
        # (the determiner rule does not apply: "the Mueller investigation" is Mueller's)
        if (surnames or first_names) and (g.person_share() >= PERSON_SHARE
                                          or g.backed >= BACKED_SHARE * g.mentions):
            kind = "person"
        if kind == "person":
            # read as a surname or as a first name, whichever more articles back
            cands, total = (surnames, last_total) if last_total >= first_total else \
                (first_names, first_total)
            if not cands and g.titled < MIN_TITLED_SHARE * g.mentions:
                # news introduces a person by full name or title somewhere: a lone word with
                # neither anywhere in the corpus is a misread name ("Yukos", "Euronext")
                kind = g.kind(unsupported=True)
            elif cands:
                best = max(cands, key=lambda c: (c.articles, c.display()))
                if best.articles >= DOMINANT_SHARE * total:
                    identity, status = best.display(), "resolved"
                else:
                    status = "ambiguous"
                    ranked = sorted(cands, key=lambda c: (-c.articles, c.display()))
                    candidates = [c.display() for c in ranked]
        for name in sorted(g.names):
            out.append(Identity(name, identity, kind, _status(name, key, status), candidates))
    roots = {}
    for key in groups:
        first = target.get(key, key)
        roots[key] = short.get(first, first)
    return Resolution(out, keyed, first_kinds, roots,
                      {key: (kinds[key], g.articles, g.display()) for key, g in merged.items()},
                      initials)


def _status(name: str, key: tuple[str, ...], status: str) -> str:
    """A name's status in its group: 'joined' for an exact identity written otherwise than its
    key ("Mr Hague" of Hague)."""
    written = _PUNCT.sub(" ", name.replace("'", "").replace("’", "")).lower().split()
    return "joined" if status == "exact" and written != [w for w in key if w != LOWER_CASE] \
        else status
