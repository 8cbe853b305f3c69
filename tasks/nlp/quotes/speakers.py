"""Speakers: the mention as written, then the name it refers to (an entity, a name the NER
missed, a pronoun's antecedent, a role noun's person), and quotes with no cue of their own
continuing the speaker before them."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from spacy.tokens import Token

from tasks.nlp.names import ORG_WORDS, TITLES, clean_name, fullest_name, written_as_name
from tasks.nlp.quotes.lexicons import (
    ACCORDING_TO,
    BELIEF_VERBS,
    CHARACTERISE_VERBS,
    DEFINITE,
    DOCUMENT_NOUNS,
    LISTENER_VERB_PREFIXES,
    NAMING_VERBS,
    ORG_NOUNS,
    PHRASAL_CUES,
    PRONOUNS,
    PRONOUNS_PERSON,
    RELATIVES,
    REPORTING_VERBS,
    ROLE_NOUNS,
    SEEN_DOING,
    SPEECH_NOUNS,
    STANCE_PREPS,
    STANCE_VERBS,
)
from tasks.nlp.quotes.marks import opens_paragraph, paragraph_span, previous_paragraph
from tasks.nlp.quotes.model import Mention, Quote
from tasks.nlp.quotes.parse import SUBJECT_DEPS, Index, capitalised, is_someone, subject
from tasks.nlp.quotes.people import is_credit
from tasks.nlp.quotes.thresholds import CONTINUATION_CHARS, DESCRIPTION_WORDS, SUBJECT_WINDOW

NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})  # labels a speaker's name may carry
GROUP_LABELS = ("ORG", "NORP", "GPE")  # what they, them and we refer to
# 'it' is one body: an organisation or a place's government, never a people or a party's members
# (NORP: 'Canadians', 'Liberals', 'Democrats'), whom only 'they' refers to
BODY_LABELS = ("ORG", "GPE")
SINGULAR_GROUP_PRONOUNS = frozenset({"it", "its"})
# 'I' and 'you' in the article's own words are its writer and its reader, never someone it names
NARRATOR_PRONOUNS = frozenset({"i", "you"})
# adjectives whose subject does the infinitive ('it was quick to say', 'it is due to announce':
# the body says it), unlike those an 'it' merely stands in front of ('it is too early to say',
# 'it is fair to say')
CONTROL_ADJECTIVES = frozenset("""quick quicker quickest swift eager keen reluctant ready willing
    unwilling happy glad careful slow anxious unable able first last prepared determined loath
    hesitant due likely unlikely certain sure bound set poised about expected scheduled
    supposed""".split())
COPULAS = frozenset({"is", "was", "be", "been", "being", "are", "were", "'s", "’s", "seems",
                     "seemed", "remains", "remained"})


def pronoun_labels(pron: Token) -> tuple[str, ...]:
    """The entity labels a pronoun can refer to: a person's for he and she, a body's for it,
    any group's for they and we."""
    if pron.lower_ in PRONOUNS_PERSON or pron.lower_ in ("his", "her"):
        return ("PERSON",)
    return BODY_LABELS if pron.lower_ in SINGULAR_GROUP_PRONOUNS else GROUP_LABELS


INSTITUTION_LABELS = ("ORG", "GPE", "FAC")  # what "the committee" may shorten


def mention_for(tok: Token, mentions: list[Mention], starts: list[int]) -> Mention | None:
    k = bisect.bisect_right(starts, tok.idx) - 1
    if k >= 0 and mentions[k].start <= tok.idx < mentions[k].end:
        return mentions[k]
    return None


def paragraph_of(tok: Token, text: str) -> tuple[int, int]:
    """The character span of a token's paragraph in the article's text (the Index's: Doc.text
    rebuilds the whole text on every access)."""
    return paragraph_span(text, tok.idx)


def body_tagged_person(m: Mention) -> bool:
    """'a Brennan Center study', 'the Harbour Society': a name the NER tagged PERSON whose last
    word is an organisation's is a body (which has no gender, nor a first name)."""
    return m.label == "PERSON" and " " in m.canonical and \
        m.canonical.lower().split()[-1] in ORG_WORDS


def given_name_apposition(tok: Token) -> tuple[tuple[int, int], str] | None:
    """The span of an appositive written as a person's name (two or three capitalised words, the
    first a given name of the name table) that the NER tagged an organisation or missed: 'One
    pastor supporting Mr. Cruz, Darran Whiting of Liberty Baptist Church, said', 'A woman in
    the crowd, Eva Day, said'. A description's appositive name is whose description it is,
    wherever the parse hung it (here on 'Cruz', on 'crowd')."""
    from tasks.nlp.gender import gender_of_name

    run = [c for c in tok.lefts if c.dep_ in ("compound", "flat")] + [tok]
    if not 2 <= len(run) <= 3 or run[-1].i - run[0].i != len(run) - 1 or \
            not all(capitalised(w) and w.is_alpha for w in run) or run[0].i == 0 or \
            tok.doc[run[0].i - 1].text != ",":
        return None  # set off by a comma: 'the consulting firm Oxford Economics' is no one's
    name = " ".join(w.text for w in run)
    if ORG_WORDS.intersection(w.lower_ for w in run) or gender_of_name(name) is None:
        return None
    return (run[0].idx, run[-1].idx + len(run[-1].text)), name


def relative_antecedent(rel: Token, mentions: list[Mention], starts: list[int]) -> Token:
    """What a relative pronoun stands for: the parser's antecedent, except that 'who' is a
    person's, the one named right before it (a comma between), where the parser hung the
    clause on something named that is no person ('Telegram ... was singled out by Theresa
    May who said ...': the clause went to 'Telegram', the sentence's subject)."""
    ante = rel.head.head
    if ante.dep_ == "appos" and ante.text.islower() and ante.head.ent_type_ == "PERSON" and \
            ante.head.i < ante.i:
        # 'Braynard, a South Carolina native who writes fiction': the description in apposition
        # is the person named before it
        return ante.head
    if rel.lower_ != "who" or rel.i == 0:
        return ante
    prev = rel.doc[rel.i - 1]
    if prev.text == "," and prev.i > 0:
        prev = rel.doc[prev.i - 1]
    named, there = mention_for(prev, mentions, starts), mention_for(ante, mentions, starts)
    if named is None or named.label != "PERSON" or there is None or there.label == "PERSON" \
            or there.start <= prev.idx < there.end:
        return ante  # (a description, 'the wife of Jo Roe, who said', keeps the parser's)
    return prev


def works_for(name: Token, head: Token) -> bool:
    """'Surrey staff', 'Obama aides', 'a Trudeau spokesman': a name written before a common
    noun, as its modifier, is whom they work for or back, not who they are. Not before a time
    ('Okafor Sunday night recounted': the parser's subject), nor initials (a body's)."""
    return name.dep_ == "compound" and name.i < head.i and head.text.islower() and \
        not name.text.isupper() and \
        not any(t.ent_type_ in ("DATE", "TIME") for t in head.doc[name.i + 1 : head.i + 1])


def speaker_phrase(subj: Token, mentions: list[Mention], starts: list[int], people: list[str],
                    sent_starts: frozenset[int] = frozenset(), text: str | None = None
                    ) -> tuple[tuple[int, int], str | None, str | None]:
    """Speaker span, resolved name and label from a subject token (names through appositions;
    given the article's text, only those in the subject's paragraph: a photo credit the parser
    ran into the paragraph is not its name)."""
    m = mention_for(subj, mentions, starts)
    if m is not None and not written_as_name(m.canonical):
        m = None  # 'the rookie defenceman' tagged ORG: a description, not a name
    if m is not None and m.label in NAME_LABELS:
        if body_tagged_person(m):
            return (m.start, m.end), m.canonical, "ORG"
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
    # "the Kremlin spokesman, Dmitry Peskov," / "his spokesman Dmitry Peskov" / "a spokesman
    # for the Alder River Trust, Ben Okoro," (the parse hangs the name on the organisation)
    lo, hi = paragraph_of(subj, text) if text is not None else (0, len(subj.doc.text))
    for child in subj.subtree:
        if child.dep_ in ("appos", "compound", "flat") and (child.head.i == subj.i or
                                                           child.dep_ == "appos") and \
                lo <= child.idx < hi:
            if works_for(child, subj):
                continue
            mc = mention_for(child, mentions, starts)
            if mc is not None and (mc.label == "PERSON" or mc.label == "ORG" and
                                   subj.lower_ in ORG_NOUNS and subj.i < child.i):
                # 'the Somali group al-Shabaab', 'the agency, TransLink,': the name it is given
                return (mc.start, mc.end), mc.canonical, "ORG" if body_tagged_person(mc) else \
                    mc.label
            if child.dep_ == "appos" and subj.i < child.i and subj.lower_ not in ORG_NOUNS \
                    and (mc is None or mc.label == "ORG"):
                named = given_name_apposition(child)
                if named is not None:
                    return named[0], clean_name(named[1]), "PERSON"
    if m is None and capitalised(subj) and subj.lower_ in TITLES:
        # 'Vice Director of China's National Space Administration Wu Yanhua said', 'Director of
        # National Intelligence Dan Coats said': the parse hangs the name on the office's
        # preposition; a person's name closing the title's phrase is whose title it is
        for child in subj.rights:
            if child.dep_ != "prep" or not lo <= child.idx < hi:
                continue
            last = child.right_edge
            mc = mention_for(last, mentions, starts)
            if mc is not None and mc.label == "PERSON" and mc.end == last.idx + len(last.text) \
                    and written_as_name(mc.canonical) and not body_tagged_person(mc):
                return (mc.start, mc.end), mc.canonical, "PERSON"
    if m is None and subj.text.isupper() and len(subj.text) > 1:
        # initials the NER tagged elsewhere in the article ('EDC says'): that organisation
        doc = subj.doc
        same = next((x for x in mentions if x.end - x.start == len(subj.text) and
                     (span := doc.char_span(x.start, x.end)) is not None and
                     span.text == subj.text), None)
        if same is not None:
            return (subj.idx, subj.idx + len(subj.text)), same.canonical, same.label
    # noun phrase as written: determiners, modifiers and compounds on the left
    left = subj
    for child in subj.lefts:
        if child.dep_ in ("det", "amod", "compound", "poss", "nummod", "nmod", "punct"):
            left = child.left_edge if child.left_edge.i < left.i else left
    while left.i < subj.i and (left.is_punct or left.is_space or
                               "\n" in left.doc[left.i : subj.i].text):
        left = left.doc[left.i + 1]  # nor across a paragraph break
    start = left.idx
    end = subj.idx + len(subj.text)
    opens = left.i in sent_starts or text is not None and opens_paragraph(text, left.idx)
    common = not capitalised(subj) or left.i == subj.i and opens and not subj.ent_type_
    if common and subj.lower_ not in PRONOUNS:
        # a description runs on to its modifiers (its capital only opening the sentence:
        # 'People arrested last week said'): 'a person familiar with the negotiations',
        # 'another member of the public' (not a relative clause, nor past a comma)
        for child in subj.rights:
            if child.dep_ not in ("prep", "amod", "acl") or child.i != subj.i + 1 and \
                    any(t.is_punct for t in subj.doc[subj.i + 1 : child.i]):
                break
            toks = list(child.subtree)
            cut = next((k for k, t in enumerate(toks) if t.is_punct or t.is_quote), len(toks))
            if cut and len(toks[:cut]) + subj.i - left.i < DESCRIPTION_WORDS:
                end = toks[cut - 1].idx + len(toks[cut - 1].text)
            break
    # a capitalised name the NER missed: "Superintendent Daniel Reyes"
    if capitalised(subj) and subj.lower_ not in PRONOUNS:
        run = [subj]
        k = subj.i - 1
        while k >= left.i and capitalised(subj.doc[k]) and subj.doc[k].dep_ in ("compound", "flat"):
            run.insert(0, subj.doc[k])
            k -= 1
        name = clean_name(" ".join(t.text for t in run))
        # a lone capitalised word opening the sentence ("Officials said") is not a name
        opens_sentence = run[0].i in sent_starts or text is not None and \
            opens_paragraph(text, run[0].idx)
        # one capitalised word the NER did not tag, and that names no one else in the article
        # ('Video said', 'Bitcoin said', 'ANALYST: ...', 'Members said'): not a name it missed
        lone = len(run) == 1 and not subj.ent_type_ and (
            subj.text.isupper() or subj.lower_.endswith("s") and subj.lower_[:-1] in ROLE_NOUNS
            or not any(subj.text in p.split() for p in people))
        if name and name.lower() not in TITLES and not (len(run) == 1 and opens_sentence) and \
                not lone:
            # 'the West', 'the Roman Catholic Diocese': a name with an article, or one whose last
            # word is an organisation's, is a body or a place; people's names take neither
            body = any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children) or \
                name.lower().split()[-1] in ORG_WORDS
            return (start, end), fullest_name(name, people), "ORG" if body else "PERSON"
    return (start, end), None, None


def conjoined_names(head: Token) -> list[tuple[int, int]]:
    """The names coordinated with a speaker's name ('Sandmann and Phillips', 'Charles Glynn and
    Richard Jones'): all of them said it. Each as the character span of its capitalised words."""
    out = []
    for conj in head.conjuncts:
        if conj.i < head.i or not capitalised(conj):
            continue
        first = conj
        while first.i > 0 and first.doc[first.i - 1].dep_ in ("compound", "flat") and \
                first.doc[first.i - 1].head.i == conj.i and capitalised(first.doc[first.i - 1]):
            first = first.doc[first.i - 1]
        out.append((first.idx, conj.idx + len(conj.text)))
    return sorted(out)


def resolve_pronoun(pron: Token, mentions: list[Mention], idx: Index,
                    want: tuple[str, ...] | None = None) -> tuple[str | None, str | None]:
    """He/she -> an earlier person; they/it -> an earlier organisation (or the labels asked
    for). The nearest one that was the subject of its clause within the last few sentences wins
    (news refers back to the actor, not to whoever was named last); failing that, the nearest
    one."""
    if want is None:
        want = pronoun_labels(pron)
    name, label = _resolve_pronoun(pron, mentions, idx, want)
    if want == GROUP_LABELS and label == "GPE":
        # a place is in the search, as the nearest subject it may be ('Iowa voted ... they'),
        # but it is not whom they are: they are its people, unnamed
        return None, None
    return name, label


def _resolve_pronoun(pron: Token, mentions: list[Mention], idx: Index,
                     want: tuple[str, ...]) -> tuple[str | None, str | None]:
    nearest: Mention | None = None
    doc = idx.doc
    unnamed = described_subject(pron, idx) if want == ("PERSON",) else None
    for k in range(len(mentions) - 1, -1, -1):
        m = mentions[k]
        if m.end > pron.idx or m.label not in want or idx.in_quote(m.start) or \
                is_credit(m, idx.text):
            continue  # (not a photo credit or a dateline's '(KTRK) --': no actor of the story)
        if unnamed is not None and m.end <= unnamed.idx:
            # 'A lawyer for the bank said ... "...," he said': a person the article describes
            # without naming is the subject nearer than any named one: he is that person, not
            # whoever was named before (no name, rather than the wrong one)
            return None, None
        if nearest is None:
            nearest = m
        if pron.idx - m.end > SUBJECT_WINDOW:
            break
        head = doc[idx.token_at(m.end - 1)]
        if head.dep_ in ("compound", "flat") and head.head.i > head.i:
            head = head.head
        if head.dep_ in SUBJECT_DEPS:
            reporter = _reporter(head, mentions, k, want, idx)
            return (reporter or m).canonical, (reporter or m).label
    if nearest is not None:
        return nearest.canonical, nearest.label
    return None, None


def reporter_of(subj: Token) -> Token | None:
    """The subject of the verb that reports the clause ``subj`` is the subject of, when it
    stands before it: 'Royce said Obama should have tapped someone' -> Royce, the actor of the
    sentence, where Obama is what it is about; else None."""
    clause = subj.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "ccomp" or clause.head.i == clause.i:
        return None
    rep = next((c for c in clause.head.children if c.dep_ in SUBJECT_DEPS), None)
    return rep if rep is not None and rep.i < subj.i else None


def _reporter(head: Token, mentions: list[Mention], k: int, want: tuple[str, ...],
              idx: Index) -> Mention | None:
    """The mention, among ``mentions`` before the k-th and of the labels wanted, that reports
    the clause ``head`` is the subject of (reporter_of); else None."""
    rep = reporter_of(head)
    if rep is None:
        return None
    m = next((mentions[j] for j in range(k - 1, -1, -1) if mentions[j].start <= rep.idx), None)
    if m is None or m.end <= rep.idx or m.label not in want or idx.in_quote(m.start):
        return None
    return m


def introduced_unnamed(noun: Token, idx: Index) -> bool:
    """Whether a definite role noun ('the spokesman') goes back to the same noun brought in
    with 'a' or 'an' and no name, in its paragraph or the one before: no person in its phrase,
    not in apposition to a name or said of one ('Doe, a spokesman', 'Doe is a spokesman'). The
    nearest earlier use of the noun outside quotation marks decides; a definite one before it
    is the same chain. (Further back, 'a black actor' is anyone, not who 'the actor' is.)"""
    since = previous_paragraph(idx.text, noun.idx)
    for t in reversed(idx.doc[: noun.i]):
        if t.idx < since:
            return False
        if t.lower_ != noun.lower_ or idx.in_quote(t.idx):
            continue
        dets = {c.lower_ for c in t.children if c.dep_ == "det"}
        if "the" in dets:
            continue
        return bool(dets & {"a", "an"}) and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") \
            and not any(x.ent_type_ == "PERSON" or x.dep_ == "appos" for x in t.subtree)
    return False


SINGULAR_PRONOUNS = frozenset({"he", "she", "it", "i", "you"})


def described_group(pron: Token, idx: Index) -> Token | None:
    """'Authorities described the attack as a carjacking. They said ...', 'Powerful forces were
    pushing for it, and they will continue': the nearest subject before a 'they' (or 'their
    report'), in its sentence or the one before, when it is a plural noun no entity names. They
    are those, whom the article does not name, not the organisation or people named before
    them. A relative pronoun stands for its antecedent, the subject of a reported clause for its
    reporter ('Democrats agree pills should be sold over the counter. But they argue ...')."""
    if pron.lower_ not in ("they", "their"):
        return None
    sent = idx.sent_of(pron.i)
    lo = idx.sents[max(sent - 1, 0)].start
    for t in reversed(idx.doc[lo : pron.i]):
        if t.dep_ not in SUBJECT_DEPS or idx.in_quote(t.idx) or t.lower_ in SINGULAR_PRONOUNS:
            continue  # (he, she or it is not whom they refer to)
        if t.lower_ in RELATIVES and t.head.dep_ == "relcl":
            t = t.head.head
        t = reporter_of(t) or t
        if t.ent_type_ or t.lower_ in PRONOUNS or t.lower_ in RELATIVES or \
                not t.lower_.endswith("s") or t.lower_.endswith("ss"):
            return None  # a name, a pronoun's chain or one of a kind: the mentions decide
        return t
    return None


def described_subject(pron: Token, idx: Index) -> Token | None:
    """The subject of the sentence before the pronoun's, when it brings in a person described
    and not named ('A lawyer for the bank'): an indefinite role noun with no name in its phrase.
    A definite one ('the mayor') refers back to someone named, and does not count."""
    sent = idx.sent_of(pron.i)
    if sent == 0:
        return None
    before = idx.sents[sent - 1]
    subj = next((t for t in before.root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ not in ROLE_NOUNS or idx.in_quote(subj.idx) or not any(
            c.dep_ == "det" and c.lower_ in ("a", "an") for c in subj.children) or any(
            t.ent_type_ == "PERSON" or t.dep_ == "appos" for t in subj.subtree):
        return None
    return subj


_PEOPLE: dict[int, tuple[list[Mention], int, list[str]]] = {}


def person_names(mentions: list[Mention]) -> list[str]:
    """The article's person names, each once, in order of first mention. Worked out once per
    mention list (and again when it grows): built per quote it made quote extraction quadratic
    in a long transcript (thousands of quotes, thousands of mentions of the same few people).
    Fullest-name lookups give the same answers over unique names as over every mention."""
    key = id(mentions)
    hit = _PEOPLE.get(key)
    if hit is not None and hit[0] is mentions and hit[1] == len(mentions):
        return hit[2]
    names = list(dict.fromkeys(m.canonical for m in mentions if m.label == "PERSON"))
    if len(_PEOPLE) > 8:
        _PEOPLE.clear()
    _PEOPLE[key] = (mentions, len(mentions), names)
    return names


# Things that carry words someone put there: documents, and what is held up, worn or aired
CARRIERS = DOCUMENT_NOUNS | frozenset("""sign banner placard poster ad advert advertisement video
    clip resolution motion petition bill headline caption slogan shirt t-shirt note card piece
    leaflet flyer mailer billboard""".split())


def made_by(rel: Token) -> Token | None:
    """The maker of the thing a 'that' or 'which' refers back to, when the thing is the object
    of an active verb whose subject can speak: 'Sanders is releasing an ad that urges ...' ->
    Sanders; 'She held up a sign which read ...' -> She. Only a thing that carries words
    (CARRIERS), the object of an active verb: not 'a dispute that threatened ...', nor
    'comments that ...' in 'was fired over comments that ...'."""
    if rel.lower_ not in ("that", "which") or rel.head.dep_ != "relcl":
        return None
    thing = rel.head.head
    if thing.i == rel.i or not thing.text.islower() or \
            thing.lower_.removesuffix("s") not in CARRIERS and thing.lower_ not in CARRIERS:
        return None
    verb = thing.head if thing.dep_ == "dobj" else \
        thing.head.head if thing.dep_ == "pobj" and thing.head.dep_ == "prep" else None
    if verb is None:
        return None
    maker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if maker is None or maker.lower_ in RELATIVES:
        return None
    if capitalised(maker) or maker.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or \
            maker.lower_ in PRONOUNS_PERSON or maker.lower_ in ("they", "we", "it") or \
            maker.lower_ in ORG_NOUNS:
        return maker
    return None


def addressed(subj: Token, cue: Token, start: int) -> bool:
    """Whether the subject found for a cue of asking or telling is the one addressed: the
    subject of the passive ('Sanders was asked', 'the staff were told'), or the subject of the
    clause a passive participle with no subject of its own hangs on, for words inside the
    participle's phrase ('Asked whether she would run, Patel said ...'; not the answer after
    it, 'who told Congress when asked about the inquiry: "..."'; not 'telling reporters',
    whose subject tells). ``start``: where the quoted words begin."""
    if not cue.lower_.startswith(LISTENER_VERB_PREFIXES):
        return False
    if subj.dep_ == "nsubjpass" and subj.head.i == cue.i:
        return True
    # (the one told is no object of the passive: 'once told analysts that ...' is active, the
    # teller's; 'Asked a direct question, she said' keeps its object, a thing)
    edge = cue.right_edge
    return cue.dep_ == "advcl" and subj.head.i != cue.i and not cue.lower_.endswith("ing") and \
        not any(c.dep_ in ("aux", "nsubj", "nsubjpass") or
                c.dep_ in ("dobj", "dative") and is_someone(c) for c in cue.children) \
        and start < edge.idx + len(edge.text)


def passive_agent(verb: Token, idx: Index) -> Token | None:
    """The agent of a passive verb, outside quotation marks: the object of a 'by' after it
    that the parser hangs on the verb or on what the verb named ('called "a tax on the poor"
    by Jo Roe'), not inside a clause of its own ('called "X" after being mocked by Y'). (By
    dependency labels: the pipeline runs without the tagger, so no part of speech is set.)"""
    for by in verb.subtree:
        if by.i <= verb.i or by.lower_ != "by" or by.dep_ not in ("agent", "prep") or \
                idx.in_quote(by.idx):
            continue
        node = by.head
        while node.i != verb.i and node.dep_ not in AGENT_CLAUSE_DEPS:
            node = node.head
        agent = next((c for c in by.children if c.dep_ == "pobj"), None)
        if node.i == verb.i and agent is not None:
            return agent
    return None


# a clause between a 'by' and the passive verb: the agent is that clause's
AGENT_CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "pcomp", "xcomp", "csubj",
                               "parataxis"})


POSSESSIVES = frozenset({"his", "her", "its", "their"})


def resolve_possessive(owner: Token, mentions: list[Mention],
                       idx: Index) -> tuple[str | None, str | None, bool]:
    """Whose 'his', 'her', 'its', 'their' (or he, she) a document or a remark is: resolved as
    the pronoun is; no one for a 'their' the article gave an unnamed plural ('the reporters
    found ... their report'). The name, its label, and whether it was that unnamed plural."""
    if described_group(owner, idx) is not None:
        return None, None, True
    return (*resolve_pronoun(owner, mentions, idx, pronoun_labels(owner)), False)


# verbs whose passive subject is what is named, judged, believed or stood for, not who holds it
HELD_BY_AGENT = NAMING_VERBS | CHARACTERISE_VERBS | BELIEF_VERBS | STANCE_VERBS | REPORTING_VERBS


PHRASAL_OR_STANCE_HEADS = frozenset(v for v, _ in PHRASAL_CUES | STANCE_PREPS)


def has_done(verb: Token) -> bool:
    """"he's said the same thing at every stop": the parser reads the contracted 's as 'is',
    a passive; before a past participle it is 'has'."""
    return any(c.dep_ == "auxpass" and c.lower_ in ("'s", "’s") for c in verb.children)


def shown_doing(verb: Token) -> bool:
    """'the cleric is shown lecturing: "..."': a passive of seeing with what its subject is seen
    doing, whose subject is the one who does it."""
    return verb.lower_ in SEEN_DOING and any(
        c.dep_ in ("xcomp", "ccomp", "advcl", "dobj") and c.lower_.endswith("ing") and
        c.i > verb.i and not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        for c in verb.children)  # (not an infinitive: 'is expected to bring')


def attribute(q: Quote, cue: Token | None, subj: Token | None, mentions: list[Mention],
               starts: list[int], idx: Index, recent: Iterable[Quote] | None = None) -> None:
    if cue is not None:
        q.cue = cue.text if cue.lower_ != "according" else ACCORDING_TO
        end = cue.idx + len(cue.text) if cue.lower_ != "according" else cue.idx + len(ACCORDING_TO)
        # (only a phrasal cue's or a stance preposition's head has such a word to take in)
        prt = next((c for c in cue.children if c.dep_ in ("prt", "advmod") and (cue.lower_, c.lower_)
                    in PHRASAL_CUES or c.dep_ == "prep" and (cue.lower_, c.lower_) in STANCE_PREPS
                    and q.quote_type in ("indirect", "belief")), None) \
            if cue.lower_ in PHRASAL_OR_STANCE_HEADS else None
        if prt is not None:  # 'went on', 'shot back', 'called for'
            end = prt.idx + len(prt.text)
            q.cue = idx.text[cue.idx:end]
        q.cue_span = (cue.idx, min(end, len(idx.text)))
        q.evidence.cue_token = cue.i
    if subj is None:
        return
    if subj.lower_ == "it" and subj.dep_ in ("expl", "nsubjpass") and subj.head.i == \
            q.evidence.cue_token:
        # an impersonal passive ('It is predicted that ...', 'It was reported that ...') says
        # who holds the view by not saying it: the 'it' refers to no one, so there is no speaker
        return
    if cue is not None and addressed(subj, cue, q.start):
        # 'Blumenthal was asked, "If you had known ..."', 'Asked whether she would run, Patel
        # said ...': the one asked or told is not the one speaking; the words are the agent's
        # ('was asked by the moderator'; not a 'by' further in, as in 'asked about the claim
        # by the group'), or no one's the sentence names
        agent = passive_agent(cue, idx)
        if agent is None or agent.head.head.i != cue.i:
            return
        q.evidence.speaker_head = agent.i
        subj = agent
    elif cue is not None and subj.dep_ == "nsubjpass" and subj.head.i == cue.i and \
            cue.lower_ in HELD_BY_AGENT and not shown_doing(cue) and not has_done(cue):
        # 'The plan has been called "reckless" by Ada Marsh', 'what had been dubbed "Golden
        # Week"', 'The board is expected to meet': the subject of a passive naming, judging,
        # believing or reporting verb is what was named or held; the one who named or holds it
        # is the agent, or no one the sentence says (the one asked or told: above)
        agent = passive_agent(cue, idx)
        if agent is None:
            return
        q.evidence.speaker_head = agent.i
        subj = agent
    if subj.lower_ == "it" and cue is not None and subj.head.i != cue.i and \
            subj.head.lower_ in COPULAS and \
            any(c.dep_ in ("acomp", "attr") and c.lower_ not in CONTROL_ADJECTIVES
                for c in subj.head.children) and \
            any(c.dep_ == "aux" and c.lower_ == "to" for c in cue.children):
        # 'It is too early to say whether ...', 'it is fair to say ...': the 'it' stands for
        # the infinitive, whose sayer is no one in particular
        return
    if subj.lower_ in PRONOUNS:
        q.speaker_span = (subj.idx, subj.idx + len(subj.text))
        q.speaker_text = subj.text
        q.speaker_rule = "pronoun"
        if subj.lower_ in NARRATOR_PRONOUNS:
            # 'I believe ...' in an opinion piece is its writer, 'if you wondered' its reader:
            # not the organisation or place named last (which the group labels would give)
            q.speaker = q.speaker_label = None
            return
        group = described_group(subj, idx)
        if group is not None:
            # they are the plural the article just described ('Authorities'), not whoever
            # it named before them: no name rather than the wrong one
            q.speaker = q.speaker_label = None
            q.speaker_rule = "pronoun-description"
            return
        q.speaker, q.speaker_label = resolve_pronoun(subj, mentions, idx)
        return
    maker = made_by(subj)
    if maker is not None:
        # 'Trump released a video that said ...', 'the council voted for a resolution which
        # said ...': what a thing says is its maker's, the subject of the verb that made,
        # posted or held it up (the same reading as a letter's writer)
        attribute(q, cue, maker, mentions, starts, idx, recent)
        if q.speaker_rule in ("subject", "pronoun"):
            q.speaker_rule = "made-by"
        return
    people = person_names(mentions)
    if subj.lower_ in RELATIVES and subj.head.dep_ == "relcl" and subj.head.head.i != subj.i:
        # "Smith, who said ...": the mention is "who", the speaker its antecedent
        _, q.speaker, q.speaker_label = speaker_phrase(
            relative_antecedent(subj, mentions, starts), mentions, starts, people,
            idx.sent_start_set, idx.text)
        q.speaker_rule = "relative-clause"
        q.speaker_span = (subj.idx, subj.idx + len(subj.text))
        q.speaker_text = subj.text
        return
    q.evidence.speaker_head = subj.i
    span, name, label = speaker_phrase(subj, mentions, starts, people, idx.sent_start_set,
                                       idx.text)
    if q.cue_span is not None and span[0] == q.cue_span[0] < span[1]:
        # NER took the cue into the name: 'Said Okafor: "..."'
        rest = idx.text[q.cue_span[1] : span[1]]
        span = (span[1] - len(rest.lstrip()), span[1])
        if name is not None and q.cue is not None and name.lower().startswith(q.cue.lower() + " "):
            name = fullest_name(name[len(q.cue) + 1 :], [p for p in people if p != name])
    if label == "PERSON":
        q.evidence.also = conjoined_names(idx.doc[idx.token_at(span[1] - 1)])
        if q.evidence.also:  # 'Sandmann and Phillips have said': the span runs over every name
            span = (span[0], q.evidence.also[-1][1])
    q.speaker_span = span
    q.speaker_text = idx.text[span[0] : span[1]]
    q.speaker, q.speaker_label = name, label
    q.speaker_rule = "subject"
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)
    if label == "NORP" and definite and not subj.lower_.endswith("s"):
        # "the Kentucky Republican said": one member of a party or people is a person, the
        # one in view (as for "the senator")
        q.speaker, q.speaker_label = resolve_pronoun(subj, mentions, idx, ("PERSON",))
        q.speaker_rule = "member-of-group"
    if name is None and definite and subj.lower_ in ROLE_NOUNS and introduced_unnamed(subj, idx):
        # 'a spokesman pushed back ... "...," the spokesman told the Journal': the one the
        # article brought in without a name, not whoever it named last
        q.speaker, q.speaker_label = None, None
        q.speaker_rule = "role-noun-unnamed"
        q.evidence.unnamed = True
    elif name is None and definite and subj.lower_ in ROLE_NOUNS:
        # "the Kremlin leader", "the spokesman": the person just quoted, when there is one (news
        # names its protagonist by role between two of their quotes), else the person of that
        # role named earlier
        last = max((r for r in recent or [] if r.end <= subj.idx and r.speaker_label == "PERSON"
                    and subj.idx - r.end < SUBJECT_WINDOW), key=lambda r: r.end, default=None)
        if last is not None:
            q.speaker, q.speaker_label = last.speaker, last.speaker_label
            q.speaker_rule = "role-noun-last-quoted"
        else:
            q.speaker, q.speaker_label = resolve_pronoun(subj, mentions, idx, ("PERSON",))
            q.speaker_rule = "role-noun-earlier"
    elif name is None and definite:
        # "the committee" after "Russia's Investigative Committee": the organisation so named
        for m in reversed(mentions):
            # the noun is the name's head word: 'the committee' for 'Russia's Investigative
            # Committee', 'the diocese' for 'the Roman Catholic Diocese of Covington'
            if m.end <= subj.idx and m.label in INSTITUTION_LABELS and \
                    subj.lower_ == name_head(m.canonical):
                head = idx.doc[idx.token_at(m.start)]
                _, q.speaker, q.speaker_label = speaker_phrase(head, mentions, starts, people,
                                                               text=idx.text)
                q.speaker_rule = "definite-institution"
                break
        else:
            if subj.lower_ in ORG_NOUNS:  # "the company", "the agency": the organisation in view
                q.speaker, q.speaker_label = resolve_pronoun(subj, mentions, idx, ("ORG",))
                q.speaker_rule = "organisation-noun"
    if name is None and q.speaker is None and subj.lower_ in DOCUMENT_NOUNS:
        # "her statement", "the RCMP statement", "Foster's book": whoever wrote it speaks
        author = next((c for c in subj.children if c.dep_ == "poss"), None) or next(
            (c for c in subj.children if c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON")),
            None)
        if author is not None and author.lower_ in PRONOUNS_PERSON | POSSESSIVES:
            q.evidence.speaker_token = author.i
            q.speaker, q.speaker_label, described = resolve_possessive(author, mentions, idx)
            # 'the reporters found ... According to their report': theirs, unnamed
            q.speaker_rule = "pronoun-description" if described else "document-author"
        elif author is not None:
            _, q.speaker, q.speaker_label = speaker_phrase(author, mentions, starts, people,
                                                           text=idx.text)
            q.speaker_rule = "document-author"
        elif any(c.dep_ == "det" and c.lower_ in DEFINITE for c in subj.children) or \
                subj.i > 0 and subj.doc[subj.i - 1].lower_ in DEFINITE:
            # "The statement said": the statement the article introduced ("the ministry issued a
            # statement"), spoken for by whoever issued it (the article read from the text too:
            # the parser takes "the post read" for a noun phrase now and then)
            issuer = document_issuer(subj, idx)
            if issuer is not None and issuer.lower_ in PRONOUNS_PERSON:
                # 'Last week she sent a letter to the council': whoever she is wrote it
                q.speaker, q.speaker_label = resolve_pronoun(issuer, mentions, idx)
                q.speaker_rule = "document-issuer"
            elif issuer is not None:
                _, q.speaker, q.speaker_label = speaker_phrase(issuer, mentions, starts, people,
                                                               text=idx.text)
                q.speaker_rule = "document-issuer"


# how far up the parse from a quote's words its speech noun may stand ('call' <- 'for' <- 'ban')
OWNER_HOPS = 4
# the words between a speech noun and what was said ('vow to', 'comment that', 'call for')
OWNER_LINKS = frozenset({"to", "that", "for", "of", "about", "on", "as"})
# a clause of its own between the quote and the noun: the words are that clause's
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "csubj", "xcomp", "parataxis"})


def speech_owner(first: Token, idx: Index) -> Token | None:
    """The owner of the speech noun whose complement a quote is, written before the quote:
    'his call for "a total ban"', 'Marsh's vow to "fight for every job"', 'his comment that
    "..."': the possessive (his, Marsh's). Found up the parse from the quoted words, or next to
    the opening mark (the parser hangs 'to "fight ..."' on the verb before 'vow' as often as
    not). None when a clause of its own comes between or the noun has no owner."""
    def owner_of(noun: Token) -> Token | None:
        if noun.lower_ not in SPEECH_NOUNS or noun.idx >= first.idx or noun.dep_ in CLAUSE_DEPS:
            return None
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        return owner if owner is not None and not idx.in_quote(owner.idx) else None

    k = first.i - 1
    while k >= max(0, first.i - 2) and first.doc[k].is_punct:
        k -= 1  # the opening mark
    if k >= 1 and first.doc[k].lower_ in OWNER_LINKS:
        k -= 1
    if k >= 0 and (owner := owner_of(first.doc[k])) is not None:
        return owner
    node = first
    while idx.in_quote(node.idx) and node.head.i != node.i:
        node = node.head  # out of the quoted words to the word they hang on
    for _ in range(OWNER_HOPS):
        if (owner := owner_of(node)) is not None:
            return owner
        if node.dep_ in CLAUSE_DEPS and not idx.in_quote(node.idx) or node.head.i == node.i:
            return None
        node = node.head
    return None


def attribute_to_owner(q: Quote, owner: Token, mentions: list[Mention], starts: list[int],
                       idx: Index) -> None:
    """The quote is what the owner of its speech noun said: a his or her resolved like he and
    she, a name as the subject's name is."""
    if owner.lower_ in POSSESSIVES:
        q.speaker_span = (owner.idx, owner.idx + len(owner.text))
        q.speaker_text = owner.text
        q.evidence.speaker_token = owner.i
        q.speaker, q.speaker_label, _ = resolve_possessive(owner, mentions, idx)
    elif owner.lower_ in PRONOUNS or owner.lower_ in ("my", "our", "your"):
        return
    else:
        attribute(q, None, owner, mentions, starts, idx)
    if q.speaker_span is not None:
        q.speaker_rule = "speech-noun-owner"


def name_head(name: str) -> str | None:
    """The head word of an institution's name, lower-cased: its last word, or in 'X of Y' the
    word before the first 'of' ('Diocese of Covington' -> 'diocese')."""
    words = name.lower().split()
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1] if words else None


def document_issuer(noun: Token, idx: Index) -> Token | None:
    """Who wrote or issued the document the article introduced before this point, outside
    quotation marks: the writer it is 'from' ('a letter from a retired teacher, Joan Price'), or
    the subject of the verb that took it ('issued a statement', 'said in a statement', 'she sent
    a letter'), when that names someone or is a he or she (the caller resolves it)."""
    for k in reversed(idx.tokens_of(frozenset({noun.lower_}))):
        tok = idx.doc[k]
        if tok.i >= noun.i or idx.in_quote(tok.idx):
            continue
        # 'a letter from X', the parser hanging the 'from' on the noun or on its verb
        holders = [tok] + ([tok.head] if tok.dep_ == "dobj" else [])
        writer = next((w for h in holders for p in h.children if p.dep_ == "prep" and
                       p.lower_ == "from" for w in p.children if w.dep_ == "pobj"), None)
        if writer is not None:
            named = next((a for a in writer.children if a.dep_ == "appos" and
                          a.ent_type_ == "PERSON"), None)
            after = writer.doc[max(t.i for t in writer.subtree) + 1:][:3]
            if named is None and len(after) >= 2 and after[0].text == "," and \
                    after[1].ent_type_ == "PERSON":  # 'from a retired teacher, Joan Price'
                named = after[1]
            if named is not None or writer.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return named or writer
        if tok.dep_ not in ("dobj", "pobj"):
            continue
        # 'issued a statement' / 'said in a statement'
        verb = tok.head if tok.dep_ == "dobj" else tok.head.head
        subj = subject(verb)
        if subj is not None and (subj.lower_ in PRONOUNS_PERSON or subj.lower_ not in PRONOUNS and (
                subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or subj.text[:1].isupper())):
            return subj
        return None
    return None


def named_or_described(speaker: str | None, speaker_text: str | None) -> str | None:
    """The speaker's name, or where the article names no one, the description it gives
    ('a spokesperson', 'authorities'): what a reader would answer to 'who said it?'. A pronoun
    or a relative word with no antecedent answers nothing."""
    if speaker is not None or speaker_text is None:
        return speaker
    words = speaker_text.split()
    if not words or speaker_text.lower() in PRONOUNS or speaker_text.lower() in RELATIVES:
        return None
    return " ".join(words)


# no one in particular: 'Not everyone was claiming success. "..."' does not give the quote a voice
INDEFINITE_PRONOUNS = frozenset({"everyone", "everybody", "someone", "somebody", "anyone",
                                 "anybody", "no one", "nobody", "not everyone", "many", "some",
                                 "others", "few"})


def continue_speakers(quotes: list[Quote], text: str) -> None:
    """A quote with no cue of its own right after someone's reported speech in the same paragraph
    continues it: 'Bolton said he would help if asked. "I'm going to support him."' (quotes that
    open a paragraph were handled as floating quotes already)."""
    last: Quote | None = None
    for q in quotes:
        between = text[last.end : q.start] if last is not None else ""
        opens_para = opens_paragraph(text, q.start)
        # the same paragraph, or the paragraph this quote opens directly follows the speech
        near = "\n" not in between or opens_para and not between.strip(" \t\n\"“”'’»`.,")
        if q.cue is None and q.speaker_span is None and last is not None and \
                last.end <= q.start and near and q.start - last.end < CONTINUATION_CHARS and \
                (last.speaker_text or "").lower() not in INDEFINITE_PRONOUNS:
            q.speaker, q.speaker_label = last.speaker, last.speaker_label
            q.speaker_span, q.speaker_text = last.speaker_span, last.speaker_text
            q.speaker_rule = "continuation"
        if q.speaker_span is not None:
            last = q
