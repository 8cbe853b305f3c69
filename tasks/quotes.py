"""Quote extraction over a spaCy parse: who said what, with cue verb and resolved speaker.

The passes run in reading order:
  1. marks     - find quotation-mark spans in the text (straight, curly, '' and ``), joining
                 multi-paragraph quotes and ignoring apostrophes and unbalanced marks;
  2. cues      - find the reporting verb (or "according to") that attributes each span;
  3. split     - join the two halves of a quote split around its attribution;
  4. indirect  - reporting verbs whose clausal complement holds the content ("X said that ...");
  5. speakers  - the mention as written, then the name it refers to (entities, pronouns,
                 floating quotes taking the previous speaker).
Everything is a plain function of the Doc and the article's entity list, so tests call it directly.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from tasks.names import TITLES, clean_name, fullest_name

EXTRACTOR_VERSION = "quotes-5"  # bump on every change to what the rules extract

# --- lexicons -----------------------------------------------------------------------------------

_VERB_FORMS = """
say says said saying | tell tells told telling | add adds added adding | state states stated
| claim claims claimed | insist insists insisted | argue argues argued | explain explains explained
| note notes noted | warn warns warned | announce announces announced | declare declares declared
| acknowledge acknowledges acknowledged | admit admits admitted | assert asserts asserted
| contend contends contended | maintain maintains maintained | suggest suggests suggested
| write writes wrote written | tweet tweets tweeted | report reports reported | reply replies replied
| respond responds responded | answer answers answered | ask asks asked | urge urges urged
| predict predicts predicted | recall recalls recalled | remark remarks remarked
| comment comments commented | conclude concludes concluded | confirm confirms confirmed
| deny denies denied | stress stresses stressed | emphasize emphasizes emphasized emphasised
| observe observes observed | promise promises promised | vow vows vowed | pledge pledges pledged
| threaten threatens threatened | complain complains complained | concede concedes conceded
| boast boasts boasted | quip quips quipped | joke jokes joked | shout shouts shouted
| testify testifies testified | recount recounts recounted | allege alleges alleged
| mention mentions mentioned | reiterate reiterates reiterated | caution cautions cautioned
| indicate indicates indicated | estimate estimates estimated | agree agrees agreed
| counter counters countered | demand demands demanded | continue continues continued
| sing sings sang | adding telling asking noting writing arguing explaining warning insisting
| claiming stating declaring continuing tweeting replying responding
| call calls called calling | describe describes described describing | dub dubs dubbed
| label labels labeled labelled | brand brands branded | refer refers referred
| yell yells yelled | scream screams screamed | chant chants chanted | exclaim exclaims exclaimed
| whisper whispers whispered | read reads | interject interjects interjected | retort retorts
retorted | confess confesses confessed | charge charges charged | muse muses mused | marvel
marvels marveled marvelled | scoff scoffs scoffed | snap snaps snapped | gush gushes gushed
| plead pleads pleaded pled | cry cries cried | sigh sighs sighed | rail rails railed | swear
swears swore | assure assures assured | reassure reassures reassured | inform informs informed
| opine opines opined | concur concurs concurred | post posts posted | blurt blurts blurted
| grumble grumbles grumbled | mutter mutters muttered | murmur murmurs murmured | holler hollers
hollered | lecture lectures lectured | preach preaches preached | wonder wonders wondered
| gloat gloats gloated | chide chides chided | scold scolds scolded | lash lashes lashed
| press presses pressed | retaliate retaliates retaliated | echo echoes echoed | interrupt
interrupts interrupted | crack cracks cracked | tease teases teased | beg begs begged | implore
implores implored | fume fumes fumed | bark barks barked | thunder thunders thundered | boom
booms boomed | roar roars roared | intone intones intoned | venture ventures ventured
| volunteer volunteers volunteered | reason reasons reasoned
"""


def _with_participles(groups: str) -> frozenset[str]:
    """Every listed form plus the -ing forms of each group's base (bogus spellings never match)."""
    words: set[str] = set()
    for group in groups.split("|"):
        forms = group.split()
        if not forms:
            continue
        base = forms[0]
        words.update(forms)
        # say -> saying, agree -> agreeing, describe -> describing, admit -> admitting
        words.update({base + "ing", base + base[-1] + "ing"})
        if base.endswith("e"):
            words.add(base[:-1] + "ing")
    return frozenset(words)


REPORTING_VERBS = _with_participles(_VERB_FORMS)
# Phrasal reporting verbs: the verb and its particle ('went on', 'shot back', 'pointed out')
PHRASAL_CUES = frozenset({("went", "on"), ("goes", "on"), ("go", "on"), ("pointed", "out"),
                          ("points", "out"), ("chimed", "in"), ("weighed", "in"), ("shot", "back"),
                          ("fired", "back"), ("hit", "back"), ("pushed", "back"), ("spoke", "out"),
                          ("summed", "up"), ("wrote", "back"), ("snapped", "back")})
# Verbs that judge or characterise in someone's words, cues only of a quoted fragment inside
# what they govern ('hailed "a historic decision"', 'dismissed Estonia as the "suburbs"')
CHARACTERISE_VERBS = _with_participles("""hail hails hailed | praise praises praised | laud lauds
    lauded | condemn condemns condemned | criticize criticizes criticized | criticise criticised
    | blast blasts blasted | slam slams slammed | denounce denounces denounced | dismiss dismisses
    dismissed | reject rejects rejected | welcome welcomes welcomed | liken likens likened
    | compare compares compared | accuse accuses accused | decry decries decried | lament laments
    lamented | mock mocks mocked | ridicule ridicules ridiculed | attack attacks attacked | thank
    thanks thanked | rate rates rated | rule rules ruled | characterize characterizes
    characterized | characterise characterised | portray portrays portrayed | proclaim proclaims
    proclaimed | tout touts touted""")
# Verbs of taking a position: their object is the content of an indirect attribution
# (support, back, seek and challenge are left out: in PolNeAR's training articles a quarter or
# more of their uses are not attributions, "backed by", "sought to")
STANCE_VERBS = _with_participles("""endorse endorses endorsed | oppose opposes opposed | defend
    defends defended | cite cites cited | urge urges urged | propose proposes proposed | blame
    blames blamed | demand demands demanded | question questions questioned | applaud applauds
    applauded | highlight highlights highlighted""")
STANCE_PREPS = frozenset({("referring", "to"), ("refer", "to"), ("refers", "to"), ("referred", "to"),
                          ("talking", "about"), ("talked", "about"), ("talks", "about"),
                          ("called", "for"), ("calls", "for"), ("calling", "for"), ("call", "for"),
                          ("asked", "about"), ("spoke", "about"), ("speaking", "about"),
                          ("pointed", "to"), ("points", "to"), ("pointing", "to"),
                          ("warned", "of"), ("warned", "against"), ("argued", "for"),
                          ("argued", "against"), ("complained", "about")})
_PHRASAL_HEADS = frozenset(v for v, _ in PHRASAL_CUES)
_STANCE_PREP_HEADS = frozenset(v for v, _ in STANCE_PREPS)
# Verbs that give something a quoted name: "called him "a con artist"", "dubbed it "Plan B""
NAMING_VERBS = _with_participles("""call calls called | dub dubs dubbed | label labels labeled
    labelled | brand brands branded | describe describes described""")
# Verbs that only report with a clause ("believes that"), never with direct speech on their own.
# Attribution of beliefs, plans and findings ("polls show", "she believes", "he wants to"): only
# as indirect attributions with a clausal complement, never as the cue of a direct quote.
BELIEF_VERBS = frozenset("""
believe believes believed think thinks thought know knows knew expect expects expected hope hopes
hoped fear fears feared want wants wanted plan plans planned show shows showed shown find finds
found reveal reveals revealed learn learned acknowledge recognize recognizes recognized worry
worries worried accuse accuses accused charge charges charged cite cites cited propose proposes
proposed decide decides decided refuse refuses refused decline declines declined signal signals
signaled signalled see sees saw feel feels felt understand understands understood doubt doubts
doubted question questions questioned intend intends intended vowing pledging promising
""".split())
PLAN_VERBS = frozenset("""want wants wanted plan plans planned intend intends intended decide decides
decided refuse refuses refused decline declines declined propose proposes proposed vowing pledging
promising""".split())  # whose content is an infinitive ("wants to cut taxes")
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_GROUP = frozenset({"they", "them", "it", "we"})
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_GROUP | {"i", "you"}
RELATIVES = frozenset({"who", "that", "which"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})
SUBJECT_WINDOW = 600  # characters back in which a pronoun looks for a subject antecedent
# Descriptions that stand for a person named earlier ("the Kremlin leader said")
ROLE_NOUNS = frozenset("""leader president minister premier chancellor spokesman spokeswoman
    spokesperson secretary senator governor mayor chairman chairwoman executive director chief
    official diplomat envoy ambassador general commander coach manager""".split())
MIN_UNATTRIBUTED_WORDS = 6  # shorter quoted phrases with no cue are scare quotes or titles

OPENERS = "“„«"
CLOSERS = "”»"


@dataclass
class Mention:
    """An entity mention as the quote pass sees it."""

    start: int
    end: int
    label: str
    canonical: str


@dataclass
class Quote:
    """One attribution: content fragments, cue, speaker mention and resolved name."""

    spans: list[tuple[int, int]]
    quote_type: str  # direct | mixed | indirect
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    speaker_text: str | None = None
    speaker_span: tuple[int, int] | None = None
    speaker: str | None = None
    speaker_label: str | None = None
    _cue_token: int | None = field(default=None, repr=False)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


# --- pass 1: quotation marks --------------------------------------------------------------------

def _mark_kind(text: str, i: int) -> tuple[str, int] | None:
    """('open'|'close'|'either', width) for a quotation mark at i, or None."""
    ch = text[i]
    if ch in OPENERS:
        return "open", 1
    if ch in CLOSERS:
        return "close", 1
    pair = text[i : i + 2]
    if pair == "``":
        return "open", 2
    if ch == '"' or pair == "''":
        width = 1 if ch == '"' else 2
        before = text[i - 1] if i > 0 else " "
        after = text[i + width] if i + width < len(text) else " "
        if before.isspace() or before in "([{—–-/:" and not after.isspace():
            return ("open" if not after.isspace() else "either"), width
        if after.isspace() or after in ".,;:!?)]}—–-" or not before.isspace():
            return "close", width
        return "either", width
    return None


def quote_mark_spans(text: str) -> list[list[tuple[int, int]]]:
    """Content fragments of every quotation, marks excluded; one list per (multi-paragraph) quote.

    A paragraph that ends inside an open quote continues it only when the next paragraph opens
    with a mark (the news convention); otherwise the dangling mark is dropped and scanning goes on.
    """
    quotes: list[list[tuple[int, int]]] = []
    open_at: int | None = None  # content start of the current fragment
    pending: list[tuple[int, int]] = []  # earlier paragraphs of a multi-paragraph quote
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            if open_at is not None:
                frag_end = i
                while frag_end > open_at and text[frag_end - 1].isspace():
                    frag_end -= 1
                pending.append((open_at, frag_end))
                open_at = None
                j = i
                while j < n and text[j].isspace():
                    j += 1
                kind = _mark_kind(text, j) if j < n else None
                if kind and kind[0] in ("open", "either"):
                    open_at = j + kind[1]
                    i = j + kind[1]
                    continue
                pending = []  # unbalanced: the quote never closed
            i += 1
            continue
        kind = _mark_kind(text, i)
        if kind is None:
            i += 1
            continue
        k, width = kind
        if open_at is None:
            # a closing mark typed where a paragraph opens a quote ("”Fear. I am ...") opens it
            at_para_start = i == 0 or text[i - 1] == "\n"
            if k in ("open", "either") or (at_para_start and i + width < n
                                           and not text[i + width].isspace()):
                open_at = i + width
        elif k in ("close", "either"):
            if i > open_at:
                quotes.append(pending + [(open_at, i)])
            pending = []
            open_at = None
        else:  # a second opener while open: the first one was unbalanced
            pending = []
            open_at = i + width
        i += width
    return quotes


# --- helpers over the parse ------------------------------------------------------------------------

class _Index:
    """Character -> token lookups and quote-interior tests for one Doc."""

    def __init__(self, doc: Doc, text: str, mark_spans: list[list[tuple[int, int]]]):
        self.doc = doc
        self.text = text  # doc.text, read once: Doc.text joins every token on each access
        self.starts = [t.idx for t in doc]
        self.inside: list[tuple[int, int]] = sorted(f for q in mark_spans for f in q)
        self.sents: list[Span] = list(doc.sents)  # once: each doc.sents walks the whole Doc
        self._sent_starts = [s.start for s in self.sents]
        # Token.is_sent_start scans the whole Doc on every call; look starts up here instead
        self.sent_start_set = frozenset(self._sent_starts)
        self._inside_starts = [s for s, _ in self.inside]

    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def sent_of(self, token_i: int) -> int:
        """Index of the sentence holding a token."""
        return max(0, bisect.bisect_right(self._sent_starts, token_i) - 1)

    def in_quote(self, char: int) -> bool:
        k = bisect.bisect_right(self._inside_starts, char) - 1
        return k >= 0 and self.inside[k][0] <= char < self.inside[k][1]


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if len(subjects) > 1:  # '12:15 p.m.\n\nDonald Trump says': the one next to the verb
        subjects.sort(key=lambda c: (c.ent_type_ in ("TIME", "DATE"), abs(verb.i - c.i)))
    for child in subjects[:1]:
        return child  # "Smith, who said ...": "who", resolved to Smith by _attribute
    if verb.tag_ == "VBG" or verb.lower_.endswith("ing"):
        # 'footage of Hillary Clinton asking, "..."': the person the participle follows
        before = verb.doc[verb.i - 1] if verb.i > 0 else None
        if before is not None and before.ent_type_ == "PERSON":
            return before
    # "..., said Smith" inverted order parses Smith as a dependent after the verb (but the
    # object of "telling Reuters" or "asked Smith" is the listener)
    listener = verb.lower_.startswith(("tell", "told", "ask", "inform", "assur", "reassur"))
    for child in verb.rights:
        if child.dep_ in ("dobj", "attr", "npadvmod") and child.ent_type_ in ("PERSON", "ORG") \
                and not listener:
            return child
    if verb.dep_ in ("conj", "xcomp", "advcl", "acomp") and verb.head.i != verb.i:
        return _subject(verb.head)  # 'seemed to be ready to riff ..., telling the crowd'
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.head.i \
            and verb.head.lower_ in ("upon", "on", "after", "before", "while", "by", "in"):
        # 'She drew boos upon saying, "..."' (not 'refrained from criticizing', 'without saying')
        return _subject(verb.head.head)

    return None


def _according_to(tok: Token) -> Token | None:
    """'according to X' -> X."""
    if tok.lower_ == "according":
        for child in tok.children:
            if child.lower_ == "to":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
    return None


_NOT_VERB_DEPS = frozenset({"amod", "compound", "nsubj", "dobj", "pobj", "nsubjpass"})


def _is_cue(tok: Token) -> bool:
    word = tok.lower_
    if word in ("put", "puts") and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children):
        return True  # 'as the prosecutor put it, "..."'
    if word not in REPORTING_VERBS and (word not in _PHRASAL_HEADS or not any(
            c.dep_ in ("prt", "advmod") and (word, c.lower_) in PHRASAL_CUES
            for c in tok.children)):
        return False
    return (tok.dep_ not in _NOT_VERB_DEPS or any(c.dep_ == "nsubj" for c in tok.children)) and \
        not any(c.dep_ == "neg" for c in tok.children)  # "did not mention" reports nothing


# --- passes 2-3: attribute direct quotes -------------------------------------------------------

def _sentences_between(idx: _Index, start: int, end: int) -> list[Span]:
    first = idx.sent_of(idx.token_at(start))
    out = []
    for k in range(first, len(idx.sents)):
        s = idx.sents[k]
        if s.start_char >= end:
            break
        if s.end_char > start:
            out.append(s)
    return out


def _find_cue(doc: Doc, idx: _Index, start: int, end: int) -> tuple[Token | None, Token | None]:
    """The reporting token and its subject for a quote spanning [start, end)."""
    sents = _sentences_between(idx, start, end)
    if not sents:
        return None, None
    first, last = sents[0], sents[-1]
    candidates: list[Span] = [first] if first is last else [first, last]
    # "Putin said:" in the sentence before, or "..., he said." in the sentence after
    prev_tok = first.start - 1
    if prev_tok >= 0:
        prev = idx.sents[idx.sent_of(prev_tok)]
        if prev.text.rstrip().endswith(":") or doc[prev_tok].text == ":":
            candidates.append(prev)
    opening: Span | None = None
    if last.end < len(doc):
        nxt = idx.sents[idx.sent_of(last.end)]
        if len(nxt) <= 8:
            candidates.append(nxt)
        elif not idx.text[end : nxt.start_char].strip(" \t\"”'’»`,"):
            # the parser ended the sentence at the closing mark: '"... votes" Trump said,
            # looking out on the crowd.' -- only a cue opening the next sentence, with no
            # reported clause of its own, attributes the quote
            opening = nxt[:6]
            candidates.append(opening)
    best: tuple[int, Token, Token] | None = None
    gov: tuple[int, Token, Token] | None = None
    text = idx.text
    for sent in candidates:
        for tok in sent:
            if idx.in_quote(tok.idx):
                continue
            if sent is opening and any(c.dep_ == "ccomp" for c in tok.children):
                continue
            subj: Token | None = None
            cue = tok
            if _is_cue(tok):
                subj = _subject(tok)
                if subj is None or idx.in_quote(subj.idx):
                    subj = _adjacent_subject(tok, start, end, idx)
            elif tok.lower_ in CHARACTERISE_VERBS and tok.dep_ not in _NOT_VERB_DEPS and \
                    _within_clause(tok, start, end):
                subj = _subject(tok)  # 'rejected its move as "legally null and void"'
            elif tok.lower_ in REPORTING_VERBS and tok.i in idx.sent_start_set:
                subj = _adjacent_subject(tok, start, end, idx)  # 'Said Ellis: "..."'
            else:
                subj = _according_to(tok)
            if subj is None or idx.in_quote(subj.idx):
                continue
            between = text[tok.idx:start] if tok.idx < start else text[end:tok.idx]
            if "\n" in between and not (tok.idx < start and between.rstrip(" \n\"“'`").endswith(":")):
                continue  # attribution crosses a paragraph break only after "X continued:"
            dist = start - tok.idx if tok.idx < start else tok.idx - end
            if best is None or dist < best[0]:
                best = (dist, cue, subj)
            if tok.idx < start and _governs(tok, start, end) and (gov is None or dist < gov[0]):
                gov = (dist, cue, subj)
    if best is None:
        return None, None
    if gov is not None and best[1].idx > end:
        best = gov  # 'calling it "an incredible feat" - but he said ...': the cue governing it
    return _outer_attribution(best[1], best[2], start, end, idx)


def _outer_attribution(cue: Token, subj: Token, start: int, end: int, idx: _Index
                       ) -> tuple[Token, Token]:
    """Attribution nests: in 'Clinton says she appreciated ... what she calls a "war of words"'
    and 'Trump said Clinton once described the deal as "the gold standard"' the words are
    reported by the outermost speaker whose reported clause holds them. So climb from the cue to
    the outermost reporting verb whose subtree covers the fragment; and a pronoun subject of a
    naming verb ('condemned what he called "a brazen breach"') gives way to the governing
    clause's subject, who is the one characterising."""
    if cue.lower_ == "according":
        return cue, subj
    child = cue
    for anc in cue.ancestors:
        via, child = child.dep_, anc
        if idx.in_quote(anc.idx):
            continue
        if not _is_cue(anc) or via not in ("ccomp", "xcomp", "dobj"):
            continue  # '..., adding that "..."' is a second attribution, not a nested one
        outer = _subject(anc)
        if outer is None or idx.in_quote(outer.idx):
            continue
        lo, hi = anc.left_edge.idx, anc.right_edge.idx + len(anc.right_edge.text)
        if lo <= start and end <= hi + 2 and anc.idx < start and \
                "\n" not in idx.text[anc.idx : start]:
            cue, subj = anc, outer
    if subj.lower_ in PRONOUNS and cue.lower_ in NAMING_VERBS and cue.idx < start:
        for anc in cue.ancestors:
            outer = next((c for c in anc.children if c.dep_ in SUBJECT_DEPS), None)
            if outer is not None and not idx.in_quote(outer.idx) and outer.i != subj.i and \
                    outer.lower_ not in RELATIVES:
                return cue, outer
    return cue, subj


_DETERMINERS = frozenset("a an the another one his her their its our my this that".split())
_GAP_STOP = frozenset('.!?;"“”«»')


def _np_head(toks: list[Token]) -> Token | None:
    """The head of the noun phrase that opens toks: a person's name first, then an
    organisation, else the word before the first comma ("Flynn, a top surrogate," -> Flynn)."""
    for label in ("PERSON", "ORG"):
        ent = [t for t in toks if t.ent_type_ == label]
        if ent:
            first = ent[0]
            run = [t for t in toks if t.i >= first.i]
            k = 0
            while k + 1 < len(run) and run[k + 1].ent_type_ == label and run[k + 1].ent_iob_ == "I":
                k += 1
            return run[k]
    words = []
    for t in toks:
        if t.is_punct or t.text == "(":
            break
        words.append(t)
    return words[-1] if words else None


def _adjacent_subject(cue: Token, start: int, end: int, idx: _Index) -> Token | None:
    """The speaker written right next to a quote when the parse failed to make it the cue's
    subject, as it often does around quotation marks: '"...," Tulsa police Chief Chuck Jordan
    said', '"...," said Leslie Wimes, a ...', 'Said Ellis: "..."'. A short run of words with no
    verb-like break between the closing mark and the cue (or after a cue that follows the
    mark, or between a cue and the opening mark) is taken as the speaker's noun phrase."""
    doc = idx.doc
    text = idx.text
    if cue.idx >= end:
        a = idx.token_at(_after_mark(text, end))
        while a < cue.i and (doc[a].is_punct or doc[a].is_space):
            a += 1
        gap = list(doc[a:cue.i])
        if not gap:  # '"...," said Smith, a former aide.'
            after = []
            for t in doc[cue.i + 1 : min(len(doc), cue.i + 14)]:
                if t.text in _GAP_STOP or t.i in idx.sent_start_set or t.is_space:
                    break
                after.append(t)
            if not after or not (after[0].is_title or after[0].lower_ in _DETERMINERS):
                return None
            return _np_head(after)
    elif text[cue.idx + len(cue.text) : start].strip(" \n\"“'`").endswith(":"):
        gap = [t for t in doc[cue.i + 1 : idx.token_at(start)]
               if not t.is_punct and not t.is_space]
    else:
        return None
    if not gap or len(gap) > 12 or any(t.text in _GAP_STOP or t.is_space for t in gap):
        return None
    if not gap[0].is_title and gap[0].lower_ not in PRONOUNS and gap[0].lower_ not in ("the", "a"):
        return None
    return _np_head(gap)


# --- pass 5: speakers -----------------------------------------------------------------------------

def _mention_for(tok: Token, mentions: list[Mention], starts: list[int]) -> Mention | None:
    k = bisect.bisect_right(starts, tok.idx) - 1
    if k >= 0 and mentions[k].start <= tok.idx < mentions[k].end:
        return mentions[k]
    return None


def _speaker_phrase(subj: Token, mentions: list[Mention], starts: list[int], people: list[str],
                    sent_starts: frozenset[int] = frozenset()
                    ) -> tuple[tuple[int, int], str | None, str | None]:
    """Speaker span, resolved name and label from a subject token (names through appositions)."""
    m = _mention_for(subj, mentions, starts)
    if m is not None and m.label in NAME_LABELS:
        if m.label != "PERSON" and " " not in m.canonical:
            full = fullest_name(m.canonical, people)  # "Reyes" mis-tagged ORG, "Daniel Reyes" known
            if full != m.canonical:
                return (m.start, m.end), full, "PERSON"
        if m.label == "ORG":
            k = bisect.bisect_right(starts, m.start - 1) - 1
            owner = mentions[k] if k >= 0 else None
            first = subj
            while first.i > 0 and first.doc[first.i - 1].idx >= m.start:
                first = first.doc[first.i - 1]
            pos = first.doc[first.i - 1] if first.i > 0 else None
            if owner is not None and owner.label == "GPE" and pos is not None and \
                    pos.text in ("'s", "’s") and pos.idx == owner.end:
                # "China's Foreign Ministry": the country is part of the organisation's name
                return (owner.start, m.end), f"{owner.canonical}’s {m.canonical}", m.label
        return (m.start, m.end), m.canonical, m.label
    # "the Kremlin spokesman, Dmitry Peskov," / "his spokesman Dmitry Peskov"
    for child in subj.children:
        if child.dep_ in ("appos", "compound", "flat"):
            mc = _mention_for(child, mentions, starts)
            if mc is not None and mc.label == "PERSON":
                return (mc.start, mc.end), mc.canonical, mc.label
    # noun phrase as written: determiners, modifiers and compounds on the left
    left = subj
    for child in subj.lefts:
        if child.dep_ in ("det", "amod", "compound", "poss", "nummod", "nmod", "punct"):
            left = child.left_edge if child.left_edge.i < left.i else left
    while left.i < subj.i and left.is_punct:
        left = left.doc[left.i + 1]
    start = left.idx
    end = subj.idx + len(subj.text)
    # a capitalised name the NER missed: "Superintendent Daniel Reyes"
    if subj.is_title and subj.lower_ not in PRONOUNS:
        run = [subj]
        k = subj.i - 1
        while k >= left.i and subj.doc[k].is_title and subj.doc[k].dep_ in ("compound", "flat"):
            run.insert(0, subj.doc[k])
            k -= 1
        name = clean_name(" ".join(t.text for t in run))
        # a lone capitalised word opening the sentence ("Officials said") is not a name
        opens_sentence = run[0].i in sent_starts
        if name and name.lower() not in TITLES and not (len(run) == 1 and opens_sentence):
            return (start, end), fullest_name(name, people), "PERSON"
    return (start, end), None, None


def _resolve_pronoun(pron: Token, mentions: list[Mention], idx: _Index, person: bool = False
                     ) -> tuple[str | None, str | None]:
    """He/she -> an earlier person; they/it -> an earlier organisation. The nearest one that was
    the subject of its clause within the last few sentences wins (news refers back to the actor,
    not to whoever was named last); failing that, the nearest one."""
    want = ("PERSON",) if person or pron.lower_ in PRONOUNS_PERSON else ("ORG", "NORP", "GPE")
    nearest: Mention | None = None
    doc = idx.doc
    for m in reversed(mentions):
        if m.end > pron.idx or m.label not in want or idx.in_quote(m.start):
            continue
        if nearest is None:
            nearest = m
        if pron.idx - m.end > SUBJECT_WINDOW:
            break
        head = doc[idx.token_at(m.end - 1)]
        if head.dep_ in ("compound", "flat") and head.head.i > head.i:
            head = head.head
        if head.dep_ in SUBJECT_DEPS:
            return m.canonical, m.label
    if nearest is not None:
        return nearest.canonical, nearest.label
    return None, None


def _attribute(q: Quote, cue: Token | None, subj: Token | None, mentions: list[Mention],
               starts: list[int], idx: _Index, recent: list[Quote] | None = None) -> None:
    if cue is not None:
        q.cue = cue.text if cue.lower_ != "according" else "according to"
        end = cue.idx + len(cue.text) if cue.lower_ != "according" else cue.idx + 12
        prt = next((c for c in cue.children if c.dep_ in ("prt", "advmod") and (cue.lower_, c.lower_)
                    in PHRASAL_CUES or c.dep_ == "prep" and (cue.lower_, c.lower_) in STANCE_PREPS
                    and q.quote_type == "indirect"), None)
        if prt is not None:  # 'went on', 'shot back', 'called for'
            end = prt.idx + len(prt.text)
            q.cue = idx.text[cue.idx:end]
        q.cue_span = (cue.idx, min(end, len(idx.text)))
        q._cue_token = cue.i
    if subj is None:
        return
    if subj.lower_ in PRONOUNS:
        q.speaker_span = (subj.idx, subj.idx + len(subj.text))
        q.speaker_text = subj.text
        q.speaker, q.speaker_label = _resolve_pronoun(subj, mentions, idx)
        return
    people = [m.canonical for m in mentions if m.label == "PERSON"]
    if subj.lower_ in RELATIVES and subj.head.dep_ == "relcl" and subj.head.head.i != subj.i:
        # "Smith, who said ...": the mention is "who", the speaker its antecedent
        _, q.speaker, q.speaker_label = _speaker_phrase(subj.head.head, mentions, starts, people,
                                                        idx.sent_start_set)
        q.speaker_span = (subj.idx, subj.idx + len(subj.text))
        q.speaker_text = subj.text
        return
    span, name, label = _speaker_phrase(subj, mentions, starts, people, idx.sent_start_set)
    if q.cue_span is not None and span[0] == q.cue_span[0] < span[1]:
        # NER took the cue into the name: 'Said Okafor: "..."'
        rest = idx.text[q.cue_span[1] : span[1]]
        span = (span[1] - len(rest.lstrip()), span[1])
        if name is not None and name.lower().startswith(q.cue.lower() + " "):
            name = fullest_name(name[len(q.cue) + 1 :], [p for p in people if p != name])
    q.speaker_span = span
    q.speaker_text = idx.text[span[0] : span[1]]
    q.speaker, q.speaker_label = name, label
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)
    if name is None and definite and subj.lower_ in ROLE_NOUNS:
        # "the Kremlin leader", "the spokesman": the person just quoted, when there is one (news
        # names its protagonist by role between two of their quotes), else the person of that
        # role named earlier
        last = max((r for r in recent or [] if r.end <= subj.idx and r.speaker_label == "PERSON"
                    and subj.idx - r.end < SUBJECT_WINDOW), key=lambda r: r.end, default=None)
        if last is not None:
            q.speaker, q.speaker_label = last.speaker, last.speaker_label
        else:
            q.speaker, q.speaker_label = _resolve_pronoun(subj, mentions, idx, person=True)
    elif name is None and definite:
        # "the committee" after "Russia's Investigative Committee": the organisation so named
        for m in reversed(mentions):
            if m.end <= subj.idx and m.label in ("ORG", "GPE", "FAC") and \
                    m.canonical.lower().split()[-1:] == [subj.lower_]:
                head = idx.doc[idx.token_at(m.start)]
                _, q.speaker, q.speaker_label = _speaker_phrase(head, mentions, starts, people)
                break


_TITLE_CONTEXT = frozenset("""on of in book show program programme film movie song album series
    episode column broadcast documentary novel memoir titled entitled""".split())
_TITLE_SMALL = frozenset("a an the and of on in at to for with from by or nor but vs".split())


def _looks_like_title(text: str, start: int, end: int) -> bool:
    """A short quoted phrase in title case inside a sentence, such as a show, book or song name
    ('told MSNBC's "Morning Joe"', 'on "Fox News Sunday,"'), not speech."""
    words = re.findall(r"[\w'’.-]+", text[start:end])
    if not words or len(words) > 6:
        return False
    para = _paragraph_start(text, start)
    before = text[para:start].rstrip(" \"“'`«").split()
    if not before or before[-1].lower().rstrip(",") not in _TITLE_CONTEXT and \
            not before[-1].endswith(("'s", "’s")):
        return False  # 'on MSNBC's "Morning Joe"', 'his book, "Make Your Kid a Millionaire"'
    caps = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    return bool(caps) and all(w in caps or w.lower() in _TITLE_SMALL for w in words) and \
        words[0] in caps and not text[start:end].rstrip(" ,").endswith(("!", "?"))


_DASH_NAME = re.compile(r"[ \t\u00a0]*[―—–-]{1,2}[ \t\u00a0]*"
                        r"([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,4})")


def _after_mark(text: str, end: int) -> int:
    """Position just after the closing quotation mark(s) that follow content ending at end."""
    while end < len(text) and text[end] in "\"”'’»`":
        end += 1
    return end


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def extract_quotes(doc: Doc, mentions: list[Mention], text: str | None = None) -> list[Quote]:
    """All attributions in a parsed article, in text order (pass doc.text if already read)."""
    text = doc.text if text is None else text
    mentions = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    marks = quote_mark_spans(text)
    idx = _Index(doc, text, marks)
    quotes: list[Quote] = []
    used_cues: dict[int, Quote] = {}

    for frags in marks:
        q = Quote(spans=list(frags), quote_type="direct")
        start, end = q.start, q.end
        cue, subj = _find_cue(doc, idx, start, end)
        words = len(text[start:end].split())
        prev = quotes[-1] if quotes else None
        title = len(frags) == 1 and _looks_like_title(text, start, end)
        # second half of a split quote: '"...," X said. "..."' -- the previous quote's cue sits
        # between the two halves in one paragraph, and this half has no later cue of its own
        if prev is not None and prev.cue_span is not None and \
                prev.end <= prev.cue_span[0] < start and "\n" not in text[prev.end : start] and \
                (cue is None or cue.i == prev._cue_token) and not title:
            prev.spans.extend(q.spans)
            continue
        if cue is None and title:
            continue
        if cue is None:
            lead = _colon_attribution(start, idx)
            if lead is not None:  # 'Trump issued the following statement: "..."'
                _attribute(q, lead[0], lead[1], mentions, starts, idx, quotes)
                quotes.append(q)
                continue
            # "“...” ― Pamela Padilla": a name after a dash signs the quote
            m = _DASH_NAME.match(text, _after_mark(text, end))
            if m:
                people = [mm.canonical for mm in mentions if mm.label == "PERSON"]
                q.speaker_span = (m.start(1), m.end(1))
                q.speaker_text = m.group(1)
                q.speaker, q.speaker_label = fullest_name(clean_name(m.group(1)), people), "PERSON"
                quotes.append(q)
                continue
            # floating quote: a paragraph that is all quote continues the previous speaker
            para = _paragraph_start(text, start)
            opens_para = not text[para : start].strip().strip("\"“'`«")
            if opens_para and prev is not None and prev.speaker and start - prev.end < 1500:
                q.speaker, q.speaker_label = prev.speaker, prev.speaker_label
                q.speaker_span, q.speaker_text = prev.speaker_span, prev.speaker_text
                quotes.append(q)
                continue
            if words < MIN_UNATTRIBUTED_WORDS:
                continue
            quotes.append(q)
            continue
        # a quoted fragment inside reported speech is a mixed quote of the whole reported clause
        earlier = used_cues.get(cue.i)
        if prev is not None and prev.quote_type == "mixed" and prev._cue_token is not None and \
                "\n" not in text[prev.end : start] and \
                _within_clause(doc[prev._cue_token], start, end):
            earlier = prev  # 'described the visit as a "landmark event" that "reaffirms ..."'
        if earlier is not None and earlier.quote_type == "mixed" and earlier.start <= start and \
                (end <= earlier.end + 2 or earlier is prev):
            s0, e0 = earlier.spans[-1]  # a second fragment of a clause already taken as mixed
            earlier.spans[-1] = (s0, max(e0, end))
            continue
        _attribute(q, cue, subj, mentions, starts, idx, quotes)
        clause = _mixed_clause(cue, start, end, idx) or _after_cue(cue, start, end, idx)
        if clause is not None and (len(text[clause[0]:clause[1]].split()) >= words + 2
                                   or cue.lower_ in CHARACTERISE_VERBS
                                   or cue.lower_ in NAMING_VERBS and cue.idx < start):
            q.spans = [clause]
            q.quote_type = "mixed"
        elif title or cue.lower_ in CHARACTERISE_VERBS:
            continue  # a judgement verb only cues the fragment it governs
        if title and q.quote_type == "mixed" and cue.lower_ not in NAMING_VERBS:
            continue  # 'said on WKRT's "Morning Line"': a programme, not words
        quotes.append(q)
        used_cues[cue.i] = q

    quotes.extend(_indirect(doc, idx, quotes, mentions, starts))
    quotes.sort(key=lambda q: q.start)
    _continue_speakers(quotes, text)
    return quotes


def _continue_speakers(quotes: list[Quote], text: str) -> None:
    """A quote with no cue of its own right after someone's reported speech in the same paragraph
    continues it: 'Bolton said he would help if asked. "I'm going to support him."' (quotes that
    open a paragraph were handled as floating quotes already)."""
    last: Quote | None = None
    for q in quotes:
        between = text[last.end : q.start] if last is not None else ""
        para = _paragraph_start(text, q.start)
        opens_para = not text[para : q.start].strip().strip("\"“'`«")
        # the same paragraph, or the paragraph this quote opens directly follows the speech
        near = "\n" not in between or opens_para and not between.strip(" \t\n\"“”'’»`.,")
        if q.cue is None and q.speaker_span is None and last is not None and \
                last.end <= q.start and near and q.start - last.end < 400:
            q.speaker, q.speaker_label = last.speaker, last.speaker_label
            q.speaker_span, q.speaker_text = last.speaker_span, last.speaker_text
        if q.speaker_span is not None:
            last = q


def _after_cue(cue: Token, start: int, end: int, idx: _Index) -> tuple[int, int] | None:
    """When the parse gives no clause: a fragment inside the sentence after its cue ('Comey
    testified "thousands" of emails had not been turned over') is a mixed quote running from
    the word after the cue (and "that") to the end of the sentence."""
    if cue.idx >= start or cue.lower_ == "according":
        return None
    sent = idx.sents[idx.sent_of(cue.i)]
    if sent.end_char < end or "\n" in idx.text[cue.idx : start]:
        return None
    first = cue.i + 1
    while first < sent.end and (idx.doc[first].is_punct or idx.doc[first].lower_ == "that"
                                or idx.doc[first].is_space) and idx.doc[first].idx < start:
        first += 1
    if idx.doc[first].idx >= start:
        return None  # the quote follows the cue directly: direct speech ('said, "..."')
    last = sent.end - 1
    while last > first and (idx.doc[last].is_punct or idx.doc[last].is_space):
        last -= 1
    lo, hi = idx.doc[first].idx, idx.doc[last].idx + len(idx.doc[last].text)
    return lo, max(hi, end)


def _colon_attribution(start: int, idx: _Index) -> tuple[Token | None, Token] | None:
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
    if not toks or len(toks) > 25 or any(idx.in_quote(t.idx) for t in toks):
        return None
    first = toks[0].i
    roots = [t for t in toks if t.head.i == t.i or not first <= t.head.i < colon]
    for root in roots:
        subj = _subject(root)
        if subj is not None and first <= subj.i < colon:
            return root, subj
    head = _np_head(toks)
    if head is not None and head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return None, head
    return None


_FRAMING_PREPS = frozenset({"as", "for", "of", "about"})  # 'described X as "..."', 'praised for'
_GOVERNED_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "prep", "attr", "acomp", "dative"})


def _governs(cue: Token, start: int, end: int) -> bool:
    """Whether [start, end) lies inside a complement or object of the cue, not in a clause merely
    attached to it ('said ..., adding that "..."' does not make "said" govern the fragment)."""
    for child in cue.rights:
        if child.dep_ in _GOVERNED_DEPS and (child.dep_ != "prep" or child.lower_ in _FRAMING_PREPS):
            lo, hi = child.left_edge, child.right_edge
            if lo.idx <= start and end <= hi.idx + len(hi.text) + 2:
                return True
    return False


def _within_clause(cue: Token, start: int, end: int) -> bool:
    """Whether [start, end) lies inside the material a cue governs (its right dependents)."""
    rights = [c for c in cue.rights if not c.is_punct]
    if not rights:
        return False
    last = rights[-1].right_edge
    return cue.idx < start and end <= last.idx + len(last.text) + 2 and \
        not any(c.dep_ == "conj" and c.idx < start for c in rights)


def _mixed_clause(cue: Token, start: int, end: int, idx: _Index) -> tuple[int, int] | None:
    """The reported material around a quoted fragment: the cue's clausal complement, the
    'according to' sentence, or the dependent (object + complement, as in 'called his rivals
    "deplorables"') that holds the fragment. None when the fragment stands on its own."""
    if cue.lower_ in CHARACTERISE_VERBS:
        rights = [c for c in cue.rights if not c.is_punct and c.dep_ not in ("cc", "conj")]
        if not rights:
            return None
        last = rights[-1].right_edge
        while last.is_punct and last.i > rights[0].i:
            last = last.doc[last.i - 1]
        return min(rights[0].left_edge.idx, start), max(last.idx + len(last.text), end)
    if cue.lower_ == "according":
        clause = _according_content(cue, idx)
    else:
        clause = _complement(cue)
    if clause is not None and clause[0] <= start and end <= clause[1] + 2:
        return clause[0], max(clause[1], end)
    for child in cue.rights:
        if child.dep_ not in ("dobj", "xcomp", "oprd", "prep", "advcl", "attr", "acomp", "ccomp"):
            continue
        sub = list(child.subtree)
        lo, hi = sub[0].idx, sub[-1].idx + len(sub[-1].text)
        if lo <= start and end <= hi + 2:
            objects = [c for c in cue.rights if c.dep_ == "dobj" and c.i < child.i]
            if objects:
                lo = objects[0].left_edge.idx
            return lo, max(hi, end)
    return None


# --- pass 4: indirect speech ------------------------------------------------------------------------

def _trim(toks: list[Token], lead_mark: bool = False) -> list[Token]:
    """toks without punctuation, quotation marks and spaces at either edge (and, when asked, a
    leading subordinator such as 'that')."""
    i, j = 0, len(toks)
    while i < j and (toks[i].is_punct or toks[i].is_quote or toks[i].is_space
                     or lead_mark and toks[i].dep_ == "mark"):
        i += 1
    while j > i and (toks[j - 1].is_punct or toks[j - 1].is_quote or toks[j - 1].is_space):
        j -= 1
    return toks[i:j]


def _char_span(toks: list[Token]) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _complement(cue: Token, deps: tuple[str, ...] = ("ccomp",)) -> tuple[int, int] | None:
    """Character span of the reported clause of a cue verb (its ccomp), without 'that'."""
    for child in cue.children:
        if child.dep_ in deps:
            toks = [t for t in child.subtree]
            if toks and toks[0].i < cue.i < toks[-1].i:
                # 'a wind farm that developer Northwind says will power 900,000 homes': the
                # clause wraps around its own attribution; keep what follows the cue
                toks = [t for t in toks if t.i > cue.i]
            toks = _trim(toks, lead_mark=True)
            if len(toks) >= 3:
                return _char_span(toks)
    return None


def _within_paragraph(span: tuple[int, int], at: int, text: str, min_words: int = 3
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


def _is_stance(tok: Token) -> bool:
    """A verb of taking a position whose object is what the holder stands for or against:
    'Christie endorsed Trump', 'criticized the president's foreign policy', 'called for a ban'."""
    word = tok.lower_
    lexical = word in STANCE_VERBS or word in CHARACTERISE_VERBS and not word.startswith("welcom")
    if not lexical and word not in _STANCE_PREP_HEADS:
        return False  # (to welcome someone is mostly to host them: no stance)
    if tok.dep_ in _NOT_VERB_DEPS or any(c.dep_ == "neg" for c in tok.children):
        return False
    return lexical or any(c.dep_ == "prep" and (word, c.lower_) in STANCE_PREPS
                          for c in tok.children)


def _object_content(tok: Token) -> tuple[int, int] | None:
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


def _indirect(doc: Doc, idx: _Index, direct: list[Quote], mentions: list[Mention],
              starts: list[int]) -> list[Quote]:
    used = {q._cue_token for q in direct if q._cue_token is not None}
    taken = [(q.start, q.end) for q in direct]
    out: list[Quote] = []
    # reporting verbs first, so that "X said Y endorsed Z" is X's attribution, not Y's stance
    speech, rest = [], []
    for t in doc:
        word = t.lower_
        if word in REPORTING_VERBS or word in _PHRASAL_HEADS or word in ("according", "put",
                                                                           "puts"):
            speech.append(t)
        elif word in BELIEF_VERBS or word in STANCE_VERBS or word in CHARACTERISE_VERBS or \
                word in _STANCE_PREP_HEADS:
            rest.append(t)
    for tok in speech + rest:
        if tok.i in used or idx.in_quote(tok.idx):
            continue
        spans: list[tuple[int, int]] | None = None
        stance = False
        if _is_cue(tok):
            subj = _subject(tok)
            span = _complement(tok)
            if span is None and subj is not None:
                spans = _parenthetical_content(tok, subj, idx)
                span = (spans[0][0], spans[-1][1]) if spans else None
            if span is None and subj is not None and _is_stance(tok):
                span = _object_content(tok)  # 'called for a ban on new towers'
                stance = True
        elif tok.lower_ in BELIEF_VERBS and tok.dep_ not in ("amod", "compound", "nsubj", "dobj"):
            subj = _subject(tok)
            if subj is not None and subj.lower_ in ("i", "we", "you", "it", "there", "this"):
                continue  # a speaker's own belief inside talk, or no holder at all
            span = _complement(tok, ("ccomp", "xcomp") if tok.lower_ in PLAN_VERBS else ("ccomp",))
            if span is None and _is_stance(tok):
                span = _object_content(tok)  # 'Clinton cited derogatory comments Trump made'
                stance = True
        elif _is_stance(tok):
            stance = True
            subj = _subject(tok)
            if subj is not None and subj.lower_ in ("it", "there", "this", "that"):
                continue
            span = _object_content(tok)
        else:
            subj = _according_to(tok)
            span = _according_content(tok, idx) if subj is not None else None
        if subj is None or span is None:
            continue
        span = _within_paragraph(span, tok.idx, idx.text, 1 if stance else 3)
        if span is None:
            continue
        if spans:
            spans = [c for c in (_within_paragraph(x, tok.idx, idx.text) for x in spans) if c]
        if any(s < span[1] and span[0] < e for s, e in taken):
            continue
        q = Quote(spans=spans or [span], quote_type="indirect")
        _attribute(q, tok, subj, mentions, starts, idx, direct + out)
        out.append(q)
        taken.append(span)
    return out


_OWN_CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "conj", "advcl", "xcomp", "cc"})


def _parenthetical_content(cue: Token, subj: Token, idx: _Index) -> list[tuple[int, int]] | None:
    """'The museum, Mr. Bush said, celebrated his heroes.' / 'Lenox was a juggernaut, Mr.
    Clarke said, until it went bankrupt.' / '..., Graham said.': a reporting verb with no
    clause of its own, set off by commas, reports the rest of its sentence (one span on each
    side of the attribution when it stands in the middle)."""
    if cue.dep_ != "parataxis" or subj.head.i != cue.i:
        return None
    if any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and not cue.lower_.startswith(
            ("tell", "told")) for c in cue.children):
        return None  # 'Mexico said enough', 'suggested looking at ...': content of its own
    sent = idx.sents[idx.sent_of(cue.i)]
    phrase = {cue.i}
    for child in cue.children:
        if child.dep_ not in _OWN_CLAUSE_DEPS:
            phrase.update(t.i for t in child.subtree)
    phrase.update(t.i for t in subj.subtree)
    while min(phrase) > sent.start and idx.doc[min(phrase)].is_punct:
        phrase.discard(min(phrase))
    lo, hi = min(phrase), max(phrase)
    if any(t.i not in phrase for t in idx.doc[lo : hi + 1]) or lo <= sent.start:
        return None  # not one contiguous attribution phrase after some content
    doc = idx.doc
    if doc[lo - 1].text != ",":
        return None
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    after = doc[hi + 1] if hi + 1 < sent.end else None
    if after is not None and after.text not in (",", ".", ";", ":", "!", "?"):
        return None
    spans = []
    for part in (doc[sent.start : lo], doc[hi + 1 : sent.end]):
        toks = _trim([t for t in part if not t.is_space])
        if toks:
            spans.append(_char_span(toks))
    words = sum(len(idx.text[s:e].split()) for s, e in spans)
    if words < 4 or any(idx.in_quote(s) for s, _ in spans):
        return None
    return spans


def _according_content(tok: Token, idx: _Index) -> tuple[int, int] | None:
    """'According to X, <clause>' -> the clause: the sentence without the according phrase."""
    sent = idx.sents[idx.sent_of(tok.i)]
    phrase = {t.i for t in tok.subtree}
    toks = _trim([t for t in sent if t.i not in phrase and not t.is_space])
    return _char_span(toks) if len(toks) >= 3 else None


def quote_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The quote's words: its fragments joined by an ellipsis."""
    return " … ".join(re.sub(r"\s+", " ", text[s:e]).strip() for s, e in spans)
