"""Mixed quotes: a quoted fragment inside reported speech ('Comey testified "thousands" of
emails ...') is reported as the whole clause that holds it, with the fragment inside."""

from __future__ import annotations

from spacy.tokens import Token

from tasks.nlp.quotes.lexicons import CHARACTERISE_VERBS
from tasks.nlp.quotes.marks import paragraph_span
from tasks.nlp.quotes.parse import Index, according_content, complement
from tasks.nlp.quotes.thresholds import MARK_SLACK_CHARS


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
    else:
        clause = complement(cue)
    if clause is not None and clause[0] <= start and end <= clause[1] + MARK_SLACK_CHARS:
        return clause[0], max(clause[1], end)
    for child in cue.rights:
        if child.dep_ not in ("dobj", "xcomp", "oprd", "prep", "advcl", "attr", "acomp", "ccomp"):
            continue
        sub = list(child.subtree)
        lo, hi = sub[0].idx, sub[-1].idx + len(sub[-1].text)
        if lo <= start and end <= hi + MARK_SLACK_CHARS:
            objects = [c for c in cue.rights if c.dep_ == "dobj" and c.i < child.i]
            if objects:
                lo = objects[0].left_edge.idx
            return lo, max(hi, end)
    return None


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
