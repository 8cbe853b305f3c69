"""Helpers over the parse that every pass shares: character and sentence lookups, a verb's
subject, the head of a noun phrase, a clausal complement, token spans as character spans."""

from __future__ import annotations

import bisect
import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, LOWER, SENT_START
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub
from spacy.symbols import IDS
from spacy.tokens import Doc, Span, Token

from tasks.nlp.names import TITLES
from tasks.nlp.quotes.lexicons import (
    ADDRESS_VERB_PREFIXES,
    CHARACTERISE_VERBS,
    CIRCUMSTANCE_PREPS,
    DEMONSTRATIVES,
    DOCUMENT_NOUNS,
    ISSUING_VERBS,
    LISTENER_VERB_PREFIXES,
    NAMING_VERBS,
    REPORTING_VERBS,
    STANCE_VERBS,
    WRITING_VERBS,
)
from tasks.nlp.quotes.people import is_role_noun
from tasks.nlp.quotes.thresholds import MIN_CLAUSE_TOKENS, MIN_CONTENT_WORDS

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# dependency labels as the ints Token.dep gives (spaCy's symbols): a loop over many tokens
# compares these rather than make each label's string (Token.dep_)
DEP = {label: IDS[label] for label in ("nsubj", "nsubjpass", "neg", "advcl", "conj", "appos")}
SUBJECT_DEP_IDS = frozenset({DEP["nsubj"], DEP["nsubjpass"]})


# the token attributes the rules read as arrays, in this order (TokenArrays)
ARRAY_ATTRS = [IDX, LENGTH, LOWER, SENT_START, ENT_IOB, ENT_TYPE]


@dataclass(frozen=True)
class TokenArrays:
    """A Doc's token attributes the rules read, from one Doc.to_array call: each call costs
    15-30 µs whatever it reads, about as much as the rest of a short article's entity pass."""

    idx: np.ndarray  # each token's first character
    length: np.ndarray  # its length in characters
    lower: np.ndarray  # its lower-case form's string-store hash
    sent_start: np.ndarray  # 1 where a sentence starts (spaCy's SENT_START, as uint64)
    ent_iob: np.ndarray
    ent_type: np.ndarray

    @functools.cached_property
    def starts(self) -> list[int]:
        """``idx`` as a list, made once for the passes that index it by token."""
        return self.idx.tolist()

    @functools.cached_property
    def lengths(self) -> list[int]:
        """``length`` as a list (the same)."""
        return self.length.tolist()


def token_arrays(doc: Doc) -> TokenArrays:
    """The Doc's TokenArrays (extract_doc reads them once and hands them to the passes)."""
    arr = doc.to_array(ARRAY_ATTRS) if len(doc) else np.zeros((0, len(ARRAY_ATTRS)), np.uint64)
    return TokenArrays(*(arr[:, k] for k in range(len(ARRAY_ATTRS))))


class Sentences(Sequence[Span]):
    """A Doc's sentences by their first tokens, each Span made when first asked for: the
    passes read a few sentences of an article, and a Span for every one costs more."""

    def __init__(self, doc: Doc, starts: list[int]):
        self.doc = doc
        self.starts = starts  # each sentence's first token
        self._ends = [*starts[1:], len(doc)]
        self._made: dict[int, Span] = {}

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, k: int) -> Span: ...

    @overload
    def __getitem__(self, k: slice) -> list[Span]: ...

    def __getitem__(self, k: int | slice) -> Span | list[Span]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self.starts)))]
        if k < 0:
            k += len(self.starts)
        if not 0 <= k < len(self.starts):
            raise IndexError(k)
        span = self._made.get(k)
        if span is None:
            span = self._made[k] = self.doc[self.starts[k] : self._ends[k]]
        return span


def sentences(doc: Doc, arrays: TokenArrays | None = None) -> Sentences:
    """doc.sents as a sequence, read from the sentence-start array: doc.sents makes a Token
    object for every word of the article to find the same starts."""
    if not len(doc):
        return Sentences(doc, [])
    flags = arrays.sent_start if arrays is not None else doc.to_array("SENT_START")
    return Sentences(doc, [0, *(np.flatnonzero(flags[1:] == 1) + 1).tolist()])


@functools.lru_cache(maxsize=1024)
def word_hashes(words: frozenset[str]) -> frozenset[int]:
    """The string-store hashes of words (the lexicons are constants: hashed once)."""
    return frozenset(hash_string(w) for w in words)


class LexiconBits:
    """A bit for each lexicon Index.tokens_of is asked for (the lexicons are constants, a
    handful), and for each of their words the bits of the lexicons holding it: an article's
    words are looked up in all of them at once, by the low bits of their hashes in a small
    table of flags (one array lookup for every word, the table kept in the processor's cache),
    then exactly, for the few that land on a lexicon word's flag."""

    MAX = 63  # bits of a uint64
    SLOTS = 1 << 14

    def __init__(self) -> None:
        self.bits: dict[frozenset[str], int] = {}
        self.word_bits: dict[int, int] = {}  # a word's hash -> the bits of its lexicons
        self.maybe = np.zeros(self.SLOTS, dtype=np.bool_)  # by low bits of hash: may be one
        self._lock = threading.Lock()

    def bit(self, words: frozenset[str]) -> int | None:
        """The lexicon's bit, given on first sight (None once every bit is given). Given under a
        lock, and published last: an Index that reads the bits while another thread adds a
        lexicon sees it whole or not at all (Index.tokens_of reads them again when the count
        of lexicons moves)."""
        b = self.bits.get(words)
        if b is None:
            with self._lock:
                b = self.bits.get(words)
                if b is None and len(self.bits) < self.MAX:
                    b = 1 << len(self.bits)
                    for h in word_hashes(words):
                        self.word_bits[h] = self.word_bits.get(h, 0) | b
                        self.maybe[h % self.SLOTS] = True
                    self.bits[words] = b
        return b

    def of(self, lower: np.ndarray, hashes: list[int]) -> np.ndarray:
        """Each word's bits (0 for a word of no lexicon): ``lower`` the words' lower-case
        hashes, ``hashes`` the same as a list."""
        out = np.zeros(len(hashes), dtype=np.uint64)
        maybe = np.flatnonzero(self.maybe[lower & np.uint64(self.SLOTS - 1)]).tolist()
        out[maybe] = [self.word_bits.get(hashes[k], 0) for k in maybe]
        return out


LEXICONS = LexiconBits()
# a frozenset of this many words or more that tokens_of is given is a lexicon, a constant
# (a rule's one or two words of the moment go by comparing hashes)
LEXICON_MIN = 4


class Index:
    """Character -> token lookups and quote-interior tests for one Doc."""

    def __init__(self, doc: Doc, text: str, mark_spans: list[list[tuple[int, int]]],
                 sents: Sequence[Span] | None = None, arrays: TokenArrays | None = None):
        self.doc = doc
        self.text = text  # doc.text, read once: Doc.text joins every token on each access
        arrays = token_arrays(doc) if arrays is None else arrays
        # token offsets from the Doc's array: a Token object per word costs more than the lookup
        self.starts: list[int] = arrays.starts
        self._lengths: list[int] = arrays.lengths
        # each token's lower-case form as a string-store hash: passes that look for a few words
        # find them here without building a Token for every word of the article
        self._lower = arrays.lower
        self.lower_hashes: list[int] = self._lower.tolist()
        self.inside: list[tuple[int, int]] = sorted(f for q in mark_spans for f in q)
        # once: each doc.sents walks the whole Doc (the caller may have them already)
        self.sents: Sequence[Span] = sentences(doc, arrays) if sents is None else sents
        self._sent_starts = self.sents.starts if isinstance(self.sents, Sentences) else \
            [s.start for s in self.sents]
        # Token.is_sent_start scans the whole Doc on every call; look starts up here instead
        self.sent_start_set = frozenset(self._sent_starts)
        self._inside_starts = [s for s, _ in self.inside]
        self._codes: np.ndarray | None = None  # each word's lexicon bits (LexiconBits.of)
        self._codes_of = 0  # how many lexicons had bits when they were read

    def tokens_of(self, words: set[str] | frozenset[str]) -> list[int]:
        """Indices of the tokens whose lower-case form is one of words, in text order, a
        Token made for none of them: a lexicon's (a frozenset of LEXICON_MIN words or more)
        from the lexicon bits of the article's words (LexiconBits: all lexicons looked up at
        once), a few words' by comparing hashes, others by a search of their sorted hashes."""
        if not len(self._lower):
            return []
        if isinstance(words, frozenset) and len(words) >= LEXICON_MIN and \
                (bit := LEXICONS.bit(words)) is not None:
            if self._codes is None or self._codes_of != len(LEXICONS.bits):
                self._codes_of = len(LEXICONS.bits)  # (counted first: a lexicon added while
                self._codes = LEXICONS.of(self._lower, self.lower_hashes)  # reading: again)
            return np.flatnonzero(self._codes & np.uint64(bit)).tolist()
        if len(words) <= 8:
            found = np.zeros(len(self._lower), dtype=bool)
            for h in {hash_string(w) for w in words}:
                found |= self._lower == h
            return np.flatnonzero(found).tolist()
        wanted = np.array(sorted({hash_string(w) for w in words}), dtype=np.uint64)
        at = np.searchsorted(wanted, self._lower)
        at[at == len(wanted)] = 0
        return np.flatnonzero(wanted[at] == self._lower).tolist()

    def token_at(self, char: int) -> int:
        k = bisect.bisect_right(self.starts, char) - 1
        return k if k > 0 else 0  # (called for every mention and cue: no max() call)

    def sent_chars(self, k: int) -> tuple[int, int]:
        """The character span of sentence k (start_char, end_char), its Span not made."""
        first = self._sent_starts[k]
        last = (self._sent_starts[k + 1] if k + 1 < len(self._sent_starts) else len(self.starts)) - 1
        return self.starts[first], self.starts[last] + self._lengths[last]

    def sent_start(self, k: int) -> int:
        """The first token of sentence k (its Span not made)."""
        return self._sent_starts[k]

    def sent_of(self, token_i: int) -> int:
        """Index of the sentence holding a token."""
        k = bisect.bisect_right(self._sent_starts, token_i) - 1
        return k if k > 0 else 0

    def mark_span_before(self, char: int) -> tuple[int, int] | None:
        """The quotation-mark span that starts last before char (None when there is none)."""
        k = bisect.bisect_right(self._inside_starts, char) - 1
        return self.inside[k] if k >= 0 else None

    def first_quote_of_sentence(self, start: int) -> int:
        """Where the first quotation of the sentence holding the one opening at ``start`` opens:
        an earlier one joins it when no sentence ends between them (a full stop, question or
        exclamation mark after the earlier one or at its end, or a line break)."""
        k = bisect.bisect_right(self._inside_starts, start) - 1
        while k > 0:
            ps, pe = self.inside[k - 1]
            between = self.text[pe : self.inside[k][0]]
            if "\n" in between or re.search(r"[.!?]", between) or \
                    self.text[ps:pe].rstrip(" \"”’'»").endswith((".", "!", "?")):
                break
            k -= 1
        return self.inside[k][0] if k >= 0 else start

    def in_quote(self, char: int) -> bool:
        k = bisect.bisect_right(self._inside_starts, char) - 1
        return k >= 0 and self.inside[k][0] <= char < self.inside[k][1]


def capitalised(tok: Token) -> bool:
    """A word written as a name is: a capital first and not all capitals. Token.is_title is
    str.istitle, false for McCallum, DeBoer and MacKay."""
    return tok.text[:1].isupper() and not tok.text.isupper() and tok.is_alpha or \
        tok.is_title


def line_break(tok: Token) -> bool:
    """A token holding a line break: the tokenizer makes every run of whitespace other than one
    space a token of its own (a word's trailing whitespace is one space or none), so only a
    space token can; its flag is read before its text is made."""
    return tok.is_space and "\n" in tok.text


def subject(verb: Token) -> Token | None:
    """The verb's speaker or holder as the parse gives it, in the verb's own paragraph: when the
    parser ran a heading into the paragraph ("READ MORE: ...\n\nNadia Jamil, a researcher,
    said ...") and took the subject from the heading, the name that opens the paragraph
    before the verb stands instead, or no one."""
    subj = _parsed_subject(verb)
    if subj is None:
        return None
    lo, hi = sorted((subj.i, verb.i))
    if not any(line_break(t) for t in verb.doc[lo:hi]):
        return subj
    start = verb.i
    while start > 0 and not line_break(verb.doc[start - 1]):
        start -= 1
    own = list(verb.doc[start : verb.i])
    heads = {verb.i} | _conj_heads(verb)
    for t in own:
        if t.dep_ in SUBJECT_DEPS and t.head.i in heads:
            return t
    if any(t.ent_type_ in ("PERSON", "ORG") for t in own):
        return np_head(own)  # 'Senator Ruth Calloway on Tuesday described ...'
    return None


def _reporter_of(verb: Token) -> Token | None:
    """The reporting verb whose reported clause (ccomp) holds this token, if any: the first
    ccomp up the token's heads, when a reporting verb written before the clause governs it
    (in '... mocked the campaign, calling it "a circus," Susan said' the participle after
    the clause is its own subject's, the friends who mocked)."""
    node = verb
    while node.head.i != node.i:
        if node.dep_ == "ccomp":
            cue = node.head
            return cue if cue.lower_ in REPORTING_VERBS and cue.i < node.left_edge.i else None
        node = node.head
    return None


def _conj_heads(verb: Token) -> set[int]:
    """The verbs this one is coordinated with ('described ... and said')."""
    out = set()
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
        out.add(verb.i)
    return out


def _parsed_subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep in SUBJECT_DEP_IDS]
    if len(subjects) > 1:  # '12:15 p.m.\n\nDonald Trump says': the one next to the verb
        subjects.sort(key=lambda c: (c.ent_type_ in ("TIME", "DATE"), abs(verb.i - c.i)))
        if verb.lower_.startswith(LISTENER_VERB_PREFIXES) and subjects[0].i > verb.i and \
                any(c.i < verb.i for c in subjects):
            # 'The letter - a copy of which ... - warns Mayor Brandt: "..."': the parse makes
            # the one warned a second subject; the one before the verb warns
            subjects.sort(key=lambda c: c.i > verb.i)
        near = subjects[0]
        if near.ent_type_ != "PERSON" or near.lower_.rstrip(".") in TITLES:
            # a name written against a role or rank, the parse making both subjects ('Dr Mike
            # Watts head of exploration said', 'said Navy Lt. Dana Whitfield'): the person
            subjects[0] = next((c for c in subjects[1:] if c.ent_type_ == "PERSON" and
                                c.lower_.rstrip(".") not in TITLES and
                                (c.right_edge.i + 1 == near.left_edge.i or
                                 near.right_edge.i + 1 == c.left_edge.i)), near)
    for child in subjects[:1]:
        return child  # "Smith, who said ...": "who", resolved to Smith by attribute
    if verb.tag_ == "VBG" or verb.lower_.endswith("ing"):
        # 'footage of Hillary Clinton asking, "..."': the person the participle follows
        before = verb.doc[verb.i - 1] if verb.i > 0 else None
        if before is not None and before.ent_type_ == "PERSON":
            addressed = addressing_verb(before)
            if addressed is not None:
                # 'Howard has written to Blair demanding ...': the one addressed did not speak;
                # the participle is the writer's
                return _parsed_subject(addressed)
            return before
    # "..., said Smith" inverted order parses Smith as a dependent after the verb (but the
    # object of "telling Reuters" or "asked Smith" is the listener, and the object of a verb
    # that names or judges someone -- 'described Trump as "..."', 'called Trump a "..."',
    # 'dismissing Smith as "..."' -- is the one described, never the one describing; nor is
    # the object of a stance, what is taken a position on: 'Purdy, 73, credits his terrier
    # Chloe ...', which the parser left with no subject)
    listener = verb.lower_.startswith(LISTENER_VERB_PREFIXES) or \
        verb.lower_ in NAMING_VERBS or verb.lower_ in CHARACTERISE_VERBS or \
        verb.lower_ in STANCE_VERBS and verb.lower_ not in REPORTING_VERBS or \
        any(c.dep_ == "oprd" or c.dep_ == "prep" and c.lower_ == "as" for c in verb.children)
    for child in verb.rights:
        if child.dep_ in ("dobj", "attr", "npadvmod") and child.ent_type_ in ("PERSON", "ORG") \
                and not listener:
            return child
    if verb.dep_ == "xcomp" and verb.head.i != verb.i:
        controller = _object_controller(verb)
        if controller is not None:
            return controller
    if verb.dep_ == "advcl" and verb.lower_.endswith("ing") and verb.lower_ in REPORTING_VERBS:
        # 'She said her father would do the same, saying that ...': a participle set off in a
        # reported clause continues its reporter's words (attribution_break), whatever verb
        # of the clause the parser hung it on
        reporter = _reporter_of(verb)
        if reporter is not None:
            return _parsed_subject(reporter)
    if verb.dep_ == "acl" and verb.head.lower_ in DOCUMENT_NOUNS and verb.lower_.endswith("ing") \
            and (verb.lower_ in REPORTING_VERBS or verb.lower_ in CHARACTERISE_VERBS):
        # 'Black Lives Matter issued a statement saying ...', 'the union sent a letter calling
        # the offer ...': the document speaks for whoever issued it
        issuer = document_verb(verb.head)
        by = _parsed_subject(issuer) if issuer is not None else None
        return by if by is not None and by.lower_ not in DEMONSTRATIVES else None
    if verb.dep_ in ("conj", "xcomp", "advcl", "acomp") and verb.head.i != verb.i:
        return _parsed_subject(verb.head)  # 'seemed to be ready to riff ..., telling the crowd'
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.head.i \
            and (verb.head.lower_ in CIRCUMSTANCE_PREPS or verb.head.lower_ == "as"
                 and verb.head.head.lower_ in ("quoted", "quotes", "quote")):
        # 'She drew boos upon saying, "..."' (not 'refrained from criticizing', 'without saying');
        # 'he was quoted as saying': the one quoted
        return _parsed_subject(verb.head.head)

    return None


OBJECT_PRONOUNS = frozenset({"him", "her", "them", "us", "me"})
# verbs whose object is what their subject acts with, not who acts
INSTRUMENT_VERBS = frozenset("use used uses using take took takes taking taken".split())


def _object_controller(verb: Token) -> Token | None:
    """The one an infinitive is done by when the verb it complements has someone as its object
    (object control): 'led the French manufacturer to announce' (the manufacturer announced,
    not what led it), 'urged voters to say', 'asked him to comment'. Only someone: in 'took the
    opportunity to say' the one who took it says."""
    head = verb.head
    if head.lower_ in INSTRUMENT_VERBS:
        return None  # 'used the State of the Union to call for', 'took the chance to say'
    for obj in head.children:
        if obj.dep_ != "dobj" or not head.i < obj.i < verb.i:
            continue
        if is_someone(obj):
            return obj
    return None


def is_someone(tok: Token) -> bool:
    """Whether a noun names a person or people: a name, a personal pronoun, a role ('voters',
    'the manufacturer' as the NER's organisation)."""
    word = tok.lower_
    return tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or word in OBJECT_PRONOUNS or \
        is_role_noun(word) or word.endswith("s") and is_role_noun(word[:-1])


def document_verb(noun: Token) -> Token | None:
    """The verb that issued or wrote a document, when the document is its object: 'issued a
    statement', 'put out a statement', 'wrote a letter' (not 'received a letter')."""
    if noun.dep_ != "dobj":
        return None
    verb = noun.head
    word = verb.lower_
    if word in ISSUING_VERBS or word in WRITING_VERBS or word in ("put", "puts") and any(
            c.dep_ == "prt" and c.lower_ == "out" for c in verb.children):
        return verb
    return None


def addressing_verb(tok: Token) -> Token | None:
    """The verb of writing or telling whose addressee tok is ('wrote to Blair', 'told Blair',
    'sent Blair a letter'), else None."""
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "to" and head.dep_ in ("prep", "dative"):
        head = head.head
    elif tok.dep_ not in ("dobj", "dative"):
        return None
    # (no part-of-speech test: the pipeline runs without its tagger)
    return head if head.lower_.startswith(ADDRESS_VERB_PREFIXES) else None


def according_to(tok: Token) -> Token | None:
    """'according to X' -> X."""
    if tok.lower_ == "according":
        for child in tok.children:
            if child.lower_ == "to":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
    return None


_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


def np_head(toks: list[Token]) -> Token | None:
    """The head of the noun phrase that opens toks: a person's name first, then an
    organisation, else the word before the first comma ("Flynn, a top surrogate," -> Flynn).
    A name that owns the next word is passed over for a later one ("Cuomo's spokeswoman, Dani
    Lever": hers, not his), when there is one."""
    for label in ("PERSON", "ORG"):
        heads: list[Token] = []
        for t in toks:
            if t.ent_type_ == label and (t.ent_iob_ == "B" or not heads or heads[-1].i != t.i - 1):
                heads.append(t)
            elif t.ent_type_ == label and heads and heads[-1].i == t.i - 1:
                heads[-1] = t  # the run's last word
        if heads:
            # (the NER takes the possessive in now and then: 'Ruth Calloway’s')
            own = [h for h in heads if h.lower_ not in _POSSESSIVE and not (
                h.i + 1 < len(h.doc) and h.doc[h.i + 1].lower_ in _POSSESSIVE)]
            return (own or heads)[0]
    words = []
    for t in toks:
        if t.is_punct or t.text == "(":
            break
        words.append(t)
    return words[-1] if words else None


def trim(toks: list[Token], lead_mark: bool = False) -> list[Token]:
    """toks without punctuation, quotation marks and spaces at either edge (and, when asked, a
    leading subordinator such as 'that')."""
    i, j = 0, len(toks)
    while i < j and (toks[i].is_punct or toks[i].is_quote or toks[i].is_space
                     or lead_mark and toks[i].dep_ == "mark"):
        i += 1
    while j > i and (toks[j - 1].is_punct or toks[j - 1].is_quote or toks[j - 1].is_space):
        j -= 1
    return toks[i:j]


def char_span(toks: list[Token]) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def complement(cue: Token, deps: tuple[str, ...] = ("ccomp",)) -> tuple[int, int] | None:
    """Character span of the reported clause of a cue verb (its ccomp), without 'that'. A
    clause before the cue is its report in the inverted order ('..., she said'), never across
    a semicolon or a paragraph break ('... of the campaign; 46 percent said they were
    unenthusiastic', 'as we were."\n\nGates, in contrast, told AP he was working ...': the
    parser made both clauses the verb's)."""
    for child in cue.children:
        if child.dep_ not in deps or child.i < cue.i and any(
                t.text in (";", ":") or line_break(t)
                for t in cue.doc[child.right_edge.i : cue.i]):
            continue
        toks = [t for t in child.subtree]
        if toks and toks[0].i < cue.i < toks[-1].i:
            # 'a wind farm that developer Northwind says will power 900,000 homes': the
            # clause wraps around its own attribution; keep what follows the cue
            toks = [t for t in toks if t.i > cue.i]
        toks = trim(attribution_break(toks, child), lead_mark=True)
        if len(toks) >= MIN_CLAUSE_TOKENS:
            return char_span(toks)
    clause = unmarked_clause(cue) if "ccomp" in deps and cue.lower_ in REPORTING_VERBS and \
        not cue.lower_.endswith("ing") else None
    if clause is not None:
        subj = next(g for g in clause.children if g.dep_ in SUBJECT_DEPS)
        toks = trim([t for t in clause.subtree if t.i >= subj.left_edge.i])
        if len(toks) >= MIN_CLAUSE_TOKENS:
            return char_span(toks)  # (from its subject: 'after the convention' is the verb's)
    return None


def unmarked_clause(cue: Token) -> Token | None:
    """'Trump said after the convention he would not accept ...': the parser, put off by a
    phrase between, made the reported clause an adverbial one. A finite clause after the verb
    with a subject of its own and no word that subordinates it ('if', 'because', 'when'), run
    on from the verb with no mark of punctuation, is what the verb reports."""
    return next((c for c in cue.children if c.dep_ == "advcl" and c.i > cue.i and
                 any(g.dep_ in SUBJECT_DEPS and g.i < c.i for g in c.children) and
                 not any(g.dep_ in ("mark", "advmod") and g.i < c.i for g in c.children) and
                 not any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) and
                 not any(t.is_punct for t in cue.doc[cue.i + 1 : c.left_edge.i + 1])), None)


# what may stand between a reported clause and a second attribution set off after it
BREAK_LINKS = frozenset({",", ";", "while", "and", "but", "as", "whereas", "although", "though"})


def attribution_break(toks: list[Token], head: Token) -> list[Token]:
    """A reported clause (``toks``, the subtree of ``head``) up to a second attribution set off
    inside it by a comma or semicolon: a reporting verb of its own that speaks for someone
    named ('..., while 22 percent said they might change their mind') or a participle that
    continues the speaker's words ('..., saying that he supports equal pay', '..., telling
    the crowd that ...'). The parser hangs such a clause on the reported verb; it is another
    attribution, not what was reported (the participle's speaker: _parsed_subject)."""
    advcl, conj, neg = DEP["advcl"], DEP["conj"], DEP["neg"]
    for k, t in enumerate(toks):
        if t.i == head.i or t.dep != advcl and t.dep != conj or t.lower_ not in REPORTING_VERBS:
            continue
        own = any(c.dep in SUBJECT_DEP_IDS for c in t.children)
        participle = t.lower_.endswith("ing") and not own and t.dep == advcl
        if not (own or participle) or any(c.dep == neg for c in t.children):
            continue
        start = t.left_edge.i
        j = next((m for m, x in enumerate(toks) if x.i == start), k)
        links = j
        while links > 0 and toks[links - 1].lower_ in BREAK_LINKS:
            links -= 1
        if links < j and any(x.text in (",", ";") for x in toks[links:j + 1]):
            return toks[:links]
    return toks


def within_paragraph(span: tuple[int, int], at: int, text: str,
                     min_words: int = MIN_CONTENT_WORDS
                      ) -> tuple[int, int] | None:
    """Reported content stays in the cue's paragraph: the parser sometimes runs a sentence over
    a heading or a timestamp ('4:49 p.m.\n\nEven before ...'). None when too few words remain."""
    lo = text.rfind("\n", 0, at) + 1
    hi = text.find("\n", at)
    hi = len(text) if hi < 0 else hi
    s, e = max(span[0], lo), min(span[1], hi)
    while s < e and text[s] in " \t\u00a0":
        s += 1
    while e > s and text[e - 1] in " \t\u00a0":
        e -= 1
    return (s, e) if len(text[s:e].split()) >= min_words else None


def according_content(tok: Token, idx: Index) -> tuple[int, int] | None:
    """'According to X, <clause>' -> the clause: the sentence without the according phrase."""
    sent = idx.sents[idx.sent_of(tok.i)]
    phrase = {t.i for t in tok.subtree}
    toks = trim([t for t in sent if t.i not in phrase and not t.is_space])
    return char_span(toks) if len(toks) >= MIN_CLAUSE_TOKENS else None


def own_clause(t: Token, verb: Token) -> bool:
    """Whether ``t`` belongs to ``verb``'s own clause: no other clause with a subject of its own
    lies between them."""
    node = t.head
    while node.i != verb.i:
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children) or node.dep_ == "ROOT":
            return False
        node = node.head
    return True
