"""Indirect speech: attributions without quotation marks, found from the verb: what someone
said (that ...), believes or plans, stands for or against, or what is so "according to" them.

What was said is ``indirect``; what someone believes, knows, plans or stands for is ``belief``:
attributed to them, but not their words, so speech analyses leave it out while scoring against
a gold set that counts every attribution (PolNeAR) still counts it."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tasks.nlp.quotes.cues import NOT_VERB_DEPS, is_cue
from tasks.nlp.quotes.lexicons import (
    BELIEF_VERBS,
    CHARACTERISE_VERBS,
    DOCUMENT_NOUNS,
    FINDING_NOUNS,
    NOT_BELIEF_HOLDERS,
    NOT_STANCE_HOLDERS,
    PHRASAL_HEADS,
    PLAN_VERBS,
    PUT_IT,
    REPORTING_VERBS,
    STANCE_CHARACTERISE,
    STANCE_PREP_HEADS,
    STANCE_PREPS,
    STANCE_VERBS,
)
from tasks.nlp.quotes.mixed import parenthetical_parts
from tasks.nlp.quotes.model import Mention, Quote
from tasks.nlp.quotes.parse import (
    Index,
    according_content,
    according_to,
    complement,
    subject,
    trim,
    within_paragraph,
)
from tasks.nlp.quotes.speakers import attribute
from tasks.nlp.quotes.thresholds import (
    MIN_CONTENT_WORDS,
    MIN_PARENTHETICAL_WORDS,
    MIN_STANCE_WORDS,
)


def is_stance(tok: Token) -> bool:
    """A verb of taking a position whose object is what the holder stands for or against:
    'Christie endorsed Trump', 'criticized the president's foreign policy', 'called for a ban'."""
    word = tok.lower_
    lexical = word in STANCE_VERBS or word in STANCE_CHARACTERISE
    if not lexical and word not in STANCE_PREP_HEADS:
        return False
    if tok.dep_ in NOT_VERB_DEPS or any(c.dep_ == "neg" for c in tok.children):
        return False
    return lexical or about_a_topic(tok)


def about_a_topic(tok: Token) -> bool:
    """Whether a verb of saying governs what it is about through a preposition ('complained
    about the delays', 'railed against the moderators', STANCE_PREPS), not words said."""
    return any(c.dep_ == "prep" and (tok.lower_, c.lower_) in STANCE_PREPS for c in tok.children)


def object_content(tok: Token) -> tuple[int, int] | None:
    """The material a stance verb governs: its object and complements, or the object of its
    particle preposition ('referring to X', 'called for X')."""
    for c in tok.children:
        if c.dep_ == "prep" and (tok.lower_, c.lower_) in STANCE_PREPS:
            objs = [o for o in c.children if o.dep_ in ("pobj", "pcomp")]
            if objs:
                sub = list(objs[0].subtree)
                return sub[0].idx, sub[-1].idx + len(sub[-1].text)
            return None
    rights = [c for c in tok.rights if c.dep_ in ("dobj", "xcomp", "ccomp", "oprd", "dative")]
    if not rights:
        return None
    first = rights[0]
    tail = [c for c in tok.rights if c.i > first.i and c.dep_ in ("prep", "oprd", "xcomp")
            and not any(o.ent_type_ in ("DATE", "TIME") for o in c.children)]  # not 'on Tuesday'
    last = (tail[-1] if tail else rights[-1]).right_edge
    while last.is_punct and last.i > first.i:
        last = last.doc[last.i - 1]
    return first.left_edge.idx, last.idx + len(last.text)


@dataclass
class Content:
    """What an indirect rule found for a verb: the holder (None: no attribution here), the
    content's span, its parts when the attribution stands in the middle, whether it is a stance."""

    subj: Token | None
    span: tuple[int, int] | None
    parts: list[tuple[int, int]] | None = None
    stance: bool = False
    belief: bool = False  # a belief, plan or stance: attributed, but not said


NO_ATTRIBUTION = Content(None, None)
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP"})  # who may be named before a colon
# A verb used as an adjective or a noun ('the expected result', 'a planned vote') holds no belief.
NOT_BELIEF_VERB_DEPS = frozenset({"amod", "compound", "nsubj", "dobj"})


def speech_content(tok: Token, idx: Index) -> Content | None:
    """'X said (that) ...', 'The museum, X said, ...', and a reporting verb with no clause whose
    object is a stance ('called for a ban on new towers')."""
    if not is_cue(tok):
        return None
    subj = subject(tok)
    span = complement(tok)
    parts = None
    if span is None and subj is not None:
        parts = parenthetical_content(tok, subj, idx)
        span = (parts[0][0], parts[-1][1]) if parts else None
    if span is None and subj is not None and is_stance(tok):
        # 'called for a ban', 'wrote about the Kremlin', 'agreed with the finding': what the
        # words were about, not the words: a belief-like attribution (speech analyses and GGT's
        # quotes leave it out; PolNeAR's attributions count it)
        return Content(subj, object_content(tok), stance=True, belief=about_a_topic(tok))
    if span is None and subj is not None:
        # '... remains committed to the race, his top aide, Tad Devine, told The Post.': the
        # parser made the attribution a conjunct of the clause it reports
        span = inverted_conjunct(tok, subj)
    if span is None and topic_holder(tok, subj):
        # 'Clinton noted the clot's existence', 'told his advisers to find a way': a reporting
        # verb with no clause attributes what it governs, a topic rather than words said
        return Content(subj, object_content(tok), stance=True, belief=True)
    return Content(subj, span, parts)


def inverted_conjunct(tok: Token, subj: Token) -> tuple[int, int] | None:
    """The clause a reporting verb follows when the parser made the verb its conjunct, with a
    subject of its own set off by a comma and nothing reported after it ('<clause>, his aide,
    Tad Devine, told The Huffington Post.'): the inverted attribution '<clause>, X said'. The
    head clause up to the comma before the subject."""
    if tok.dep_ != "conj" or subj.i < tok.head.i or subj.head.i != tok.i or \
            subj.dep_ not in ("nsubj", "nsubjpass") or \
            not any(c.dep_ in ("nsubj", "nsubjpass") and c.i < subj.i for c in tok.head.children):
        return None  # a subject of its own after a whole clause (a subject and its verb)
    if any(c.dep_ in ("cc", "ccomp", "xcomp") for c in tok.children) or \
            any(c.dep_ == "cc" and c.i < subj.i for c in tok.head.children):
        return None  # 'said X and told Y ...', 'won, and Smith told reporters': coordination
    start = subj.left_edge.i
    doc = tok.doc
    if start == 0 or doc[start - 1].text != ",":
        return None
    after = [t for t in doc[tok.i + 1 : tok.sent.end] if not t.is_punct]
    if any(t.dep_ not in ("dobj", "dative", "prep", "pobj", "det", "compound", "amod", "npadvmod",
                          "poss", "case", "nummod", "advmod") for t in after):
        return None  # the verb reports something after it
    head = doc[tok.head.left_edge.i : start - 1]
    toks = trim([t for t in head if not t.is_space])
    return (toks[0].idx, toks[-1].idx + len(toks[-1].text)) if len(toks) >= 3 else None


def topic_holder(tok: Token, subj: Token | None) -> bool:
    """A verb with no clause attributes its object to its subject only when it is affirmed
    ('does not recognize the court' holds no topic) and the subject is a word."""
    return subj is not None and subj.is_alpha and not any(c.dep_ == "neg" for c in tok.children)


def belief_content(tok: Token, idx: Index) -> Content | None:
    """'X believes (that) ...', 'X wants to ...', or a belief verb's object as a stance ('Clinton
    cited derogatory comments Trump made')."""
    if tok.lower_ not in BELIEF_VERBS or tok.dep_ in NOT_BELIEF_VERB_DEPS:
        return None
    subj = subject(tok)
    if subj is not None and subj.lower_ in NOT_BELIEF_HOLDERS:
        return NO_ATTRIBUTION  # a speaker's own belief inside talk, or no holder at all
    span = complement(tok, ("ccomp", "xcomp") if tok.lower_ in PLAN_VERBS else ("ccomp",))
    if span is None and (is_stance(tok) or topic_holder(tok, subj)):
        # 'cited derogatory comments', 'knows the district': what the verb governs
        return Content(subj, object_content(tok), stance=True, belief=True)
    return Content(subj, span, belief=True)


def stance_content(tok: Token, idx: Index) -> Content | None:
    """'Christie endorsed Trump', 'criticized the president's foreign policy'."""
    if not is_stance(tok):
        return None
    subj = subject(tok)
    if subj is not None and subj.lower_ in NOT_STANCE_HOLDERS:
        return NO_ATTRIBUTION
    return Content(subj, object_content(tok), stance=True, belief=True)


def according_to_content(tok: Token, idx: Index) -> Content | None:
    """'According to X, <clause>'."""
    subj = according_to(tok)
    return Content(subj, according_content(tok, idx) if subj is not None else None)


# Tried in order, the first that applies to a verb decides (lexicons.PRECEDENCE): a word that
# both reports and takes a stance ("urged") is a verb of saying first, and so on down.
INDIRECT_RULES: tuple[Callable[[Token, Index], Content | None], ...] = (
    speech_content,
    belief_content,
    stance_content,
    according_to_content,
)


SPEECH_WORDS = frozenset(REPORTING_VERBS | PHRASAL_HEADS | PUT_IT | {"according"})
OTHER_WORDS = frozenset(BELIEF_VERBS | STANCE_VERBS | CHARACTERISE_VERBS | STANCE_PREP_HEADS)
OTHER_ONLY_WORDS = OTHER_WORDS - SPEECH_WORDS


class SpanSet:
    """Character spans already claimed, with an overlap test that looks only at the spans near
    the one asked about (bucketed by position): a test against every span made a transcript of
    thousands of quotes quadratic. ``overlaps(a, b)`` is exactly "some (s, e) has s < b and
    a < e", as the list scan it replaces."""

    BUCKET = 4096

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._buckets: dict[int, list[tuple[int, int]]] = {}
        for span in spans:
            self.add(span)

    def _keys(self, a: int, b: int) -> range:
        return range(a // self.BUCKET, max(a, b - 1) // self.BUCKET + 1)

    def add(self, span: tuple[int, int]) -> None:
        s, e = span
        for k in self._keys(s, e if e > s else s + 1):
            self._buckets.setdefault(k, []).append(span)

    def overlaps(self, a: int, b: int) -> bool:
        return any(s < b and a < e for k in self._keys(a, b)
                   for s, e in self._buckets.get(k, ()))


def indirect_quotes(doc: Doc, idx: Index, direct: list[Quote], mentions: list[Mention],
                    starts: list[int]) -> list[Quote]:
    """Reported speech, beliefs and stances with no quotation marks, outside the direct quotes."""
    used = {q.evidence.cue_token for q in direct if q.evidence.cue_token is not None}
    taken = SpanSet((q.start, q.end) for q in direct)
    out: list[Quote] = []
    # reporting verbs first, so that "X said Y endorsed Z" is X's attribution, not Y's stance
    # (looked up by word in the Index: a Token object for every word costs more than the rules)
    speech = idx.tokens_of(SPEECH_WORDS)
    rest = idx.tokens_of(OTHER_ONLY_WORDS)
    for i in speech + rest:
        if i in used or idx.in_quote(idx.starts[i]):
            continue  # (no Token made for a word inside quotation marks)
        tok = doc[i]
        found = next(c for rule in INDIRECT_RULES if (c := rule(tok, idx)) is not None)
        if found.subj is None or found.span is None:
            continue
        lo, hi = sorted((found.subj.idx, tok.idx))
        if "\n" in idx.text[lo:hi]:
            continue  # no holder in the verb's own paragraph ('according to' across a heading)
        min_words = MIN_STANCE_WORDS if found.stance else MIN_CONTENT_WORDS
        span = within_paragraph(found.span, tok.idx, idx.text, min_words)
        if span is None:
            continue
        parts = None
        if found.parts:
            parts = [c for c in (within_paragraph(x, tok.idx, idx.text) for x in found.parts) if c]
        if taken.overlaps(*span):
            continue
        q = Quote(spans=parts or [span], quote_type="belief" if found.belief else "indirect")
        # a quoted fragment the parser made the subject ('"and two belt loops" ... says') is
        # not the one speaking: the quote keeps its cue and waits for a speaker
        subj = None if idx.in_quote(found.subj.idx) else found.subj
        attribute(q, tok, subj, mentions, starts, idx, itertools.chain(direct, out))
        out.append(q)
        taken.add(span)
    out.extend(name_colon_lines(idx, mentions, starts, taken))
    out.extend(in_a_document(idx, mentions, starts, taken))
    return out


_IN = frozenset({"in"})


def in_a_document(idx: Index, mentions: list[Mention], starts: list[int],
                  taken: SpanSet) -> list[Quote]:
    """'In a statement, the ministry ...', 'In the latest Post poll, Clinton led Trump by five
    points': a sentence that opens on 'in' and something written or asked reports the rest of
    itself as that document's, as 'according to' does. Said in a statement, an interview or a
    speech it is speech; found by a poll, a study or a report it is a belief-like finding."""
    out: list[Quote] = []
    # (only the sentences an 'in' opens, after nothing but punctuation or space)
    doc = idx.doc
    opening = set()
    for i in idx.tokens_of(_IN):
        k = idx.sent_of(i)
        if all(doc[j].is_space or doc[j].is_punct for j in range(idx.sent_start(k), i)):
            opening.add(k)
    for k in sorted(opening):
        sent = idx.sents[k]
        first = next((t for t in sent if not t.is_space and not t.is_punct), None)
        if first is None or first.lower_ != "in" or idx.in_quote(first.idx):
            continue
        doc_noun = next((c for c in first.children if c.dep_ == "pobj"), None)
        if doc_noun is None or doc_noun.lower_ not in DOCUMENT_NOUNS | FINDING_NOUNS:
            continue
        span = according_content(first, idx)
        if span is None or taken.overlaps(*span):
            continue
        span = within_paragraph(span, first.idx, idx.text)
        if span is None:
            continue
        kind = "belief" if doc_noun.lower_ in FINDING_NOUNS else "indirect"
        q = Quote(spans=[span], quote_type=kind)
        attribute(q, None, doc_noun, mentions, starts, idx, out)
        out.append(q)
        taken.add(span)
    return out


# A line that opens with a name and a colon: 'Pat Caddell: Voters worried about ...'.
_NAME_COLON = re.compile(r"(?m)^([^\n:]{2,80}):[ \t]+(?=\S)")
# A label in a name's shape: one to four words, each capitalised or in capitals.
_NAME_SHAPE = re.compile(r"(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*")
# What a headline names before a colon when a finding is its source ('Poll: Trump leads'):
# the findings' nouns less those that name a genre of article ('Analysis:', 'Review:').
HEADLINE_FINDINGS = FINDING_NOUNS - {"analysis", "review", "audit", "census"}


def name_colon_lines(idx: Index, mentions: list[Mention], starts: list[int],
                     taken: SpanSet) -> list[Quote]:
    """'Pat Caddell: Democrat voters worried about Clinton's health' (a headline), 'WALLACE:
    Let's start with ...' (a transcript): a line that opens with nothing but a person's or an
    organisation's name and a colon reports what follows, to the end of the line, as theirs.
    The name is an entity there, or one the article gives a person or body elsewhere, in any
    case ('Rubio: I still believe ...', where the NER tags no name at a headline's start;
    'BENENSON: Senator Sanders ...' after 'Joel Benenson' in the text: named_elsewhere). A
    poll, survey, study or report so named is the source of a finding ('Poll: Trump and
    Clinton hold narrow leads'). Labels that name no one ('READ MORE:', 'UPDATE:') are not
    entities and are left alone."""
    out = []
    text = idx.text
    for m in _NAME_COLON.finditer(text):
        k = bisect.bisect_left(starts, m.start(1))
        mention: Mention | None = None
        if k < len(mentions) and mentions[k].start == m.start(1) and \
                mentions[k].end == m.end(1) and mentions[k].label in SPEAKER_LABELS:
            mention = mentions[k]
        label = m.group(1).strip()
        finding = mention is None and label.lower() in HEADLINE_FINDINGS
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if mention is None and not finding:
            mention = named_elsewhere(label, mentions)
            if mention is None and _WHOLE_QUOTATION.fullmatch(text, m.end(), end):
                mention = headline_speaker(m.start(1), m.end(1), text, mentions, starts)
            if mention is None:
                continue
        span = (m.end(), len(text[:end].rstrip()))
        if len(text[span[0] : span[1]].split()) < MIN_CONTENT_WORDS or idx.in_quote(span[0]) or \
                taken.overlaps(*span):
            continue
        if finding or mention is None:
            q = Quote(spans=[span], quote_type="belief", speaker_text=label,
                      speaker_span=(m.start(1), m.end(1)), speaker_rule="name-colon-line")
        else:
            q = Quote(spans=[span], quote_type="indirect", speaker_text=text[m.start(1) : m.end(1)],
                      speaker_span=(m.start(1), m.end(1)), speaker=mention.canonical,
                      speaker_rule="name-colon-line", speaker_label=mention.label)
        out.append(q)
        taken.add(span)
    return out


# the rest of a line that is one quotation, in double or (as headlines print them) single marks
_WHOLE_QUOTATION = re.compile(r"""[‘'"“][^\n]{3,300}[’'"”][.!?]?[ \t]*""")


def headline_speaker(start: int, end: int, text: str, mentions: list[Mention],
                     starts: list[int]) -> Mention | None:
    """The speaker a headline names before the colon that introduces its quotation ('Ada Marsh
    Hammers Bank Chief: 'You Should Resign.'', 'Ilves on the ferry cuts: "...", 'A lesson from
    Ada Marsh: '...''): the person or body whose name opens the label, or the one it gives
    after 'from'."""
    k = bisect.bisect_left(starts, start)
    inside = [x for x in mentions[k:] if x.end <= end and x.label in SPEAKER_LABELS]
    if inside and inside[0].start == start:
        # (a title-case headline runs the name on into the words after it: 'Ada Marsh Hammers
        # Harbour Bank'; the name the article gives elsewhere that opens it is the one meant)
        words = inside[0].canonical.split()
        return next((x for x in mentions if x.label in SPEAKER_LABELS and
                     x.canonical.split() == words[: len(x.canonical.split())]
                     and len(x.canonical.split()) < len(words)), inside[0])
    first = next(iter(text[start:end].split()), "").removesuffix("'s").removesuffix("’s")
    named = named_elsewhere(first, mentions) if first[:1].isupper() else None
    if named is not None:
        return named
    return next((x for x in inside if text[max(start, x.start - 5) : x.start] == "from "), None)


def named_elsewhere(label: str, mentions: list[Mention]) -> Mention | None:
    """The one person or body the article names as ``label`` elsewhere, matched without case:
    by the whole name, or a person by their surname ('Rubio', 'BENENSON' for Joel Benenson).
    None when the label is no name's shape or names more than one of them."""
    if not _NAME_SHAPE.fullmatch(label):
        return None
    want = label.lower()
    found = {m.canonical: m for m in mentions if m.label in SPEAKER_LABELS and (
        m.canonical.lower() == want or
        m.label == "PERSON" and " " in m.canonical and m.canonical.lower().split()[-1] == want)}
    return next(iter(found.values())) if len(found) == 1 else None


def parenthetical_content(cue: Token, subj: Token, idx: Index) -> list[tuple[int, int]] | None:
    """'The museum, Mr. Bush said, celebrated his heroes.' / 'Lenox was a juggernaut, Mr.
    Clarke said, until it went bankrupt.' / '..., Graham said.': a reporting verb with no
    clause of its own, set off by commas, reports the rest of its sentence (one span on each
    side of the attribution when it stands in the middle); quoted words in it are a mixed quote
    (rules.attributed), not reported speech."""
    spans = parenthetical_parts(cue, subj, idx)
    if spans is None:
        return None
    words = sum(len(idx.text[s:e].split()) for s, e in spans)
    if words < MIN_PARENTHETICAL_WORDS or any(idx.in_quote(s) for s, _ in spans):
        return None
    return spans
