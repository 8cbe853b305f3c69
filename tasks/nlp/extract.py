"""NLP step: spaCy over a batch of articles, then entity and quote rows (pure functions of a Doc)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from tasks.core.version import _meta_id, installed_model_id  # noqa: F401  (re-exported)
from tasks.ingest.language import LABELS
from tasks.ingest.records import Article
from tasks.nlp.names import (
    ORG_WORDS,
    PERSON_LABELS,
    headline_trimmed,
    resolve_mentions,
    title_case_line,
)
from tasks.nlp.quotes import EXTRACTOR_VERSION, Mention, extract_quotes, quote_text
from tasks.nlp.quotes.marks import paragraph_span
from tasks.nlp.quotes.parse import TokenArrays, sentences, token_arrays

MAX_CHARS = 1_000_000  # spaCy's own default limit; longer texts fail with a reason instead


@lru_cache(maxsize=4)
def load_nlp(model: str, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process (cached), without components the extractors ignore."""
    import spacy

    nlp = spacy.load(model, exclude=[c for c in disable])
    split_glued_quote_marks(nlp)
    return nlp


# A quotation mark is a token of its own even where the writer left out the space beside it:
# 'surprising,”Clinton said' and 'said,“Look' were one token each, so neither the quote nor its
# speaker was found. Curly quotes and guillemets always; a straight double quote after sentence
# punctuation and before a word ('said,"Look'), not inside a word ('5\'10"').
GLUED_QUOTE_INFIXES = (r"[“”«»]", r"[,.;:!?](?=[“”«»\"])", r"(?<=[,.;:!?])\"(?=\w)")
TOKENIZER_VERSION = "tok-1"  # bumped with the infixes: parses cached by an older one are stale


def split_glued_quote_marks(nlp: Language) -> None:
    """Add GLUED_QUOTE_INFIXES to the pipeline's tokenizer."""
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes or ()) + list(GLUED_QUOTE_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]


def model_id(nlp: Language) -> str:
    """'name==version' of a loaded pipeline, recorded with every row it produces."""
    return _meta_id(nlp.meta)




class TokenOffsets(Protocol):
    """Each token's (first character, length in characters), by token index."""

    def __getitem__(self, k: int, /) -> Sequence[int]: ...

    def __len__(self) -> int: ...


class FlatOffsets:
    """TokenOffsets from two flat lists: a pair made for every word of the article costs
    more than reading the few that entities start and end on."""

    __slots__ = ("lengths", "starts")

    def __init__(self, starts: list[int], lengths: list[int]):
        self.starts, self.lengths = starts, lengths

    def __getitem__(self, k: int, /) -> tuple[int, int]:
        return self.starts[k], self.lengths[k]

    def __len__(self) -> int:
        return len(self.starts)


def line_pieces(text: str, start: int, end: int, offsets: TokenOffsets, label: str
                ) -> list[tuple[int, int, int, str]]:
    """An entity's (first token, start char, end char, label), one per line it spans: no name
    runs over a line break, where the NER joins a photo credit to the name opening the next
    paragraph ('Jonathan Ernst\nTrump', 'Justin Trudeau\n\nTrudeau'): each line's words are a
    mention of their own, with the same label; past the first line only a person's (a line's
    first word that ran on from an organisation is seldom one: 'The Associated
    Press\n\nWarning: This story contains ...')."""
    a, b = offsets[start][0], offsets[end - 1][0] + offsets[end - 1][1]
    if "\n" not in text[a:b]:
        return [(start, a, b, label)]
    out: list[tuple[int, int, int, str]] = []
    for k in range(start, end):
        s, n = offsets[k]
        if not text[s : s + n].strip():
            continue  # a line break's own token
        if out and "\n" not in text[out[-1][2] : s]:
            out[-1] = (out[-1][0], out[-1][1], s + n, label)  # the same line goes on
        elif not out or label == "PERSON":
            out.append((k, s, s + n, label))
        else:
            break
    return out


# the words before a place that ends a phrase: '... truck attack in Nice Tony Molina, a ...'
PLACE_PREPOSITIONS = frozenset("in at from near of outside across to".split())
# what ends the name of a place or a building, not a person's ('Boston Logan Airport')
FACILITY_WORDS = frozenset("""airport station terminal street avenue road lane square park
    bridge tower hall building hotel stadium arena beach harbour harbor port mall market
    museum gallery theatre theater library prison cathedral palace castle""".split())


def place_run_on(text: str, ents: list[tuple[int, int, int, str]],
                 offsets: TokenOffsets) -> list[tuple[int, int, int, str]]:
    """A person's name of three words or more opening with a place the article names as a
    place elsewhere, right after a preposition, ran on from the phrase before, as a caption
    runs into the name that follows ('Harrowing images of the truck attack in Nice Tony Molina,
    a U.S. police officer, ...' made 'Nice Tony Molina' the name of every 'Molina'): the name
    starts after the place."""
    from tasks.nlp.gender import gender_of_name

    places = {text[a:b] for _, a, b, label in ents if label in ("GPE", "LOC")}
    if not places:
        return ents
    out = []
    for first, a, b, label in ents:
        words = text[a:b].split()
        if len(words) >= 3 and first + 1 < len(offsets) and words[0] in places:
            before = text[max(0, a - 12) : a].split()
            # (the NER may call the whole a facility: then the rest is a first name, a common
            # one, and a surname, which no place's or body's word ends: not 'Logan Airport')
            if before and before[-1].lower() in PLACE_PREPOSITIONS and (
                    label == "PERSON" or len(words) == 3 and
                    gender_of_name(words[1], alone=True) is not None and
                    words[2].lower() not in FACILITY_WORDS | ORG_WORDS):
                first, a = first + 1, offsets[first + 1][0]
                label = "PERSON"
        out.append((first, a, b, label))
    return out


# 'Spindler's father, Joseph, says ...': a relative, brought in by a first name in apposition
KIN_APPOSITION = re.compile(
    r"\b(?:father|mother|son|daughter|wife|husband|brother|sister|uncle|aunt|grandfather|"
    r"grandmother|grandson|granddaughter|cousin|niece|nephew|stepfather|stepmother|stepson|"
    r"stepdaughter|widow|widower|fianc[eé]e?|partner|girlfriend|boyfriend),\s*$", re.IGNORECASE)


def kin_by_first_name(text: str, ents: list[tuple[int, int, int, str]],
                      canon: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The canonical names with a relative brought in by first name (introduced_as_kin) kept
    apart from the article's other person of that first name: their first name alone, unless
    the full name it joined carries the surname of another person of the article, the family
    ('his wife, Jane,' beside 'Jane Sanders' and 'Bernie Sanders')."""
    kin = [k for k, (_, a, b, label) in enumerate(ents)
           if label in PERSON_LABELS and introduced_as_kin(text, a, b)]
    if not kin:
        return canon
    people = [c.split() for c, label in canon if label in PERSON_LABELS]
    out = list(canon)
    for k in kin:
        words = canon[k][0].split()
        family = len(words) > 1 and any(
            len(p) > 1 and p[-1] == words[-1] and p[0] != words[0] for p in people)
        if not family:
            out[k] = (text[ents[k][1] : ents[k][2]], canon[k][1])
    return out


def introduced_as_kin(text: str, start: int, end: int) -> bool:
    """A one-word name in apposition to a kinship noun ("Spindler's father, Joseph,", 'his
    wife, Ana,') names that relative: not the article's other person of that first name
    ('Joseph Boinnet', the police chief), whom a first name alone would otherwise join."""
    return text[end : end + 1] in (",", ")", ".") and "," in text[max(0, start - 3) : start] \
        and " " not in text[start:end].strip() and \
        KIN_APPOSITION.search(text, max(0, start - 40), start) is not None


@dataclass
class Extracted:
    """Entity and quote rows of one article (plain dicts in the table schemas' column order)."""

    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    model: str | None = None  # the pipeline that read the article (None: no pipeline for it)


# the newsroom's credit line: '(Reporting by Ada Marsh; Editing by Kim Coghill)', 'Writing by ...'
# what every credit line holds (the pattern, which may start at any line or bracket, is run
# only on an article that has one of them)
STAFF_CREDIT_WORDS = ("eporting by", "riting by", "diting by", "ompiled by", "ranslated by",
                      "roduced by")
STAFF_CREDIT = re.compile(r"(?:\(|^)[ \t]*(?:Additional )?(?:[Rr]eporting|[Ww]riting|[Ee]diting|"
                          r"[Cc]ompiled|[Tt]ranslated|[Pp]roduced) by\b[^\n()]*\)?", re.M)


def entity_spans(doc: Doc, arrays: TokenArrays | None = None) -> list[tuple[int, int, str]]:
    """(first token, end token, label) of each entity, as ``doc.ents`` gives them, read from the
    Doc's IOB and type arrays: doc.ents builds a Span, and Tokens, for every entity."""
    if not len(doc):
        return []
    arrays = token_arrays(doc) if arrays is None else arrays
    iob, kind = arrays.ent_iob, arrays.ent_type
    begins = np.flatnonzero((iob == 3) & (kind != 0))  # B with a label (spaCy's own test)
    if not len(begins):
        return []
    breaks = np.flatnonzero(iob != 1)  # an entity runs on through its I tokens
    ends = breaks[np.minimum(np.searchsorted(breaks, begins, side="right"), len(breaks) - 1)]
    ends = np.where(ends > begins, ends, len(doc))
    strings = doc.vocab.strings
    return [(a, b, strings[k]) for a, b, k in zip(begins.tolist(), ends.tolist(),
                                                   kind[begins].tolist(), strict=True)]


def extract_doc(doc: Doc, article_id: str, quotes: bool = True,
                text: str | None = None, gender_from_names: bool = True) -> Extracted:
    """Entities with canonical names and sentence index, and (with ``quotes``: the rules are
    English) quotes, from one parsed article. ``text``, the string the Doc was parsed from,
    spares rebuilding it from the tokens (Doc.text makes a Token object for every word)."""
    if text is None or not len(doc) or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        text = doc.text  # Doc.text is rebuilt from the tokens on every access
    arrays = token_arrays(doc)  # one Doc.to_array call for every pass
    sents = sentences(doc, arrays)  # once: each doc.sents walks the whole Doc
    sent_starts = sents.starts
    # character offsets from the token arrays: a Span's start_char, end_char and text each
    # build Token objects
    offsets = FlatOffsets(arrays.starts, arrays.lengths)
    pieces = [piece for a, b, label in entity_spans(doc, arrays)
              for piece in line_pieces(text, a, b, offsets, LABELS.get(label, label))]
    ents = place_run_on(text, pieces, offsets)  # (LABELS: PER -> PERSON)
    lines: dict[tuple[int, int], bool] = {}  # a paragraph -> written in title case (a headline)

    def in_headline(a: int) -> bool:
        span = paragraph_span(text, a)
        if span not in lines:
            lines[span] = title_case_line(text[span[0] : span[1]])
        return lines[span]

    named = headline_trimmed([(text[a:b], label, label in PERSON_LABELS and in_headline(a))
                              for _, a, b, label in ents])
    credits = [m.span() for m in STAFF_CREDIT.finditer(text)] \
        if any(w in text for w in STAFF_CREDIT_WORDS) else []
    staff = [any(s <= a < e for s, e in credits) for _, a, _, _ in ents] if credits else None
    canon = resolve_mentions([(t, label) for t, (_, _, _, label) in zip(named, ents, strict=True)],
                             text, staff)
    canon = kin_by_first_name(text, ents, canon)
    entities = []
    mentions = []
    for i, ((tok, a, b, label), (c, resolved_label)) in enumerate(zip(ents, canon, strict=True)):
        entities.append(
            {
                "article_id": article_id,
                "entity_index": i,
                "start_char": a,
                "end_char": b,
                "text": text[a:b],
                "label": label,
                "sentence_index": bisect.bisect_right(sent_starts, tok) - 1,
                "canonical": c,
            }
        )
        mentions.append(Mention(a, b, resolved_label, c))
    rows: list[dict[str, Any]] = []
    if not quotes:
        return Extracted(entities, rows)
    guessed: list[bool] = []  # a gender our resolver inferred, per row (add_name_genders)
    for qi, q in enumerate(extract_quotes(doc, mentions, text, sents, names=gender_from_names,
                                          arrays=arrays)):
        guessed.append(q.evidence.gender_inferred)
        rows.append(
            {
                "article_id": article_id,
                "quote_index": qi,
                "text": quote_text(text, q.spans),
                "spans": [{"start": s, "end": e} for s, e in q.spans],
                "quote_type": q.quote_type,
                "cue": q.cue,
                "cue_start": q.cue_span[0] if q.cue_span else None,
                "cue_end": q.cue_span[1] if q.cue_span else None,
                "speaker": q.speaker,
                "speaker_text": q.speaker_text,
                "speaker_start": q.speaker_span[0] if q.speaker_span else None,
                "speaker_end": q.speaker_span[1] if q.speaker_span else None,
                "speaker_label": q.speaker_label,
                "speaker_role": q.speaker_role,
                "speaker_organisation": q.speaker_organisation,
                "speaker_gender": q.speaker_gender,
                "speaker_gender_source": "text" if q.speaker_gender else None,
                "speaker_rule": q.speaker_rule if q.speaker or q.speaker_text else None,
            }
        )
    if gender_from_names:
        sharing_a_surname(rows, entities)
        add_name_genders(rows, guessed)
    return Extracted(entities, rows)


# what a quote's own speaker words say of the speaker's gender: a he or she, an honorific
WRITTEN_GENDER = {"he": "male", "mr": "male", "mr.": "male", "she": "female", "ms": "female",
                  "ms.": "female", "mrs": "female", "mrs.": "female", "miss": "female"}


def sharing_a_surname(rows: list[dict[str, Any]], entities: list[dict[str, Any]]) -> None:
    """'Tony Molina ... Dominique Molina ... "...," she said', 'Ms. Molina said': of two people
    of the article who share a surname, a surname written alone, and a he or she that follows
    it, go to the one named first (tasks/nlp/names.py), whatever the words say of them. A quote
    whose speaker is written with a he or she or an honorific that the chosen person's first
    name contradicts goes to the other person of that surname whose first name agrees or gives
    none, when there is exactly one such person."""
    from tasks.nlp.gender import gender_of_name

    sharing: dict[str, set[str]] = {}
    for e in entities:
        name = e["canonical"]
        if e["label"] == "PERSON" and " " in name and " and " not in name:
            sharing.setdefault(name.split()[-1], set()).add(name)
    if not any(len(names) > 1 for names in sharing.values()):
        return
    for r in rows:
        name = r["speaker"]
        words = (r["speaker_text"] or "").lower().split()
        said = WRITTEN_GENDER.get(words[0]) if words and len(words) <= 2 else None
        if not name or r["speaker_label"] != "PERSON" or said is None or " " not in name:
            continue
        names = sharing.get(name.split()[-1], set())
        if len(names) < 2 or name not in names or gender_of_name(name) in (None, said):
            continue
        others = [n for n in names if n != name and gender_of_name(n) in (None, said)]
        if len(others) == 1:  # (of two or more who could be meant, no guess)
            r["speaker"] = others[0]
            r["speaker_gender"], r["speaker_gender_source"] = said, "text"


def add_name_genders(rows: list[dict[str, Any]], inferred: list[bool] | None = None) -> None:
    """A quoted person the article's words give no gender gets their first name's, when it is
    unambiguous (tasks/nlp/gender.py); one person, not 'A and B'. Within an article, a speaker the
    words gave a gender in any quote keeps it in every quote. What the article states (an
    honorific, a gendered noun, a pronoun in the person's own clause) beats the name; a gender
    our resolver only inferred from pronouns it linked to the person (``inferred``) does not."""
    from tasks.nlp.gender import gender_of_name

    # (a one-word name is read as a first name when it is no other speaker's surname: 'Heather,
    # a nurse in Halifax, said', as where the words gave no gender at all)
    surnames = {r["speaker"].split()[-1] for r in rows if r["speaker"] and " " in r["speaker"]}
    for r, guess in zip(rows, inferred or [False] * len(rows), strict=True):
        name = r["speaker"]
        if guess and name and r["speaker_label"] == "PERSON" and " and " not in name and \
                (g := gender_of_name(name, alone=name not in surnames)) is not None and \
                g != r["speaker_gender"]:
            r["speaker_gender"], r["speaker_gender_source"] = g, "name"
    said = {r["speaker"]: r["speaker_gender"] for r in rows if r["speaker_gender_source"] == "text"}
    for r in rows:
        name = r["speaker"]
        if r["speaker_gender"] or not name or r["speaker_label"] != "PERSON" or " and " in name:
            continue
        if name in said:
            r["speaker_gender"], r["speaker_gender_source"] = said[name], "text"
        elif (g := gender_of_name(name, alone=name not in surnames)) is not None:
            r["speaker_gender"], r["speaker_gender_source"] = g, "name"


ZONE_ARTICLES = 256  # articles parsed inside one vocabulary memory zone
# Longer texts are parsed in sections of about this many characters, joined into one Doc: the
# parser's memory grows with the text it holds (about 4 KB a character: a 1 MB transcript
# peaked at 4.1 GB whole), while a section costs what an ordinary long article does.
SECTION_CHARS = 50_000


def sections(text: str, size: int = SECTION_CHARS) -> list[str]:
    """The text cut into consecutive pieces of at most ``size`` characters (joined, exactly the
    text), each cut at the last paragraph break before the limit, else the last line break,
    else the last sentence end, else the last space: a quote is cut only where nothing else
    was possible."""
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", " "):
            i = window.rfind(sep, size // 2)
            if i >= 0:
                cut = i + len(sep)
                break
        if cut <= 0:
            cut = size
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return out


def parse_long(nlp: Language, text: str, size: int | None = None) -> Doc:
    """One Doc of a long text, parsed section by section (see SECTION_CHARS): its text, token
    offsets, entities and sentences are those of the whole text."""
    docs = list(nlp.pipe(sections(text, size or SECTION_CHARS), batch_size=1))
    return Doc.from_docs(docs, ensure_whitespace=False)


def _pipe(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    """nlp.pipe over the texts, in order, the long ones parsed in sections."""
    long = {i for i, t in enumerate(texts) if len(t) > SECTION_CHARS}
    docs = nlp.pipe(("" if i in long else t for i, t in enumerate(texts)),
                    batch_size=batch_size)
    for i, doc in enumerate(docs):
        yield parse_long(nlp, texts[i]) if i in long else doc


def process_articles(nlp: Language, articles: Iterable[Article], batch_size: int = 16,
                     zone_articles: int = ZONE_ARTICLES,
                     route: Callable[[Article], Language | None] | None = None,
                     gender_from_names: bool = True
                     ) -> Iterator[tuple[Article, Extracted | Exception]]:
    """Run the pipeline over articles in order, yielding each with its extracted rows, or with
    the exception its extraction raised (a rule failing on one odd text costs that text only).

    ``route`` picks each article's pipeline (its language's, tasks/ingest/language.py), None for an
    article no pipeline may read, which comes back with no rows; without it ``nlp`` reads all.
    Only an English pipeline's articles get quotes (the rules are English).

    Articles are taken from the iterable ``zone_articles`` at a time, each group parsed inside
    its pipeline's own ``memory_zone()``, so neither the articles nor the strings a long batch
    adds to the vocabulary accumulate; nothing that refers to a Doc leaves this function.
    """
    it = iter(articles)
    while chunk := list(itertools.islice(it, zone_articles)):
        out: list[Extracted | Exception] = [Extracted([], []) for _ in chunk]
        groups: dict[int, tuple[Language, list[int]]] = {}
        for k, art in enumerate(chunk):
            p = route(art) if route is not None else nlp
            if p is not None:
                groups.setdefault(id(p), (p, []))[1].append(k)
        whole = len(groups) == 1 and len(next(iter(groups.values()))[1]) == len(chunk)
        for p, idxs in groups.values():
            name, english = model_id(p), p.lang == "en"
            with p.memory_zone():
                docs = _pipe(p, [chunk[k].text for k in idxs], batch_size)
                for k, doc in zip(idxs, docs, strict=True):
                    try:
                        ex = extract_doc(doc, chunk[k].article_id, quotes=english,
                                         text=chunk[k].text,
                                         gender_from_names=gender_from_names)
                        ex.model = name
                        out[k] = ex
                    except Exception as exc:  # noqa: BLE001
                        out[k] = exc
                    if whole:  # one pipeline reads the whole chunk: stream, in order
                        yield chunk[k], out[k]
        if not whole:  # several languages: in input order once all are read
            yield from zip(chunk, out, strict=True)


__all__ = ["EXTRACTOR_VERSION", "MAX_CHARS", "Extracted", "extract_doc", "load_nlp", "model_id",
           "process_articles", "installed_model_id"]
