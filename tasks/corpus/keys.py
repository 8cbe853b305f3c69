"""Each batch folder's article keys and dates, kept in aggregates/ (layout.ARTICLE_KEYS) as a
narrow file a folder: what the live sets, article_dates and stories read of every article.

A batch's articles file is sorted and grouped for search (small row groups, by article), and
reading five of its columns for every article of the corpus cost 2.9 s a read at a million
articles, against 0.4 s from files of these columns alone. A batch folder never changes once
committed (compaction writes a new one), so its file is written once, by the first run that
finds it missing, and removed with the folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tasks.core.atomic import replacing
from tasks.core.sql import literal
from tasks.store import layout

# the columns kept, in order (a batch written before a column existed gives NULL)
KEY_COLUMNS = (("article_id", "varchar"), ("batch_id", "varchar"), ("source", "varchar"),
               ("source_path", "varchar"), ("published_at", "timestamptz"),
               ("first_seen", "timestamptz"), ("processed_at", "timestamptz"),
               ("content_hash", "varchar"), ("model", "varchar"),
               ("extractor_version", "varchar"))


def key_files(con: Any, wh: Path, batches: list[str]) -> list[Path]:
    """The keys file of each of these committed batch folders, written for those that have
    none; the files of folders no longer committed are removed."""
    import pyarrow.parquet as pq

    folder = wh / layout.AGGREGATES / layout.ARTICLE_KEYS
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for b in batches:
        target = folder / f"{b}.parquet"
        if not target.is_file():
            source = layout.table_file(wh, b, "articles")
            have = set(pq.read_schema(source).names)
            cols = ", ".join(name if name in have else f"null::{kind} as {name}"
                             for name, kind in KEY_COLUMNS)
            with replacing(target) as tmp:
                con.execute(f"copy (select {cols} from read_parquet({literal(source)})) "
                            f"to {literal(tmp)} (format parquet, compression zstd)")
        out.append(target)
    wanted = {f.name for f in out}
    for old in folder.glob("*.parquet"):
        if old.name not in wanted:
            old.unlink(missing_ok=True)
    for old in (wh / layout.AGGREGATES).glob("article_keys.*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)  # an earlier layout's
    return out
