"""Build the corpus-level tables registered in tasks/store/aggregates.py from the committed
batches: one writer per table, run in the registry's order, each file renamed into place, then
the marker that makes the views read them.

Called by a run after its last commit and by ``compact``; until then, or after a crash in
between, the views compute the same tables live.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.core.atomic import replacing
from tasks.core.sql import count_rows, literal, literals, load_sql, run_script, statements, substitute
from tasks.corpus.dedup import story_table
from tasks.corpus.identity import STAT_COLUMNS
from tasks.corpus.keys import key_files
from tasks.corpus.parts import (
    LIVE_SET_COLUMNS,
    LIVE_SET_SQL,
    LIVE_SETS_TABLE,
    PART_CHUNK,
    batch_parts,
    drop_other_parts,
    part_batch,
)
from tasks.store import aggregates, layout, views
from tasks.store.commit import committed_batches
from tasks.store.staging import ROW_GROUP_ROWS

# Row groups of the aggregates a search looks a few rows up in (by a sorted key): small enough
# that the lookup skips most, big enough that a full scan (the corpus's size, a report) pays
# little per group. DuckDB's cost per group is high: at 37k articles, 128-row groups made the
# corpus statistics four times slower and the lookup no faster than one group of 37k.
LOOKUP_GROUP_ROWS = {"article_meta": 2_048, "identity_names": 4_096}
# the stories table article_meta's parts were computed with, kept beside them (no .parquet
# suffix and a leading underscore: no reader of the parts takes it for one)
STORIES_BASIS = "_stories_basis"
SPEAKER_GROUP_ROWS = 16_384  # quote_speakers parts: a name's quotes in a group or two
COOCCURRENCE_SCHEMA_FIELDS = (("entity_a", "string"), ("kind_a", "string"),
                              ("entity_b", "string"), ("kind_b", "string"),
                              ("articles", "int64"))
# the co-occurrence parts' columns (batch_id aside) and their DuckDB types
COOCCURRENCE_PART_COLUMNS = (("article_id", "varchar"), ("canonical", "varchar"),
                             ("label", "varchar"), ("n", "int"))
# the speaker parts' (sql/speaker_parts.sql) and the speaker counts' columns
SPEAKER_PART_COLUMNS = (("article_id", "varchar"), ("speaker", "varchar"),
                        ("speaker_label", "varchar"), ("source", "varchar"), ("month", "varchar"),
                        ("quotes", "int"), ("direct", "int"), ("f_text", "int"),
                        ("m_text", "int"), ("f_name", "int"), ("m_name", "int"))
SPEAKER_COUNT_COLUMNS = ("identity", "kind", "source", "month", "quotes", "direct", "articles",
                         "f_text", "m_text", "f_name", "m_name")
ENTITY_COUNTS_SCHEMA_FIELDS = (("identity", "string"), ("kind", "string"),
                               ("canonical", "string"), ("articles", "int64"),
                               ("mentions", "int64"))


def _identity_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("name", pa.string()), ("identity", pa.string()), ("kind", pa.string()),
                      ("status", pa.string()), ("candidates", pa.list_(pa.string()))])


def name_statistics(con: Any, cache: Path | None = None) -> list[tuple[Any, ...]]:
    """The corpus's name statistics (sql/identity_stats.sql), one row per name and label, from
    the views in ``con``. ``cache``: a folder keeping each batch's counts, so a run counts only
    the batches it has not counted before (a batch is known by its id and its live articles: one
    whose articles a later batch superseded is counted again) and sums the rest; the sum equals a
    full count. The folder is named after the SQL, so a changed count starts afresh."""
    table = identity_stats(con, cache)
    return con.sql(f"select * from {table} order by all").fetchall()


def identity_stats(con: Any, cache: Path | None = None) -> str:
    """name_statistics as a temporary table in ``con`` (its name returned): a run compares it
    with the last run's in DuckDB and fetches only the names a change reaches."""
    import hashlib

    sql = load_sql("identity_stats.sql")
    sums = ", ".join(f"sum({c})::bigint as {c}" for c in STAT_COLUMNS[2:])
    out = "identity_stats_now"
    if cache is None:
        for name in ("entities", "articles", "quotes"):
            con.execute(f"create or replace temp view stat_{name} as select * from {name}")
        con.execute(f"create or replace temp table {out} as select name, label, {sums} "
                    f"from ({sql}) group by all")
        return out
    folder = cache / f"identity_parts.{hashlib.sha256(sql.encode()).hexdigest()[:16]}"

    def counts(todo: list[str]) -> Any:
        con.execute("create or replace temp table stat_batches as select unnest($b) as batch_id",
                    {"b": todo})
        for name in ("entities", "articles", "quotes"):
            con.execute(f"create or replace temp view stat_{name} as "
                        f"{batch_rows(cache.parent, name, todo)}")
        return con.sql(sql).to_arrow_table()

    want = batch_parts(con, folder, counts, keep_batch_id=True)
    drop_other_parts(folder, want)
    if not want:
        con.execute(f"create or replace temp table {out} as select name, label, {sums} "
                    f"from (select * from ({sql}) where false) group by all")
        return out
    files = [str(folder / f) for f in sorted(want)]
    con.execute(f"create or replace temp table {out} as select name, label, {sums} "
                "from read_parquet($f) group by all", {"f": files})
    return out


def batch_rows(wh: Path, table: str, batches: list[str]) -> str:
    """SQL for the live rows of ``table`` (articles, entities or quotes) of these batches:
    read from the batches' own folders when each is one (a batch a compaction has not merged,
    as a run's new batches are), else through the view. The view reads every folder's file to
    find a few batches' rows (0.2 s for a batch of 33 articles at a million, 0.03 s from its
    folder)."""
    # (wh: the warehouse the parts are kept in; a cache kept elsewhere reads the view)
    folders = set(committed_batches(wh)) if layout.batches_dir(wh).is_dir() else set()
    if batches and all(b in folders for b in batches):
        files = literals(layout.table_file(wh, b, table) for b in sorted(batches))
        source = f"read_parquet([{files}], union_by_name = true)"
        listed = literals(sorted(batches))
        # as the views read: every row when every stored row is live, else the live articles'
        # (those of these batches: a semi-join to all of them held a big batch's rows in
        # memory, 21 s against 12 s for a 100k-article batch, and ran out of a 768 MB cap)
        return (f"select * from {source} where {views.ALL_LIVE} union all "
                f"select * from {source} semi join (select article_id, batch_id from "
                f"live_articles where batch_id in ({listed})) using (article_id, batch_id) "
                f"where not {views.ALL_LIVE}")
    return f"select * from {table} where batch_id in (select unnest({_sql_strings(batches)}))"


def _sql_strings(values: list[str]) -> str:
    return "[" + literals(values) + "]::varchar[]"


def _identity_rows(identities: list[Any]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(
        [{"name": i.name, "identity": i.identity, "kind": i.kind, "status": i.status,
          "candidates": i.candidates} for i in identities], schema=_identity_schema())


def _write(table: Any, path: Path, row_group_size: int | None = None) -> None:
    import pyarrow.parquet as pq

    with replacing(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", row_group_size=row_group_size)


def _stream(con: Any, sql: str, path: Path, row_group_size: int | None = None,
            schema: Any = None) -> None:
    """Write a query's rows to path as DuckDB hands them over, a batch at a time: a table of
    millions of rows (6M quote speakers at a million articles, 600 MB in Arrow) is never held
    whole in Python. The schema is the query's, which the views declare, unless one is given
    (each batch is cast to it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    reader = con.sql(sql).arrow()
    schema = schema or reader.schema
    with replacing(path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as out:
        for rb in reader:
            out.write_table(pa.Table.from_batches([rb]).cast(schema),
                            row_group_size=row_group_size)


def write_identities(con: Any, path: Path) -> None:
    """Every name's identity, sorted by name in row groups a search's lookup mostly skips; the
    views in ``con`` read it from here on (the co-occurrence pairs identities). Only the names
    a change of the name statistics reaches are resolved again (tasks/corpus/identity_delta.py),
    the rest kept from the last run's table; with no usable state, every name."""
    identities = update_identities(con, identity_stats(con, path.parent), path)
    con.register("identities_now", identities)
    con.execute("create or replace view identity_names as "
                "select name, identity, kind, status, candidates from identities_now")


def update_identities(con: Any, stats: str, path: Path) -> Any:
    """The identity table for the name statistics in table ``stats``, written to ``path`` (and
    its state beside it) unless no name's statistics changed; an Arrow table."""
    import shutil
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.corpus import identity_delta as delta
    from tasks.corpus.identity import NameStats, resolve

    state = delta.state_folder(path, aggregates.BY_NAME["identity_names"].version)
    for old in path.parent.glob("identity_state.*"):
        if old != state:
            shutil.rmtree(old, ignore_errors=True)
    try:
        res, redo = delta.resolve_kept(con, stats, state, _table_token(path))
    except LookupError:
        res = resolve(NameStats(*r) for r in con.sql(f"select * from {stats} order by all"
                                                     ).fetchall())
        redo = None
    if res is None:  # no name's statistics changed: the table stands
        identities = pq.read_table(path).replace_schema_metadata(None)
    else:
        identities = _identity_rows(res.identities)
        if redo is not None:
            con.execute("create or replace temp table idd_redo as select unnest($n) as name",
                        {"n": sorted(redo)})
            kept = con.sql(f"select * from read_parquet({literal(path)}) "
                           "where name not in (select name from idd_redo)").to_arrow_table()
            identities = pa.concat_tables([kept.cast(identities.schema)
                                           .replace_schema_metadata(None), identities])
        identities = identities.sort_by("name")
        token = uuid.uuid4().hex
        _write(identities.replace_schema_metadata({"token": token}), path,
               LOOKUP_GROUP_ROWS["identity_names"])
        delta.write_state(con, state, stats, res, token, redo)  # last: it names the table
        identities = identities.replace_schema_metadata(None)
    for name in ("idd_tags", "idd_keys", "idd_held", "idd_acronyms", "idd_lone", "idd_more",
                 "idd_redo", "idd_redo_keys"):
        # (every key's tags and groups: millions of rows at a million articles; what was
        # resolved again, idd_names, stays for the caller to read)
        con.execute(f"drop table if exists {name}")
    return identities


def write_stories(con: Any, path: Path) -> None:
    """Exact and near copies grouped into stories (tasks/corpus/dedup.py); the views in ``con``
    read them from here on (article_meta carries each article's story)."""
    basis: dict[str, str] = {}
    stories = story_table(con, path.parent, path if path.is_file() else None, basis)
    _write(stories.replace_schema_metadata(basis), path)
    _read_from_now_on(con, "stories", stories)


def _read_from_now_on(con: Any, name: str, table: Any) -> None:
    """The views in ``con`` that read a registered table read ``table`` from here on (an Arrow
    table, or the SQL source of the file just written): the later tables of the same run are
    computed from it, not from the placeholder's stand-in."""
    if isinstance(table, str):
        source = table
    else:
        con.register(f"{name}_now", table)
        source = f"{name}_now"
    placeholder = aggregates.BY_NAME[name].placeholder
    for stmt in statements(load_sql("analysis.sql")):
        if placeholder in stmt:
            con.execute(substitute(stmt, {placeholder: source}))


def _read_parts_from_now_on(con: Any, name: str, folder: Path, want: Iterable[str]) -> None:
    """_read_from_now_on for a table kept as parts: the part files just written in ``folder``
    (``want``, file names), or the table's live stand-in when there are none."""
    parts = sorted(f.removesuffix(".parquet") for f in want)
    _read_from_now_on(con, name, f"read_parquet({_files(folder, parts)})" if parts
                      else aggregates.BY_NAME[name].live)


APPEARANCE_FIELDS = (("quotation_id", "string"), ("article_id", "string"),
                     ("quote_index", "int32"), ("role", "string"), ("similarity", "float32"),
                     ("diff", "string"))
# every direct quote, when it appeared (integers: they only order, and Python datetimes cost
# seconds at 100k) and its text's hash, which keys its cached wording
DIRECT_FROM = ("from quotes q join article_dates d using (article_id) "
               "where q.quote_type = 'direct'")


def _appearance_table(found: list[Any]) -> Any:
    import pyarrow as pa

    schema = pa.schema([pa.field(n, t) for n, t in APPEARANCE_FIELDS])
    return pa.table({f.name: [getattr(a, f.name) for a in found] for f in schema},
                    schema=schema)


def quotation_table(con: Any, cache: Path | None = None) -> Any:
    """Every direct quote that belongs to a quotation (tasks/corpus/lineage.py), from the views in
    ``con``: an Arrow table of quotation_id, article_id, quote_index, role, similarity, diff.
    ``cache``: the folder keeping, between runs, each quote text's wording and the pairs of
    wordings found alike (quotation_pairs); without it everything is folded and compared."""
    from tasks.corpus.lineage import QuoteRow, quotations

    if cache is None:
        rows = con.sql("select q.article_id, q.quote_index, coalesce(q.text, ''), "
                       "epoch_us(d.seen_at), epoch_us(d.first_seen) " + DIRECT_FROM).fetchall()
        found, _ = quotations(QuoteRow(aid, qi, text, (seen, aid, qi), (first, aid, qi))
                              for aid, qi, text, seen, first in rows)
        return _appearance_table(found)
    return quotation_pairs(con, cache)


def quotation_pairs(con: Any, cache: Path, previous: Path | None = None,
                    basis: dict[str, str] | None = None) -> Any:
    """The appearances as quotations() finds them, working only on what changed. Kept in
    ``cache`` (aggregates/lineage.<version>, layout.LINEAGE_PREFIX):

    - ``words/<token>.parquet``: the quote texts a run folded first (text hash, wording, its
      hash ``wid``, whether it is traceable), and ``shingles/<token>.parquet`` the hashed 3-word
      shingles of the wordings it saw first; never rewritten, a run adds one of each for each
      chunk of new batches (_quote_words);
    - ``quote_words/``: each direct quote's text hash and wid, a part per batch (batch_parts),
      written after the words part holding its wordings;
    - ``pairs.parquet``: the pairs of wordings found to be one quotation (by wid);
    - ``seen.parquet``: the traceable wordings the last run held;
    - ``holders.parquet``: the quotes the last run grouped (written by
      write_quotation_appearances, after the table: _regroup), with ``basis`` in its metadata:
      the batch keys they were grouped from and the seen and pairs files' row counts then
      (_holders_basis).

    A run whose batches since the last run's holders were only added (each batch it grouped
    still here with the same live articles) starts from those holders and reads only the added
    batches' quotes (_added_holders); otherwise it reads every quote's part. A run folds only
    the texts no part holds, aligns only the pairs holding a wording the last run did not hold,
    found in DuckDB by the shingles they share with the kept ones (sql/lineage_candidates.sql),
    and groups only the wordings said twice or in a pair (a wording said once and like no
    other is in no quotation). No run loads every wording.
    Written shingles, words, pairs, seen, in that order: a shingle part without its words part
    is left over from a stopped run and ignored; a run stopped before ``seen`` sees the new
    wordings as new again and aligns them again."""
    import shutil

    import pyarrow as pa

    from tasks.corpus.lineage import MAX_SHINGLE_QUOTES, QuoteRow, assemble, same_quotation

    words_dir, shingles_dir = cache / "words", cache / "shingles"
    words_dir.mkdir(parents=True, exist_ok=True)
    shingles_dir.mkdir(parents=True, exist_ok=True)
    pairs_file, seen_file = cache / "pairs.parquet", cache / "seen.parquet"
    tokens = sorted(f.stem for f in words_dir.glob("*.parquet"))
    for orphan in shingles_dir.glob("*.parquet"):
        if orphan.stem not in tokens:
            orphan.unlink()  # a stopped run's: its texts are folded again
    kept = bool(tokens) and seen_file.is_file() and pairs_file.is_file()
    shutil.rmtree(cache / "hashes", ignore_errors=True)  # (the parts before quote_words)
    # each direct quote with its wording's wid, a part per batch (quote_words): a run folds and
    # joins to the wordings only its own batches' quotes (the join of every quote to every
    # wording, 2.3M rows to 2M, was 0.55 s a run at a million articles)
    qw_dir = cache / "quote_words"
    made, want = _quote_words(con, qw_dir, words_dir, shingles_dir, tokens, cache.parent.parent)
    tokens.extend(made)
    words_parts, shingle_parts = _files(words_dir, tokens), _files(shingles_dir, tokens)
    now = {k: f for f, keys in want.items() for k in keys}
    held = (_holders_basis(cache, previous) if kept else None) or set()
    # only batches added since the last run's holders (their quotes, wordings and pairs) when
    # every batch it grouped is still here with the same live articles: then no quote it
    # held changed, nor its date, and what it kept is the start (an hourly run's case: the
    # pass over every quote, 2.3M at a million articles, took a second and a half)
    delta = bool(held) and held <= now.keys()
    if delta:
        added = {k: f for k, f in now.items() if k not in held}
        con.execute(f"create or replace temp table lineage_qw as {_dated_quotes(qw_dir, added)}")
        con.execute("create or replace temp table lineage_new as select distinct wid from "
                    f"lineage_qw where traceable and wid not in (select wid from "
                    f"read_parquet({literal(seen_file)}))")
        con.execute("create or replace temp table lineage_keys as select wid from "
                    f"read_parquet({literal(seen_file)}) union all select wid from lineage_new")
    else:
        source = (f"read_parquet({_files(qw_dir, sorted(f.removesuffix('.parquet') for f in want))})"
                  if want else "(select ''::varchar as article_id, 0 as quote_index, "
                  "0::ubigint as wid, false as traceable where false)")
        con.execute("create or replace temp table lineage_qw as select q.article_id, "
                    "q.quote_index, epoch_us(d.seen_at) as seen_us, "
                    "epoch_us(d.first_seen) as first_us, q.wid, q.traceable from "
                    f"{source} q join article_dates d using (article_id)")
        con.execute("create or replace temp table lineage_keys as select distinct wid from "
                    "lineage_qw where traceable")
        con.execute("create or replace temp table lineage_new as select wid from lineage_keys "
                    + (f"anti join read_parquet({literal(seen_file)}) using (wid)" if kept else ""))
    # the pairs among the wordings held now: the kept ones (known), then those found this run;
    # a DuckDB table, never a Python dict of every pair (700k at a million simulated articles)
    con.execute("create or replace temp table lineage_edges (a ubigint, b ubigint, kind varchar, "
                "known boolean)")
    stored = -1
    new_count = con.sql("select count(*) from lineage_new").fetchall()[0][0]
    held_count = con.sql("select count(*) from lineage_keys").fetchall()[0][0]
    seen_count = con.sql(f"select count(*) from read_parquet({literal(seen_file)})"
                         ).fetchall()[0][0] if kept else -1
    if kept:
        # the kept pairs are among the wordings of the run that wrote them, which wrote seen
        # after them (a run stopped in between left pairs newer than seen): all still held
        # when none of seen is gone, and read whole (testing 700k pairs against 2M wordings
        # costs a third of a second at a million articles)
        none_gone = seen_count == held_count - new_count and \
            seen_file.stat().st_mtime_ns >= pairs_file.stat().st_mtime_ns
        con.execute(f"insert into lineage_edges select a, b, kind, true from "
                    f"read_parquet({literal(pairs_file)})" + ("" if none_gone else
                    " where a in (select wid from lineage_keys) and b in "
                    "(select wid from lineage_keys)"))
        stored = con.sql(f"select count(*) from read_parquet({literal(pairs_file)})"
                         ).fetchall()[0][0]
    known = count_rows(con, "lineage_edges")
    found_now = 0
    if new_count:
        run_script(con, "lineage_candidates.sql", {
            "{max_shingle_quotes}": str(MAX_SHINGLE_QUOTES), "{shingle_parts}": shingle_parts})
        # (a candidate is ordered by wid, a pair by wording: compared as least/greatest, an
        # equality a hash join takes, not an OR over every kept pair)
        candidates = con.sql("select i, j from lineage_candidates anti join lineage_edges e "
                             "on i = least(e.a, e.b) and j = greatest(e.a, e.b)").fetchall()
        text = _wordings(con, words_parts, {w for pair in candidates for w in pair})
        aligned: list[tuple[int, int, str]] = []
        for i, j in candidates:
            a, b = (i, j) if text[i] < text[j] else (j, i)  # (in the wordings' order)
            kind = same_quotation(text[a].split(" "), text[b].split(" "))
            if kind is not None:
                aligned.append((a, b, kind))
        found_now = len(aligned)
        con.register("lineage_found", pa.table(
            {"a": pa.array([x[0] for x in aligned], pa.uint64()),
             "b": pa.array([x[1] for x in aligned], pa.uint64()),
             "kind": pa.array([x[2] for x in aligned], pa.string())}))
        con.execute("insert into lineage_edges select a, b, kind, false from lineage_found")
        con.unregister("lineage_found")
    if found_now or known != stored:  # a pair found, or one gone with its wordings
        with replacing(pairs_file) as tmp:
            con.execute(f"copy (select a, b, kind from lineage_edges order by a, b) to "
                        f"{literal(tmp)} (format parquet, compression zstd)")
    if new_count or not kept or seen_count != held_count:
        with replacing(seen_file) as tmp:
            con.execute(f"copy (select wid from lineage_keys order by wid) to {literal(tmp)} "
                        "(format parquet, compression zstd)")
    # the wordings that can be in a quotation: said twice, or in a pair
    if delta:
        _added_holders(con, cache, qw_dir, {k: f for k, f in now.items() if k in held})
    else:
        # (each wording's count as a window over one scan of the quotes: a 'wid in (group
        # by)' scanned them twice, 0.5 s against 0.3 at a million articles)
        con.execute(
            "create or replace temp table lineage_rel as select article_id, quote_index, "
            "seen_us, first_us, wid from (select article_id, quote_index, seen_us, first_us, "
            "wid, count(*) over (partition by wid) as said from lineage_qw where traceable) "
            "where said > 1 or wid in (select a from lineage_edges union "
            "select b from lineage_edges)")
    todo, drop = _regroup(con, cache, previous, delta)
    con.register("lineage_todo", pa.table({"wid": pa.array(sorted(todo), pa.uint64())}))
    rows = con.sql("select article_id, quote_index, seen_us, first_us, wid from lineage_rel "
                   "semi join lineage_todo using (wid)").fetchall()
    edges = {(a, b): kind for a, b, kind in con.sql(
        "select a, b, kind from lineage_edges where a in (select wid from lineage_todo) "
        "and b in (select wid from lineage_todo)").fetchall()}
    con.unregister("lineage_todo")
    text = _wordings(con, words_parts, {r[4] for r in rows})
    holders: dict[str, list[QuoteRow]] = {}
    for aid, qi, seen, first, wid in rows:
        holders.setdefault(text[wid], []).append(QuoteRow(aid, qi, "", (seen, aid, qi),
                                                          (first, aid, qi)))
    found = _appearance_table(assemble(dict(sorted(holders.items())),
                                       {(text[a], text[b]): kind for (a, b), kind in edges.items()
                                        if a in text and b in text}))
    if drop is not None:  # the quotations no change reached, as the last run wrote them
        con.register("lineage_drop", pa.table({"quotation_id": pa.array(sorted(drop),
                                                                          pa.string())}))
        kept_rows = con.sql(f"select * from read_parquet({literal(previous)}) "
                            "anti join lineage_drop using (quotation_id)").to_arrow_table()
        con.unregister("lineage_drop")
        found = pa.concat_tables([kept_rows.cast(found.schema).replace_schema_metadata(None),
                                  found])
    for name in ("lineage_qw", "lineage_keys", "lineage_new",
                 "lineage_edges"):
        con.execute(f"drop table if exists {name}")
    if basis is not None:
        import pyarrow.parquet as pq

        basis["held"] = "\n".join(sorted(now))
        for name in ("seen", "pairs"):
            basis[name] = str(pq.read_metadata(cache / f"{name}.parquet").num_rows)
    return found


def _holders_basis(cache: Path, previous: Path | None) -> set[str] | None:
    """The batch keys (batch_parts') whose quotes the last run's holders.parquet grouped, when
    it is the last run's (its lineage token is the table's) and the seen and pairs files are
    the ones it was grouped with (a run stopped after rewriting them left other counts); else
    None."""
    import pyarrow.parquet as pq

    holders = cache / "holders.parquet"
    if previous is None or not _token(previous, "lineage") or \
            _token(previous, "lineage") != _token(holders, "lineage"):
        return None
    meta = pq.read_schema(holders).metadata or {}
    if b"held" not in meta:
        return None
    counts = {name: pq.read_metadata(cache / f"{name}.parquet").num_rows
              for name in ("seen", "pairs")}
    if any(meta.get(name.encode(), b"").decode() != str(n) for name, n in counts.items()):
        return None
    return {k for k in meta[b"held"].decode().split("\n") if k}


def _added_holders(con: Any, cache: Path, qw_dir: Path, kept: dict[str, str]) -> None:
    """lineage_rel when only batches were added (lineage_qw: their quotes): the last run's
    holders, and the rows that join them: the added quotes, and the one quote that held a
    wording alone before, of each wording they or a pair found now make said twice or paired.
    The temp table lineage_added: those rows (what _regroup starts from)."""
    holders = f"read_parquet({literal(cache / 'holders.parquet')})"
    cols = "article_id, quote_index, seen_us, first_us, wid"
    con.execute("create or replace temp table lineage_touch as select wid from lineage_qw "
                "where traceable union select a from lineage_edges where not known "
                "union select b from lineage_edges where not known")
    con.execute("create or replace temp table lineage_alone as select wid from lineage_touch "
                f"anti join (select distinct wid from {holders}) using (wid)")
    wids = [w for (w,) in con.sql("select wid from lineage_alone order by wid limit "
                                  f"{WORDS_LISTED + 1}").fetchall()]
    # (named in the query when few: the Parquet reader skips what a constant list rules out)
    alone = _dated_quotes(qw_dir, {}) if not wids else _dated_quotes(
        qw_dir, kept, "wid in (" + ", ".join(str(int(w)) for w in wids) + ")"
        if len(wids) <= WORDS_LISTED else "wid in (select wid from lineage_alone)")
    con.execute(
        f"create or replace temp table lineage_added as with c as (select {cols} from "
        f"lineage_qw where traceable union all select {cols} from ({alone}) where traceable), "
        f"h as (select wid, count(*) as n from {holders} semi join lineage_touch using (wid) "
        "group by wid), "
        "n as (select wid, count(*) as n from c group by wid) "
        f"select {cols} from c join n using (wid) left join h using (wid) "
        "where n.n + coalesce(h.n, 0) > 1 or h.n is not null or wid in "
        "(select a from lineage_edges union select b from lineage_edges)")
    con.execute(f"create or replace temp table lineage_rel as select {cols} from {holders} "
                f"union all select {cols} from lineage_added")
    con.execute("drop table lineage_touch")
    con.execute("drop table lineage_alone")


def _regroup(con: Any, cache: Path, previous: Path | None,
             added: bool = False) -> tuple[set[int], set[str] | None]:
    """Which wordings to group again, and which of the last run's quotations to drop; (every
    wording in lineage_rel, None) when the last run's table cannot be reused. A quotation is
    regrouped when a change reaches it: a wording whose quotes changed (one added, gone, or
    dated otherwise: lineage_rel against the last run's, kept as holders.parquet), a pair found
    this run (lineage_edges not known), and, to a fixed point, every wording linked to those
    by a pair or by a last-run quotation so dropped. Worked out in DuckDB, a step of the
    closure a query: the rest are the same quotations with the same rows as before."""
    holders_file = cache / "holders.parquet"
    if previous is None or not _token(previous, "lineage") or \
            _token(previous, "lineage") != _token(holders_file, "lineage"):
        return {w for (w,) in con.sql("select distinct wid from lineage_rel").fetchall()}, None
    cols = "article_id, quote_index, seen_us, first_us, wid"
    held = f"read_parquet({literal(holders_file)})"
    # (with ``added``, lineage_rel is the holders and lineage_added: what differs is known)
    changed = "select wid from lineage_added" if added else (
        f"select wid from (select {cols} from lineage_rel except select {cols} from {held}) "
        f"union select wid from (select {cols} from {held} except select {cols} from lineage_rel)")
    con.execute(
        f"create or replace temp table lineage_reach as {changed} "
        "union select a from lineage_edges where not known "
        "union select b from lineage_edges where not known")
    con.execute("drop table if exists lineage_added")
    # the last run's quotations, each with the wordings its quotes have now (null: a quote gone)
    con.execute(f"create or replace temp table lineage_old as select o.quotation_id, r.wid "
                f"from read_parquet({literal(previous)}) o "
                "left join lineage_rel r using (article_id, quote_index)")
    con.execute("create or replace temp table lineage_dropped as select distinct quotation_id "
                "from lineage_old where wid is null or wid in (select wid from lineage_reach)")
    size = -1
    while True:
        con.execute("insert into lineage_reach select w from ("
                    "select b as w from lineage_edges where a in (select wid from lineage_reach) "
                    "union select a from lineage_edges where b in (select wid from lineage_reach) "
                    "union select wid from lineage_old where wid is not null and quotation_id in "
                    "(select quotation_id from lineage_dropped)) anti join lineage_reach r "
                    "on r.wid = w")
        con.execute("insert into lineage_dropped select distinct quotation_id from lineage_old "
                    "where wid in (select wid from lineage_reach) and quotation_id not in "
                    "(select quotation_id from lineage_dropped)")
        now = count_rows(con, "lineage_reach") + count_rows(con, "lineage_dropped")
        if now == size:
            break
        size = now
    todo = {w for (w,) in con.sql("select wid from lineage_reach semi join lineage_rel "
                                  "using (wid)").fetchall()}
    drop = {q for (q,) in con.sql("select quotation_id from lineage_dropped").fetchall()}
    for name in ("lineage_reach", "lineage_old", "lineage_dropped"):
        con.execute(f"drop table {name}")
    return todo, drop


def _token(path: Path, key: str) -> str | None:
    """The token a table file was written with, under ``key`` in its Parquet metadata (the
    quotation appearances and their holders share a 'lineage' one; a kept table and its
    basis a 'basis' one); None when the file or the token is missing."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    return ((pq.read_schema(path).metadata or {}).get(key.encode()) or b"").decode() or None


FOLD_ROWS = 50_000  # quote texts folded at a time


def _quote_words(con: Any, folder: Path, words_dir: Path, shingles_dir: Path,
                 tokens: list[str], wh: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The parts kept in ``folder``, one per batch (batch_parts), of each direct quote
    (article_id, quote_index), 64 bits of its text's MD5 (h), its wording's wid and whether it
    is traceable. A batch's part is made once: its quotes' texts hashed, joined to the wordings
    the words parts hold, and the texts no part holds folded into a new words part (and its
    shingles part) written before the batch's part, so a part never names a wid no words part
    holds. Returns the new words tokens, and the parts (file -> the batch keys it covers)."""
    import pyarrow as pa

    from tasks.corpus.parts import batch_parts, drop_other_parts

    made: list[str] = []

    def held(where: str) -> str:
        """The wordings the words parts hold (h, wid, traceable) that ``where`` keeps."""
        parts = tokens + made
        if not parts:
            return ("(select 0::ubigint as h, 0::ubigint as wid, false as traceable "
                    "where false)")
        return (f"(select distinct h, wid, traceable from "
                f"read_parquet({_files(words_dir, parts)}) where {where})")

    def compute(todo: list[str]) -> Any:
        import uuid

        con.execute("create or replace temp table lineage_batch as select batch_id, article_id, "
                    "quote_index, md5_number_lower(coalesce(text, '')) as h from "
                    f"({batch_rows(wh, 'quotes', todo)}) where quote_type = 'direct'")
        # (the wordings of these quotes' texts alone: not every wording held, 2M at a million)
        con.execute("create or replace temp table lineage_bq as select q.*, k.wid, k.traceable "
                    "from lineage_batch q left join "
                    f"{held('h in (select h from lineage_batch)')} k using (h)")
        con.execute("drop table lineage_batch")
        if _fold_new_texts(con, todo, wh):
            token = uuid.uuid4().hex
            # (64 bits of the wording's MD5: DuckDB's hash() gives some pairs of similar short
            # strings one value, 'why couldn't she ...' and 'why couldn't shl ...')
            con.execute("create or replace temp table lineage_new_words as select h, "
                        "md5_number_lower(wording) as wid, traceable, wording "
                        "from lineage_fresh_words")
            # shingled: the traceable wordings no part held
            con.execute("create or replace temp table lineage_new_wordings as select distinct "
                        "wid, wording from lineage_new_words where traceable and wid not in "
                        "(select wid from "
                        f"{held('traceable and wid in (select wid from lineage_new_words)')})")
            with replacing(shingles_dir / f"{token}.parquet") as tmp:
                con.execute(f"copy ({load_sql('lineage_shingles.sql').strip().rstrip(';')}) "
                            f"to {literal(tmp)} (format parquet, compression zstd)")
            with replacing(words_dir / f"{token}.parquet") as tmp:
                con.execute(f"copy (select * from lineage_new_words order by wid) to "
                            f"{literal(tmp)} (format parquet, compression zstd, "
                            f"row_group_size {WORDS_GROUP_ROWS})")
            made.append(token)
            con.execute("update lineage_bq set wid = n.wid, traceable = n.traceable from "
                        "lineage_new_words n where lineage_bq.h = n.h and lineage_bq.wid is null")
            for name in ("lineage_new_words", "lineage_new_wordings", "lineage_fresh_words"):
                con.execute(f"drop table if exists {name}")
        rows = con.sql("select batch_id, article_id, quote_index, h, wid, traceable "
                       "from lineage_bq order by article_id, quote_index").to_arrow_table()
        con.execute("drop table lineage_bq")
        return rows.cast(pa.schema([("batch_id", pa.string()), ("article_id", pa.string()),
                                    ("quote_index", pa.int32()), ("h", pa.uint64()),
                                    ("wid", pa.uint64()), ("traceable", pa.bool_())]))

    want = batch_parts(con, folder, compute, keep_batch_id=True, chunk=PART_CHUNK)
    drop_other_parts(folder, want)
    return made, want


QUOTE_WORDS_COLUMNS = (("article_id", "varchar"), ("quote_index", "integer"),
                       ("wid", "ubigint"), ("traceable", "boolean"))


def _dated_quotes(folder: Path, held: dict[str, str], where: str = "") -> str:
    """SQL for the quotes of the batches ``held`` names (key -> the quote_words part holding
    it): article_id, quote_index, when each appeared (seen_us, first_us: its article's dates),
    wid and traceable. The join to the live articles' dates also keeps only live quotes."""
    rows = _held_rows(folder, held, QUOTE_WORDS_COLUMNS)
    return ("select q.article_id, q.quote_index, epoch_us(d.seen_at) as seen_us, "
            "epoch_us(d.first_seen) as first_us, q.wid, q.traceable "
            f"from ({rows}{' and ' + where if where and held else ''}) q "
            "join article_dates d using (article_id)")


def _fold_new_texts(con: Any, batches: list[str], wh: Path) -> int:
    """Fold the direct quote texts of these batches that no part holds (lineage_bq's without a
    wording) into the temp table lineage_fresh_words (h, wording, traceable), FOLD_ROWS at a
    time; how many."""
    import pyarrow as pa

    from tasks.corpus.lineage import traceable, wording

    con.execute("create or replace temp table lineage_texts as select row_number() over () as n, "
                "h, text from (select distinct u.h, coalesce(t.text, '') as text "
                "from (select article_id, quote_index, h from lineage_bq where wid is null) u "
                "join (select article_id, quote_index, text from "
                f"({batch_rows(wh, 'quotes', batches)})) t "
                "using (article_id, quote_index))")
    con.execute("create or replace temp table lineage_fresh_words "
                "(h ubigint, wording varchar, traceable boolean)")
    schema = pa.schema([("h", pa.uint64()), ("wording", pa.string()), ("traceable", pa.bool_())])
    count = con.sql("select count(*) from lineage_texts").fetchall()[0][0]
    for lo in range(0, count, FOLD_ROWS):
        batch = con.sql("select h, text from lineage_texts where n > $lo and n <= $hi",
                        params={"lo": lo, "hi": lo + FOLD_ROWS}).to_arrow_table()
        keys = [wording(t) for t in batch.column(1).to_pylist()]
        con.register("lineage_fold", pa.table(
            {"h": batch.column(0), "wording": keys, "traceable": [traceable(k) for k in keys]},
            schema=schema))
        con.execute("insert into lineage_fresh_words select * from lineage_fold")
        con.unregister("lineage_fold")
    con.execute("drop table lineage_texts")
    return int(count)


def _files(folder: Path, tokens: list[str]) -> str:
    """A SQL list of the parts of these tokens in folder."""
    return "[" + literals(folder / f"{t}.parquet" for t in tokens) + "]"


# rows per row group of a words part, sorted by wid: a run reads the wordings of the few
# quotations a change reached (143 of 2M at a million simulated articles), and a short list of
# wids skips every group whose range holds none of them (0.31 -> 0.06 s there)
WORDS_GROUP_ROWS = 2_048
WORDS_LISTED = 4_096  # up to this many wids, named in the query (DuckDB prunes row groups by
# a constant IN list; a join to a table of them is no filter the Parquet reader can use)


def _wordings(con: Any, words_parts: str, wids: set[int]) -> dict[int, str]:
    """The wording of each of these wids, from the words parts."""
    import pyarrow as pa

    if not wids:
        return {}
    if len(wids) <= WORDS_LISTED:  # (wids are integers: the list is no injection)
        listed = ", ".join(str(int(w)) for w in sorted(wids))
        return dict(con.sql(f"select distinct wid, wording from read_parquet({words_parts}) "
                            f"where wid in ({listed})").fetchall())
    con.register("lineage_want", pa.table({"wid": pa.array(sorted(wids), pa.uint64())}))
    try:
        return dict(con.sql(f"select distinct wid, wording from read_parquet({words_parts}) "
                            "semi join lineage_want using (wid)").fetchall())
    finally:
        con.unregister("lineage_want")


def write_quotation_appearances(con: Any, path: Path) -> None:
    """Which quotes are one quotation; the views in ``con`` read them from here on. What lineage
    folded and compared is kept beside it under the table's version (a new version starts
    afresh; so do the files of an earlier layout)."""
    import shutil
    import uuid

    version = aggregates.BY_NAME["quotation_appearances"].version
    cache = path.parent / f"{layout.LINEAGE_PREFIX}{version}"
    for old in [*path.parent.glob(f"{layout.LINEAGE_PREFIX}*"),
                *path.parent.glob("quote_pairs.*.parquet"),
                *path.parent.glob("quote_wordings.*.parquet")]:
        if old != cache:
            shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    previous = path if path.is_file() else None
    token = uuid.uuid4().hex
    basis: dict[str, str] = {}
    table = quotation_pairs(con, cache, previous, basis).sort_by([("quotation_id", "ascending")])
    table = table.replace_schema_metadata({"lineage": token})
    _write(table, path)
    # the quotes grouped, last: a run that stops before this finds the tokens unmatched and
    # groups every quotation again
    meta = ", ".join(f"{k}: {literal(v)}" for k, v in {"lineage": token, **basis}.items())
    with replacing(cache / "holders.parquet") as tmp:
        con.execute(f"copy (select * from lineage_rel order by wid) to {literal(tmp)} "
                    f"(format parquet, compression zstd, kv_metadata {{{meta}}})")
    con.execute("drop table lineage_rel")
    _read_from_now_on(con, "quotation_appearances", table)


# the quotation appearances as the run stored them (_read_from_now_on registers them)
APPEARANCES_NOW = "quotation_appearances_now"


def write_quotations(con: Any, path: Path) -> None:
    """One row per quotation (quotations_from over the appearances just written), computed
    again only for the quotations a change reached, the rest kept from the last run's table: a
    quotation whose appearances changed (a fingerprint of them, kept per quotation), one
    appearing in a batch the last run did not hold (a new or reprocessed article: its quote,
    speaker or date may differ), and one credited to a name whose identity changed. What the
    table was computed from (the fingerprints, the batches, the names' identities) is kept in
    ``quotations_state.<version>/``, written after the table with its token: a run stopped in
    between, or any mismatch, computes the table whole."""
    import shutil
    import uuid

    import pyarrow.parquet as pq

    state = path.parent / f"quotations_state.{aggregates.BY_NAME['quotations'].version}"
    for old in path.parent.glob("quotations_state.*"):
        if old != state:
            shutil.rmtree(old, ignore_errors=True)
    state.mkdir(exist_ok=True)
    files = {name: state / f"{name}.parquet" for name in ("prints", "batches", "names")}
    # (the appearances as stored: write_quotation_appearances registered them)
    con.execute("create or replace temp table quot_prints as select quotation_id, "
                "bit_xor(hash(article_id, quote_index, role, similarity, diff)) as fp, "
                f"count(*) as n from {APPEARANCES_NOW} group by all")
    con.execute("create or replace temp table quot_batches as "
                "select distinct batch_id from live_articles")
    con.execute("create or replace temp table quot_names as "
                "select name, identity from identity_names")
    token = _table_token(path)
    kept = token is not None and all(
        f.is_file() and ((pq.read_schema(f).metadata or {}).get(b"token") or b"").decode()
        == token for f in files.values())
    if not kept:
        sql = "select * from quotations_live"
    else:
        then = {name: f"read_parquet({literal(f)})" for name, f in files.items()}
        # (each reach worked out alone, and the joins made only for what changed: a join of the
        # appearances to every quote's speaker costs a second at a million articles)
        con.execute("create or replace temp table quot_new_batches as select batch_id from "
                    f"quot_batches except select batch_id from {then['batches']}")
        # (a name without an identity row is credited as written: only a name credited
        # otherwise than before changes its quotes)
        con.execute("create or replace temp table quot_new_names as select name from "
                    f"quot_names n full join {then['names']} o using (name) "
                    "where coalesce(n.identity, name) is distinct from coalesce(o.identity, name)")
        con.execute("create or replace temp table quot_touched as select quotation_id from ("
                    "select quotation_id, fp, n from quot_prints except select quotation_id, "
                    f"fp, n from {then['prints']})")
        if count_rows(con, "quot_new_batches"):
            con.execute(f"insert into quot_touched select qa.quotation_id from {APPEARANCES_NOW} "
                        "qa join live_articles l using (article_id) where l.batch_id in "
                        "(select batch_id from quot_new_batches)")
        if count_rows(con, "quot_new_names"):
            # (the names as stored: the quote_speakers view joins every quote to its identity)
            con.execute(f"insert into quot_touched select qa.quotation_id from {APPEARANCES_NOW} "
                        "qa semi join (select article_id, quote_index from quote_speaker_names "
                        "where speaker in (select name from quot_new_names)) s "
                        "using (article_id, quote_index)")
        batches = [b for (b,) in con.sql(
            f"select distinct l.batch_id from {APPEARANCES_NOW} qa "
            "join live_articles l using (article_id) "
            "where qa.quotation_id in (select quotation_id from quot_touched)").fetchall()]
        con.execute("create or replace temp table quot_touched_app as "
                    "select * from quotation_appearances_in($b) "
                    "where quotation_id in (select quotation_id from quot_touched)",
                    {"b": batches})
        # the last run's rows of the quotations still here that no change reached, and the
        # touched ones computed again
        sql = (f"select * from read_parquet({literal(path)}) where quotation_id in "
               "(select quotation_id from quot_prints) and quotation_id not in "
               "(select quotation_id from quot_touched) union all "
               "select * from quotations_from('quot_touched_app')")
    token = uuid.uuid4().hex
    schema = con.sql("select * from quotations_live limit 0").arrow().schema
    _stream(con, f"select * from ({sql}) order by quotation_id", path,
            schema=schema.with_metadata({"token": token}))
    # what the table was computed from, last (each file carries the table's token)
    for name, f in files.items():
        table = con.sql(f"select * from quot_{name} order by all").to_arrow_table()
        with replacing(f) as tmp:
            pq.write_table(table.replace_schema_metadata({"token": token}), tmp,
                           compression="zstd")
    for name in ("quot_prints", "quot_batches", "quot_names", "quot_touched",
                 "quot_touched_app", "quot_new_batches", "quot_new_names"):
        con.execute(f"drop table if exists {name}")


def _table_token(path: Path) -> str | None:
    """The token a table was written with (its Parquet metadata), or None."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    return ((pq.read_schema(path).metadata or {}).get(b"token") or b"").decode() or None


def write_article_meta(con: Any, path: Path) -> None:
    """One small row per live article, what a search ranks and shows without the text, in a
    part for each batch (batch_parts): a run writes its own batches' rows, not the whole table
    (a million rows rewritten took 3.8-4.4 s of every run at a million articles). An article's
    story is the one thing in its row a later batch can change (the story's first copy
    superseded, or two stories joined by a new copy): the batches holding an article whose
    story or similarity differs from the stories the parts were computed with are computed
    again. That stories table is kept beside the parts (STORIES_BASIS, a hard link), removed
    while the parts change, so a run stopped in between computes every part again."""
    import os
    import shutil

    stories = aggregates.path(path.parent.parent, "stories")
    basis = path / STORIES_BASIS
    path.mkdir(parents=True, exist_ok=True)
    if basis.is_file() and stories.is_file():
        # (the rows in one table and not the other: articles whose story changed, and new
        # articles, whose batches are new; a batch holding one is computed again. A row naming
        # its own article as its story is the same as no row, which is how the table leaves
        # a story of one article out)
        def rows(path: Path) -> str:
            return (f"select article_id, story_id, similarity from read_parquet({literal(path)}) "
                    "where not (story_id = article_id and similarity = 1.0)")
        redo = frozenset(b for (b,) in con.sql(
            "select distinct l.batch_id from live_articles l semi join ("
            f"({rows(stories)} except {rows(basis)}) union all "
            f"({rows(basis)} except {rows(stories)})) c using (article_id)").fetchall())
    else:
        redo = frozenset()  # no basis: every part is computed again
        for old in path.glob("*.parquet"):
            old.unlink()
    basis.unlink(missing_ok=True)
    want = batch_parts(con, path, lambda todo: _utc(con.sql(
        "select * from article_meta_of($b) order by article_id",
        params={"b": todo}).to_arrow_table()),
        keep_batch_id=True, chunk=PART_CHUNK, row_group_size=LOOKUP_GROUP_ROWS["article_meta"],
        order="article_id", redo=redo)
    drop_other_parts(path, want)
    if stories.is_file():
        tmp = path / f"{STORIES_BASIS}.tmp"
        tmp.unlink(missing_ok=True)
        try:
            os.link(stories, tmp)
        except OSError:  # a file system without hard links
            shutil.copyfile(stories, tmp)
        os.replace(tmp, basis)
    _drop_earlier_layouts(path, "article_meta")
    # the later tables (co-occurrence reads named_entities) read the rows just written
    _read_parts_from_now_on(con, "article_meta", path, want)


def _drop_earlier_layouts(path: Path, name: str) -> None:
    """Remove what earlier versions kept of a table now kept as parts in ``path``: its single
    file of before (``<name>.parquet``) and another version's parts folder."""
    import shutil

    (path.parent / f"{name}.parquet").unlink(missing_ok=True)
    for old in path.parent.glob(f"{name}_parts*"):
        if old != path and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _utc(table: Any) -> Any:
    """``table`` with its time zone columns in 'UTC', as DuckDB writes them when it merges
    parts (its Arrow output names the connection's zone, 'Etc/UTC'): every part one schema."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.timestamp(f.type.unit, "UTC"), f.nullable)
              if pa.types.is_timestamp(f.type) and f.type.tz else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def write_quote_speakers(con: Any, path: Path) -> None:
    """Who said each quote, as the name stored, in a part for each batch (batch_parts), sorted
    by name in small row groups: a run writes the parts of its own batches only (rewriting the
    whole table, sorted by identity, took 3 s at a million articles), and a speaker search,
    which asks for the names of one identity, reads a row group or two of each part. The
    quote_speakers view joins each name's identity."""

    wh = path.parent.parent
    # (quote_speakers_live's rows: the quotes with a speaker)
    want = batch_parts(con, path, lambda todo: con.sql(
        "select article_id, quote_index, batch_id, speaker from "
        f"({batch_rows(wh, 'quotes', todo)}) where speaker is not null "
        "order by speaker, article_id, quote_index").to_arrow_table(),
        keep_batch_id=True, chunk=PART_CHUNK, row_group_size=SPEAKER_GROUP_ROWS,
        order="speaker, article_id, quote_index")
    drop_other_parts(path, want)
    _drop_earlier_layouts(path, "quote_speakers")
    # the later tables (quotations asks whose names changed) read the parts just written, sorted
    # by name, not every quote's speaker (1.6 s at a million articles)
    _read_parts_from_now_on(con, "quote_speakers", path, want)


def write_cooccurrence(con: Any, path: Path) -> None:
    """Pairs of identities named in the same articles, updated by what changed
    (sql/cooccurrence_delta.sql) when the table kept from the last run and what it was
    computed from (its basis: the identities and per-batch parts, matched by a token) are at
    hand, else computed whole from the views; written streamed, as the biggest table. The
    per-identity counts (entity_counts) are kept alike from the same parts, written first."""
    import pyarrow as pa

    # each batch's named entities (article, name, label, and n: the name's mentions there, which
    # entity_counts sums): what the pairs are made from, kept with their batch, so what a run
    # adds or takes away is read by batch from merged parts (from the entities' own batch
    # column: joined to the articles view, a run's few batches took 1.3 s at a million
    # articles, 0.04 s so)
    kept = _open_kept(con, path, "cooccurrence_state", "entity_cooccurrence", "cooc",
                      lambda todo: con.sql(
                          "select batch_id, article_id, canonical, label, count(*)::int as n "
                          "from entity_identities where batch_id in (select unnest($todo)) "
                          "group by all", params={"todo": todo}).to_arrow_table(),
                      COOCCURRENCE_PART_COLUMNS, "canonical")
    if kept.before is None:
        sql = "select * from entity_cooccurrence_live"
    else:
        run_script(con, "cooccurrence_delta.sql")
        sql = (f"select entity_a, kind_a, entity_b, kind_b, sum(articles)::bigint as articles "
               f"from (select * from read_parquet({literal(path)}) union all "
               "select * from cooc_delta) group by all having sum(articles) > 0")
    counts_path = path.parent / aggregates.BY_NAME["entity_counts"].file
    if kept.before is not None and _token(counts_path, "basis") == _token(path, "basis"):
        # the counts the last run kept, from the same rows and identities: updated alike
        run_script(con, "entity_counts_delta.sql")
        counts = (f"select identity, kind, canonical, sum(articles)::bigint as articles, "
                  f"sum(mentions)::bigint as mentions from (select * from "
                  f"read_parquet({literal(counts_path)}) union all select * from counts_delta) "
                  "group by all having sum(articles) > 0")
    else:
        counts = "select * from entity_counts_live"
    _stream(con, f"select * from ({counts}) order by identity, kind, canonical nulls first",
            counts_path, ROW_GROUP_ROWS, pa.schema(
                [pa.field(n, t) for n, t in ENTITY_COUNTS_SCHEMA_FIELDS],
                metadata={"basis": kept.token}))
    schema = pa.schema([pa.field(n, t) for n, t in COOCCURRENCE_SCHEMA_FIELDS],
                       metadata={"basis": kept.token})
    _stream(con, f"select * from ({sql}) order by articles desc, entity_a, entity_b", path,
            ROW_GROUP_ROWS, schema)
    _close_kept(con, kept)


def write_speaker_counts(con: Any, path: Path) -> None:
    """Quotes, articles and gender votes per speaker identity, kind, outlet and month, kept
    from run to run as the co-occurrence pairs are (sql/speaker_counts_delta.sql), from
    per-batch parts of each article's speakers (sql/speaker_parts.sql); else computed whole
    from the views."""
    kept = _open_kept(con, path, "speaker_counts_state", "speaker_counts", "spk",
                      lambda todo: con.sql(substitute(load_sql("speaker_parts.sql"), {
                          "{quotes}": f"({batch_rows(path.parent.parent, 'quotes', todo)})"})
                          ).to_arrow_table(),
                      SPEAKER_PART_COLUMNS, "speaker")
    if kept.before is None:
        sql = "select * from speaker_counts_live"
    else:
        run_script(con, "speaker_counts_delta.sql")
        # the rows no change reached copied as they are, the others summed with the change
        # (a speaker's row per outlet and month: 1.4M rows at a million articles, where
        # grouping them all again took 0.6 s and this 0.3)
        old = f"read_parquet({literal(path)})"
        sums = ", ".join(f"sum({c})::bigint as {c}" for c in SPEAKER_COUNT_COLUMNS[4:])
        key = ("o.identity = d.identity and o.kind = d.kind and o.month = d.month and "
               "o.source is not distinct from d.source")
        sql = (f"with d as (select identity, kind, source, month, {sums} from spk_delta "
               f"group by identity, kind, source, month) "
               f"select o.* from {old} o anti join d on {key} union all "
               f"select identity, kind, source, month, {sums} from (select o.* from {old} o "
               f"semi join d on {key} union all select * from d) "
               "group by identity, kind, source, month having sum(quotes) > 0")
    with replacing(path) as tmp:
        con.execute(f"copy ({sql}) to {literal(tmp)} (format parquet, compression zstd, "
                    f"kv_metadata {{basis: {literal(kept.token)}}})")
    _close_kept(con, kept)


@dataclass
class _Kept:
    """A table kept by delta between runs: its per-batch parts, the batches they hold now
    (key -> part), and what the kept table was computed from (None: compute it whole)."""

    prefix: str
    parts_dir: Path
    basis_file: Path
    want: dict[str, list[str]]
    now: dict[str, str]
    before: tuple[Any, dict[str, str]] | None
    token: str


def _open_kept(con: Any, path: Path, state_name: str, name: str, prefix: str,
               compute: Callable[[list[str]], Any], columns: tuple[tuple[str, str], ...],
               name_column: str) -> _Kept:
    """The per-batch parts of a kept table brought up to date, and, when the table kept from
    the last run is that computation's (its token matches its basis), the views the delta
    SQL reads: <prefix>_basis (name, identity, kind: the identities it was computed with), and
    <prefix>_removed, _kept, _added: the parts' rows of the batches the last run counted and
    this one does not, both count, and this one counts alone (a batch one of whose articles
    was superseded is removed and added anew), and <prefix>_affected: the kept articles' rows
    naming (``name_column``) a name whose identity changed (sql/kept_affected.sql)."""
    import shutil
    import uuid

    state = path.parent / f"{state_name}.{aggregates.BY_NAME[name].version}"
    parts_dir = state / "parts"
    basis_file = state / "basis.parquet"
    for old in path.parent.glob(f"{state_name}.*"):
        if old != state:
            shutil.rmtree(old, ignore_errors=True)
    want = batch_parts(con, parts_dir, compute, keep_batch_id=True, chunk=PART_CHUNK,
                       order="batch_id, article_id")
    now = {k: f for f, keys in want.items() for k in keys}
    before = _kept_basis(path, basis_file)
    if before is not None and not all((parts_dir / f).is_file() for f in before[1].values()):
        before = None  # a part it counted is gone: compute the table whole
    if before is not None:
        old_map, then = before
        con.register(f"{prefix}_basis", old_map)
        for kind, held in (("removed", {k: f for k, f in then.items() if k not in now}),
                           ("kept", {k: f for k, f in now.items() if k in then}),
                           ("added", {k: f for k, f in now.items() if k not in then})):
            con.execute(f"create or replace temp view {prefix}_{kind} as "
                        f"{_held_rows(parts_dir, held, columns)}")
        run_script(con, "kept_affected.sql", {"{p}": prefix, "{name}": name_column})
    return _Kept(prefix, parts_dir, basis_file, want, now, before, uuid.uuid4().hex)


def _close_kept(con: Any, kept: _Kept) -> None:
    """After the table is written with kept.token: what it was computed from, last (a run
    stopped before this finds the table's token unmatched and computes it whole), and the
    parts no batch needs any more dropped."""
    import pyarrow.parquet as pq

    if kept.before is not None:
        con.unregister(f"{kept.prefix}_basis")
    basis = con.sql("select name, identity, kind from identity_names").to_arrow_table()
    basis = basis.replace_schema_metadata(
        {"token": kept.token, "held": "\n".join(f"{k} {f}" for k, f in sorted(kept.now.items()))})
    with replacing(kept.basis_file) as tmp:
        pq.write_table(basis, tmp, compression="zstd")
    drop_other_parts(kept.parts_dir, kept.want)


def _kept_basis(path: Path, basis_file: Path) -> tuple[Any, dict[str, str]] | None:
    """The identities the kept table was computed with, and the batches it counted (each with
    the part that held it), when the table is that computation's (its token matches); else
    None."""
    import pyarrow.parquet as pq

    token = _token(path, "basis")
    if token is None or token != _token(basis_file, "token"):
        return None
    basis = pq.read_table(basis_file)
    bmeta = basis.schema.metadata or {}
    held = dict(line.split(" ", 1) for line in bmeta.get(b"held", b"").decode().split("\n")
                if line)
    return basis.replace_schema_metadata(None), held


def _held_rows(folder: Path, held: dict[str, str], columns: tuple[tuple[str, str], ...]) -> str:
    """SQL for the rows of the batches ``held`` names (key: the part that holds it), read from
    those parts by batch: a merged part also holds batches that did not change. ``columns``:
    the parts' (name, DuckDB type), batch_id aside."""
    if not held:
        return "select " + ", ".join(f"null::{t} as {c}" for c, t in columns) + " where false"
    files = literals(folder / f for f in sorted(set(held.values())))
    batches = literals(part_batch(k) for k in sorted(held))
    return (f"select {', '.join(c for c, _ in columns)} from read_parquet([{files}]) "
            f"where batch_id in ({batches})")


def write_entity_counts(con: Any, path: Path) -> None:
    """Written by write_cooccurrence, from the same parts and delta, just before: here only
    computed whole when that table is not this run's (it carries the co-occurrence table's
    token)."""
    import pyarrow as pa

    cooc = path.parent / aggregates.BY_NAME["entity_cooccurrence"].file
    token = _token(cooc, "basis")
    if token is not None and _token(path, "basis") == token:
        return
    _stream(con, "select * from entity_counts_live order by identity, kind, canonical nulls first",
            path, ROW_GROUP_ROWS, pa.schema([pa.field(n, t) for n, t in ENTITY_COUNTS_SCHEMA_FIELDS],
                                            metadata={"basis": token or ""}))


WRITERS: dict[str, Callable[[Any, Path], None]] = {
    "identity_names": write_identities,
    "stories": write_stories,
    "article_meta": write_article_meta,
    "quote_speakers": write_quote_speakers,
    "entity_cooccurrence": write_cooccurrence,
    "entity_counts": write_entity_counts,
    "speaker_counts": write_speaker_counts,
    "quotation_appearances": write_quotation_appearances,
    "quotations": write_quotations,
}
assert set(WRITERS) == set(aggregates.BY_NAME), "every registered aggregate has one writer"


def write_article_versions(con: Any, path: Path, batches_digest: str,
                           since: StoredLive | None = None) -> None:
    """The live articles counted by model and extractor version, from the keys files, for
    reprocess.staleness: at a million articles a count through the articles view took 1.8-3.1 s
    after every run. Marked with the digest of the batches it counts, which a reader compares,
    and of its SQL. When the live sets started from news.duckdb's (``since``) and the file
    counted exactly the batches news.duckdb was published for, by the same SQL, no earlier
    article changed: its counts and the new batches' are added up (0.21 s -> 0.02 at a million
    articles)."""
    import hashlib

    sql = load_sql("article_versions.sql").strip().rstrip(";")
    sql_digest = hashlib.sha256(sql.encode()).hexdigest()
    source = sql
    if since is not None and path.is_file():
        if _token(path, "batches") == aggregates.digest(since.before) and \
                _token(path, "sql") == sql_digest:
            new = "" if not since.new else (
                "union all select k.model, k.extractor_version, count(*)::bigint "
                f"from {since.new_keys} k semi join live_articles l "
                "on k.article_id = l.article_id and k.batch_id = l.batch_id group by all")
            source = ("select model, extractor_version, sum(articles)::bigint as articles from ("
                      f"select model, extractor_version, articles from read_parquet("
                      f"{literal(path)}) {new}) group by all order by articles desc")
    with replacing(path) as tmp:
        con.execute(f"copy ({source}) to {literal(tmp)} (format parquet, kv_metadata "
                    f"{{batches: {literal(batches_digest)}, sql: {literal(sql_digest)}}})")


PREVIOUS = "previous_live"  # news.duckdb as the last publish left it, attached read-only


@dataclass
class StoredLive:
    """How this run's live sets start from news.duckdb's: the statements that make them, the
    batches news.duckdb was published for, and the batches committed since (their files all
    new paths, read whole)."""

    statements: dict[str, str]
    before: list[str]
    new: list[str]
    new_keys: str  # (SQL: the keys files of the new batches)


def previous_live_sets(con: Any, wh: Path, batches: list[str],
                       keys: list[Path]) -> StoredLive | None:
    """How to make the live sets (views.LIVE_TABLES and LIVE_SETS_TABLE) from the ones
    news.duckdb stores, when the batches it was published for are all still committed and
    every file of the batches since is a path no earlier batch holds, read whole: then no
    earlier row changed (a file's rows change only by a later batch holding the same path), and
    the live sets are the stored ones and the new batches' rows. Deriving them from every
    file's ledger rows costs about a second a run at a million articles. None (and nothing
    attached) otherwise: a batch gone or compacted, a file read again, changed, split or
    pruned, news.duckdb missing or of an earlier format."""
    import duckdb

    db = views.db_path(wh)
    if not db.is_file():
        return None
    try:
        con.execute(f"attach {literal(db)} as {PREVIOUS} (read_only)")
    except duckdb.Error:
        return None
    try:
        stored = {t for (t,) in con.sql("select table_name from duckdb_tables() where "
                                        f"database_name = '{PREVIOUS}'").fetchall()}
        state = con.sql("select column_name from duckdb_columns() where database_name = "
                        f"'{PREVIOUS}' and table_name = '{views.STATE_TABLE}'").fetchall()
        if not {*views.LIVE_TABLES, views.STATE_TABLE} <= stored or ("batches",) not in state:
            raise LookupError
        rows = con.sql(f"select batches from {PREVIOUS}.main.{views.STATE_TABLE}").fetchall()
        if len(rows) != 1 or rows[0][0] is None or not set(rows[0][0]) <= set(batches):
            raise LookupError
        before = set(rows[0][0])
        new = [b for b in batches if b not in before]
        prev = f"{PREVIOUS}.main"
        out = {t: f"create or replace table {t} as select * from {prev}.{t}"
               for t in views.LIVE_TABLES}
        # (each batch's live set too, when the publish kept it: a publish of its own, as at a
        # run's start, derived none)
        sets = LIVE_SETS_TABLE in stored
        out[LIVE_SETS_TABLE] = f"create temp table {LIVE_SETS_TABLE} as " + \
            (f"select * from {prev}.{LIVE_SETS_TABLE}" if sets else LIVE_SET_SQL)
        if not new:
            return StoredLive(out, sorted(before), [], "")
        files = "read_parquet([" + ", ".join(
            literal(layout.table_file(wh, b, "files")) for b in new) + "], union_by_name = true)"
        new_keys = "read_parquet([" + ", ".join(
            literal(k) for b, k in zip(batches, keys, strict=True) if b not in before) + "])"
        clash = con.sql(f"select count(*) from (select path from {files} group by path "
                        "having count(*) > 1 or bool_or(split_id is not null) union all "
                        f"select path from {files} semi join {prev}.live_parts using (path))"
                        ).fetchall()[0][0]
        if clash:
            raise LookupError
        out["live_parts"] = f"create or replace table live_parts as select path, batch_id " \
            f"from {prev}.live_parts union all select path, batch_id from {files}"
        out["live_articles"] = "create or replace table live_articles as select article_id, " \
            f"batch_id from {prev}.live_articles union all select k.article_id, k.batch_id " \
            f"from {new_keys} k semi join (select path, batch_id from {files}) f " \
            "on k.source_path = f.path and k.batch_id = f.batch_id"
        listed = literals(new)
        if sets:
            out[LIVE_SETS_TABLE] += f" union all select {LIVE_SET_COLUMNS} from " \
                f"live_articles where batch_id in ({listed}) group by 1"
        return StoredLive(out, sorted(before), new, new_keys)
    except (LookupError, duckdb.Error):
        con.execute(f"detach {PREVIOUS}")
        return None


def materialize(wh: Path, timings: dict[str, float] | None = None) -> float:
    """Compute every registered corpus-level table from the committed batches; seconds taken.
    ``timings`` receives the seconds of each step (the views, then each table) for the log."""
    import duckdb

    t0 = time.perf_counter()
    batches = committed_batches(wh)
    (wh / layout.AGGREGATES).mkdir(exist_ok=True)
    # no DuckDB progress bar on the terminal in the middle of a run's own
    con = duckdb.connect(":memory:")
    con.execute("set enable_progress_bar = false")
    # every view's binding re-reads the batch files' footers otherwise: 12.6 s of a run's
    # corpus step at a million articles, 2.3 s with them cached (views.connect does the same)
    con.execute("set parquet_metadata_cache = true")
    # DuckDB's cap for these tables, spilling to aggregates/.spill beyond it (views.cap_memory:
    # DEFAULT_MEMORY_LIMIT, 768 MB, unless NEWS_ETL_DUCKDB_MEMORY_LIMIT says otherwise;
    # benchmarks/scale_sim.py runs a rebuild under 2 GB). It spills inside the warehouse, not
    # to the system's temporary folder: a rebuild may spill more than a small /tmp holds.
    views.cap_memory(con, wh / layout.AGGREGATES / ".spill")
    try:
        keys = key_files(con, wh, batches)
        reuse = previous_live_sets(con, wh, batches, keys)
        for stmt in views.view_statements(wh, batches, keys):
            table = views.live_table_of(stmt)
            con.execute(reuse.statements[table] if reuse and table else stmt)
        # every article's date, derived once: stories, lineage, article_meta and quotations
        # each join it, and deriving it reads every batch's articles (0.8 s at a million)
        con.execute("create temp table article_dates_now as select * from article_dates")
        con.execute("create or replace view article_dates as select * from article_dates_now")
        con.execute(reuse.statements[LIVE_SETS_TABLE] if reuse else
                    f"create temp table {LIVE_SETS_TABLE} as {LIVE_SET_SQL}")
        if reuse:
            con.execute(f"detach {PREVIOUS}")
        step = time.perf_counter()
        if timings is not None:
            timings["views"] = step - t0
        for agg in aggregates.AGGREGATES:
            WRITERS[agg.name](con, aggregates.path(wh, agg.name))
            if timings is not None:
                timings[agg.name] = time.perf_counter() - step
            step = time.perf_counter()
        write_article_versions(con, wh / layout.AGGREGATES / layout.ARTICLE_VERSIONS_FILE,
                               aggregates.digest(batches), reuse)
        aggregates.mark_current(wh, batches)
        # news.duckdb over the tables just written, from this connection's live sets; a failure
        # (a full disk) is not the tables': the caller's republish tries again and warns
        try:  # (started from news.duckdb's live sets: the new file copies it, adds the new rows)
            views.publish_views(wh, con, reuse.new if reuse is not None else None)
        except Exception:  # noqa: BLE001
            pass
        if timings is not None:
            timings["news.duckdb"] = time.perf_counter() - step
    finally:
        con.close()
    return time.perf_counter() - t0
