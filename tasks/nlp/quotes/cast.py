"""The article's cast: the people it names, what it calls them (their roles, and the honorifics
and pronouns it uses for them), and who is in the foreground at each point of the text.

Speakers are resolved against it once every quote has its speaker mention:

- a **name** takes the person of the article it names, even where the NER missed the mention
  ("Lonechild said" when only "Darian Lonechild" was tagged) or glued it to a neighbour; a
  surname two people share goes to the one in the foreground;
- **he / she** takes the person in the foreground whose gender, as the article gives it, agrees.
  The foreground is salience: every mention outside quotation marks adds its weight (a subject
  more than an object, a speaker more still), kept at ``DECAY`` with each sentence since; of
  two equal weights the person named last wins. Every he and she of the article is resolved in
  reading order, so a chain of pronouns keeps its person;
- a **description** ("the rookie defenceman", "the commissioner") takes the person the article
  introduced with that role ("rookie defenceman Caleb Jones", "Ron Robison, the WHL
  commissioner"; a qualified one, "the Kremlin leader", only a role so qualified), the one in
  the foreground when several share it; with no such role, the person the rules already read
  it as (the one just quoted), else for a definite description the person in the foreground.

Gender is only what the article says: an honorific (Mr, Ms, Mrs), a gendered role noun
(spokeswoman, mother), and the pronouns it uses for the person (a he or she bound to the person
in the sentence where the person is the subject, and the pronouns resolved to them). A first name
is never evidence.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Token

from tasks.nlp.names import ORG_WORDS, TITLES, clean_name, written_as_name
from tasks.nlp.quotes.lexicons import (
    APPOSITION_ONLY,
    DEFINITE,
    DOCUMENT_NOUNS,
    FEMALE,
    FOLLOWED,
    GENDERED_NOUNS,
    HONORIFICS,
    MALE,
    NOT_ROLES,
    PERSONAL_TITLES,
    PORTFOLIO_WORDS,
    PRONOUN_GENDER,
    PRONOUNS,
    ROLE_NOUNS,
    SUBJECT_PRONOUNS,
    TITLE_QUALIFIERS,
)
from tasks.nlp.quotes.marks import (
    HANDLE_MARKS,
    opens_paragraph,
    paragraph_start,
    previous_paragraph,
)
from tasks.nlp.quotes.model import Mention, Quote
from tasks.nlp.quotes.parse import DEP, SUBJECT_DEPS, Index, capitalised, own_clause
from tasks.nlp.quotes.people import (
    ORG_ENTS,
    SILENT_LABELS,
    Alone,
    Event,
    Person,
    Role,
    is_credit,
    is_role_noun,
    main_clause,
    name_words,
    said_gender,
    within,
)
from tasks.nlp.quotes.queries import CastQueries
from tasks.nlp.quotes.speakers import described_subject, works_for
from tasks.nlp.quotes.thresholds import (
    BOUND_VOTES,
    HONORIFIC_VOTES,
    MAX_NAME_WORDS,
    RESOLVED_VOTES,
    ROLE_VOTES,
    SPEAKER_WEIGHT,
    SUBJECT_WEIGHT,
)


def begins_name(tok: Token) -> bool:
    """Whether a qualifier word opens a name the NER continues ("New York", "New Zealand"),
    not a portfolio or title after it ("New Home Secretary")."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return tok.ent_iob_ == "B" and nxt is not None and nxt.ent_iob_ == "I" and \
        nxt.lower_ not in PORTFOLIO_WORDS and nxt.lower_ not in TITLES


GENDERED_WORDS = frozenset(GENDERED_NOUNS)


class Cast(CastQueries):
    """The people of one article, built from its PERSON mentions and its parse."""

    def __init__(self, idx: Index, mentions: list[Mention], quotes: list[Quote],
                 names: bool = True):
        self.idx = idx
        self.names = names
        self.doc = idx.doc
        self.mentions = mentions
        self._starts = [m.start for m in mentions]
        self.people: dict[str, Person] = {}
        spans = sorted(q.speaker_span for q in quotes if q.speaker_span is not None)
        speaking = {m.start for m in mentions if within(m.start, m.end, spans)}
        cues = {q.cue_span[0]: q.cue_span[1] for q in quotes if q.cue_span is not None}
        # (an article names the same few people and bodies many times: each name read once)
        personal: dict[tuple[str, str, bool], str | None] = {}
        named: list[tuple[Mention, str]] = []
        for m in mentions:
            key = (m.canonical, m.label, m.start in speaking)
            if key not in personal:
                personal[key] = self._personal_name(m, key[2])
            n = personal[key]
            if n and not m.names_a_body(idx.text):
                named.append((m, n))
        # 'Said Okafor: "..."': the NER took the cue into the name
        named = [(m, idx.text[cues[m.start] : m.end].strip() or n) if m.start in cues else (m, n)
                 for m, n in named]
        full = self._full_names({n for _, n in named if " " not in n})
        named = [(m, full.get(n, n)) for m, n in named]
        for _, name in named:
            if name not in self.people:
                self.people[name] = Person(name, name_words(name))
        self.by_surname: dict[str, list[Person]] = {}
        for p in self.people.values():
            self.by_surname.setdefault(p.words[-1], []).append(p)
        self.events: list[Event] = []
        self._gendered: list[int] | None = None  # the article's gendered nouns (_gendered_nouns)
        self._pronouns: dict[int, Person] = {}
        self.at: dict[int, Person] = {}  # first character of a mention -> its person
        # a full name's surname written alone, and what the article says of the person there
        self._alone: dict[str, Alone] = {}
        taken: set[int] = set()  # tokens already counted as a mention
        for m, name in named:
            first, last = idx.token_at(m.start), idx.token_at(m.end - 1)
            taken.update(range(first, last + 1))
            self.at[m.start] = self.people[name]
            words = name_words(name)
            alone = len(words) > 1 and \
                name_words(clean_name(idx.text[m.start : m.end])) == words[-1:]
            if alone:
                self._alone.setdefault(name, Alone()).chars.append(m.start)
            if not idx.in_quote(m.start) and not is_credit(m, idx.text):
                self._observe(self.people[name], first, last, m.start in speaking, alone)
        doc = self.doc
        for i in idx.tokens_of(set(self.by_surname)):  # the NER missed it: "Lonechild said"
            tok = doc[i]
            if tok.i in taken or not tok.text[:1].isupper() or idx.in_quote(tok.idx):
                continue
            people = self.by_surname.get(tok.lower_)
            # a surname two people share is left to named(), which asks the foreground
            if people and len(people) == 1 and len(people[0].words) > 1 and \
                    not (tok.i > 0 and tok.doc[tok.i - 1].lower_ in ("the", "a", "an")):
                self.at[tok.idx] = people[0]
                self._alone.setdefault(people[0].name, Alone()).chars.append(tok.idx)
                self._observe(people[0], tok.i, tok.i,
                              within(tok.idx, tok.idx + len(tok.text), spans), True)
        self.events.sort(key=lambda e: e.char)
        self._bind_pronouns()
        self._split_surnames()
        self._follow_pronouns()

    # --- building ------------------------------------------------------------------------------

    @staticmethod
    def _personal_name(m: Mention, speaks: bool) -> str | None:
        """The person a mention names: a PERSON; a name after a personal title whatever the
        label ("Hereditary Chief Na'moks" tagged ORG); a speaker tagged as a building or a
        place no one would quote ("Stanovaya" FAC)."""
        if m.label == "PERSON":  # a name is written with a capital ('rookie defenceman' is not)
            # nor names a school or a company ('Covington Catholic High School' tagged PERSON)
            return m.canonical if written_as_name(m.canonical) and not ORG_WORDS.intersection(
                name_words(m.canonical)) else None
        words = m.canonical.split()
        # (not 'General' opening a body's name: General Electric, General Motors, General Mills)
        titled = [k for k, w in enumerate(words) if w.lower().rstrip(".") in PERSONAL_TITLES
                  and not (k == 0 and w.lower() == "general" and m.label == "ORG")]
        if titled:
            rest = words[titled[-1] + 1 :]
            if 1 <= len(rest) <= MAX_NAME_WORDS and all(w[:1].isupper() for w in rest):
                return clean_name(" ".join(rest))
        if speaks and m.label in SILENT_LABELS and 1 <= len(words) <= MAX_NAME_WORDS and \
                all(w[:1].isupper() for w in words) and not ORG_WORDS.intersection(name_words(m.canonical)):
            return clean_name(m.canonical)
        return None

    def _full_names(self, single: set[str]) -> dict[str, str]:
        """A one-word name the article also writes after a first name the NER left out
        ("Brittany Lincicome ... Lincicome said"): the full name, when there is one."""
        found: dict[str, set[str]] = {}
        for i in self.idx.tokens_of({w.lower() for w in single}):
            tok = self.doc[i]
            if tok.text in single and tok.i > 0:
                prev = tok.doc[tok.i - 1]
                if capitalised(prev) and prev.is_alpha and prev.lower_ not in TITLES and \
                        prev.dep_ in ("compound", "flat") and prev.head.i == tok.i:
                    found.setdefault(tok.text, set()).add(f"{prev.text} {tok.text}")
        return {n: next(iter(f)) for n, f in found.items() if len(f) == 1}

    def _observe(self, person: Person, first: int, last: int, speaks: bool,
                 alone: bool = False) -> None:
        """A mention of the person outside quotation marks: its weight in the foreground, and
        the gender and roles the words around it give. ``alone``: a full name's surname
        written alone, whose evidence is also kept apart (Cast._split_surnames)."""
        votes, n_roles = dict(person.votes), len(person.roles)
        self._observed(person, first, last, speaks, alone)
        if alone:
            kept = self._alone[person.name]
            for g, v in person.votes.items():
                if v != votes.get(g, 0.0):
                    kept.votes[g] += v - votes.get(g, 0.0)
            kept.roles.extend(person.roles[n_roles:])

    def _observed(self, person: Person, first: int, last: int, speaks: bool,
                  alone: bool) -> None:
        doc = self.doc
        head = end = doc[last]
        opening = doc[first] if first != last else end
        if head.dep_ in ("compound", "flat") and head.head.i > head.i:
            head = head.head
        weight = (SUBJECT_WEIGHT if head.dep_ in SUBJECT_DEPS else 1.0) + \
            (SPEAKER_WEIGHT if speaks else 0.0)
        prior = doc[first - 1].lower_ if first > 0 else None  # the word before the name
        word = opening.lower_
        if word in HONORIFICS:
            person.votes[HONORIFICS[word]] += HONORIFIC_VOTES
        elif prior in HONORIFICS:
            person.votes[HONORIFICS[prior]] += HONORIFIC_VOTES
        elif prior in GENDERED_NOUNS and prior not in APPOSITION_ONLY:
            person.votes[GENDERED_NOUNS[prior]] += ROLE_VOTES
        self._roles(person, opening, head)
        # the main clause's subject, or a name in apposition to it ('The new head of the bank,
        # Ana Ruiz, said ...': she is whom the sentence is about); the name itself, not one
        # modifying the appositive noun ('Simmons, an Obama supporter, said')
        subj = head.head if end.dep_ == "appos" and head.head.dep_ in SUBJECT_DEPS \
            else head
        self.events.append(Event(opening.idx, self.idx.sent_of(first), person, weight,
                                 subj.dep_ in SUBJECT_DEPS and main_clause(subj.head), alone))

    def _roles(self, person: Person, first: Token, head: Token) -> None:
        """'rookie defenceman Caleb Jones', 'Kremlin spokesman Dmitry Peskov', 'Ron Robison, the
        WHL commissioner', 'Alexander Gabuev, a senior fellow at the Carnegie Endowment': the
        roles the article gives the person, the organisation they hold them in, and any gender
        their nouns say."""
        doc = self.doc
        title: list[Token] = []
        k = first.i - 1
        while k >= 0 and (t := doc[k]).dep_ == "compound" and k < t.head.i <= head.i and \
                not t.is_punct:  # "Kremlin spokesman": compounds of the name or its title
            title.insert(0, t)
            k -= 1
        k = first.i  # the NER often takes the title in: "Prime Minister Justin Trudeau"
        while k < head.i and (t := doc[k]).lower_ in TITLES:
            title.append(t)
            k += 1
        while title and (not title[-1].is_alpha or title[-1].lower_ in HONORIFICS
                         or title[-1].lower_ in NOT_ROLES
                         or not (title[-1].text.islower() or title[-1].lower_ in TITLES)):
            title.pop()  # a role is a common noun or a title, not a name ("Cloverdale")
        if title:
            # "Sharks head coach": the capitalised words before the role name its organisation
            # a leading "New", "Former" or "Acting" qualifies the role, whatever the NER took
            # it for ("New Home Secretary Charles Clarke"); the organisation may follow it
            # ("New York mayor": a name the NER continues past it, not into a portfolio)
            n = first_org = next((i for i, t in enumerate(title)
                                  if t.lower_ not in TITLE_QUALIFIERS or begins_name(t)),
                                 len(title))
            # (not a word capitalised only because it opens the sentence: "New home
            # secretary Charles Clarke" names no organisation "New"; "IMF boss" does)
            while n < len(title) - 1 and title[n].text[:1].isupper() and \
                    (title[n].ent_type_ or title[n].text.isupper() or not title[n].is_sent_start) and \
                    title[n].lower_ not in PORTFOLIO_WORDS and (
                    title[n].lower_ not in TITLES or title[n].lower_ in NOT_ROLES
                    or title[n].ent_type_ in ORG_ENTS):  # "Kremlin", "White House"
                n += 1
            words = [t for t in title[n:] if t.lower_ not in NOT_ROLES or
                     t.lower_ in PORTFOLIO_WORDS]
            if words:
                person.roles.append(Role(title[-1].lower_, " ".join(t.lower_ for t in words),
                                         " ".join(t.text for t in title[first_org:n]) or None))
        appos = [c for c in head.children if c.dep == DEP["appos"]]
        if head.dep_ == "appos" and head.head.i < first.i:
            host = head.head
            # 'a spokesman for the Alder River Trust, Ben Okoro': the parse hangs the name on
            # the organisation; the role is the noun the organisation's preposition follows
            if host.dep_ == "pobj" and host.head.dep_ == "prep" and \
                    is_role_noun(host.head.head.lower_) and host.head.head.text.islower():
                host = host.head.head
            appos.append(host)
        for a in appos:
            if a.text.islower() and a.is_alpha and is_role_noun(a.lower_):
                # 'a senior fellow'; not the 'based' of 'a Moscow-based expert'
                mods = [t for t in a.lefts if t.dep_ in ("amod", "compound") and t.is_alpha
                        and t.text.islower() and not (t.i > 0 and doc[t.i - 1].text == "-")]
                lo, hi = a.left_edge.idx, a.right_edge.idx + len(a.right_edge.text)
                # an organisation, not a person's name the NER took for one ("Sanders")
                inside = [m for m in self.mentions if lo <= m.start and m.end <= hi and
                          not set(name_words(m.canonical)[-1:]) & self.by_surname.keys()]
                org = next((m for m in inside if m.label == "ORG"), None) or next(
                    (m for m in inside if m.label in ORG_ENTS), None)  # an organisation first
                person.roles.append(Role(a.lower_, " ".join(t.lower_ for t in [*mods, a]),
                                         org.canonical if org else None))
                if a.lower_ in GENDERED_NOUNS:
                    person.votes[GENDERED_NOUNS[a.lower_]] += ROLE_VOTES

    def _gendered_nouns(self, lo: int, hi: int) -> list[int]:
        """The tokens from lo to before hi that are gendered nouns ('woman', 'father'), found
        among the article's (looked up once) rather than by reading every word between."""
        if self._gendered is None:
            self._gendered = self.idx.tokens_of(GENDERED_WORDS)
        return self._gendered[bisect.bisect_left(self._gendered, lo) :
                              bisect.bisect_left(self._gendered, hi)]

    def _bind_pronouns(self) -> None:
        """'Roe said she ...', 'Roe lost her job': a pronoun after the subject of its sentence,
        within the subject's clause and with no other person between them, says the subject's
        gender ('When Denise struggled, he took the tape': another clause, another person)."""
        pronouns = self.idx.tokens_of(frozenset(PRONOUN_GENDER))
        if not pronouns:
            return
        for n, e in enumerate(self.events):
            if e.weight < SUBJECT_WEIGHT:
                continue
            tok = self.idx.token_at(e.char)
            end = self.idx.sents[e.sent].end
            head = self.doc[tok]
            while head.dep_ in ("compound", "flat") and head.head.i > head.i:
                head = head.head
            verb = head.head
            nxt = self.events[n + 1].char if n + 1 < len(self.events) else None
            appos = [c for c in head.children if c.dep == DEP["appos"]]
            for i in pronouns[bisect.bisect_right(pronouns, tok):]:
                t = self.doc[i]
                if i >= end or nxt is not None and t.idx >= nxt:
                    break
                if appos and _in_description(t, appos):
                    continue
                if self._gendered_nouns(head.i + 1, i):
                    break  # a nearer antecedent: 'Garnier, who strangled the woman ... her body'
                if not self.idx.in_quote(t.idx):
                    if verb in t.ancestors:
                        e.person.votes[PRONOUN_GENDER[t.lower_]] += BOUND_VOTES
                        if e.alone:
                            self._alone[e.person.name].votes[PRONOUN_GENDER[t.lower_]] += \
                                BOUND_VOTES
                    break

    def _split_surnames(self) -> None:
        """'Thurman says she ...' in a profile whose one full name is 'her father, Robert
        Thurman': a surname written alone joins the article's full name before anything is
        known of either, and here they are two people. When what the article says where it
        writes the surname alone (honorifics, gendered nouns, bound pronouns) gives one gender
        and the full name's own mentions the other, the surname alone is someone else: the one
        other full name of that surname whose gender agrees (with names on, its first name's
        when the article gives none), else a person of the surname alone. Each side's gender
        must be clear, ahead by what a gendered noun counts; a first name never splits a person
        (the article's words win over it: 'Ms Okafor ... Michael Okafor')."""
        def stated(votes: dict[str, float]) -> str | None:
            # one gender ahead by as much as a gendered noun says: a single pronoun the parse
            # bound to the name ('Patterson kidnapped her') does not split a person
            m, f = votes.get(MALE, 0.0), votes.get(FEMALE, 0.0)
            return said_gender(votes) if abs(m - f) >= ROLE_VOTES else None

        for name, seen in self._alone.items():
            person = self.people[name]
            alone = stated(seen.votes)
            if alone is None:
                continue
            full = stated({g: v - seen.votes.get(g, 0.0) for g, v in person.votes.items()})
            if full is None or full == alone:
                continue
            surname = person.words[-1]
            agreeing = [p for p in self.by_surname.get(surname, []) if p is not person and
                        len(p.words) > 1 and (p.gender or (p.name_gender if self.names else None))
                        == alone]
            if len(agreeing) == 1:
                other = agreeing[0]
            else:
                written = name.split()[-1]
                if written in self.people:
                    continue
                other = self.people[written] = Person(written, (surname,))
                self.by_surname[surname].append(other)
            for g, v in seen.votes.items():
                person.votes[g] -= v
                other.votes[g] += v
            other.roles.extend(seen.roles)
            person.roles = [r for r in person.roles if all(r is not x for x in seen.roles)]
            chars = set(seen.chars)
            for c in chars:
                self.at[c] = other
            for e in self.events:
                if e.person is person and e.char in chars:
                    e.person = other

    def _follow_pronouns(self) -> None:
        """Every he and she outside quotation marks, in reading order: each goes to the person
        in the foreground whose gender agrees, and becomes a mention of them."""
        for i in self.idx.tokens_of(FOLLOWED):
            tok = self.doc[i]
            if self.idx.in_quote(tok.idx):
                continue
            person = self._previous_subject(tok) or self.foreground(
                tok.idx, list(self.people.values()), PRONOUN_GENDER[tok.lower_])
            if person is None:
                continue
            unnamed = described_subject(tok, self.idx)
            if unnamed is not None and not any(
                    e.person is person and unnamed.idx <= e.char < tok.idx for e in self.events):
                continue  # 'A lawyer for the bank said ...' just before: he is that unnamed one
            self._pronouns[tok.i] = person
            if tok.lower_ not in SUBJECT_PRONOUNS:
                continue  # his, her, him: resolved, but a chain is carried by its subjects
            sent = self.idx.sents[self.idx.sent_of(i)]
            if person.gender is None and not any(
                    GENDERED_NOUNS[self.doc[k].lower_] == PRONOUN_GENDER[tok.lower_]
                    for k in self._gendered_nouns(sent.start, i)):
                # (not when a noun of that gender comes first in the sentence: 'the woman died
                # in an accident that she caused' says nothing of the person she was read as)
                person.votes[PRONOUN_GENDER[tok.lower_]] += RESOLVED_VOTES
                person.inferred[PRONOUN_GENDER[tok.lower_]] += RESOLVED_VOTES
            weight = SUBJECT_WEIGHT if tok.dep_ in SUBJECT_DEPS else 1.0
            bisect.insort(self.events, Event(tok.idx, self.idx.sent_of(tok.i), person, weight,
                                             weight > 1.0 and main_clause(tok.head)),
                          key=lambda e: e.char)

    def _previous_subject(self, tok: Token) -> Person | None:
        """'Spokesperson Lu Kang gave no details. But he said ...': a he or she opening its
        sentence as the subject of its main clause continues the subject of the sentence before
        (the main subject, its first), when that is a person its gender does not contradict."""
        if tok.dep_ not in SUBJECT_DEPS or tok.head.dep_ != "ROOT" or \
                tok.lower_ not in SUBJECT_PRONOUNS:
            return None
        sent = self.idx.sent_of(tok.i)
        start = self.idx.sents[sent].start
        gender = PRONOUN_GENDER[tok.lower_]
        opening = self._opening_quote(tok)
        if opening is not None:
            # '"...," she said.' opening its paragraph: the last main subject of the paragraph
            # before (the parser's sentences often run over a paragraph break)
            before = self._before_quote(opening)
            last = next((e for e in reversed(self.events) if before <= e.char < opening and
                         e.main), None)
            person = last.person if last is not None else \
                self._unnamed_subject(before, opening, last=True)
            return person if person is not None and self.agrees(person, gender) else None
        if any(t.dep_ not in ("cc", "punct", "advmod") for t in self.doc[start : tok.i]):
            return None
        for e in self.events:
            if e.sent == sent - 1 and e.main:
                return e.person if self.agrees(e.person, gender) else None
            if e.sent >= sent:
                break
        if sent == 0:
            return None
        prior = self.idx.sents[sent - 1]  # (``before`` above is a character offset)
        person = self._unnamed_subject(prior.start_char, prior.end_char, last=False)
        if person is None:
            # 'Meadows' plans were kept so secret that Wayne King ... did not learn of them.
            # He said ...': no person is the main subject; the one person who is the subject
            # of a clause of that sentence, if the gender agrees
            clause = {e.person.name: e.person for e in self.events
                      if e.sent == sent - 1 and e.weight >= SUBJECT_WEIGHT and
                      self.agrees(e.person, gender)}
            return next(iter(clause.values())) if len(clause) == 1 else None
        return person if self.agrees(person, gender) else None

    def _unnamed_subject(self, lo: int, hi: int, last: bool) -> Person | None:
        """'Mulder didn't hesitate. "It's this for sure," he said.': a name the NER did not
        take for a person's ('Mulder' GPE, 'Colton' ORG) that a he or she continues as the
        main subject is a person's, and joins the cast unless it is one of the cast's names
        (the first such subject between lo and hi, or the last). Not a word opening its
        sentence with no entity on it ('Officials'), nor one after an article or with an
        organisation's word."""
        doc, idx = self.doc, self.idx
        found = [t for t in doc[idx.token_at(lo) : idx.token_at(hi) + 1]
                 if lo <= t.idx < hi and t.dep_ in SUBJECT_DEPS and main_clause(t.head) and
                 capitalised(t) and t.lower_ not in PRONOUNS and not idx.in_quote(t.idx) and
                 idx.text[t.idx - 1 : t.idx] not in HANDLE_MARKS]  # (no hashtag, no handle)
        if not found:
            return None
        tok = found[-1] if last else found[0]
        run = [tok]
        while run[0].i > 0:
            prev = doc[run[0].i - 1]
            if prev.dep_ in ("compound", "flat") and prev.head.i == tok.i and capitalised(prev):
                run.insert(0, prev)
            elif prev.text == "-" and not prev.whitespace_ and prev.i > 0 and \
                    capitalised(doc[prev.i - 1]) and not doc[prev.i - 1].whitespace_:
                run[:0] = [doc[prev.i - 1], prev]  # 'Mr Kilroy-Silk': one name, not 'Silk'
            else:
                break
        first = run[0]
        k = bisect.bisect_right(self._starts, tok.idx) - 1
        tagged = self.mentions[k] if k >= 0 and self.mentions[k].end > tok.idx else None
        if tagged is None and first.i in idx.sent_start_set or \
                tagged is not None and tagged.label == "PERSON" or \
                tagged is not None and self._read_as_a_place(tagged) or \
                first.i > 0 and doc[first.i - 1].lower_ in ("the", "a", "an") or \
                written_as_a_thing(tok, idx):
            return None
        name = clean_name("".join(t.text_with_ws for t in run).strip())
        if not name or ORG_WORDS.intersection(name_words(name)) or name.lower() in TITLES:
            return None
        person = self.named(name, first.idx)  # 'Jayme' for Jayme Closs
        if person is None:
            person = self.people[name] = Person(name, name_words(name))
        self.at.setdefault(first.idx, person)
        bisect.insort(self.events, Event(first.idx, idx.sent_of(tok.i), person, SUBJECT_WEIGHT,
                                         True), key=lambda e: e.char)
        return person

    def _read_as_a_place(self, tagged: Mention) -> bool:
        """Whether the NER read this name as a place in another mention of the article too: a
        name read twice as a place is one ('Wisconsin is a battleground state.'), where a
        one-off place is the NER's slip ('Mulder' GPE). (Not so an organisation: the NER
        reads an unusual first name as one again and again, 'Colton' ORG.)"""
        return tagged.label in PLACE_LABELS and sum(
            m.canonical == tagged.canonical and m.label in PLACE_LABELS
            for m in self.mentions) > 1

    def _opening_quote(self, tok: Token) -> int | None:
        """Where the quotation opens that a pronoun follows as its speaker, when the quotation
        opens its paragraph or a sentence: '"...," she said.' (else None)."""
        span = self.idx.mark_span_before(tok.idx)
        if span is None:
            return None
        qs, qe = span
        text = self.idx.text
        if text[qe : tok.idx].strip(" ,\"”’'»"):
            return None
        # the quotation, or the first of its sentence ('"The crisis" calls for localities to
        # "be creative," she said.'), opens its paragraph or a sentence
        first = self.idx.first_quote_of_sentence(qs)
        if opens_paragraph(text, first) or text[paragraph_start(text, first) : first].rstrip(
                " \"“‘'«").endswith((".", "!", "?")):  # (its paragraph only: no copy of the text)
            return first
        return None

    def _before_quote(self, opening: int) -> int:
        """Where the speaker of a quotation opening at ``opening`` is looked for: the paragraph
        before when it opens its paragraph, else the sentence before it in its own ('..., but
        O'Connor did not concede. "We are in a tie," he said': not a subject further back)."""
        text = self.idx.text
        if opens_paragraph(text, opening):
            return previous_paragraph(text, opening)
        sent = self.idx.sent_of(self.idx.token_at(opening))
        prior = self.idx.sents[sent - 1] if sent > 0 else self.idx.sents[sent]
        return max(prior.start_char, paragraph_start(text, opening))


def written_as_a_thing(subj: Token, idx: Index) -> bool:
    """'Telegram has been accused of harbouring extremist content on its platform': an 'its'
    in the clause the name is the subject of is the name's (rules.called_it reads PERSON
    mentions so): the article writes of it as a thing, which no he or she continues."""
    verb = subj.head
    return any(t.lower_ == "its" and t.dep_ == "poss" and not idx.in_quote(t.idx) and
               own_clause(t, verb) for t in verb.subtree)


PLACE_LABELS = frozenset({"GPE", "LOC"})
# cues that say the speaker goes on with what they were saying ('..., he added')
CONTINUING_CUES = frozenset({"add", "added", "adds", "adding", "continued", "continues",
                             "continuing", "went on", "goes on", "going on"})


# 'every runner', 'each player', 'no one', 'any fan': anyone of a kind, no one the article names
GENERIC_DETS = frozenset({"every", "each", "any", "no", "all"})
_BREAKS = re.compile(r"\n+")  # a paragraph break, however written


def _definite(head: Token) -> bool:
    """A noun phrase with a definite determiner: 'the spokesman', 'this actress'."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE for c in head.children)


def _in_description(t: Token, appos: list[Token]) -> bool:
    """'said Beth Meacham, one of his editors': a pronoun in the noun phrase the subject is
    described by is someone else's (no one is one of their own editors); not one in a clause
    of that phrase ('medical director ..., who writes on his blog' is about the subject)."""
    path = t
    while path.dep_ != "appos" or path not in appos:
        if path.dep_ in ("relcl", "acl", "advcl", "ccomp") or path.head.i == path.i:
            return False
        path = path.head
    return True


def continued_by(q: Quote, pron: Token, last: tuple[Quote, Person] | None,
                 text: str) -> Person | None:
    """'"Britain is heading the wrong way," the Tory leader said. Mr Blair's government was
    "bossy", he added': add, continue and go on say the speaker goes on, so a he or she subject
    of one is the person of the quote just before (in its paragraph or the one before),
    whoever was named in between; the caller asks whether their gender agrees (Cast.agrees)."""
    if last is None or (q.cue or "").lower() not in CONTINUING_CUES or \
            pron.lower_ not in SUBJECT_PRONOUNS:
        return None
    prev, person = last
    if prev.end > q.start or len(_BREAKS.findall(text, prev.end, q.start)) > 1:
        return None
    return person


def resolve_speakers(quotes: list[Quote], mentions: list[Mention], idx: Index,
                     names: bool = True) -> None:
    """Give each quote the person of the article its speaker mention stands for, where the cast
    knows better than the mention alone (see the module docstring). ``names``: a he or she is
    not a person the article gives no gender but whose first name is the other one's."""
    if not quotes:
        return  # (no one to resolve: the cast is read for its quotes alone)
    cast = Cast(idx, mentions, quotes, names=names)
    if not cast.people:
        return
    before: tuple[Quote, Person] | None = None  # the quote before, with its person
    for q in quotes:
        last, before = before, None
        if q.speaker_span is None or not q.speaker_text or q.evidence.unnamed:
            continue  # (someone the article does not name: speakers.introduced_unnamed)
        tok = idx.doc[idx.token_at(q.speaker_span[0])]
        person, how = None, ""
        head = idx.doc[q.evidence.speaker_head] if q.evidence.speaker_head is not None else None
        if head is not None and head.text.islower() and head.lower_ not in DOCUMENT_NOUNS and \
                any(c.dep_ == "poss" and c.ent_type_ or works_for(c, head) and
                    (c.ent_type_ == "PERSON" or c.idx in cast.at) for c in head.children):
            # "Trudeau's office", "McCallum's staff", "Obama aides" speak for, but are not,
            # the person (initials the NER took for a person are a body: 'the WHL
            # commissioner' is whom the article gave that role)
            continue
        if q.evidence.speaker_token is not None and idx.doc[q.evidence.speaker_token].lower_ in FOLLOWED:
            person, how = cast.pronoun(idx.doc[q.evidence.speaker_token]), "pronoun"  # "her statement said"
        elif q.speaker_text.lower() in FOLLOWED:
            person, how = cast.pronoun(tok), "pronoun"
            same = continued_by(q, tok, last, idx.text)
            if same is not None and same is not person and \
                    cast.agrees(same, PRONOUN_GENDER[tok.lower_]):
                person, how = same, "continues"
        elif q.speaker_span[0] in cast.at:
            person, how = cast.at[q.speaker_span[0]], "mention"
        elif q.speaker_label in ("PERSON", None):
            if q.speaker is not None or q.speaker_text[:1].isupper():
                person, how = cast.named(q.speaker or q.speaker_text, q.speaker_span[0]), "name"
            head = idx.doc[q.evidence.speaker_head] if q.evidence.speaker_head is not None else None
            generic = head is not None and any(c.dep_ == "det" and c.lower_ in GENERIC_DETS
                                               for c in head.children)
            if head is not None and head.text.islower() and not generic and (
                    person is None or q.speaker is None or head.lower_ in ROLE_NOUNS):
                # "the rookie defenceman": whom the article gave that role; else the person the
                # description was already read as (the one just quoted: "the Kremlin leader"
                # between two of Putin's quotes); else, for a definite description of a
                # person, the person in the foreground
                qualifiers = frozenset(c.lower_ for c in head.lefts
                                       if c.dep_ in ("compound", "amod") and c.text[:1].isupper())
                by_role = cast.in_role(head.lower_, q.speaker_span[0], qualifiers)
                if by_role is not None:
                    person, how = by_role, "role"
                elif person is None and head.lower_ in ROLE_NOUNS and _definite(head):
                    person = cast.foreground(q.speaker_span[0], list(cast.people.values()))
                    how = "foreground"
        noun_gender = GENDERED_NOUNS.get(head.lower_) \
            if head is not None and head.text.islower() else None
        if person is not None and head is not None and noun_gender is not None and \
                not cast.agrees(person, noun_gender):
            # 'The actress learned ...' after the director's quote: an actress is no man; for
            # a definite description the person in the foreground of her gender, else no one
            # ('a Clinton spokesman': someone the article does not name)
            person, how = (cast.foreground(q.speaker_span[0], list(cast.people.values()),
                                           noun_gender) if _definite(head) else None), \
                "gendered-noun"
            if person is None:
                q.speaker, q.speaker_label = None, None
        if person is None and q.speaker is None and head is not None and q is quotes[0]:
            person, how = cast.identified_next(head), "identified-next"
        if person is None and q.speaker_label == "PERSON" and q.speaker is not None:
            person, how = cast.people.get(q.speaker), "name"
            said = PRONOUN_GENDER.get(q.speaker_text.lower())
            if person is not None and said is not None and not cast.agrees(person, said):
                # 'she' read as a man the article calls Mr: the cast found no one she can be
                person, q.speaker, q.speaker_label = None, None, None
        if person is not None:
            before = (q, person)
            if person.name != q.speaker or q.speaker_label != "PERSON":
                q.speaker_rule = f"cast-{how}"  # the cast changed who it is
            q.speaker, q.speaker_label = person.name, "PERSON"
            q.speaker_role, q.speaker_organisation = person.role, person.organisation
            q.speaker_gender = person.gender
            q.evidence.gender_inferred = person.gender_inferred
        if q.evidence.also and q.speaker_label == "PERSON":
            # 'Sandmann and Phillips have said': every name, each the cast's person it names;
            # no one role, organisation or gender is theirs
            others = [cast.at.get(s) or cast.named(idx.text[s:e], s) for s, e in q.evidence.also]
            if q.speaker is not None and all(others):
                q.speaker = " and ".join([q.speaker, *(p.name for p in others if p)])
                q.speaker_role = q.speaker_organisation = q.speaker_gender = None
