"""The rules that turn quotation-mark spans into attributions, as an explicit ordered list.

Every span goes down ``DIRECT_RULES`` until one disposes of it (its ``Outcome``): joined to the
quote before, extending a mixed quote, dropped, or kept with its attribution. The order is the
precedence: a split quote's second half is joined before anything else looks at it, a cue found
in the parse beats the weaker evidence of a colon, a dash signature or a preceding speaker, and
so on. Then ``PASSES`` run in order over all the quotes: indirect speech (indirect.py) fills in
what the marks did not cover, floating paragraphs take the voice before them, unsigned documents
speak for the speaker before, quotes with no cue of their own continue the speaker before them
(speakers.continue_speakers), and every speaker is resolved against the article's cast (cast.py).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from spacy.tokens import Doc, Span, Token

from tasks.nlp.gender import gender_of_name
from tasks.nlp.names import ORG_WORDS, clean_name, fullest_name, initials, whole_word_positions
from tasks.nlp.quotes.cast import resolve_speakers
from tasks.nlp.quotes.cues import colon_attribution, find_cue, within_clause
from tasks.nlp.quotes.indirect import indirect_quotes
from tasks.nlp.quotes.lexicons import (
    CHARACTERISE_VERBS,
    DEMONSTRATIVES,
    DOCUMENT_NOUNS,
    ISSUING_VERBS,
    NAMING_VERBS,
    ORG_NOUNS,
    WORDING_VERBS,
)
from tasks.nlp.quotes.marks import (
    DASH_LINE,
    DASH_NAME,
    HANDLE_MARKS,
    SIGNED_LINE,
    SIGNED_NEXT_LINE,
    after_mark,
    looks_like_title,
    opens_paragraph,
    paragraph_start,
    previous_paragraph,
    quote_mark_spans,
)
from tasks.nlp.quotes.mixed import after_cue, around_attribution, mixed_clause
from tasks.nlp.quotes.model import Mention, Quote
from tasks.nlp.quotes.parse import Index, TokenArrays, according_to, capitalised, own_clause
from tasks.nlp.quotes.people import is_role_noun
from tasks.nlp.quotes.speakers import (
    attribute,
    attribute_to_owner,
    continue_speakers,
    speech_owner,
)
from tasks.nlp.quotes.thresholds import (
    FLOATING_QUOTE_CHARS,
    MARK_SLACK_CHARS,
    MIN_UNATTRIBUTED_WORDS,
    MIXED_EXTRA_WORDS,
)


class Outcome(StrEnum):
    """What a rule did with a span: left it to the next rule, or disposed of it."""

    PASS = "pass"  # not this rule's: the next rule looks
    KEPT = "kept"  # a quote of its own
    JOINED = "joined"  # the second half of the quote before (a split quote)
    EXTENDED = "extended"  # a fragment that lengthens the mixed quote it sits in
    DROPPED = "dropped"  # not speech: a title, a scare quote


@dataclass
class Reading:
    """An article as the rules read it: its parse and the quotes kept so far. The rules change
    the quotes only through ``keep``, ``join`` and ``extend``."""

    doc: Doc
    text: str
    idx: Index
    mentions: list[Mention]
    starts: list[int]
    quotes: list[Quote] = field(default_factory=list)
    used_cues: dict[int, Quote] = field(default_factory=dict)  # cue token -> the quote it cues
    names: bool = True  # a he or she never resolves to a person whose first name says otherwise

    @functools.cached_property
    def surnames(self) -> frozenset[str]:
        """The last words of the article's full person names, worked out once per article."""
        return surnames_of(self.mentions)

    def keep(self, q: Quote) -> Outcome:
        self.quotes.append(q)
        return Outcome.KEPT

    def join(self, first: Quote, second: Quote) -> Outcome:
        """The second half of a split quote joins the first."""
        first.spans.extend(second.spans)
        return Outcome.JOINED

    def extend(self, mixed: Quote, end: int) -> Outcome:
        """A quoted fragment inside a mixed quote's clause lengthens its last span to ``end``."""
        s0, e0 = mixed.spans[-1]
        mixed.spans[-1] = (s0, max(e0, end))
        return Outcome.EXTENDED


@dataclass
class Candidate:
    """One quotation-mark span and what every rule looks at: its cue and subject in the parse,
    its length, whether it reads as a title, and the quote kept before it."""

    q: Quote
    cue: Token | None
    subj: Token | None
    words: int
    title: bool
    prev: Quote | None

    @property
    def start(self) -> int:
        return self.q.start

    @property
    def end(self) -> int:
        return self.q.end


def second_half_of_split(c: Candidate, a: Reading) -> Outcome:
    """'"...," X said. "..."': the previous quote's cue sits between the two halves in one
    paragraph, and this half has no later cue of its own: it joins the previous quote."""
    prev = c.prev
    if prev is None or prev.cue_span is None or c.title:
        return Outcome.PASS
    if not (prev.end <= prev.cue_span[0] < c.start and "\n" not in a.text[prev.end : c.start]):
        return Outcome.PASS
    if c.cue is not None and c.cue.i != prev.evidence.cue_token:
        return Outcome.PASS
    return a.join(prev, c.q)


def title_without_cue(c: Candidate, a: Reading) -> Outcome:
    """'on "Fox News Sunday"' with nothing reporting it: a title, not speech."""
    return Outcome.DROPPED if c.cue is None and c.title else Outcome.PASS


def colon_introduced(c: Candidate, a: Reading) -> Outcome:
    """'Trump issued the following statement: "..."': the clause before a colon attributes it."""
    if c.cue is not None:
        return Outcome.PASS
    lead = colon_attribution(c.start, a.idx)
    if lead is None:
        return Outcome.PASS
    attribute(c.q, lead[0], lead[1], a.mentions, a.starts, a.idx, a.quotes)
    return a.keep(c.q)


def dash_signature(c: Candidate, a: Reading) -> Outcome:
    """'"..." ― Pamela Padilla': a name after a dash signs the quote, on the quote's line or
    as a line of its own under it ('"..."\n\n- Hillary Clinton.', as fact-checks and
    round-ups print a claim) when it names one of the article's people; so does a person's
    name and outlet with no dash closing the line of a quote opening its paragraph, or on a
    line of its own under it ('"..." James Downie, Washington Post', as round-ups of opinion
    print each excerpt). Signed by no person the article names ('"..." Editorial Board, Los
    Angeles Times'), the words are someone else's, not the voice before them going on."""
    if c.cue is not None:
        return Outcome.PASS
    found = signature(c, a)
    if found is None:
        return Outcome.PASS
    m, person = found
    q = c.q
    q.speaker_rule = "dash-signature"
    if not person:
        q.speaker_span, q.speaker_text = (m.start(1), m.end(1)), m.group(1)
        return a.keep(q)
    name = m.group(1)
    if name.endswith(".") and len(name.split()[-1]) > 2:
        name = name[:-1]  # the sentence's full stop, not an initial's ('- Hillary Clinton.')
    q.speaker_span = (m.start(1), m.start(1) + len(name))
    q.speaker_text = name
    people = [mm.canonical for mm in a.mentions if mm.label == "PERSON"]
    q.speaker, q.speaker_label = fullest_name(clean_name(name), people), "PERSON"
    return a.keep(q)


def signature(c: Candidate, a: Reading) -> tuple[re.Match[str], bool] | None:
    """The signature after a quote (its name is group 1) and whether a person of the article
    signs it; None when there is none (dash_signature)."""
    text = a.text
    m = DASH_NAME.match(text, after_mark(text, c.end))
    if m:
        return m, True
    j = c.end
    while j < len(text) and text[j] in ".,!?;…":
        j += 1  # (the quote's own closing punctuation, when its span stops before it)
    at = after_mark(text, j)
    m = DASH_LINE.match(text, at)
    if m:
        return (m, True) if names_someone(m.group(1), m.start(1), a.mentions) else None
    if not opens_paragraph(text, c.start):
        return None  # (not 'he tossed in a "lyin'" Ted Cruz.')

    def person(m: re.Match[str]) -> bool:
        return any(mm.label == "PERSON" and mm.start == m.start(1) for mm in a.mentions)

    m = SIGNED_LINE.match(text, at)
    if m:
        return m, person(m)
    m = SIGNED_NEXT_LINE.match(text, at)
    return (m, True) if m and person(m) else None


def names_someone(name: str, start: int, mentions: list[Mention]) -> bool:
    """Whether a name written at ``start`` is a person's in the article's mentions, or ends
    with the last word of a name the article gave a person or a body (the NER reads a
    councillor as an ORG now and then): a signature line, not a dashed list item."""
    end = start + len(name)
    if any(m.label == "PERSON" and m.start < end and start < m.end for m in mentions):
        return True
    last = name.rstrip(".").split()[-1]
    return any(m.label in ("PERSON", "ORG") and m.canonical.split()[-1:] == [last]
               for m in mentions)


def floating_paragraph(c: Candidate, a: Reading) -> Outcome:
    """A paragraph that is all quote, soon after a quote with a speaker, continues that speaker."""
    prev = c.prev
    if c.cue is not None or prev is None or not prev.speaker or \
            c.start - prev.end >= FLOATING_QUOTE_CHARS:
        return Outcome.PASS
    if not opens_paragraph(a.text, c.start):
        return Outcome.PASS  # words before the mark: the quote does not open its paragraph
    q = c.q
    q.speaker, q.speaker_label = prev.speaker, prev.speaker_label
    q.speaker_rule = "floating-paragraph"
    q.speaker_span, q.speaker_text = prev.speaker_span, prev.speaker_text
    q.evidence.floats = "continues"  # (refloat may hand it to the voice of the paragraph before)
    return a.keep(q)


def person_subject(sent: Span, surnames: frozenset[str] = frozenset()) -> Token | None:
    """The subject of a sentence's main verb when it is a person: a name, one of the article's
    people's surnames the NER missed there ('Durning did not need much coaxing'), or he/she."""
    subj = next((t for t in sent.root.children if t.dep_ == "nsubj"), None)
    return subj if subj is not None and (subj.ent_type_ == "PERSON" or subj.text in surnames or
                                         subj.lower_ in ("he", "she")) else None


def surnames_of(mentions: list[Mention]) -> frozenset[str]:
    """The last words of the article's full person names."""
    return frozenset(m.canonical.split()[-1] for m in mentions
                     if m.label == "PERSON" and len(m.canonical.split()) > 1)


CREDIT_WORDS = frozenset("and of the by for photo photograph file courtesy credit handout".split())


# what a person's name may open with before a capital of its own: 'McCain', 'MacKenzie',
# 'DeSantis', 'LeBron', 'DiCaprio', 'JaVale', 'VanderWaal', 'FitzGerald', 'ElBaradei'
NAME_PARTICLES = frozenset("mc mac de di da du la le lo van vander vanden von fitz ja ke ta "
                           "sha el al ben bin abu st".split())


def written_as_a_brand(word: str) -> bool:
    """A capital inside one word after lower-case letters ('SpaceX', 'YouTube', 'PayPal',
    'WhatsApp') is how companies and products write their names, and no person's, except
    after a particle ('McCain', 'DeSantis', 'LeBron')."""
    for k in range(1, len(word)):
        if word[k].isupper() and word[k - 1].islower():
            return word[0].isupper() and word[:k].lower() not in NAME_PARTICLES
    return False


def missed_surnames(doc: Doc, mentions: list[Mention], text: str,
                    starts: list[int] | None = None) -> list[Mention]:
    """A person's surname written alone that the NER tagged as nothing, or as an organisation
    it tags nowhere else: a mention of the one full name of the article ending in it
    ('Republican Troy Balderson ... Democrat Danny O'Connor', then 'Balderson and Republicans
    claimed victory, but O'Connor did not concede. "We are in a tie ballgame," he told
    supporters', with O'Connor tagged ORG there: the he is O'Connor, not Balderson). Returns
    the mentions to use: those tagged so replaced, those missed added. Only where the word
    acts in its sentence (ACTING_DEPS: not 'an O'Connor supporter', not 'Young voters'), and
    not after # or @; a surname two full names share names no one. The lone surnames the NER
    did tag keep the name it gave them."""
    people: dict[str, set[str]] = {}
    body_words: dict[str, int] = {}  # words of a non-person mention: how many mentions
    for m in mentions:
        words = text[m.start : m.end].split()
        if m.label != "PERSON":
            for w in words:
                body_words[w] = body_words.get(w, 0) + 1
        elif len(words) >= 2 and not any(w.endswith(("'s", "’s")) for w in words):
            people.setdefault(words[-1], set()).add(m.canonical)
    sole = {w: next(iter(c)) for w, c in people.items() if len(c) == 1}
    for m in mentions:  # the name the surname got where the NER tagged it alone, if it did
        if m.label == "PERSON" and text[m.start : m.end] in sole:
            sole[text[m.start : m.end]] = m.canonical
    if not sole:
        return mentions
    # (the surnames' few tokens looked up, not every token made; ``starts``: Index.starts)
    offsets = doc.to_array("IDX").tolist() if starts is None else starts

    def token(char: int) -> Token | None:
        return token_starting_at(doc, offsets, char)

    out = []
    for m in mentions:
        written = text[m.start : m.end]
        if m.label == "ORG" and written in sole and body_words.get(written) == 1 and \
                (tok := token(m.start)) is not None and tok.dep_ in ACTING_DEPS:
            m = Mention(m.start, m.end, "PERSON", sole[written])
        out.append(m)
    for word, name in sole.items():
        if word in body_words or not word[:1].isupper() or word.isupper():
            continue
        at = text.find(word)
        while at >= 0:  # (a text search: a pattern per surname compiles per article)
            here, at = at, text.find(word, at + 1)
            end = here + len(word)
            before, after = text[here - 1 : here] if here else "", text[end : end + 1]
            if before.isalnum() or before in ("_", "#", "@") or after.isalnum() or after == "_":
                continue  # within a word, or a hashtag or handle
            t = token(here)
            if t is not None and t.text == word and t.ent_iob_ == "O" and \
                    t.dep_ in ACTING_DEPS:
                out.append(Mention(t.idx, t.idx + len(word), "PERSON", name))
    return out


INITIALS = re.compile(r"\b[A-Z]{3,6}\b")


def missed_initials(doc: Doc, mentions: list[Mention], text: str,
                    starts: list[int] | None = None) -> list[Mention]:
    """An organisation's initials where the NER tagged nothing, though it tags the same
    initials as an organisation elsewhere in the article, or tags the organisation whose name
    they are the initials of: 'EDC declined to answer ... "...," it said in a statement', with
    this 'EDC' untagged and the nearest organisation the subject of nothing. A mention of that
    organisation wherever they act in their sentence (ACTING_DEPS), so an 'it' can go back to
    it. Three letters or more, as the tagged initials' expansion (quotes-73)."""
    covered = {m.start for m in mentions}
    orgs = [m for m in mentions if m.label == "ORG"]
    known = {i: m.canonical for m in orgs if len(i := initials(m.canonical)) >= 3}
    known.update((text[m.start : m.end], m.canonical) for m in orgs)
    if not known:
        return []
    if starts is None:
        starts = doc.to_array("IDX").tolist()
    out: list[Mention] = []
    found = sorted((at, word) for word in known if INITIALS.fullmatch(word)
                   for at in whole_word_positions(word, text))  # (the few it knows, not a scan)
    for at, word in found:
        if at in covered:
            continue
        t = token_starting_at(doc, starts, at)
        if t is not None and t.text == word and t.dep_ in ACTING_DEPS:
            out.append(Mention(t.idx, t.idx + len(word), "ORG", known[word]))
    return out


def token_starting_at(doc: Doc, starts: list[int], char: int) -> Token | None:
    """The token that starts at character ``char`` (``starts``: each token's first character),
    or None: a few tokens looked up without a Token made for every word."""
    t = doc[max(0, bisect.bisect_right(starts, char) - 1)]
    return t if t.idx == char else None


# where a surname alone stands as a person (not 'an Obama supporter', 'the Ford plant')
ACTING_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "poss", "appos", "conj"})


def handle(m: Mention, text: str) -> bool:
    """A hashtag or an account's handle ('#UneBougiePourParis', '@NYGovCuomo'): no one of the
    story, whatever the NER took it for."""
    return not HANDLE_MARKS.isdisjoint(text[max(0, m.start - 1) : m.start + 1])


# photo and news agencies a picture credit names beside the photographer
PHOTO_AGENCIES = r"(?:Getty Images|Getty|AP|AP Photo|Associated Press|AFP|Agence France-Presse|" \
    r"Reuters|EPA|EPA-EFE|PA|PA Images|PA Wire|DPA|Xinhua|Yonhap|Kyodo|Shutterstock|Bloomberg|" \
    r"NurPhoto|Sipa|ZUMA|Alamy|Canadian Press|THE CANADIAN PRESS|NPR|Corbis|Pool)"
_AFTER_AGENCY = re.compile(r"\s?/\s?" + PHOTO_AGENCIES + r"\b")
_BEFORE_AGENCY = re.compile(PHOTO_AGENCIES + r"(?: Photo)?\s?/\s?$")


def photo_credit(m: Mention, text: str) -> bool:
    """A photographer's credit beside a picture ('Brendan Smialowski/Getty Images', 'AP
    Photo/Evan Vucci'): page furniture, not one of the story's people, though a caption puts
    it next to the paragraph that follows."""
    slash = text.find("/", m.start, m.end + 2)  # (the NER may take the slash in: 'X/Getty')
    return slash >= 0 and _AFTER_AGENCY.match(text, slash) is not None or \
        "/" in text[max(0, m.start - 2) : m.start] and \
        _BEFORE_AGENCY.search(text, max(0, m.start - 40), m.start) is not None


def in_credit_line(m: Mention, text: str) -> bool:
    """A mention in a photo credit: a paragraph that is all parenthesis, or a parenthesis that
    ends a caption's paragraph and holds only names ('... at Windsor station. ( Library and
    Archives Canada )', '(THE CANADIAN PRESS/Jane Roe)'): page furniture, not the story's cast."""
    start = text.rfind("\n", 0, m.start) + 1
    end = text.find("\n", m.end)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1].isspace():
        end -= 1
    if end == start or text[end - 1] != ")":
        return False  # (both kinds end their paragraph on the parenthesis: most do not)
    para = text[start:end]
    if para.lstrip().startswith("(") and para.endswith(")"):
        return True
    opening, closing = text.rfind("(", start, m.start), text.find(")", m.end)
    if opening < 0 or closing != start + len(para) - 1:
        return False  # not in a parenthesis that closes the paragraph
    inside = text[opening + 1 : closing].replace("/", " ").split()
    return bool(inside) and all(w[:1].isupper() or w.lower() in CREDIT_WORDS for w in inside)


def after_its_speaker(c: Candidate, a: Reading) -> Outcome:
    """'Sen. Bernie Sanders identified young voters' exhaustion as one reason. "The younger
    people are ..."': a quote with no cue that follows, in its paragraph, a sentence whose
    subject is a person is that person's (news introduces the speaker, then quotes them)."""
    if c.cue is not None or c.words < MIN_UNATTRIBUTED_WORDS:
        return Outcome.PASS
    para = paragraph_start(a.text, c.start)
    first = a.idx.sent_of(a.idx.token_at(c.start))
    if first == 0:
        return Outcome.PASS
    before = a.idx.sents[first - 1]
    if a.text[before.start_char : para].strip(" \t\n\"“”'’`«»") or \
            a.text[before.end_char : c.start].strip(" \t\"“'`«"):
        return Outcome.PASS  # not the sentence right before it in its paragraph
    subj = person_subject(before, a.surnames)
    if subj is None:
        return Outcome.PASS
    attribute(c.q, None, subj, a.mentions, a.starts, a.idx, a.quotes)
    return a.keep(c.q)


def refloat(quotes: list[Quote], a: Reading) -> list[Quote]:
    """A floating paragraph belongs to whoever the paragraph before it gives the floor: the
    issuer of a statement or letter that paragraph ends on (issued_document), else the
    speaker of reported speech there ('Brooks said he obtained housing'; the direct quotes the
    rules saw first may lie further back), else a person that paragraph ends on as its subject
    ('Mary Nicholson ... agreed with Williamson's approach.'), news's way of introducing the
    next voice in a run of quotes (a paragraph of quote with no voice before it takes only
    speech). Runs once indirect speech is known (quotes in text order)."""
    latest: Quote | None = None
    for q in quotes:
        if q.evidence.floats:
            para = paragraph_start(a.text, q.start)
            before = previous_paragraph(a.text, q.start)
            last = a.idx.sents[a.idx.sent_of(a.idx.token_at(max(before, para - 2)))]
            issuer = issued_document(last, a.idx) if last.start_char >= before else None
            if issuer is not None and (latest is None or not latest.speaker or
                                       latest.end <= last.start_char):
                # 'the DNC issued a statement apologizing ...' ends the paragraph before: the
                # statement follows, whatever was reported before it
                attribute(q, None, issuer, a.mentions, a.starts, a.idx, quotes)
                q.speaker_rule = "issued-document"
            elif latest is not None and latest.end > before and \
                    latest.speaker_span != q.speaker_span and latest.speaker:
                q.speaker, q.speaker_label = latest.speaker, latest.speaker_label
                q.speaker_rule = "refloat"
                q.speaker_span, q.speaker_text = latest.speaker_span, latest.speaker_text
            elif q.evidence.floats == "continues" and (latest is None or latest.end <= before):
                subj = person_subject(last, a.surnames)
                if last.start_char >= before and subj is not None and not a.idx.in_quote(subj.idx):
                    attribute(q, None, subj, a.mentions, a.starts, a.idx, quotes)
        if q.speaker_span is not None:
            latest = q
    return quotes


def issued_document(sent: Span, idx: Index) -> Token | None:
    """'The DNC issued a statement apologizing to Sanders for the emails.' ending the paragraph
    before a paragraph that is all quote: the quote is the statement, the issuer's words. The
    subject of the verb that issued, released, published, posted or sent a document, when it
    names someone (a name, an organisation) or is a he or she (attribute resolves it)."""
    for tok in sent:
        if tok.dep_ != "dobj" or tok.lower_ not in DOCUMENT_NOUNS or \
                tok.head.lower_ not in ISSUING_VERBS or idx.in_quote(tok.idx):
            continue
        subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and (subj.lower_ in ("he", "she") or subj.ent_type_ in (
                "PERSON", "ORG", "NORP") or capitalised(subj)):
            return subj
    return None


def unsigned_documents(quotes: list[Quote], a: Reading) -> list[Quote]:
    """'Gatsby said its programs director was among those killed. A statement said ...': a
    document no one is said to have issued speaks for whoever spoke just before it in its
    paragraph (quotes in text order, indirect speech included)."""
    for k, q in enumerate(quotes):
        if q.speaker is not None or q.evidence.speaker_head is None:
            continue
        head = a.doc[q.evidence.speaker_head]
        if head.lower_ not in DOCUMENT_NOUNS or any(
                c.dep_ in ("poss", "compound", "prep") for c in head.children) or not any(
                c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children):
            continue
        para = paragraph_start(a.text, head.idx)
        before = next((r for r in reversed(quotes[:k]) if r.end <= head.idx and r.speaker), None)
        if before is not None and before.speaker_span is not None and \
                before.speaker_span[0] >= para:
            q.speaker, q.speaker_label = before.speaker, before.speaker_label
            q.speaker_rule = "unsigned-document"
    return quotes


def scare_quote(c: Candidate, a: Reading) -> Outcome:
    """A short quoted phrase with no cue is a scare quote or a name, not speech."""
    return Outcome.DROPPED if c.cue is None and c.words < MIN_UNATTRIBUTED_WORDS else Outcome.PASS


def unattributed(c: Candidate, a: Reading) -> Outcome:
    """Longer speech with no cue is kept without a speaker (refloat or continue_speakers may
    give one: a paragraph that is all quote is marked as floating)."""
    if c.cue is not None:
        return Outcome.PASS
    if opens_paragraph(a.text, c.start):
        c.q.evidence.floats = "opens"
    return a.keep(c.q)


def fragment_of_mixed(c: Candidate, a: Reading) -> Outcome:
    """A second quoted fragment inside a clause already taken as a mixed quote extends it:
    'described the visit as a "landmark event" that "reaffirms ..."'."""
    assert c.cue is not None
    prev = c.prev
    earlier = a.used_cues.get(c.cue.i)
    if prev is not None and prev.quote_type == "mixed" and prev.evidence.cue_token is not None and \
            "\n" not in a.text[prev.end : c.start] and \
            within_clause(a.doc[prev.evidence.cue_token], c.start, c.end):
        earlier = prev
    if earlier is None or earlier.quote_type != "mixed" or earlier.start > c.start or \
            not (c.end <= earlier.end + MARK_SLACK_CHARS or earlier is prev):
        return Outcome.PASS
    return a.extend(earlier, c.end)


def in_the_source(cue: Token, start: int, end: int) -> bool:
    """Whether quoted words stand inside the source an 'according to' names ('According to her
    "clawback" plan, firms must repay ...'): a name or a label of the source, not what it says
    (the sentence's rest is the attribution, indirect.according_to_content)."""
    source = according_to(cue)
    if source is None:
        return False
    # (up to the source's own noun: the parser may hang the rest of the sentence on it)
    return source.left_edge.idx <= start and end <= source.idx + len(source.text)


def attributed(c: Candidate, a: Reading) -> Outcome:
    """A span with a cue: direct speech, or a mixed quote of the clause around it when the
    clause is longer or the cue characterises or names. A judging verb cues only the fragment it
    governs, and a programme's title is not words ('said on WKRT's "Morning Line"')."""
    cue, q = c.cue, c.q
    assert cue is not None
    if in_the_source(cue, c.start, c.end):
        return Outcome.DROPPED  # 'According to her "clawback" plan, ...': the source's name
    attribute(q, cue, c.subj, a.mentions, a.starts, a.idx, a.quotes)
    # ('used the phrase "..."': the quoted words are the wording itself, not part of a report)
    clause = None if cue.lower_ in WORDING_VERBS else \
        mixed_clause(cue, c.start, c.end, a.idx) or after_cue(cue, c.start, c.end, a.idx)
    characterises = cue.lower_ in CHARACTERISE_VERBS
    around = around_attribution(cue, c.subj, q.spans, a.idx)
    if around is not None:
        q.spans = around
        q.quote_type = "mixed"
    elif clause is not None and (len(a.text[clause[0] : clause[1]].split()) >= c.words + MIXED_EXTRA_WORDS
                               or characterises
                               or cue.lower_ in NAMING_VERBS and cue.idx < c.start):
        q.spans = [clause]
        q.quote_type = "mixed"
    elif c.title or characterises:
        return Outcome.DROPPED
    if c.title and q.quote_type == "mixed" and cue.lower_ not in NAMING_VERBS:
        return Outcome.DROPPED
    a.used_cues[cue.i] = q
    return a.keep(q)


# In order; the first rule that does not PASS has disposed of the span.
DIRECT_RULES: tuple[Callable[[Candidate, Reading], Outcome], ...] = (
    second_half_of_split,
    title_without_cue,
    colon_introduced,
    dash_signature,
    floating_paragraph,
    after_its_speaker,
    scare_quote,
    unattributed,
    fragment_of_mixed,
    attributed,
)


def with_indirect_speech(quotes: list[Quote], a: Reading) -> list[Quote]:
    """Reported speech, beliefs and stances outside the marks (indirect.py), all in text order."""
    found = quotes + indirect_quotes(a.doc, a.idx, quotes, a.mentions, a.starts)
    return sorted(found, key=lambda q: q.start)


EMBEDDING_SUBJECT_DEPS = ("nsubj",)
NOT_SPEAKERS = DEMONSTRATIVES | {"it", "who"}


def embedding_subjects(quotes: list[Quote], a: Reading) -> list[Quote]:
    """Quoted words with no cue, set inside a sentence whose main clause a person, a body or a
    role ('officials') is the subject of, are that subject's: 'Washington thanked Obama for
    "taking these steps"', 'Beck described Trump as "a narcissist"'. Not a quote that opens its
    sentence, nor a subject that is no one ('it', 'this') or stands inside another quote. On
    PolNeAR train, which it was not tuned on, it lifts direct+mixed speaker mention accuracy
    from 0.911 to 0.919."""
    for q in quotes:
        if q.speaker_span is not None or q.cue is not None or q.quote_type != "direct":
            continue
        first = a.idx.token_at(q.start)
        tok = a.doc[first]
        sent = tok.sent
        before = [t for t in a.doc[sent.start : tok.i] if t.is_alpha]
        if len(before) < 2 or opens_paragraph(a.text, q.start):
            continue  # (a quote opening its paragraph opens its sentence, whatever the parse)
        owner = speech_owner(tok, a.idx)
        if owner is not None:
            # 'cheered Marsh's vow to "..."': the words are the vow's owner's, not the cheering
            # subject's
            attribute_to_owner(q, owner, a.mentions, a.starts, a.idx)
            continue
        root = sent.root
        subj = next((c for c in root.children if c.dep_ in EMBEDDING_SUBJECT_DEPS), None)
        if subj is None or subj.i >= tok.i or subj.lower_ in NOT_SPEAKERS or not (
                subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or subj.text[:1].isupper()
                or subj.lower_ in ("he", "she", "they", "i", "we")
                or is_role_noun(subj.lower_.removesuffix("s"))):  # 'officials discussed ...'
            continue
        if any(o.start <= subj.idx < o.end for o in quotes):
            continue  # someone else's words
        attribute(q, None, subj, a.mentions, a.starts, a.idx)
        if q.speaker_span is not None:
            q.speaker_rule = "embedding-subject"
    return quotes


def continuing_speakers(quotes: list[Quote], a: Reading) -> list[Quote]:
    """A quote with no cue after someone's reported speech continues it (speakers.py)."""
    continue_speakers(quotes, a.text)
    return quotes


def cast_speakers(quotes: list[Quote], a: Reading) -> list[Quote]:
    """Each speaker resolved against the article's cast (cast.py): names, he/she, roles."""
    resolve_speakers(quotes, a.mentions, a.idx, names=a.names)
    return quotes


# After the marked spans, in order: each pass takes every quote so far, in text order from the
# first pass on, and returns them.
# A line a web page puts between paragraphs to send the reader to another story or a video
# ('READ MORE: Mayor says ...', 'WATCH: ...'): its words are that story's headline, not this
# article's statements. Written in capitals, as the pages write them.
LINK_LINE = re.compile(r"[ \t]*(?:READ MORE|ALSO READ|READ ALSO|WATCH(?: BELOW| LIVE)?|"
                       r"RELATED(?: STORIES| STORY| ARTICLES?)?|SEE ALSO|MORE FROM|LISTEN|"
                       r"CLICK HERE|SIGN UP|SUBSCRIBE)\b")


def not_in_link_lines(quotes: list[Quote], a: Reading) -> list[Quote]:
    """Drop what a link line ('READ MORE: ...', 'WATCH: ...') says: another story's headline,
    when the quote or its cue lies in the line (the parser may run the line into the
    paragraph after it, whose own '"...," Kaine said' stays)."""
    text = a.text

    def link_line(char: int) -> tuple[int, int] | None:
        start = text.rfind("\n", 0, char) + 1
        if not LINK_LINE.match(text, start):
            return None
        end = text.find("\n", char)
        return start, len(text) if end < 0 else end

    out = []
    for q in quotes:
        line = link_line(q.start)
        at = q.cue_span[0] if q.cue_span is not None else q.start
        if line is not None and (q.end <= line[1] or line[0] <= at < line[1]):
            continue
        out.append(q)
    return out


PASSES: tuple[Callable[[list[Quote], Reading], list[Quote]], ...] = (
    with_indirect_speech,
    not_in_link_lines,
    refloat,
    unsigned_documents,
    embedding_subjects,
    continuing_speakers,
    cast_speakers,
)


def not_a_person(m: Mention, text: str, neuter: frozenset[str] = frozenset()) -> Mention:
    """A PERSON mention of a body (Mention.names_a_body), or of a name the article itself calls
    'it' (``neuter``), is an organisation for the quote rules, so no he or she resolves to it."""
    return Mention(m.start, m.end, "ORG", m.canonical) if m.label == "PERSON" and (
        m.names_a_body(text) or m.canonical in neuter) else m


_CALLED = frozenset({"he", "she", "his", "her", "him", "its"})


def called_it(doc: Doc, mentions: list[Mention], idx: Index) -> frozenset[str]:
    """One-word PERSON names the article refers back to with 'its' in the name's own clause and
    never with a personal pronoun ('Yukos has asked a court to stop the sale of its main unit').
    The small model tags many a company's name as a person; the article's own pronoun says what
    it is. A name of two words or more (a first name and a surname) is left a person, and an
    'its' under another subject ('McCallum said the city cut its budget') is the other's."""
    it, personal = set(), set()
    pronouns: list[int] | None = None  # where the article has the words below (looked up once)
    # a word the article also writes as the surname of a full name is that person's
    surnames = surnames_of(mentions)
    for m in mentions:
        if m.label != "PERSON" or idx.in_quote(m.start) or m.canonical in surnames:
            continue
        head = doc[idx.token_at(m.end - 1)]
        if (any(c.dep_ == "appos" and c.lower_ in ORG_NOUNS for c in head.children) or
                any(w in ORG_WORDS for w in m.canonical.lower().split()[1:])) and \
                gender_of_name(m.canonical) is None:
            # 'Ardent Software, a small firm in Dublin'; 'Harbour Trust': what the article
            # calls it, or its own last words, make it an organisation, unless it opens with a
            # person's first name ('Tareq Hadad, ..., a chocolate company': the parse's slip)
            it.add(m.canonical)
            continue
        if " " in m.canonical.strip():
            continue
        if written_as_a_brand(m.canonical.strip()):
            it.add(m.canonical)  # 'SpaceX', 'YouTube': no person's name is written so
            continue
        if head.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = head.head
        if pronouns is None:
            pronouns = idx.tokens_of(_CALLED)
        lo = bisect.bisect_right(pronouns, head.i)
        if lo == len(pronouns) or pronouns[lo] > verb.right_edge.i:
            continue  # (no such word after the name in the clause's reach: no walk)
        for t in verb.subtree:
            if t.i <= head.i or idx.in_quote(t.idx):
                continue
            word = t.lower_
            if word in ("he", "she", "his", "her", "him"):
                personal.add(m.canonical)
            elif word == "its" and t.dep_ == "poss" and own_clause(t, verb):
                it.add(m.canonical)
    return frozenset(it - personal)



def extract_quotes(doc: Doc, mentions: list[Mention], text: str | None = None,
                   sents: Sequence[Span] | None = None, names: bool = True,
                   arrays: TokenArrays | None = None) -> list[Quote]:
    """All attributions in a parsed article, in text order (pass doc.text and list(doc.sents)
    if already computed: both walk the whole Doc). ``names``: first names' gender may keep a
    he or she from a person (the gender_from_names setting)."""
    text = doc.text if text is None else text
    marks = quote_mark_spans(text)
    idx = Index(doc, text, marks, sents, arrays)
    neuter = called_it(doc, mentions, idx)
    mentions = sorted((not_a_person(m, text, neuter)
                       for m in missed_surnames(doc, mentions, text, idx.starts)
                       + missed_initials(doc, mentions, text, idx.starts)
                       if not in_credit_line(m, text) and not handle(m, text) and
                       not photo_credit(m, text)),
                      key=lambda m: m.start)
    a = Reading(doc, text, idx, mentions, [m.start for m in mentions], names=names)
    for frags in marks:
        q = Quote(spans=list(frags), quote_type="direct")
        cue, subj = find_cue(doc, a.idx, q.start, q.end)
        c = Candidate(q, cue, subj, words=len(text[q.start : q.end].split()),
                      title=len(frags) == 1 and looks_like_title(text, q.start, q.end),
                      prev=a.quotes[-1] if a.quotes else None)
        for rule in DIRECT_RULES:
            if rule(c, a) is not Outcome.PASS:
                break
    quotes = a.quotes
    for step in PASSES:
        quotes = step(quotes, a)
    return quotes


def quote_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The quote's words: its fragments joined by an ellipsis."""
    return " … ".join(" ".join(text[s:e].split()) for s, e in spans)  # runs of space as one
