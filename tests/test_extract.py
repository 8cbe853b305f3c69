"""process_articles: rows in input order, and a vocabulary that does not grow with the batch."""

from __future__ import annotations

from tasks.extract import process_articles
from tasks.readers import Article


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
