"""Pass 2, cues: the reporting verb (or "according to", or the clause before a colon) that
attributes a quotation, and the subject that speaks it, as the parse gives them or as written
next to the marks when the parse missed them."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

from tasks.nlp.quotes.lexicons import (
    ARTICLES,
    CHARACTERISE_VERBS,
    CIRCUMSTANCE_PREPS,
    DETERMINERS,
    FRAMING_PREPS,
    NAMING_VERBS,
    ORG_NOUNS,
    PHRASAL_CUES,
    PHRASAL_HEADS,
    PRONOUNS,
    PUT_IT,
    RELATIVES,
    REPORTING_VERBS,
    ROLE_NOUNS,
    WORDING_NOUNS,
    WORDING_VERBS,
)
from tasks.nlp.quotes.marks import after_mark
from tasks.nlp.quotes.parse import (
    DEP,
    SUBJECT_DEPS,
    Index,
    according_to,
    capitalised,
    np_head,
    subject,
    word_hashes,
)
from tasks.nlp.quotes.thresholds import (
    COLON_CLAUSE_TOKENS,
    MARK_SLACK_CHARS,
    OPENING_CUE_TOKENS,
    SHORT_SENTENCE_TOKENS,
    SIGNING_SUBJECT_TOKENS,
    SPEAKER_AFTER_CUE_TOKENS,
    SPEAKER_GAP_TOKENS,
)

# Punctuation that ends the run of words a speaker's name may occupy next to a quote.
GAP_STOP = frozenset('.!?;"“”«»')

NOT_VERB_DEPS = frozenset({"amod", "compound", "nsubj", "dobj", "pobj", "nsubjpass"})


def is_cue(tok: Token, idx: Index | None = None) -> bool:
    """A reporting verb (or 'put it', or a phrasal cue) that is not negated. With ``idx``, a
    negation inside quotation marks is the quoted words' ('"Absolutely not," Trump said': the
    parser hangs the quote's 'not' on 'said'), not the verb's."""
    word = tok.lower_
    if word in PUT_IT and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children):
        return True  # 'as the prosecutor put it, "..."'
    if word not in REPORTING_VERBS and (word not in PHRASAL_HEADS or not any(
            c.dep_ in ("prt", "advmod") and (word, c.lower_) in PHRASAL_CUES
            for c in tok.children)):
        return False
    return (tok.dep_ not in NOT_VERB_DEPS or any(c.dep_ == "nsubj" for c in tok.children)) and \
        not negated(tok, idx)  # "did not mention" reports nothing


def negated(verb: Token, idx: Index | None = None) -> bool:
    """The verb has a negation of its own (one inside quotation marks is the quote's, with
    ``idx``)."""
    neg = DEP["neg"]
    return any(c.dep == neg and (idx is None or not idx.in_quote(c.idx)) for c in verb.children)


def sentences_between(idx: Index, start: int, end: int) -> list[Span]:
    first = idx.sent_of(idx.token_at(start))
    out = []
    for k in range(first, len(idx.sents)):
        lo, hi = idx.sent_chars(k)  # (a Span made only for the sentences returned)
        if lo >= end:
            break
        if hi > start:
            out.append(idx.sents[k])
    return out


# what a reporting verb that signs the quote before it may carry: where, when, how
SIGNING_DEPS = frozenset({"nsubj", "prep", "npadvmod", "advmod", "punct", "aux", "agent"})


def signing_verb(sent: Span) -> Token | None:
    """The reporting verb that signs a quote closed just before the sentence: the sentence is
    its subject, opening it, and the verb with only where, when and how after it ('Jo Roe, a
    strategist at the bank, said in a note.'). A verb with a clause or an object of its own
    reports that instead ('Jo Roe said the bank would wait.')."""
    verb = sent.root
    if verb.lower_ not in REPORTING_VERBS or verb.i - sent.start > SIGNING_SUBJECT_TOKENS:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.left_edge.i != sent.start or subj.lower_ in PRONOUNS or \
            any(c.dep_ not in SIGNING_DEPS for c in verb.children):
        return None
    return verb


def introduces_paragraph(between: str) -> bool:
    """The text from a cue to a quote in a later paragraph: the cue's own paragraph ends in a
    colon and the quote opens the next one ('He continued:\n\n"..."'). A cue that merely stands
    paragraphs away ('Story continues below advertisement') introduces nothing."""
    own, _, rest = between.partition("\n")
    return own.rstrip(" \"“'`").endswith(":") and not rest.strip(" \n\"“'`")


# the words that attribute a quote by what they are (is_cue, CHARACTERISE_VERBS, according_to)
CUE_WORDS = REPORTING_VERBS | PUT_IT | PHRASAL_HEADS | CHARACTERISE_VERBS | WORDING_VERBS | \
    {"according"}


def slot_after(start: int, end: int, idx: Index) -> bool:
    """Whether the quote [start, end) leaves an attribution slot after it (in_attribution_slot):
    it opens its sentence and breaks off on a comma, question or exclamation mark."""
    text = idx.text
    inner = text[start:end].rstrip(" \"”'’»`")
    if not inner or inner[-1] not in ",?!":
        return False  # a quote ending in a full stop is a sentence; what follows is another
    sent_start = idx.sent_chars(idx.sent_of(idx.token_at(start)))[0]
    para = text.rfind("\n", 0, start) + 1
    # words before the quote in its sentence attribute it, or frame it
    return not text[max(sent_start, para):start].strip(" \t\"“'`«\u00a0")


def slot_tokens(idx: Index, start: int, end: int) -> range:
    """The tokens after the quote [start, end) that in_attribution_slot may take: none when it
    leaves no slot (slot_after), else from its end on, while the words between the closing
    mark and the token stay on its line and within SPEAKER_GAP_TOKENS (both only grow with
    the token)."""
    if not slot_after(start, end, idx):
        return range(0)
    after = after_mark(idx.text, end)
    first = last = bisect.bisect_left(idx.starts, end)
    while last < len(idx.starts):
        gap = idx.text[after : idx.starts[last]]
        if "\n" in gap or len(gap.split()) > SPEAKER_GAP_TOKENS:
            break
        last += 1
    return range(first, last)


def wording_of(tok: Token, start: int, idx: Index) -> Token | None:
    """'used the phrase "..."', 'When Trump used the words, "I'm not there yet,"': the noun of
    a wording that a verb of uttering takes as its object and the quote opening at ``start``
    spells out, or None."""
    if tok.lower_ not in WORDING_VERBS:
        return None
    return next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ in WORDING_NOUNS and
                 tok.idx < c.idx < start and
                 not idx.text[c.idx + len(c.text) : start].strip(" ,:\"“'‘`")), None)


def wording_owner(tok: Token, noun: Token) -> Token | None:
    """Whose words a used wording is: the noun's owner ('will use Boehner's oft-repeated
    phrase, "Where are the jobs?"'), else the verb's subject."""
    return next((c for c in noun.children if c.dep_ == "poss"), None) or subject(tok)


def find_cue(doc: Doc, idx: Index, start: int, end: int) -> tuple[Token | None, Token | None]:
    """The reporting token and its subject for a quote spanning [start, end)."""
    sents = sentences_between(idx, start, end)
    if not sents:
        return None, None
    first, last = sents[0], sents[-1]
    candidates: list[Span] = [first] if first is last else [first, last]
    # "Putin said:" in the sentence before, or "..., he said." in the sentence after
    prev_tok = first.start - 1
    if prev_tok >= 0:
        prev = idx.sents[idx.sent_of(prev_tok)]
        # (its text sliced from the article's: Span.text makes a Token object for every word)
        if idx.text[idx.starts[prev.start] : idx.starts[first.start]].rstrip().endswith(":"):
            candidates.append(prev)
    opening: Span | None = None
    if last.end < len(doc):
        nxt = idx.sents[idx.sent_of(last.end)]
        if len(nxt) <= SHORT_SENTENCE_TOKENS:
            candidates.append(nxt)
        elif not idx.text[end : nxt.start_char].strip(" \t\"”'’»`,"):
            # the parser ended the sentence at the closing mark: '"... votes" Trump said,
            # looking out on the crowd.' -- only a cue opening the next sentence, with no
            # reported clause of its own, attributes the quote
            opening = nxt[:OPENING_CUE_TOKENS]
            candidates.append(opening)
            signing = signing_verb(nxt)
            if signing is not None and signing.i >= opening.end:
                # '"... ready." Jo Roe, a strategist at the bank, said in a note.': a
                # subject, however long its description, and a reporting verb that reports
                # nothing of its own sign the quote before them
                opening = nxt[signing.i - nxt.start : signing.i - nxt.start + 1]
                candidates.append(opening)
    best: tuple[int, Token, Token] | None = None
    gov: tuple[int, Token, Token] | None = None
    text = idx.text
    # a word can attribute the quote only by its form (a cue word, 'according') or its place
    # (in_attribution_slot's reach after the closing mark): the rest are passed over without
    # a Token made for each (most of an article's words)
    cue_words, hashes = word_hashes(CUE_WORDS), idx.lower_hashes
    slot = slot_tokens(idx, start, end)
    for sent in candidates:
        for i in range(sent.start, sent.end):
            if hashes[i] not in cue_words and i not in slot or idx.in_quote(idx.starts[i]):
                continue  # (a word inside the quote's own marks: no Token made for it)
            tok = doc[i]
            if sent is opening and any(c.dep_ == "ccomp" for c in tok.children):
                continue
            subj: Token | None = None
            cue = tok
            if is_cue(tok, idx):
                subj = subject(tok)
                if subj is None or idx.in_quote(subj.idx):
                    subj = adjacent_subject(tok, start, end, idx)
            elif tok.lower_ in CHARACTERISE_VERBS and tok.dep_ not in NOT_VERB_DEPS and \
                    within_clause(tok, start, end):
                subj = subject(tok)  # 'rejected its move as "legally null and void"'
            elif (wording := wording_of(tok, start, idx)) is not None:
                subj = wording_owner(tok, wording)  # 'has used the phrase "Islamic terrorism"'
            elif tok.lower_ in REPORTING_VERBS and tok.i in idx.sent_start_set:
                subj = adjacent_subject(tok, start, end, idx)  # 'Said Ellis: "..."'
            elif in_attribution_slot(tok, start, end, idx):
                subj = adjacent_subject(tok, start, end, idx)  # '"...," tweeted Alex Conant.'
            else:
                subj = according_to(tok)
            if subj is None or idx.in_quote(subj.idx):
                continue
            between = text[tok.idx:start] if tok.idx < start else text[end:tok.idx]
            if "\n" in between and not (tok.idx < start and introduces_paragraph(between)):
                continue  # attribution crosses a paragraph break only after "X continued:"
            dist = start - tok.idx if tok.idx < start else tok.idx - end
            if best is None or dist < best[0]:
                best = (dist, cue, subj)
            if tok.idx < start and governs(tok, start, end) and (gov is None or dist < gov[0]):
                gov = (dist, cue, subj)
    if best is None:
        return None, None
    if gov is not None and best[1].idx > end:
        best = gov  # 'calling it "an incredible feat" - but he said ...': the cue governing it
    return outer_attribution(best[1], best[2], start, end, idx)


# what opens a clause set against the one it hangs on: an attribution in it is a second one
CONTRAST_MARKS = frozenset({"while", "whereas", "although", "though", "but"})


def outer_attribution(cue: Token, subj: Token, start: int, end: int, idx: Index
                       ) -> tuple[Token, Token]:
    """Attribution nests: in 'Clinton says she appreciated ... what she calls a "war of words"'
    and 'Trump said Clinton once described the deal as "the gold standard"' the words are
    reported by the outermost speaker whose reported clause holds them. So climb from the cue to
    the outermost reporting verb whose subtree covers the fragment; and a pronoun subject of a
    naming verb ('condemned what he called "a brazen breach"') gives way to the governing
    clause's subject, who is the one characterising; not from an adverbial clause ('Though
    she called the delays "unacceptable", Okafor ...'), a finite clause whose own subject
    characterises (the name after it is the same person, written later), nor out of a phrase
    of circumstance ('was reprimanded after what she called a "private joke"': when, not what
    the subject above did)."""
    if cue.lower_ == "according":
        return cue, subj
    child = cue
    for anc in cue.ancestors:
        if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS
                                         for c in child.children) and \
                any(c.dep_ in SUBJECT_DEPS for c in child.children):
            break  # 'Rubio suggested ..., while Cruz said that the "stakes ..."': Cruz's own
        via, child = child.dep_, anc
        if idx.in_quote(anc.idx):
            continue
        if not is_cue(anc) or via not in ("ccomp", "xcomp", "dobj"):
            continue  # '..., adding that "..."' is a second attribution, not a nested one
        outer = subject(anc)
        if outer is None or idx.in_quote(outer.idx) or \
                outer.dep_ == "nsubjpass" and outer.head.i == anc.i:
            continue  # ('X is reported to have called Y "..."': no one reports; X's words)
        lo, hi = anc.left_edge.idx, anc.right_edge.idx + len(anc.right_edge.text)
        if lo <= start and end <= hi + MARK_SLACK_CHARS and anc.idx < start and \
                "\n" not in idx.text[anc.idx : start]:
            cue, subj = anc, outer
    if subj.lower_ in PRONOUNS and cue.lower_ in NAMING_VERBS and cue.idx < start and \
            cue.dep_ != "advcl":
        node = cue
        for anc in cue.ancestors:
            via, node = node.dep_, anc
            if via == "pcomp" and anc.lower_ in CIRCUMSTANCE_PREPS:
                break  # ('after what she called a "rant"': when, not what the one above did)
            outer = next((c for c in anc.children if c.dep_ in SUBJECT_DEPS), None)
            if outer is not None and not idx.in_quote(outer.idx) and outer.i != subj.i and \
                    outer.lower_ not in RELATIVES:
                return cue, outer
    return cue, subj


CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "parataxis", "conj", "advcl"})


SPEAKING_NOUNS = ROLE_NOUNS | ORG_NOUNS  # a role or a body: 'the nominee', 'the council'
SPEAKING_PRONOUNS = PRONOUNS - {"it", "you"}


def can_speak(tok: Token) -> bool:
    """A subject that can be a speaker by what it is: a name (capitalised, or a person,
    organisation or group the NER found), a pronoun for people, or a role or body."""
    return capitalised(tok) or tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or \
        tok.lower_ in SPEAKING_PRONOUNS or tok.lower_ in SPEAKING_NOUNS


def in_attribution_slot(tok: Token, start: int, end: int, idx: Index) -> bool:
    """A verb that stands where news writing puts the attribution is a reporting verb whatever
    the word: the quote opens its sentence and breaks off on a comma, question or exclamation
    mark inside the closing mark, and the verb follows it after a short subject of its own
    ('"...?" Beck questioned', '"...," the nominee riffed') or at once, inverted ('"...,"
    tweeted spokeswoman Dana Whitfield'). The lexicon of reporting verbs cannot list every
    'exhorted' or 'quipped'; the position says it (adjacent_subject then finds the speaker's
    noun phrase). Read from the parse alone: a run has no tagger."""
    if tok.idx < end or not tok.is_lower or not tok.is_alpha or negated(tok, idx) or \
            not slot_after(start, end, idx):
        return False
    text = idx.text
    after = after_mark(text, end)
    gap = text[after:tok.idx]
    if "\n" in gap or len(gap.split()) > SPEAKER_GAP_TOKENS:
        return False
    if gap.strip(" ,"):  # subject first: the verb heads a clause whose subject is the gap,
        # and one that can speak: a name, a pronoun for people, a role ('"...," the poem
        # began' has no speaker in the slot; the lexical cues keep their reach for that)
        return tok.dep_ in CLAUSE_DEPS and any(
            c.dep_ == "nsubj" and after <= c.idx < tok.idx and can_speak(c) for c in tok.children)
    # inverted, at once after the mark: the parser often reads 'tweeted council spokeswoman
    # Dana Whitfield' as a noun phrase, so a regular past form is taken unless a clause of its
    # own follows ('"...," published reports say')
    if len(tok.text) < 5 or not tok.lower_.endswith("ed") or tok.lower_.endswith("eed"):
        return False
    for t in idx.doc[tok.i + 1 : min(len(idx.doc), tok.i + SPEAKER_AFTER_CUE_TOKENS)]:
        if t.text in GAP_STOP or t.is_space:
            break
        if any(c.dep_ in SUBJECT_DEPS for c in t.children):
            return False
    return True


# a word that opens no title: 'of Senator Bernie Sanders or ...' is a phrase, not a speaker
NOT_TITLE_DEPS = frozenset({"prep", "cc", "mark", "advmod", "aux", "auxpass", "neg", "det",
                            "poss", "case"})


def adjacent_subject(cue: Token, start: int, end: int, idx: Index) -> Token | None:
    """The speaker written right next to a quote when the parse failed to make it the cue's
    subject, as it often does around quotation marks: '"...," Tulsa police Chief Chuck Jordan
    said', '"...," said Leslie Wimes, a ...', 'Said Ellis: "..."'. A short run of words with no
    verb-like break between the closing mark and the cue (or after a cue that follows the
    mark, or between a cue and the opening mark) is taken as the speaker's noun phrase."""
    doc = idx.doc
    text = idx.text
    if cue.idx >= end:
        a = idx.token_at(after_mark(text, end))
        while a < cue.i and (doc[a].is_punct or doc[a].is_space):
            a += 1
        gap = list(doc[a:cue.i])
        if not gap:  # '"...," said Smith, a former aide.'
            after = []
            for t in doc[cue.i + 1 : min(len(doc), cue.i + SPEAKER_AFTER_CUE_TOKENS)]:
                if t.text in GAP_STOP or t.i in idx.sent_start_set or t.is_space:
                    break
                after.append(t)
            if not after or not (capitalised(after[0]) or after[0].lower_ in DETERMINERS or (
                    after[0].is_alpha and after[0].lower_ not in PRONOUNS and
                    any(t.ent_type_ in ("PERSON", "ORG") for t in after))):
                return None  # (a title in lower case may come first: 'city spokeswoman Jo Roe')
            return np_head(after)
    elif text[cue.idx + len(cue.text) : start].strip(" \n\"“'`").endswith(":"):
        gap = [t for t in doc[cue.i + 1 : idx.token_at(start)]
               if not t.is_punct and not t.is_space]
    else:
        return None
    words = [t for t in gap if not t.is_punct]  # (a name's appositive sits between commas)
    if gap and cue.idx >= end and (len(words) > SPEAKER_GAP_TOKENS or
                                   any(t.text in GAP_STOP for t in gap)):
        gap = described_name(gap, cue)
        words = gap
    if not gap or len(words) > SPEAKER_GAP_TOKENS or \
            any(t.text in GAP_STOP or t.is_space for t in gap):
        return None
    if not capitalised(gap[0]) and gap[0].lower_ not in PRONOUNS and \
            gap[0].lower_ not in ARTICLES and not (
                gap[0].is_alpha and gap[0].dep_ not in NOT_TITLE_DEPS and
                any(t.ent_type_ == "PERSON" for t in gap)):
        return None  # (a title in lower case may come first: 'lead researcher Jo Roe, a ...')
    return np_head(gap)


def described_name(gap: list[Token], cue: Token) -> list[Token]:
    """'"...," Texas delegate Bill Eastland, wearing a cowboy hat and "Ted Cruz" campaign pins,
    said.': a name, then a description set off by commas however long (quoted words in it
    too), then the verb: the words before the first comma, when they hold a person's name and
    the description closes with a comma just before the verb, on one line and in one sentence
    (the parse had made the name no subject of 'said'). Else no words."""
    comma = next((k for k, t in enumerate(gap) if t.text == ","), None)
    if comma is None or not 0 < comma <= SPEAKER_GAP_TOKENS or gap[-1].text != "," or \
            gap[-1].i != cue.i - 1:
        return []
    name = gap[:comma]
    if any(t.text in GAP_STOP or t.is_space for t in name) or \
            not any(t.ent_type_ == "PERSON" for t in name) or \
            any(t.is_space or t.text in (".", "!", "?", ";") for t in gap[comma:]):
        return []
    return name


def colon_attribution(start: int, idx: Index) -> tuple[Token | None, Token] | None:
    """A quote introduced by a colon takes the clause before the colon as its attribution, whatever
    its verb: 'Trump issued the following statement:', 'Clinton's response was:', 'Here's
    Clinton in December 1992:', or a bare name ('Hillary Rodham Clinton: "..."'). Returns the
    verb (or None) and the speaker token; None when no subject or name stands before the colon."""
    text, doc = idx.text, idx.doc
    j = start
    while j > 0 and text[j - 1] in " \t\n\"“'`«\u00a0":
        j -= 1
    if j == 0 or text[j - 1] != ":":
        return None
    colon = idx.token_at(j - 1)
    lo = max(text.rfind("\n", 0, j - 1) + 1, idx.sents[idx.sent_of(colon)].start_char)
    toks = [t for t in doc[idx.token_at(lo) : colon] if not t.is_space and t.idx >= lo]
    if not toks or len(toks) > COLON_CLAUSE_TOKENS or any(idx.in_quote(t.idx) for t in toks):
        return None
    first = toks[0].i
    roots = [t for t in toks if t.head.i == t.i or not first <= t.head.i < colon]
    # the clause next to the colon speaks: 'Governance lassitude was on display when Musk took
    # to Twitter with this:' is Musk's; not one that ends before it ('When Wallace died in 1998,
    # President Clinton released the following statement:' is Clinton's)
    nearest = sorted((t for t in toks if t.dep_ in ("advcl", "conj") and
                      any(c.dep_ in SUBJECT_DEPS for c in t.children) and
                      t.right_edge.i >= colon - 1), key=lambda t: -t.i)[:1]
    for root in nearest + roots:
        subj = subject(root)
        if subj is not None and first <= subj.i < colon:
            return root, subj
    head = np_head(toks)
    if head is not None and head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return None, head
    return None




GOVERNED_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "prep", "attr", "acomp", "dative"})


def governs(cue: Token, start: int, end: int) -> bool:
    """Whether [start, end) lies inside a complement or object of the cue, not in a clause merely
    attached to it ('said ..., adding that "..."' does not make "said" govern the fragment)."""
    for child in cue.rights:
        if child.dep_ in GOVERNED_DEPS and (child.dep_ != "prep" or child.lower_ in FRAMING_PREPS):
            lo, hi = child.left_edge, child.right_edge
            if lo.idx <= start and end <= hi.idx + len(hi.text) + MARK_SLACK_CHARS:
                return True
    return False


def within_clause(cue: Token, start: int, end: int) -> bool:
    """Whether [start, end) lies inside the material a cue governs (its right dependents)."""
    rights = [c for c in cue.rights if not c.is_punct]
    if not rights:
        return False
    last = rights[-1].right_edge
    return cue.idx < start and end <= last.idx + len(last.text) + MARK_SLACK_CHARS and \
        not any(c.dep_ == "conj" and c.idx < start for c in rights)


