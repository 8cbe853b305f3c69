"""PyArrow schemas of every table: the Parquet writer and the DuckDB views both follow these."""

from __future__ import annotations

import pyarrow as pa

from tasks.store import layout

TS = pa.timestamp("us", tz="UTC")
SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32())])

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("batch_id", pa.string()),
        ("source_path", pa.string()),
        ("record_index", pa.int64()),  # a line, list position or WARC byte offset
        ("title", pa.string()),
        ("text", pa.large_string()),
        ("published_at", TS),
        ("source", pa.string()),
        ("url", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("language", pa.string()),
        ("word_count", pa.int32()),
        ("content_hash", pa.string()),
        ("extra", pa.string()),  # unmapped input fields, as JSON
        ("model", pa.string()),
        ("extractor_version", pa.string()),
        ("processed_at", TS),
        ("fetched_at", TS),  # when a crawler fetched the page (a WARC record's date), if known
        # when the article was first stored, if earlier than processed_at: set by compaction,
        # which keeps only an article's current row (NULL: processed_at is the first time)
        ("first_seen", TS),
    ]
)

ENTITIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("batch_id", pa.string()),
        ("entity_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("sentence_index", pa.int32()),
        ("canonical", pa.string()),
    ]
)

QUOTES = pa.schema(
    [
        ("article_id", pa.string()),
        ("batch_id", pa.string()),
        ("quote_index", pa.int32()),
        ("text", pa.string()),
        ("spans", pa.list_(SPAN)),
        ("quote_type", pa.string()),
        ("cue", pa.string()),
        ("cue_start", pa.int32()),
        ("cue_end", pa.int32()),
        ("speaker", pa.string()),
        ("speaker_text", pa.string()),
        ("speaker_start", pa.int32()),
        ("speaker_end", pa.int32()),
        ("speaker_label", pa.string()),
        ("speaker_role", pa.string()),  # the role the article gives the speaker
        ("speaker_organisation", pa.string()),  # the organisation it gives with that role
        ("speaker_gender", pa.string()),  # male | female, else NULL
        ("speaker_gender_source", pa.string()),  # text (the article's words) | name (tasks/gender)
        ("speaker_rule", pa.string()),  # the rule or pass that chose the speaker
    ]
)

FILES = pa.schema(
    [
        ("path", pa.string()),
        ("batch_id", pa.string()),
        ("run_id", pa.string()),
        ("content_hash", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("format", pa.string()),
        ("status", pa.string()),  # ok | partial | failed | skipped | deleted
        ("error", pa.string()),
        ("warning", pa.string()),  # the file was read, but not cleanly (e.g. not UTF-8)
        ("articles", pa.int32()),
        ("records_failed", pa.int32()),
        ("processed_at", TS),
        ("retryable", pa.bool_()),  # failed for a passing reason (storage): retried next run
        # records that are no article, by kind (a crawl's requests, redirects, images...)
        ("record_kinds", pa.map_(pa.string(), pa.int32())),
        # a big JSON Lines or WARC file is read in parts (record ranges), each by its own batch:
        # the split they belong to, this part's number, and the split's cut points (the
        # record_index where parts 1, 2, ... start); NULL when the file was read whole
        ("split_id", pa.string()),
        ("part", pa.int32()),
        ("split_cuts", pa.list_(pa.int64())),
    ]
)

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("started_at", TS),
        ("finished_at", TS),
        ("status", pa.string()),  # running | completed | failed
        ("raw", pa.string()),
        ("model", pa.string()),
        ("files_seen", pa.int32()),
        ("files_new", pa.int32()),
        ("files_changed", pa.int32()),
        ("files_unchanged", pa.int32()),
        ("files_failed", pa.int32()),
        ("files_missing", pa.int32()),
        ("files_reprocessed", pa.int32()),
        ("files_pruned", pa.int32()),
        ("stale_articles", pa.int64()),
        ("articles", pa.int64()),
        ("entities", pa.int64()),
        ("quotes", pa.int64()),
        ("words", pa.int64()),
        ("wall_seconds", pa.float64()),
        ("error", pa.string()),
    ]
)

# The full-text index (tasks/corpus/index.py): one row per (document, term), a document being an
# article (title and text; quote_index NULL) or one of its quotes. Sorted by term within each
# run of rows, so a search reads only the row groups that can hold its terms.
POSTINGS = pa.schema(
    [
        ("article_id", pa.string()),
        ("batch_id", pa.string()),
        ("quote_index", pa.int32()),
        ("term", pa.string()),
        ("tf", pa.int32()),  # how often the term occurs in the document
        ("doc_len", pa.int32()),  # the document's length in words
    ]
)

# Tables written once per batch, in the order a batch folder holds them.
BATCH_TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "entities": ENTITIES,
    "quotes": QUOTES,
    "files": FILES,
    "postings": POSTINGS,
}
ADDED_TABLES = layout.ADDED_TABLES


def digest() -> str:
    """A fingerprint of every stored table's schema: the seed batch records the one it was
    written with, and layout.SCHEMA_DIGEST is this version's (a test keeps the two in step), so a
    reader knows the seeds are current without loading pyarrow."""
    import hashlib

    h = hashlib.sha256()
    for name, schema in (*BATCH_TABLES.items(), ("runs", RUNS)):
        h.update(f"{name}\0{schema.to_string(show_schema_metadata=False)}\0".encode())
    return h.hexdigest()
assert tuple(BATCH_TABLES) == layout.TABLES, "tasks/store/layout.py names every batch table"
