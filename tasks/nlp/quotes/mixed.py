"""Mixed quotes: a quoted fragment inside reported speech ('Comey testified "thousands" of
emails ...') is reported as the whole clause that holds it, with the fragment inside."""

from __future__ import annotations

import re

from spacy.tokens import Token

from tasks.nlp.quotes.lexicons import CHARACTERISE_VERBS
from tasks.nlp.quotes.marks import paragraph_span
from tasks.nlp.quotes.parse import Index, according_content, char_span, complement, trim
from tasks.nlp.quotes.thresholds import MARK_SLACK_CHARS, MIXED_EXTRA_WORDS


def mixed_clause(cue: Token, start: int, end: int, idx: Index) -> tuple[int, int] | None:
    """The reported material around a quoted fragment: the cue's clausal complement, the
    'according to' sentence, or the dependent (object + complement, as in 'called his rivals
    "deplorables"') that holds the fragment. None when the fragment stands on its own. It
    stays in the cue's paragraph, as reported speech does (within_paragraph): the parser runs
    a clause on into the next paragraph now and then; only the fragment's own marks may."""
    clause = _mixed_clause(cue, start, end, idx)
    if clause is None:
        return None
    lo, hi = paragraph_span(idx.text, cue.idx)
    return max(clause[0], min(lo, start)), min(clause[1], max(hi, end))


def _mixed_clause(cue: Token, start: int, end: int, idx: Index) -> tuple[int, int] | None:
    if cue.lower_ in CHARACTERISE_VERBS:
        rights = [c for c in cue.rights if not c.is_punct and c.dep_ not in ("cc", "conj")]
        if not rights:
            return None
        last = rights[-1].right_edge
        while last.is_punct and last.i > rights[0].i:
            last = last.doc[last.i - 1]
        return min(rights[0].left_edge.idx, start), max(last.idx + len(last.text), end)
    if cue.lower_ == "according":
        clause = according_content(cue, idx)
    else:  # (a clause lies within its head's edges: none that could hold the fragment, none read)
        clause = complement(cue) if any(
            c.dep_ in ("ccomp", "advcl") and _may_hold(c, start, end) for c in cue.children) \
            else None
    if clause is not None and clause[0] <= start and end <= clause[1] + MARK_SLACK_CHARS:
        return clause[0], max(clause[1], end)
    for child in cue.rights:
        if child.dep_ not in ("dobj", "xcomp", "oprd", "prep", "advcl", "attr", "acomp", "ccomp") \
                or not _may_hold(child, start, end):
            continue
        sub = list(child.subtree)
        lo, hi = sub[0].idx, sub[-1].idx + len(sub[-1].text)
        if lo <= start and end <= hi + MARK_SLACK_CHARS:
            objects = [c for c in cue.rights if c.dep_ == "dobj" and c.i < child.i]
            if objects:
                lo = objects[0].left_edge.idx
            return lo, max(hi, end)
    return None


def _may_hold(head: Token, start: int, end: int) -> bool:
    """Whether the words of head's subtree, which lie between its edges, may span the
    fragment from start to end (with MARK_SLACK_CHARS at the end)."""
    last = head.right_edge
    return head.left_edge.idx <= start and end <= last.idx + len(last.text) + MARK_SLACK_CHARS


def after_cue(cue: Token, start: int, end: int, idx: Index) -> tuple[int, int] | None:
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


# a reporting verb's dependents that are clauses of their own, not part of its attribution phrase
OWN_CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "conj", "advcl", "xcomp", "cc"})


def parenthetical_parts(cue: Token, subj: Token, idx: Index) -> list[tuple[int, int]] | None:
    """The sentence around a parenthetical attribution ('The museum, Mr. Bush said, celebrated
    his heroes.', '"Only you," she said, would ...'): a reporting verb the parse makes a
    parataxis, with no clause of its own, whose subject and modifiers form one phrase set off
    by a comma (before it, or before the closing mark before it) and ended by punctuation. The
    sentence's words on each side of that phrase, as one or two spans; None when the verb is
    not set off so."""
    if cue.dep_ != "parataxis" or subj.head.i != cue.i:
        return None
    if any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and not cue.lower_.startswith(
            ("tell", "told")) for c in cue.children):
        return None  # 'Mexico said enough', 'suggested looking at ...': content of its own
    sent = idx.sents[idx.sent_of(cue.i)]
    phrase = {cue.i}
    for child in cue.children:
        if child.dep_ not in OWN_CLAUSE_DEPS:
            phrase.update(t.i for t in child.subtree)
    phrase.update(t.i for t in subj.subtree)
    while min(phrase) > sent.start and idx.doc[min(phrase)].is_punct:
        phrase.discard(min(phrase))
    lo, hi = min(phrase), max(phrase)
    if any(t.i not in phrase for t in idx.doc[lo : hi + 1]) or lo <= sent.start:
        return None  # not one contiguous attribution phrase after some content
    doc = idx.doc
    if doc[lo - 1].text != "," and not (doc[lo - 1].is_quote and lo - 2 >= sent.start and
                                        doc[lo - 2].text == ","):
        return None
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    after = doc[hi + 1] if hi + 1 < sent.end else None
    if after is not None and after.text not in (",", ".", ";", ":", "!", "?"):
        return None
    # a clause of the verb's own after it ('"Savage," she said, meaning that he ...', 'and
    # her husband cut in') is another attribution or statement, not the sentence's rest
    own = [c.left_edge.i for c in cue.children if c.dep_ in OWN_CLAUSE_DEPS and c.i > hi]
    end = min([sent.end, *own])
    spans = []
    for part in (doc[sent.start : lo], doc[hi + 1 : end]):
        toks = trim([t for t in part if not t.is_space])
        if toks:
            spans.append(char_span(toks))
    return spans or None


def around_attribution(cue: Token, subj: Token | None, frags: list[tuple[int, int]],
                       idx: Index) -> list[tuple[int, int]] | None:
    """A quotation in a sentence that a parenthetical attribution interrupts ('"It's our bad
    luck," he said, that both men prayed here', 'Particularly in poorer towns, he said, "we
    don't know" how many jobs will go'): what is reported is the whole sentence without the
    attribution, the quoted words inside it; the sentence's parts when they hold every
    fragment and words outside the marks."""
    if subj is None:
        return None
    parts = parenthetical_parts(cue, subj, idx)
    if parts is None or not (parts[0][0] <= frags[0][0] and
                             frags[-1][1] <= parts[-1][1] + MARK_SLACK_CHARS):
        return None
    # within the cue's paragraph, as reported speech stays (the parser runs a sentence on past
    # a closing mark into the next paragraph now and then): only the quotation's marks may
    lo, hi = paragraph_span(idx.text, cue.idx)
    lo, hi = min(lo, frags[0][0]), max(hi, frags[-1][1])
    parts = [(max(a, lo), min(b, hi)) for a, b in parts if min(b, hi) > max(a, lo)]
    # words of the sentence outside every quotation's marks ('"That," he added, "promises
    # ..."' is two quotations and no word of report)
    text = idx.text
    outside = sum(1 for a, b in parts for w in re.finditer(r"\S+", text[a:b])
                  if not idx.in_quote(a + w.start()))
    if outside < MIXED_EXTRA_WORDS:
        return None
    return [_with_marks(a, b, idx) for a, b in parts]


def _with_marks(a: int, b: int, idx: Index) -> tuple[int, int]:
    """A part that opens or closes inside a quotation, widened to that quotation's marks (trim
    took them off the sentence's edges): '"nobody has checked the pipes" since 2019'."""
    text = idx.text
    first = idx.mark_span_before(a)
    if first is not None and first[0] <= a < first[1] and first[0] > 0:
        a = first[0] - 1
    last = idx.mark_span_before(b - 1)
    if last is not None and last[0] <= b - 1 < last[1] and last[1] < len(text):
        b = max(b, last[1] + 1)
    return a, b
