"""process_articles: rows in input order, and a vocabulary that does not grow with the batch."""

from __future__ import annotations

from tasks.ingest.records import Article
from tasks.nlp.extract import process_articles


def _articles(n: int, tag: str) -> list[Article]:
    # every article names people and places no other article names, so each one adds strings
    return [Article("wire.jsonl", i,
                    f"Councillor Zeb{tag}{i}ovic met residents of Port Qa{tag}{i}ra on Monday. "
                    f"\u201cThe ferry must run at night,\u201d Zeb{tag}{i}ovic said.")
            for i in range(n)]


def test_rows_come_back_in_order_with_their_articles(nlp):
    arts = _articles(7, "o")
    out = list(process_articles(nlp, arts, batch_size=2, zone_articles=3))
    assert [a.record_index for a, _ in out] == list(range(7))
    for art, ex in out:
        assert ex.quotes and ex.quotes[0]["article_id"] == art.article_id
        assert ex.quotes[0]["text"] == "The ferry must run at night,"
        assert ex.quotes[0]["cue"] == "said"


def _peak_strings(nlp, arts: list[Article], zone: int) -> int:
    peak = 0
    for _ in process_articles(nlp, arts, zone_articles=zone):
        peak = max(peak, len(nlp.vocab.strings))
    return peak


def test_vocabulary_stays_flat_across_zones(nlp):
    _peak_strings(nlp, _articles(4, "w"), 2)  # warm-up
    small = _peak_strings(nlp, _articles(40, "x"), 10)
    big = _peak_strings(nlp, _articles(200, "y"), 10)
    one_zone = _peak_strings(nlp, _articles(200, "z"), 200)
    # zone by zone, five times the articles need no more strings at once; one zone for the
    # whole batch holds every new name until the end
    assert big <= small + 10
    assert one_zone > big + 100


# --- one very long article (issue 24: a 1 MB transcript took 195 s and a 4.1 GB peak) --------

def _transcript(n: int) -> str:
    names = ["Ana Ruiz", "Tom Hale", "Priya Nair", "Leon Brandt"]
    return "".join(f"\u201cThe bridge will be finished by spring and the ferry runs until then,\u201d "
                   f"said {names[i % 4]}. {names[i % 4].split()[1]} added that the council "
                   f"had approved the money for item {i}.\n\n" for i in range(n))


def test_sections_cut_at_paragraphs_and_join_to_the_text():
    from tasks.nlp.extract import sections

    text = _transcript(300)
    parts = sections(text, 5_000)
    assert "".join(parts) == text and len(parts) > 5
    assert all(len(p) <= 5_000 for p in parts)
    assert all(p.endswith("\n\n") for p in parts[:-1])  # never inside a quote when avoidable
    one_line = "word " * 3_000  # no break but spaces: cut at a space
    assert "".join(sections(one_line, 1_000)) == one_line
    assert "".join(sections("x" * 2_500, 1_000)) == "x" * 2_500  # nothing to cut at: cut anyway


def test_a_long_article_is_parsed_in_sections_with_every_quote_in_place(nlp, monkeypatch):
    import tasks.nlp.extract as extract

    monkeypatch.setattr(extract, "SECTION_CHARS", 4_000)  # the same path, at a test's size
    text = _transcript(120)
    assert len(text) > 4 * extract.SECTION_CHARS
    art = Article("transcript.txt", 0, text)
    [(_, ex)] = list(process_articles(nlp, [art]))
    quotes = [q for q in ex.quotes if q["quote_type"] == "direct"]
    assert len(quotes) == 120  # every quote, in every section
    for q in quotes:
        a, b = q["spans"][0]["start"], q["spans"][0]["end"]
        assert text[a:b] == q["text"]  # offsets into the whole text, not a section's
        assert q["speaker"] in {"Ana Ruiz", "Tom Hale", "Priya Nair", "Leon Brandt"}
    last = quotes[-1]
    assert text[last["speaker_start"]:last["speaker_end"]] == "Leon Brandt"
    # entities from the last section too, at offsets into the whole text
    last_ent = max(ex.entities, key=lambda e: e["start_char"])
    assert last_ent["start_char"] > len(text) - 300
    assert text[last_ent["start_char"]:last_ent["end_char"]] == last_ent["text"]
    # one Doc for the whole text: sentences numbered across sections
    assert max(e["sentence_index"] for e in ex.entities) > 200


def test_the_overlap_test_of_claimed_spans_matches_a_full_scan():
    import random

    from tasks.nlp.quotes.indirect import SpanSet

    rng = random.Random(24)
    spans = [(s, s + rng.choice([0, 1, 5, 300, 5_000, 20_000])) for s in
             (rng.randrange(0, 100_000) for _ in range(400))]
    taken = SpanSet(spans)
    for _ in range(3_000):
        a = rng.randrange(-10, 110_000)
        b = a + rng.choice([-3, 0, 1, 40, 9_000])
        assert taken.overlaps(a, b) == any(s < b and a < e for s, e in spans), (a, b)


def test_entities_read_from_the_arrays_are_the_docs_own(nlp):
    """extract_doc reads entities from the IOB arrays, not doc.ents (which makes a Span and
    Tokens per entity): the same spans and labels, on parsed text and on entities set by hand
    (one touching the end of the Doc, two adjacent with no O between them)."""
    from spacy.tokens import Span

    from tasks.nlp.extract import entity_spans
    from tasks.nlp.quotes.parse import Index

    text = ("Councillor Amara Nwosu told the Harbour Authority on Tuesday that the Eastgate "
            "ferry terminal would close in March. The BBC and Reuters reported that 1,200 "
            "workers in Leeds and Bradford could lose shifts, according to Unite.")
    doc = nlp(text)
    assert len(doc.ents) >= 5
    assert entity_spans(doc) == [(e.start, e.end, e.label_) for e in doc.ents]
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 2, 3, "ORG"), Span(doc, len(doc) - 2,
                                                                        len(doc), "ORG")]
    assert entity_spans(doc) == [(0, 2, "PERSON"), (2, 3, "ORG"), (len(doc) - 2, len(doc), "ORG")]
    assert entity_spans(nlp("")) == []
    # the word lookup that replaced a per-article table: positions in text order
    idx = Index(doc, text, [])
    assert idx.tokens_of(frozenset({"and"})) == [t.i for t in doc if t.lower_ == "and"]
    assert idx.tokens_of({"leeds", "march", "nowhere"}) == \
        [t.i for t in doc if t.lower_ in ("leeds", "march")]
    # lexicons (constant frozensets) by their bits, the bits read again when one is added
    places = frozenset({"leeds", "bradford", "eastgate", "york", "hull"})
    verbs = frozenset({"told", "reported", "said", "close", "lose"})
    assert idx.tokens_of(places) == [t.i for t in doc if t.lower_ in places]
    assert idx.tokens_of(verbs) == [t.i for t in doc if t.lower_ in verbs]
    assert idx.tokens_of(places) == [t.i for t in doc if t.lower_ in places]  # read again
    many = {"the", "that", "in", "on", "and", "to", "of", "a", "could", "would"}
    assert idx.tokens_of(many) == [t.i for t in doc if t.lower_ in many]
    # a word whose hash shares its low bits with a lexicon word's is not taken for it
    import numpy as np
    from spacy.strings import hash_string

    from tasks.nlp.quotes.parse import LEXICONS
    york = hash_string("york")
    twin = york ^ (1 << 40)
    codes = LEXICONS.of(np.array([york, twin], dtype=np.uint64), [york, twin]).tolist()
    assert codes[0] == LEXICONS.bit(places) and codes[1] == 0
    # lexicons first asked for from several threads at once get a bit each, and each thread
    # finds its own lexicon's words
    from concurrent.futures import ThreadPoolExecutor

    words = sorted({t.lower_ for t in doc if t.is_alpha})
    fresh = [frozenset(words[k : k + 4] + [f"zz-thread-{k}"]) for k in range(0, 16, 4)]

    def find(lexicon: frozenset[str]) -> list[int]:
        return Index(doc, text, []).tokens_of(lexicon)

    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(find, fresh))
    assert found == [[t.i for t in doc if t.lower_ in lex] for lex in fresh]
    assert len({LEXICONS.bit(lex) for lex in fresh}) == len(fresh)
