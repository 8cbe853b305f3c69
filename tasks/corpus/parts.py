"""Per-batch parts of the corpus-level tables, and the merging that keeps their number small.

Several corpus-level tables keep what each batch contributes as a Parquet part of its own
(identity counts, co-occurrence entities, quote speakers, lineage text hashes), so a run computes
the parts of its own batches only. Compaction keeps batch ids, so an hourly schedule would leave
about 9,000 parts a folder after a year, and every reader opens each one. Parts are therefore
merged like an LSM tree's runs: MERGE_FANOUT parts of one level become one part of the next, so
a folder holds at most MERGE_FANOUT - 1 parts a level (about 60 for a year of hourly batches),
and each row is rewritten once a level. A merged part names the batches it covers (each by its
id and its live articles) in its Parquet metadata: it stands while all of them are live as they
were, and is dropped, its batches' parts made again, when one is superseded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tasks.core.atomic import replacing
from tasks.core.sql import literal, literals
from tasks.store.views import LIVE_SETS_TABLE  # LIVE_SET_SQL's rows, made once by materialize

# a batch's live articles, as one 64-bit value (the XOR of 64 bits of each id's MD5; DuckDB's
# hash() gives some similar strings one value): a part kept for a batch is named after it, so a
# batch one of whose articles was superseded is counted anew. Read from live_articles, the
# (article_id, batch_id) pairs views.sql stores in every connection it sets up, rather than
# from the articles view (0.29 s against 0.5 at a million articles)
# (with its number of live articles, which bounds how many batches one query computes)
LIVE_SET_COLUMNS = "batch_id, bit_xor(md5_number_lower(article_id)), count(*)"
LIVE_SET_SQL = f"select {LIVE_SET_COLUMNS} from live_articles group by 1"
# batches whose parts one query computes, and their live articles at most (a batch with more
# is computed alone): a rebuild never holds more in Arrow at once. A co-occurrence part holds
# about 20 rows an article: 50k articles are about 100 MB of Arrow; the ten 100k-article
# batches of the million simulated, 16 at a time, went to 3.7 GB.
PART_CHUNK = 16
PART_ARTICLES = 50_000
# parts of one level merged into one of the next: fewer files to open against rows rewritten
# (each row once a level: log16 of the batches, 3 levels for 4,096 batches)
MERGE_FANOUT = 16
MERGED_PREFIX = "m."  # a merged part's file name starts with it; a batch's part never does
# a batch of up to this many live articles is a part of level 0; a bigger one (a compacted
# batch, a bulk run's) starts at the level whose merged parts hold as many (level_of), so its
# rows are not rewritten by the merge of the next few hourly batches' parts
PART_BASE_ARTICLES = 1_000


def level_of(articles: int) -> int:
    """The level of a batch's own part: 0 up to PART_BASE_ARTICLES live articles, then the
    level at which MERGE_FANOUT-fold merging of such parts reaches its size (a batch of 100k
    articles: 2). Merging then rewrites parts of like size: each row about once a level."""
    level, cap = 0, PART_BASE_ARTICLES
    while articles > cap:
        level, cap = level + 1, cap * MERGE_FANOUT
    return level


def batch_parts(con: Any, folder: Path, compute: Callable[[list[str]], Any],
                keep_batch_id: bool = False, chunk: int = 0,
                row_group_size: int | None = None,
                order: str | None = None,
                redo: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """The files of ``folder`` that hold every live batch's rows once, each with the batches it
    covers (as ``{batch_id}.{live set}``, see part_batch): a part a batch, named
    after its id and its live articles (LIVE_SET_SQL, or the LIVE_SETS_TABLE materialize made
    once), so a batch one of whose articles a later one superseded is a new part, and merged
    parts (merge_parts) covering many. ``compute`` makes the rows of the batches it is given
    (with a batch_id column) and is called only for the live batches no file holds, for
    ``chunk`` batches (0: any number) and PART_ARTICLES articles at a time at most, so a rebuild
    never holds every batch's rows at once. ``redo``: batches whose rows changed though their
    articles did not (an article_meta row's story): their parts are computed again, and a
    merged part covering one falls as if the batch had been superseded.
    ``order`` (SQL) sorts a merged part's rows as ``compute`` sorts a batch's. The caller
    removes the other files (drop_other_parts) when it no longer needs them."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    live = live_sets(con)
    keys = batch_keys(live)
    sizes = {b: n for b, _, n in live}
    standing = {k for k, b in keys.items() if b not in redo}
    merged = merged_parts(folder, standing)
    if keep_batch_id:
        merged |= salvage_parts(con, folder, standing, merged, order, row_group_size)
    covered = {k for _, covers in merged.values() for k in covers}
    singles = {k: b for k, b in keys.items() if k not in covered}
    todo = sorted({b for k, b in singles.items()
                   if b in redo or not (folder / f"{k}.parquet").is_file()})
    for some in _chunks(todo, sizes, chunk):
        rows = compute(some)
        for k, b in singles.items():
            if b in some:
                part = rows.filter(pc.equal(rows["batch_id"], b))
                with replacing(folder / f"{k}.parquet") as tmp:
                    pq.write_table(part if keep_batch_id else part.drop_columns(["batch_id"]),
                                   tmp, compression="zstd", row_group_size=row_group_size)
    files = {f"{k}.parquet": (level_of(sizes[b]), [k]) for k, b in singles.items()} | merged
    return {f: covers for f, (_, covers) in
            sorted(merge_parts(con, folder, files, order, row_group_size).items())}


def live_sets(con: Any) -> list[tuple[str, int, int]]:
    """Each live batch's id, live-set fingerprint and live articles (LIVE_SETS_TABLE when
    materialize made it, else LIVE_SET_SQL)."""
    pinned = con.sql("select count(*) from duckdb_tables() where temporary and "
                     f"table_name = '{LIVE_SETS_TABLE}'").fetchall()[0][0]
    return con.sql(f"select * from {LIVE_SETS_TABLE}" if pinned else LIVE_SET_SQL).fetchall()


def batch_keys(live: list[tuple[str, int, int]]) -> dict[str, str]:
    """Each live batch's key (``{batch_id}.{live set}``, part_batch) -> its id: what a part,
    or a table kept from the last run, says it was computed from."""
    return {f"{b}.{h:016x}": b for b, h, _ in live}


def _chunks(todo: list[str], sizes: dict[str, int], chunk: int) -> list[list[str]]:
    """``todo`` in runs of at most ``chunk`` batches (0: all) and PART_ARTICLES articles."""
    out: list[list[str]] = []
    run: list[str] = []
    articles = 0
    for b in todo:
        if run and ((chunk and len(run) >= chunk) or articles + sizes[b] > PART_ARTICLES):
            out.append(run)
            run, articles = [], 0
        run.append(b)
        articles += sizes[b]
    return [*out, run] if run else out


def part_batch(key: str) -> str:
    """The batch id of a covered batch's key (``{batch_id}.{live set}``)."""
    return key.rsplit(".", 1)[0]


def salvage_parts(con: Any, folder: Path, live: set[str],
                  standing: dict[str, tuple[int, list[str]]], order: str | None = None,
                  row_group_size: int | None = None) -> dict[str, tuple[int, list[str]]]:
    """Merged parts that fell (a batch they cover was superseded or left) made again from their
    own rows of the batches still live as they were, read by batch_id, so a reprocessed article
    costs its own batch's part, not every batch a level-3 part covers. Returns the new parts,
    as merged_parts gives them; the fallen ones are the caller's to drop."""
    import pyarrow.parquet as pq

    taken = {k for _, covers in standing.values() for k in covers}
    fallen = []
    for p in folder.glob(f"{MERGED_PREFIX}*.parquet"):
        if p.name in standing:
            continue
        try:
            schema = pq.read_schema(p)
        except Exception:  # noqa: BLE001 - not a whole Parquet file: not a part
            continue
        covers = (schema.metadata or {}).get(b"covers", b"").decode().split()
        if covers and "batch_id" in schema.names:
            fallen.append((p, int((schema.metadata or {}).get(b"level", b"1")), covers))
    made: dict[str, tuple[int, list[str]]] = {}
    for p, level, covers in sorted(fallen, key=lambda f: (-len(f[2]), f[0].name)):
        keep = sorted(k for k in covers if k in live and k not in taken)
        if not keep:
            continue
        name = _merged_name(level, keep)
        batches = literals(part_batch(k) for k in keep)
        sort = f" order by {order}" if order else ""
        groups = f", row_group_size {row_group_size}" if row_group_size else ""
        if not (folder / name).is_file():
            with replacing(folder / name) as tmp:
                con.execute(f"copy (select * from read_parquet({literal(p)}) where batch_id in "
                            f"({batches}){sort}) to {literal(tmp)} (format parquet, compression "
                            f"zstd{groups}, kv_metadata {{covers: {literal(' '.join(keep))}, "
                            f"level: '{level}'}})")
        made[name] = (level, keep)
        taken |= set(keep)
    return made


def _merged_name(level: int, covers: list[str]) -> str:
    return f"{MERGED_PREFIX}{level}.{hashlib.sha256(' '.join(covers).encode()).hexdigest()[:16]}.parquet"


def merged_parts(folder: Path, live: set[str]) -> dict[str, tuple[int, list[str]]]:
    """The merged parts in ``folder`` that stand (every batch they cover is live as it was), by
    file: their level and the batches they cover. Where two overlap (a merge stopped before it
    removed what it merged), the one covering more stands."""
    import pyarrow.parquet as pq

    found = []
    for p in folder.glob(f"{MERGED_PREFIX}*.parquet"):
        try:
            meta = pq.read_schema(p).metadata or {}
        except Exception:  # noqa: BLE001 - not a whole Parquet file: not a part
            continue
        covers = meta.get(b"covers", b"").decode().split()
        if covers and set(covers) <= live:
            found.append((p.name, int(meta.get(b"level", b"1")), covers))
    found.sort(key=lambda f: (-len(f[2]), f[0]))
    chosen: dict[str, tuple[int, list[str]]] = {}
    taken: set[str] = set()
    for name, level, covers in found:
        if taken.isdisjoint(covers):
            chosen[name] = (level, covers)
            taken |= set(covers)
    return chosen


def merge_parts(con: Any, folder: Path, files: dict[str, tuple[int, list[str]]],
                order: str | None = None,
                row_group_size: int | None = None) -> dict[str, tuple[int, list[str]]]:
    """Merge MERGE_FANOUT parts of any level that has as many into one part of the next (the
    first by name: a batch's parts oldest first; a batch's own part is of its size's level,
    level_of), until no level has; the files standing
    after, as ``files`` gives them (by file: level and batches covered). The merged part is
    written whole before anything reads it; the parts it replaces stay until the caller drops
    them."""
    files = dict(files)
    while True:
        levels: dict[int, list[str]] = {}
        for name, (level, _) in files.items():
            levels.setdefault(level, []).append(name)
        full = sorted(lv for lv, names in levels.items() if len(names) >= MERGE_FANOUT)
        if not full:
            return files
        level, names = full[0], sorted(levels[full[0]])[:MERGE_FANOUT]
        covers = sorted(k for n in names for k in files[n][1])
        name = _merged_name(level + 1, covers)
        listed = literals(folder / n for n in names)
        sort = f" order by {order}" if order else ""
        groups = f", row_group_size {row_group_size}" if row_group_size else ""
        with replacing(folder / name) as tmp:
            con.execute(f"copy (select * from read_parquet([{listed}]){sort}) to {literal(tmp)} "
                        f"(format parquet, compression zstd{groups}, kv_metadata "
                        f"{{covers: {literal(' '.join(covers))}, level: '{level + 1}'}})")
        for n in names:
            del files[n]
        files[name] = (level + 1, covers)


def drop_other_parts(folder: Path, want: Iterable[str]) -> None:
    """Remove the parts in folder batch_parts did not ask for: a batch compacted away, one a
    later batch superseded in part (its part under its old live set), parts merged into one,
    and a merged part one of whose batches changed."""
    keep = set(want)
    for old in folder.glob("*.parquet"):
        if old.name not in keep:
            old.unlink()
