"""Name resolution inside one article: titles stripped, short mentions joined to the fullest name.

One mechanism serves entity canonical names and quote speakers, so "Putin" in a quote's
attribution and "Putin" in the entities table resolve to the same "Vladimir Putin".
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

# Words that precede a name without being part of it.
TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady rev rev. president
    vice prime minister ministers secretary chancellor premier governor gov gov. senator sen sen.
    rep rep. representative congressman congresswoman mayor judge justice chief general gen gen.
    lt lt. col col. colonel captain capt capt. sergeant sgt officer inspector commissioner
    ambassador spokesman spokeswoman spokesperson leader chairman chairwoman chair ceo cfo coach
    manager director deputy attorney king queen prince princess pope bishop archbishop father
    former acting foreign defence defense interior finance health state white house kremlin
    speaker house majority minority whip democratic republican candidate nominee
    superintendent councillor councilman councilwoman alderman commissioner trustee founder
    organiser organizer researcher scientist glaciologist nurse doctor librarian head member board
    striker midfielder defender goalkeeper captain star singer actor actress editor author
    economist analyst professor u.s. us uk british american russian chinese french german
    the a an his her their its""".split()
)

PERSON_LABELS = frozenset({"PERSON"})
# letters written after a name for an office or an honour, not part of it
POST_NOMINALS = frozenset("""QC KC MP MEP MSP MLA MPP MNA MHA MS AM TD OBE CBE MBE KBE DBE GBE
    FRS""".split())
# Words that mark a mention as an organisation even when its last word is also someone's surname.
ORG_WORDS = frozenset(
    """inc inc. ltd ltd. llc corp corp. co co. company group bank energy association union council
    center centre society network coalition alliance federation bureau organization organisation
    academy league institution
    commission committee department ministry party agency authority trust fund university college
    school hospital institute foundation club court police army news times post press
    international holdings industries systems technologies airlines airways motors brewery
    partners associates laboratories labs media diocese church studio studios""".split()
)
ORG_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC"})

_POSSESSIVE = re.compile(r"(?:[^\w\s-]s|'|’)$")  # Blair's, Blair’s, and Blair¿s (a mis-encoded ’)
_SPACED_DASH = re.compile(r"\s+[-–—]+(?:\s+|$)|^[-–—]+\s+|\s+vs?\.?\s+")  # and "A v B"
# ex-Yukos, anti-Blair; not the article of al-Shabaab or el-Sisi
_LOWER_PREFIX = re.compile(r"^(?!(?:al|el|ad|ar|as|at|an|bin|ibn)-)(?:[a-z]+-)+(?=[A-Z])")
_SCORE = re.compile(r"^\d+(?:[-–,]\d+)+,?$")
# words of letters (joined inside a word by an apostrophe or a hyphen: "O'Neil", "Lloyd-Webber"),
# each perhaps with a full stop, one space apart: no entity, dash, bracket, slash or score for
# tidy_name to take away, unless it ends in a possessive, a lower-case word opens it with a
# hyphen ('ex-Blair'), a word is 'v' or 'vs' ('A v B') or a word is doubled
_WORD_OF_LETTERS = r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?"
_PLAIN_NAME = re.compile(f"{_WORD_OF_LETTERS}(?: {_WORD_OF_LETTERS})*")
_VERSUS = frozenset({"v", "vs", "v.", "vs."})
CONNECTORS = frozenset("of de da di du van von der den al el bin ibn la le and for the y".split())


def _name_like(part: str) -> bool:
    words = part.split()
    return bool(words) and any(w[:1].isupper() for w in words) and not any(
        (w[:1].islower() and w not in CONNECTORS) or any(c.isdigit() for c in w) for w in words)


@functools.lru_cache(maxsize=1 << 18)
def tidy_name(name: str) -> str:
    """A name without the debris NER leaves around it: HTML entities, a possessive, the far side
    of a spaced dash, scores, an unclosed bracket, a neighbour glued by a slash ("Instagram/Jane
    Roe"), a word doubled across a line break ("Justin Trudeau\n\nTrudeau"); see tasks.corpus.identity."""
    if _PLAIN_NAME.fullmatch(name) and not name.endswith(("'s", "’s")) and \
            not (name[0].islower() and "-" in name):  # most names: nothing below changes them
        if " " not in name:
            return name
        lower = name.lower().split()
        if not _VERSUS.intersection(lower) and \
                all(a != b for a, b in zip(lower, lower[1:], strict=False)):
            return name
    text = html.unescape(name).replace("\u00a0", " ").strip()
    text = _LOWER_PREFIX.sub("", _POSSESSIVE.sub("", text).strip())
    if "(" in text and ")" not in text:
        text = text[: text.index("(")].strip()
    parts = [p.strip() for p in _SPACED_DASH.split(text) if p.strip()]
    if parts and parts != [text]:
        text = next((p for p in parts if _name_like(p)), parts[0])
    if "/" in text:
        # "Instagram/Jane Roe", "Jane Roe/CBC News": a photo credit glues a person's full name
        # to a platform or an outlet; the last part that is a full name without an organisation
        # word is the person ("Nielsen/NetRatings" has none and stays whole)
        people = [p.strip() for p in text.split("/") if len(p.split()) >= 2 and _name_like(p)
                  and not ORG_WORDS.intersection(w.lower() for w in p.split())]
        if people:
            text = people[-1]
    words = [w for w in text.split() if not _SCORE.match(w)] or text.split()
    out: list[str] = []
    for w in words:
        if not out or w.lower() != out[-1].lower():
            out.append(w)
    return " ".join(out)


def written_as_name(text: str) -> bool:
    """A name has a capital starting a word or a hyphenated part ('al-Shabaab'); 'the rookie
    defenceman' tagged ORG is a description."""
    return any(p[:1].isupper() for w in text.split() for p in w.split("-"))


# words the NER takes into a person's name from the description before it, that are no title
# of one person ('Senate Democrats Chuck Schumer', 'Republican Governors Scott Walker', 'GOP
# Sen. Ted Cruz'): a party, its members, a chamber, a title in the plural. Dropped from the front
# of a person's name only (not titles elsewhere: 'Senate' before 'Democrats' is no title).
LEADING_DESCRIPTORS = frozenset(
    "democrat democrats republicans gop senate governors senators sens sens. reps reps. "
    "congressmen lawmakers".split())


@functools.lru_cache(maxsize=1 << 16)
def clean_name(text: str, label: str = "PERSON") -> str:
    """Drop leading titles, trailing post-nominal letters and a trailing possessive: "President
    Vladimir Putin's" -> "Vladimir Putin", "Charles Harris QC" -> "Charles Harris". Cached: an
    article writes the same few names many times, and the rules clean each again."""
    words = tidy_name(text).split()
    if label in PERSON_LABELS:
        while len(words) > 1 and (words[0].lower().strip(",") in TITLES or
                                  words[0].lower() in LEADING_DESCRIPTORS):
            words = words[1:]
        while len(words) > 2 and words[-1].strip(",.") in POST_NOMINALS:
            words = words[:-1]  # 'Charles Harris QC', 'Ruth Kelly MP': the person's name
    else:
        while len(words) > 1 and words[0].lower() in ("the",):
            words = words[1:]
    return " ".join(words)  # (str.split leaves no empty word)


_WORD = re.compile(r"[\w'’.-]+")


@functools.lru_cache(maxsize=1 << 16)
def _tokens(name: str) -> tuple[str, ...]:
    """Lower-case words of a name; cached, as every name is compared with every other one."""
    return tuple(w.lower() for w in _WORD.findall(name))


def canonical_names(mentions: Sequence[tuple[str, str]]) -> list[str]:
    """Canonical name per (text, label) mention within one article (see resolve_mentions)."""
    return [name for name, _ in resolve_mentions(mentions)]


def title_case_line(line: str) -> bool:
    """A headline written in title case: three words of four letters or more, each capitalised
    (a line of a paragraph's length is none: the test stops at its first small word)."""
    if len(line) > TITLE_LINE_CHARS:
        return False
    n = 0
    for m in _TITLE_WORD.finditer(line):
        if len(m.group()) >= 4:
            if not m.group()[0].isupper():
                return False
            n += 1
    return n >= 3


TITLE_LINE_CHARS = 200
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def headline_trimmed(mentions: Sequence[tuple[str, str, bool]]) -> list[str]:
    """Each (text, label, in a title-case headline) mention's text, a headline's person name
    cut to its first run of words that person mentions outside the headlines have: the NER
    runs title-cased words into the name ('Trump Calls on Obama to Resign': 'Trump Calls';
    'Will Twitter Be Next?': 'Will Twitter'; 'Hillary Clinton Slams Donald Trump': one name),
    which as the longest form would become every body mention's canonical name. A name none
    of whose words the body uses is left whole."""
    if not any(head for _, _, head in mentions):
        return [t for t, _, _ in mentions]
    body = {w for t, lab, head in mentions if not head and lab in PERSON_LABELS
            for w in _tokens(clean_name(t, lab))}
    # (the words the body ends a person's name with: a first name alone is no one's name)
    last = {_tokens(clean_name(t, lab))[-1] for t, lab, head in mentions
            if not head and lab in PERSON_LABELS and _tokens(clean_name(t, lab))}
    out = []
    for t, lab, head in mentions:
        if head and lab in PERSON_LABELS and body:
            words = t.split()
            known = [bool(set(_tokens(w)) & body) for w in words]
            if any(known):
                first = known.index(True)
                end = known.index(False, first) if False in known[first:] else len(words)
                kept = words[first:end]
                # 'Mark Thiessen, Washington Post' signing an excerpt, beside 'Mark Meadows':
                # cut to 'Mark', the first name would join the other Mark; a surname the body
                # does not use is no run-on word
                if len(kept) > 1 or set(_tokens(kept[0])) & last:
                    t = " ".join(kept)
        out.append(t)
    return out


def resolve_mentions(mentions: Sequence[tuple[str, str]], text: str | None = None,
                     staff: Sequence[bool] | None = None) -> list[tuple[str, str]]:
    """(canonical name, resolved label) per (text, label) mention within one article.

    A person mention whose words end (or begin) the words of a longer person mention takes the
    longest such name ("Putin" -> "Vladimir Putin", "Xi" -> "Xi Jinping"); other labels join a
    shorter mention to a longer one of the same label that contains it as whole words. A
    mention flagged in ``staff`` (the newsroom's credit line: 'Editing by Kim Coghill') lends
    its name to no other: the 'Kim' of the story is not the editor.
    """
    cleaned = [(clean_name(t, lab), lab) for t, lab in mentions]
    # a person mention written after a title ('President Trump', 'Mr Blair', 'Founder Beverly
    # Bond') is a person's
    titled = {tc for (t, lab), (c, _) in zip(mentions, cleaned, strict=True)
              if lab in PERSON_LABELS and (tc := _tokens(c)) and _tokens(t)[:1] != tc[:1]}
    cleaned = _credited_names(cleaned)
    cleaned = _person_like(cleaned, titled)
    cleaned = _body_like(cleaned, titled)
    cleaned = _expand_acronyms(cleaned, text)
    by_label: dict[str, dict[str, None]] = {}
    for k, (name, lab) in enumerate(cleaned):
        if staff is not None and staff[k]:
            continue
        key = "PERSON" if lab in PERSON_LABELS else lab
        if name:
            by_label.setdefault(key, {})[name] = None  # (a dict: the names in first-seen order)
    out: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], str] = {}  # an article names the same few things many times
    split = {key: [(c, _tokens(c)) for c in names] for key, names in by_label.items()}
    # each label's names longer than n words (without a generation suffix, for people): the
    # only ones _fullest_of may take for a name of n words, sorted out once per label and n
    longer: dict[tuple[str, int], list[tuple[str, tuple[str, ...]]]] = {}
    for name, lab in cleaned:
        key = "PERSON" if lab in PERSON_LABELS else lab
        full = seen.get((name, key))
        if full is None:
            person, n = key == "PERSON", len(_tokens(name))
            cands = longer.get((key, n))
            if cands is None:
                cands = longer[key, n] = [
                    (c, ct) for c, ct in split.get(key, [])
                    if len(_without_generation(ct) if person else ct) > n]
            full = seen[name, key] = _fullest_of(name, cands, person=person)
        out.append((full, lab))
    return out


def _without_generation(words: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name words without a generation suffix: 'Joe D. Tackitt Jr.' is the Tackitt
    of the article (a suffix only ever shortens a name of three words or more)."""
    while len(words) > 2 and words[-1].rstrip(".") in GENERATIONS:
        words = words[:-1]
    return words


_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")


@functools.lru_cache(maxsize=1 << 16)
def initials(name: str) -> str:
    """'Export Development Canada' -> 'EDC'; words in lower case ('of', 'and') do not count."""
    words = _INITIALS_SPLIT.split(name) if "-" in name else name.split()  # (as \s: the same)
    return "".join(w[0] for w in words if w[:1].isupper())


_INITIALS_SPLIT = re.compile(r"[\s-]+")


def _expand_acronyms(cleaned: list[tuple[str, str]],
                     text: str | None = None) -> list[tuple[str, str]]:
    """An organisation written as its initials ('EDC', 'PBO') is the one the article spelled out
    with those initials ('Export Development Canada'), whatever label the NER gave either; with
    the article's ``text``, also where the NER tagged no spelled-out name: an organisation's
    initials of three letters or more, spelled out in capitalised words before they are first
    used ('The Parliamentary Budget Officer released ... the PBO added')."""
    spelled: dict[str, tuple[str, str]] = {}
    for name, lab in cleaned:
        if lab not in PERSON_LABELS and " " in name:
            spelled.setdefault(initials(name), (name, lab))
    out = []
    tried: set[str] = set()  # initials looked for in the text (an article repeats them)
    for name, lab in cleaned:
        # (no initials are longer than 12 characters: the pattern only tried on short words)
        if len(name) <= 12 and _ACRONYM.match(name):
            key = name.replace(".", "")
            if lab == "ORG" and key not in spelled and key not in tried and text is not None \
                    and len(key) >= 3:
                tried.add(key)
                found = spelled_out(key, text)
                if found is not None:
                    spelled[key] = (found, lab)
            if lab not in PERSON_LABELS and key in spelled:
                name, lab = spelled[key]
        out.append((name, lab))
    return out


def spelled_out(initials_: str, text: str) -> str | None:
    """The capitalised words whose initials these are, written before the initials first
    appear: 'PBO' in '... The Parliamentary Budget Officer released ... the PBO added' ->
    'Parliamentary Budget Officer'; None when the article never spells them out. ``initials_``
    are capital letters. Matched as the pattern ``\\bP[\\w'’-]*\\s+(?:(?:of|...)\\s+)*B...\\b``
    would, without compiling a pattern for each article's initials (a compilation costs
    more than the rest of the names' work for the article)."""
    first = _whole_word(initials_, text)
    if first < 0:
        return None
    at = text.find(initials_[0], 0, first)
    while at >= 0:
        if at == 0 or not _is_word(text[at - 1]):
            end = _spelled_from(initials_, text, at, first)
            if end is not None:
                return text[at:end]
        at = text.find(initials_[0], at + 1, first)
    return None


# the small words a name's initials skip ('Bank of Canada', 'Friends of the Earth'), each
# followed by whitespace
_LINKS = ("of", "for", "and", "the", "on", "de", "du", "la", "&")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # re's \w for str


def whole_word_positions(word: str, text: str) -> Iterator[int]:
    """Where ``word`` (word characters) stands as a whole word in text, as ``\bword\b`` would
    match, in order: found with str.find, without compiling a pattern per article's word."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_word(text[at - 1])) and (end == len(text) or not _is_word(text[end])):
            yield at
        at = text.find(word, at + 1)


def _whole_word(word: str, text: str) -> int:
    """Where ``word`` first stands as a whole word in text, or -1."""
    return next(whole_word_positions(word, text), -1)


def _spelled_from(initials_: str, text: str, at: int, limit: int) -> int | None:
    """The end of the words from ``at`` whose first letters are the initials, each after the
    last's whitespace and any link words; None if they are not there before ``limit``."""
    pos = at
    for k, letter in enumerate(initials_):
        if pos >= limit or text[pos] != letter:
            return None
        end = pos + 1
        while end < limit and (_is_word(text[end]) or text[end] in "'’-"):
            end += 1
        if k == len(initials_) - 1:  # the last word ends at a word boundary (backing off a
            while end > pos + 1 and _is_word(text[end - 1]) == (   # trailing apostrophe, dash)
                    end < limit and _is_word(text[end])):
                end -= 1
            ok = _is_word(text[end - 1]) != (end < limit and _is_word(text[end]))
            return end if ok else None
        pos = _after_space(text, end, limit)
        if pos == end:
            return None
        while True:  # link words, each followed by whitespace
            link = next((w for w in _LINKS if text.startswith(w, pos, limit)), None)
            if link is None:
                break
            after = _after_space(text, pos + len(link), limit)
            if after == pos + len(link):
                break
            pos = after
    return None


def _after_space(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos].isspace():
        pos += 1
    return pos


def _credited_names(cleaned: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A person's name run on from an organisation the article names elsewhere, as a photo
    credit runs into a caption ('Getty Images Massa sits down ...': 'Getty Images Massa' would
    become every 'Massa's name): the name without the organisation's words. Only for an
    organisation of two words or more, which no one's first name is."""
    orgs = {_tokens(n) for n, lab in cleaned if lab == "ORG" and len(_tokens(n)) >= 2}
    if not orgs:
        return cleaned
    out = []
    for name, lab in cleaned:
        if lab in PERSON_LABELS:
            words = name.split()
            lower = tuple(w.lower() for w in words)
            cut = next((len(o) for o in orgs if len(lower) > len(o) and lower[: len(o)] == o), 0)
            if cut and not ORG_WORDS.intersection(_tokens(" ".join(words[cut:]))):
                name = " ".join(words[cut:])  # (not 'Covington Catholic High School')
        out.append((name, lab))
    return out


def _person_like(cleaned: list[tuple[str, str]],
                 titled: set[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Relabel a two- or three-word non-person mention as a person when its last word is used
    alone as a person elsewhere in the article ("Marcus Hale" tagged ORG, then "Hale" PERSON)."""
    surnames = {_tokens(n)[-1] for n, lab in cleaned if lab in PERSON_LABELS and _tokens(n)}
    # (not a name the NER tags a body at least twice as often as a person, unless written after
    # a title: 'Chicago Cubs' tagged PERSON once and ORG twice is the team, its own PERSON tag
    # no evidence of a surname)
    tags: Counter[tuple[tuple[str, ...], bool]] | None = None  # counted if needed: rarely
    out = []
    for name, lab in cleaned:
        toks = _tokens(name)
        if lab not in PERSON_LABELS and 2 <= len(toks) <= 3 and toks[-1] in surnames \
                and not ORG_WORDS.intersection(toks) and all(w[:1].isupper() for w in name.split()):
            if tags is None:
                tags = Counter((_tokens(n), lb in PERSON_LABELS) for n, lb in cleaned)
            if toks in titled or not (tags[toks, True] and tags[toks, False] >= 2 * tags[toks, True]):
                lab = "PERSON"
        out.append((name, lab))
    return out


# (not NORP: an unusual given name the NER reads as a nationality, 'Onyeka', is a person's)
_BODY_VOTES = frozenset({"ORG", "GPE", "LOC", "FAC"})  # labels that outvote PERSON
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _body_like(cleaned: list[tuple[str, str]],
               titled: set[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Relabel a person mention as the organisation or place the article tags the same words as
    at least twice as often ('Gazprom', 'Labour', 'Kirkcaldy' tagged PERSON here and ORG or GPE
    there; the NER mixes 'Trump' up with an organisation about as often; 'Chicago Cubs' tagged
    PERSON once, ORG twice), unless it is one word of a person's full name in the article
    ('Blair' with 'Tony Blair') or written after a title somewhere (``titled``: 'President
    Trump', 'Founder Beverly Bond', whatever the NER makes of its other mentions):
    people are introduced by their full names or titles, bodies by one word."""
    person_words = {w for n, lab in cleaned if lab in PERSON_LABELS and len(t := _tokens(n)) > 1
                    for w in t}
    votes: dict[tuple[str, ...], dict[str, int]] = {}
    for n, lab in cleaned:
        toks = _tokens(n)
        if toks:
            key = "PERSON" if lab in PERSON_LABELS else lab
            votes.setdefault(toks, {}).setdefault(key, 0)
            votes[toks][key] += 1
    out = []
    for n, lab in cleaned:
        toks = _tokens(n)
        # a whole name counts too: 'Chicago Cubs' tagged PERSON once and ORG twice is the team
        if lab in PERSON_LABELS and toks and toks not in titled and (
                len(toks) > 1 or toks[0] not in person_words):
            v = votes[toks]
            body = max((k for k in v if k in _BODY_VOTES), key=lambda k: v[k], default=None)
            if body is not None and v[body] >= 2 * v.get("PERSON", 0):
                lab = body
        out.append((n, lab))
    return out


def fullest_name(name: str, candidates: Iterable[str]) -> str:
    """The longest person name among candidates that ends or begins with this name's words."""
    return _fullest(name, candidates, person=True)


def _fullest(name: str, candidates: Iterable[str], person: bool) -> str:
    return _fullest_of(name, [(c, _tokens(c)) for c in candidates], person)


def _fullest_of(name: str, candidates: Sequence[tuple[str, tuple[str, ...]]], person: bool
                ) -> str:
    """_fullest over candidates given with their words (resolve_mentions splits each once)."""
    toks = _tokens(name)
    if not toks:
        return name
    n = len(toks)
    best, best_len = name, n
    body, body_len = name, n  # a body's name holding the words: taken only if no person's is
    first: str | None = None  # the first name of the first person the words name
    for cand, ct in candidates:
        if len(ct) <= n:
            continue  # (a generation suffix only ever shortens a longer name to len > 2)
        if person:
            ct = _without_generation(ct)
        if len(ct) <= n:
            continue
        if not person:
            if len(ct) > best_len and any(ct[i : i + n] == toks for i in range(len(ct) - n + 1)):
                best, best_len = cand, len(ct)
            continue
        if ct[-n:] != toks and ct[:n] != toks:
            continue
        if ORG_WORDS.intersection(ct):
            # 'Studio Schicketanz', 'Covington Catholic High School' tagged PERSON: a body
            # named after a person is none of the people who share the name
            if len(ct) > body_len:
                body, body_len = cand, len(ct)
            continue
        if ct[-n:] == toks:
            # a surname several people of the article share is the one it named first, as
            # news writes the subject by surname and a relative by full name ('Donald Trump'
            # before 'Ivana Zelnicek Trump'): the longest of that person's names
            first = first or ct[0]
            if ct[0] != first:
                continue
        if len(ct) > best_len:
            best, best_len = cand, len(ct)
    return best if best_len > n else body
