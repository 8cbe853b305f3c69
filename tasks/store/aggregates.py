"""The registry of corpus-level tables (aggregates/): each with its file, the view placeholder it
fills, what the views compute until it is current, and an explicit version.

The tables are written by tasks/corpus/build.py, one writer per entry here. A table is current
when its marker records exactly the committed batches, the analysis SQL it was computed with,
and every table's version: bump a version whenever the code that writes the table changes what
it writes (a new identity rule, a new story threshold), so no reader is served an old table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tasks.core import atomic
from tasks.core.sql import load_sql
from tasks.store import layout


@dataclass(frozen=True)
class Aggregate:
    """One corpus-level table: where it lives and what stands in for it until it is current."""

    name: str  # the table's name, and the key of its writer in tasks/corpus/build.py
    file: str  # its Parquet file under aggregates/
    placeholder: str  # the {..._source} the view SQL reads it through
    live: str  # the view SQL's source until the table is current
    version: str  # bump when its writer changes what it writes
    parts: bool = False  # a folder of Parquet parts (one per batch), not one file


# Until a run has resolved identities for exactly the committed batches, every name is its own
# identity and its label says its kind (the views' coalesce): fewer merges, never a stale one.
NO_IDENTITIES = ("(select null::varchar as name, null::varchar as identity, null::varchar as kind, "
                 "null::varchar as status, null::varchar[] as candidates where false)")
# Until a run has grouped the committed articles into stories, every article is its own story.
NO_STORIES = ("(select null::varchar as article_id, null::varchar as story_id, "
              "null::float as similarity where false)")

# Until a run has traced quotations, no quote belongs to one.
NO_QUOTATIONS = ("(select null::varchar as quotation_id, null::varchar as article_id, "
                 "null::integer as quote_index, null::varchar as role, null::float as similarity, "
                 "null::varchar as diff where false)")

# In the order they are written: the co-occurrence pairs identities, so identities come first.
AGGREGATES: tuple[Aggregate, ...] = (
    # identity rules (tasks/corpus/identity.py) and name tidying (tasks/nlp/names.tidy_name)
    Aggregate("identity_names", "identity_names.parquet", "{identity_source}", NO_IDENTITIES,
              "identity-3"),
    # MinHash signature, LSH bands and the near-copy threshold (tasks/corpus/dedup.py)
    Aggregate("stories", "stories.parquet", "{stories_source}", NO_STORIES, "stories-1"),
    # a part per batch, computed again for a batch one of whose articles changed story
    Aggregate("article_meta", "article_meta_parts", "{article_meta_source}",
              "article_meta_live", "article-meta-3", parts=True),
    Aggregate("quote_speakers", "quote_speakers_parts", "{quote_speakers_source}",
              "quote_speakers_live", "quote-speakers-2", parts=True),
    # (its per-batch parts hold each article's names with their mention counts)
    Aggregate("entity_cooccurrence", "entity_cooccurrence.parquet", "{cooccurrence_source}",
              "entity_cooccurrence_live", "cooccurrence-3"),
    # written with the co-occurrence pairs, from the same parts and the same delta
    Aggregate("entity_counts", "entity_counts.parquet", "{entity_counts_source}",
              "entity_counts_live", "entity-counts-1"),
    # a speaker's quotes, articles and gender votes per outlet and month, kept alike
    Aggregate("speaker_counts", "speaker_counts.parquet", "{speaker_counts_source}",
              "speaker_counts_live", "speaker-counts-1"),
    # quote lineage (tasks/corpus/lineage.py): which quotes are one quotation; then each
    # quotation's summary, computed in SQL from them (quotations_live)
    Aggregate("quotation_appearances", "quotation_appearances.parquet",
              "{quotation_appearances_source}", NO_QUOTATIONS, "quotations-2"),
    Aggregate("quotations", "quotations.parquet", "{quotations_source}", "quotations_live",
              "quotations-1"),
)
BY_NAME = {a.name: a for a in AGGREGATES}
MARKER = layout.AGGREGATE_MARKER


def path(wh: Path, name: str) -> Path:
    """Where one registered table lives. A folder of parts is named after its version too: its
    parts are kept from run to run by batch, so parts another version wrote must not be read."""
    agg = BY_NAME[name]
    return wh / layout.AGGREGATES / (f"{agg.file}.{agg.version}" if agg.parts else agg.file)


def digest(batches: list[str]) -> str:
    """What aggregates/ is computed from: the batch list, the SQL that computes it, and each
    table's version."""
    h = hashlib.sha256("\n".join(sorted(batches)).encode())
    for text in (load_sql("analysis.sql"), load_sql("identity_stats.sql"),
                 *(f"{a.name}={a.version}" for a in AGGREGATES)):
        h.update(b"\0" + text.encode())
    return h.hexdigest()


def current(wh: Path, batches: list[str]) -> bool:
    """Whether aggregates/ was computed from exactly these committed batches by these versions."""
    try:
        marker = (wh / layout.AGGREGATES / MARKER).read_text().strip()
        return marker == digest(batches) and all(
            path(wh, a.name).is_dir() if a.parts else path(wh, a.name).is_file()
            for a in AGGREGATES)
    except OSError:
        return False


def mark_current(wh: Path, batches: list[str]) -> None:
    """Record, after every table is in place, which batches they were computed for."""
    atomic.write_text(wh / layout.AGGREGATES / MARKER, digest(batches) + "\n")
