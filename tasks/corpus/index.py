"""Full-text search: the warehouse's own inverted index, written with each batch.

DuckDB's fts extension cannot be installed offline, and an outside index (Tantivy, Lucene)
would have to follow every commit, supersede, prune and compaction of the batches by itself. So
each batch writes a ``postings`` table beside its articles: one row per (document, term) with the
term's frequency and the document's length, where a document is an article (title and text,
``quote_index`` NULL) or one of its quotes. It commits with the batch, disappears with a
superseded batch and is merged by compaction like every other table; the ``postings`` view sees
exactly the live articles. BM25 then is one SQL query (``search_articles`` and
``search_quotes`` in sql/search.sql), so any DuckDB client can search.

Terms: lower case, accents stripped, runs of letters and digits of two characters or more,
without the commonest English function words, and plurals folded by a light S-stemmer
(``tariffs`` -> ``tariff``, ``policies`` -> ``policy``, ``taxes`` -> ``tax``). The SQL macro
``search_terms`` does the same to a query; a test keeps the two in step.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[^\W_]+")

# Function words that would add a posting to nearly every article and rank nothing.
STOPWORDS = frozenset("""
    a an and are as at be been but by for from had has have he her his i if in into is it its
    not of on or our she so than that the their them then there these they this those to was we
    were what when which who will with would you your
""".split())

_KEEP_S = ("us", "ss", "is")  # bus, class, analysis: not plurals
_ES_PLURALS = ("sses", "xes", "ches", "shes", "zes")  # classes, taxes, churches, wishes


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _unmarked(run: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFD", run.group())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without accents: 'Montréal' and 'montreal' are one term. Only the runs of
    non-ASCII characters are decomposed and stripped of their marks, one character at a time
    (an ASCII character is never a mark nor reordered with one, so the result is the whole
    text's): a text with one '£' in it had every character looked at (3x slower)."""
    lower = text.lower()
    if lower.isascii():
        return lower
    return _NON_ASCII.sub(_unmarked, lower)


@functools.lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """Fold an English plural to its singular, conservatively (Harman's S-stemmer, with the
    -es plurals of sibilants): policies -> policy, taxes -> tax, tariffs -> tariff, rates ->
    rate; bus, class and analysis stay."""
    n = len(word)
    if n > 4 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if n > 4 and word.endswith(_ES_PLURALS):
        return word[:-2]
    if n > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if n > 3 and word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """A text's words, folded: runs of letters and digits (what terms and shingles are made of)."""
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The index terms of a text, in order, repeats kept (their count is the term frequency)."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in STOPWORDS]


def query_terms(query: str) -> list[str]:
    """A query's distinct terms, in the order typed."""
    return list(dict.fromkeys(terms(query)))


def posting_columns(docs: Iterable[tuple[str, str, int | None, str]]) -> dict[str, list[Any]]:
    """Postings of (article_id, batch_id, quote_index or None, text) documents as columns of
    the ``postings`` table (terms sorted within each document, so runs compress well)."""
    cols: dict[str, list[Any]] = {"article_id": [], "batch_id": [], "quote_index": [],
                                  "term": [], "tf": [], "doc_len": []}
    for article_id, batch_id, quote_index, text in docs:
        counts = Counter(terms(text))
        if not counts:
            continue
        n = len(counts)
        length = len(text.split())
        cols["article_id"] += [article_id] * n
        cols["batch_id"] += [batch_id] * n
        cols["quote_index"] += [quote_index] * n
        items = sorted(counts.items())
        cols["term"] += [t for t, _ in items]
        cols["tf"] += [c for _, c in items]
        cols["doc_len"] += [length] * n
    return cols


def documents(article_id: str, batch_id: str, title: str | None, text: str,
              quotes: Iterable[dict[str, Any]]) -> list[tuple[str, str, int | None, str]]:
    """An article's searchable documents: itself and each quote. The title counts twice, as
    BM25F weighs a title field: a headline's words say what the article is about."""
    out: list[tuple[str, str, int | None, str]] = [
        (article_id, batch_id, None, f"{title}\n{title}\n\n{text}" if title else text)]
    out += [(article_id, batch_id, q["quote_index"], q["text"]) for q in quotes if q.get("text")]
    return out



BACKFILL_ARTICLES = 1_000  # articles indexed (and sorted by term) together when backfilling


def backfill(wh: Path) -> int:
    """Index the committed batches written before the postings table existed, from their own
    articles and quotes; each batch's postings.parquet appears by rename, so a crash leaves a
    batch indexed or not, never half. Returns the number of batches indexed. Caller holds the
    warehouse lock (a run's recovery, a compaction)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.core.atomic import fsync_file
    from tasks.store import layout, schemas
    from tasks.store.commit import committed_batches
    from tasks.store.staging import POSTINGS_GROUP_ROWS

    done = 0
    for b in committed_batches(wh):
        target = layout.table_file(wh, b, "postings")
        if target.exists():
            continue
        for left in target.parent.glob(f".{target.name}.*.tmp"):  # an interrupted backfill's
            left.unlink(missing_ok=True)
        quotes: dict[tuple[str, str], list[dict[str, Any]]] = {}
        qt = pq.read_table(layout.table_file(wh, b, "quotes"),
                           columns=["article_id", "batch_id", "quote_index", "text"])
        for row in qt.to_pylist():
            quotes.setdefault((row["article_id"], row["batch_id"]), []).append(row)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with pq.ParquetWriter(tmp, schemas.POSTINGS, compression="zstd") as writer:
            source = pq.ParquetFile(layout.table_file(wh, b, "articles"))
            for rb in source.iter_batches(BACKFILL_ARTICLES,
                                          columns=["article_id", "batch_id", "title", "text"]):
                docs = [d for r in rb.to_pylist() for d in documents(
                    r["article_id"], r["batch_id"], r["title"], r["text"] or "",
                    quotes.get((r["article_id"], r["batch_id"]), []))]
                table = pa.table(posting_columns(docs), schema=schemas.POSTINGS).sort_by("term")
                writer.write_table(table, row_group_size=POSTINGS_GROUP_ROWS)
        fsync_file(tmp)
        os.replace(tmp, target)
        done += 1
    return done
