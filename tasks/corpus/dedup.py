"""Duplicates and syndication: the same story in many files, one ``story_id``.

An article's text becomes the set of its 5-word shingles (lower case, accents folded), summarised
by a 64-value MinHash from rensa: 0.014 ms an article against 1.8 ms for datasketch's (which also
brings scipy), the shingling in Python costing more than either. Locality-sensitive hashing (16
bands of 4 values) proposes pairs; a pair is one story when the share of equal values, MinHash's
estimate of the Jaccard similarity of the two shingle sets, is at least ``THRESHOLD``. Exact
copies (same text hash) are one story whatever their length; texts too short to shingle join
only their exact copies.

Stories are connected components, and a story's id is the ``article_id`` of its member first
stored (then the smallest id): a copy arriving later joins the story without renaming it. The
signatures of the texts already seen, their 16 band buckets and the pairs found to be one story
are kept in ``aggregates/`` by text hash (story_parts/, one part of signatures and buckets per
run that signed texts; story_edges.parquet), so a run signs its new and changed texts only,
joins their buckets to the kept ones in DuckDB and compares those pairs alone: no run holds
every signature in Python. stories() is the same grouping done in memory, the reference the
tests hold the warehouse's to.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tasks.core.atomic import replacing
from tasks.core.sql import count_rows, literal, literals
from tasks.corpus.index import words as folded_words
from tasks.store import layout

NUM_PERM = 64
BANDS, ROWS = 16, 4  # BANDS * ROWS == NUM_PERM: pairs above ~0.5 similar are proposed
SHINGLE_WORDS = 5
THRESHOLD = 0.7  # a re-headlined, lightly edited or trimmed copy stays above it
SEED = 7


def signature(text: str) -> list[int] | None:
    """The MinHash of a text's 5-word shingles; None for a text of fewer than ten words."""
    from rensa import RMinHash

    words = folded_words(text)
    if len(words) < 2 * SHINGLE_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS])
                for i in range(len(words) - SHINGLE_WORDS + 1)}
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(list(shingles))
    return [int(v) for v in m.digest()]


def similarity(a: list[int], b: list[int]) -> float:
    """MinHash's estimate of the Jaccard similarity of two shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / NUM_PERM


class Components:
    """Union-find over any hashable keys: connected components, each named by its smallest
    member (stories here, quotations in tasks/corpus/lineage.py)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def stories(articles: Iterable[tuple[str, str, Any, list[int] | None]]
            ) -> dict[str, tuple[str, float]]:
    """article_id -> (story_id, similarity to the story's first article), from (article_id,
    text hash, first stored, signature) of every live article."""
    rows = list(articles)
    order = {aid: (first, aid) for aid, _, first, _ in rows}
    comps = Components()
    by_hash: dict[str, str] = {}
    buckets: dict[tuple[int, tuple[int, ...]], list[str]] = defaultdict(list)
    sigs = {aid: sig for aid, _, _, sig in rows if sig is not None}
    for aid, text_hash, _, sig in rows:
        if text_hash in by_hash:
            comps.union(by_hash[text_hash], aid)  # exact copies
        else:
            by_hash[text_hash] = aid
        if sig is None:
            continue
        for band in range(BANDS):
            key = (band, tuple(sig[band * ROWS : (band + 1) * ROWS]))
            for other in buckets[key]:
                if comps.find(other) != comps.find(aid) and \
                        similarity(sigs[other], sig) >= THRESHOLD:
                    comps.union(other, aid)
            buckets[key].append(aid)
    members: dict[str, list[str]] = defaultdict(list)
    for aid in order:
        members[comps.find(aid)].append(aid)
    out: dict[str, tuple[str, float]] = {}
    for group in members.values():
        first = min(group, key=lambda a: order[a])
        for aid in group:
            if aid == first or sigs.get(aid) is None or sigs.get(first) is None:
                sim = 1.0 if aid == first else 0.0
            else:
                sim = similarity(sigs[first], sigs[aid])
            out[aid] = (first, 1.0 if aid == first else sim)
    return out




SIGN_ROWS = 20_000  # texts signed at a time


MAX_STORY_PARTS = 24  # more parts than this (or as many dead rows as live) are merged into one
# rows a row group of signatures: a lookup of a few texts reads a few small groups (parts are
# sorted by text); a part of bigger groups, written by an earlier version, is merged once
SIG_GROUP_ROWS = 4_096


def story_table(con: Any, out_dir: Path, previous: Path | None = None,
                basis: dict[str, str] | None = None) -> Any:
    """The stories of more than one article (an Arrow table: article_id, story_id, similarity,
    a row for each of their articles; an article without a row is a story of its own), from the
    views in ``con``, the same as stories() gives for those articles but without holding every signature
    in Python: signatures and their LSH band buckets are kept under ``out_dir/story_parts``, one
    part per run that signed new texts (``<token>.bands.parquet`` written first, then
    ``<token>.sig.parquet``, which makes the part count), and the text pairs found similar in
    story_edges.parquet. A run signs its new texts only, joins their buckets to the kept ones
    in DuckDB and compares those pairs alone, and writes only its own part: the signatures kept
    are never rewritten, except when merged (merge_story_parts). Only the similar pairs'
    components are worked out in Python.

    ``previous``: the last run's table, whose metadata (``basis``, filled in for the caller to
    write with the table) names the batch keys it was computed from, its live texts and its
    pairs: when every one of those batches is still here with the same live articles (only
    batches were added) and the pairs file and signature parts are the ones it was computed
    with, only the stories an added article joins are worked out again (_added_stories), the
    rest kept from it."""
    import pyarrow as pa

    parts_dir, edges_path = out_dir / layout.STORY_PARTS, out_dir / layout.STORY_EDGES_FILE
    _adopt_single_files(out_dir, parts_dir)
    tokens = story_parts(parts_dir)
    from tasks.corpus.parts import batch_keys, live_sets

    now = batch_keys(live_sets(con))
    kept_basis = _story_basis(previous, edges_path, tokens) if tokens else None
    added = None if kept_basis is None or not kept_basis[0] <= now.keys() else \
        sorted({b for k, b in now.items() if k not in kept_basis[0]})
    if added is not None:
        # only batches added: their live articles, and every kept pair (between texts still live)
        con.execute("create or replace temp table story_new as select article_id, batch_id, "
                    "content_hash from live_article_keys() where " +
                    (f"batch_id in ({literals(added)})" if added else "false"))
        con.execute("create or replace temp table story_new_h as select distinct content_hash "
                    "from story_new")
        # (every live text only if the parts are merged: sig_kept's views read it then)
        con.execute("create or replace temp table story_texts (content_hash varchar)")
    else:
        # (each article's date is joined to the few that can be in a story, story_f, not to
        # every live article: 0.6 s at a million)
        con.execute("create or replace temp table story_live as select article_id, batch_id, "
                    "content_hash from live_article_keys()")
        con.execute("create or replace temp table story_texts as "
                    "select distinct content_hash from story_live")
    kept = bool(tokens) and edges_path.is_file()
    if kept:  # what earlier runs signed, banded and found, for the texts still live
        # (views over the files: DuckDB reads what each step needs, never every signature)
        con.execute(f"create or replace temp view sig_kept as select content_hash, signature "
                    f"from read_parquet({_part_files(parts_dir, tokens, 'sig')}) "
                    "semi join story_texts using (content_hash)")
        # (a text's buckets count only with its signature: a part's signatures are written
        # last, and a part without them is not listed)
        con.execute(f"create or replace temp view bands_kept as select content_hash, band, "
                    f"bucket from read_parquet({_part_files(parts_dir, tokens, 'bands')}) "
                    "semi join sig_kept using (content_hash)")
        # (the same unfiltered, for lookups: a join of a few rows to them reads the few row
        # groups holding those keys, where a filter to the live texts first reads them all)
        con.execute(f"create or replace temp view sig_parts as select content_hash, signature "
                    f"from read_parquet({_part_files(parts_dir, tokens, 'sig')})")
        con.execute(f"create or replace temp view bands_parts as select content_hash, band, "
                    f"bucket from read_parquet({_part_files(parts_dir, tokens, 'bands')})")
        con.execute("create or replace temp table edges_kept as select a, b from "
                    "read_parquet($p)" + ("" if added is not None else
                                          " where a in (select content_hash from story_texts) "
                                          "and b in (select content_hash from story_texts)"),
                    {"p": str(edges_path)})
    else:
        tokens = []
        con.execute("create or replace temp view sig_kept as select ''::varchar as "
                    "content_hash, []::ubigint[] as signature limit 0")
        con.execute("create or replace temp view bands_kept as select ''::varchar as "
                    "content_hash, 0::smallint as band, 0::ubigint as bucket limit 0")
        con.execute("create or replace temp view sig_parts as select * from sig_kept")
        con.execute("create or replace temp view bands_parts as select * from bands_kept")
        con.execute("create or replace temp table edges_kept as select ''::varchar as a, "
                    "''::varchar as b limit 0")
    # sign the texts not signed before (one copy of each), a slice at a time: a rebuild signs
    # every text, and 64 Python integers an article would not fit in memory at a million
    schema = pa.schema([("content_hash", pa.string()), ("signature", pa.list_(pa.uint64()))])
    con.execute("create or replace temp table sig_new (content_hash varchar, signature ubigint[])")
    # (the texts of the batches holding one only: a filter on batch_id skips the other files'
    # text columns, which an anti-join over every article's text would read)
    # (against every part's text keys: sig_kept, the parts narrowed to the live texts first,
    # is the same set less a semi-join over every signature row)
    texts, live = ("story_new_h", "story_new") if added is not None else \
        ("story_texts", "story_live")
    con.execute("create or replace temp table story_unsigned_h as select content_hash from "
                f"{texts} anti join (select content_hash from sig_parts) using (content_hash)")
    holding = [b for (b,) in con.sql(f"select distinct batch_id from {live} "
                                     "semi join story_unsigned_h using (content_hash)").fetchall()]
    con.execute("create or replace temp table story_unsigned as select row_number() over () as n, "
                "content_hash, text from (select content_hash, any_value(text) as text "
                "from articles where batch_id in (select unnest($b::varchar[])) "
                "and content_hash in (select content_hash from story_unsigned_h) group by 1)",
                {"b": holding})
    con.execute("drop table story_unsigned_h")
    unsigned = con.sql("select count(*) from story_unsigned").fetchall()[0][0]
    for lo in range(0, unsigned, SIGN_ROWS):
        rb = con.sql("select content_hash, text from story_unsigned where n > $lo and n <= $hi",
                     params={"lo": lo, "hi": lo + SIGN_ROWS}).to_arrow_table()
        con.register("sig_new_arrow", pa.table(
            {"content_hash": rb.column(0),
             "signature": [signature(text or "") for text in rb.column(1).to_pylist()]},
            schema=schema))
        con.execute("insert into sig_new select * from sig_new_arrow")
        con.unregister("sig_new_arrow")
    con.execute("drop table story_unsigned")
    con.execute(f"""create or replace temp table bands_new as
        select content_hash, b::smallint as band,
               hash(signature[b * {ROWS} + 1 : (b + 1) * {ROWS}]) as bucket
        from sig_new, range({BANDS}) t(b) where signature is not null""")
    con.execute("create or replace temp view sig_all as "
                "select * from sig_kept union all select * from sig_new")
    con.execute("create or replace temp view bands_all as "
                "select * from bands_kept union all select * from bands_new")
    # the new texts' buckets joined to every text's: each pair of live texts once, then
    # compared (no new text, no new pair: the buckets are not read)
    con.execute("create or replace temp table story_sigs "
                "(content_hash varchar, signature ubigint[])")
    if unsigned:
        con.execute("""create or replace temp table story_pairs as
            select distinct least(n.content_hash, o.content_hash) as a,
                   greatest(n.content_hash, o.content_hash) as b
            from bands_new n join (select * from bands_parts union all select * from bands_new) o
                on n.band = o.band and n.bucket = o.bucket and n.content_hash <> o.content_hash""")
        live_texts = "story_texts"
        if added is not None:  # (a text is live if an added article or a kept one holds it)
            _live_texts(con, "story_pair_texts", "select a from story_pairs union "
                        "select b from story_pairs")
            live_texts = "story_pair_texts"
        con.execute(f"delete from story_pairs where a not in (select content_hash from "
                    f"{live_texts}) or b not in (select content_hash from {live_texts})")
        con.execute("create or replace temp table story_want as select a as content_hash from "
                    "story_pairs union select b from story_pairs")
        _look_up_signatures(con)
        con.execute(f"""create or replace temp table edges_all as
            select p.a, p.b from story_pairs p
            join story_sigs x on x.content_hash = p.a join story_sigs y on y.content_hash = p.b
            where len(list_filter(list_zip(x.signature, y.signature), lambda v: v[1] = v[2]))
                  >= {THRESHOLD} * {NUM_PERM}
            union
            select a, b from edges_kept""")
        con.execute("drop table story_pairs")
        if added is not None:
            con.execute("drop table story_pair_texts")
    else:
        con.execute("create or replace temp table edges_all as select a, b from edges_kept")
    comps = Components()
    for a, b in con.sql("select a, b from edges_all").fetchall():
        comps.union(a, b)
    roots = [(h, comps.find(h)) for h in list(comps.parent)]
    con.register("story_roots_arrow", pa.table({"content_hash": [h for h, _ in roots],
                                                "root": [r for _, r in roots]},
                                               schema=pa.schema([("content_hash", pa.string()),
                                                                 ("root", pa.string())])))
    if added is not None:
        texts_now = _added_stories(con, previous, kept_basis[1] if kept_basis else 0)
    else:
        # only the texts in a pair or stored twice can be in a story of more than one article:
        # the rest, nearly every article, are stories of one, which the table leaves out (the
        # views take a missing article as its own story): no pass over every live article's row
        con.execute("create or replace temp table story_linked as select a as content_hash "
                    "from edges_all union select b from edges_all union select content_hash "
                    "from story_live group by content_hash having count(*) > 1")
        _story_f(con, "story_live")
        texts_now = count_rows(con, "story_texts")
    _similarities(con, out_dir / layout.STORY_SIMILARITY_FILE, keep=added is not None)
    table = con.sql("""
        select f.article_id, f.story_id,
               (case when f.article_id = f.story_id then 1.0
                     else coalesce(s.similarity, 0.0) end)::float as similarity
        from story_f f left join story_sim s on s.a = f.story_hash and s.b = f.content_hash
        order by 1""").to_arrow_table()
    con.unregister("story_roots_arrow")
    if added is not None and previous is not None:
        # the stories no added article joined, as the last run wrote them
        table = pa.concat_tables([con.sql(
            f"select * from read_parquet({literal(previous)}) where story_id not in "
            "(select story_id from story_touched)").to_arrow_table()
            .replace_schema_metadata(None).cast(table.schema), table]).sort_by("article_id")
    # the pairs rewritten only when they change; the new texts' signatures as a part of their own
    same_pairs = kept and _rows(edges_path) == count_rows(con, "edges_kept") == \
        count_rows(con, "edges_all")
    if not same_pairs:
        with replacing(edges_path) as tmp:
            con.execute(f"copy (select * from edges_all order by all) to {literal(tmp)} "
                        "(format parquet, compression zstd)")
    if unsigned:
        token = uuid.uuid4().hex
        _write_part(con, parts_dir, token, "sig_new", "bands_new")
        tokens.append(token)
    if added is not None and _merge_due(parts_dir, tokens, texts_now):
        # (a merge keeps the live texts' signatures: they are worked out whole, as on a rebuild)
        con.execute("create or replace temp table story_texts as select distinct content_hash "
                    "from live_article_keys()")
    tokens = merge_story_parts(con, parts_dir, tokens, texts_now)
    if basis is not None:
        basis.update(held="\n".join(sorted(now)), texts=str(texts_now),
                     pairs=str(_rows(edges_path)), parts=" ".join(sorted(tokens)))
    for name in ("sig_all", "bands_all", "sig_kept", "bands_kept", "sig_parts", "bands_parts"):
        con.execute(f"drop view if exists {name}")
    for name in ("story_live", "story_texts", "edges_kept", "sig_new", "bands_new", "edges_all",
                 "story_linked", "story_f", "story_sim", "story_sigs", "story_want", "story_new",
                 "story_new_h", "story_touched"):
        con.execute(f"drop table if exists {name}")
    return table.cast(pa.schema([("article_id", pa.string()), ("story_id", pa.string()),
                                 ("similarity", pa.float32())]))


LISTED = 4_096  # up to this many keys named in a query (the Parquet reader prunes by a constant
# list; a join to a table of them is no filter it can use)


def _story_basis(previous: Path | None, edges_path: Path,
                 tokens: list[str]) -> tuple[set[str], int] | None:
    """The batch keys and the number of live texts the last run's table was computed from,
    when its pairs file and signature parts are the ones it was computed with (a run stopped
    in between wrote others, or lost some); else None."""
    import pyarrow.parquet as pq

    if previous is None or not previous.is_file() or not edges_path.is_file():
        return None
    meta = pq.read_schema(previous).metadata or {}
    if b"held" not in meta or meta.get(b"pairs", b"").decode() != str(_rows(edges_path)) or \
            meta.get(b"parts", b"").decode() != " ".join(sorted(tokens)):
        return None
    return ({k for k in meta[b"held"].decode().split("\n") if k},
            int(meta.get(b"texts", b"0").decode()))


def _live_texts(con: Any, name: str, texts: str) -> None:
    """The temp table ``name``: which of the texts the query ``texts`` names a live article
    holds (named in the query when few, so the keys files' row groups are pruned)."""
    con.execute(f"create or replace temp table {name}_want as select * from ({texts}) "
                "t(content_hash)")
    wanted = [h for (h,) in con.sql(f"select * from {name}_want limit {LISTED + 1}").fetchall()]
    where = f"content_hash in ({literals(wanted)})" if len(wanted) <= LISTED else \
        f"content_hash in (select * from {name}_want)"
    con.execute(f"create or replace temp table {name} as select distinct content_hash from "
                f"live_article_keys() where {where}" if wanted else
                f"create or replace temp table {name} as select content_hash from "
                f"{name}_want where false")
    con.execute(f"drop table {name}_want")


def _added_stories(con: Any, previous: Path | None, texts_before: int) -> int:
    """story_f for the stories an added article joins (story_new: their articles): every live
    article of a text in a pair component holding an added text, or of an added text; the
    temp table story_touched: the last run's story ids of those articles (their rows are
    replaced). Returns how many texts are live now."""
    # (a component's root is listed as the root of its other texts only)
    con.execute("create or replace temp table story_reach as with roots as (select root from "
                "story_roots_arrow semi join story_new_h using (content_hash) union select "
                "content_hash from story_new_h) select content_hash from story_new_h union "
                "select content_hash from story_roots_arrow where root in (select root from "
                "roots) union select root from roots")
    # the kept articles of those texts (a text an added article shares with a kept one too),
    # named in the query when few
    where = "content_hash in (select content_hash from story_reach)"
    if count_rows(con, "story_reach") <= LISTED:
        where = "content_hash in (" + literals(h for (h,) in con.sql(
            "select content_hash from story_reach").fetchall()) + ")"
    con.execute("create or replace temp table story_live as select article_id, batch_id, "
                f"content_hash from live_article_keys() where {where}")
    new_texts = con.sql("select count(*) from story_new_h anti join (select content_hash from "
                        "story_live anti join story_new using (article_id)) using "
                        "(content_hash)").fetchall()[0][0]
    con.execute("create or replace temp table story_linked as select content_hash from "
                "story_reach")
    _story_f(con, "story_live")
    # (the last run's stories of these articles: a story an added article joins is replaced
    # whole, as its first article may change)
    then = f"read_parquet({literal(previous)})" if previous is not None else \
        "(select ''::varchar as article_id, ''::varchar as story_id where false)"
    con.execute("create or replace temp table story_touched as select distinct s.story_id from "
                f"{then} s semi join story_live l using (article_id)")
    con.execute("drop table story_reach")
    return texts_before + int(new_texts)


def _story_f(con: Any, live: str) -> None:
    """The temp table story_f: for the articles of ``live`` whose text is in story_linked, in a
    component (story_roots_arrow) of two articles or more, its story: the component's first
    article by first_seen, then id."""
    con.execute(f"""create or replace temp table story_f as
        with m as (
            select l.article_id, l.content_hash, coalesce(r.root, l.content_hash) as comp,
                   d.first_seen
            from {live} l semi join story_linked k using (content_hash)
            join article_dates d using (article_id)
            left join story_roots_arrow r using (content_hash)
        ), grouped as (  -- components of two articles or more
            select comp from m group by comp having count(*) > 1
        )
        select article_id, content_hash, first_value(article_id) over w as story_id,
               first_value(content_hash) over w as story_hash
        from m semi join grouped using (comp)
        window w as (partition by comp order by first_seen, article_id)""")


def _look_up_signatures(con: Any) -> None:
    """Add to the temp table story_sigs the signatures of the texts in the temp table
    story_want that it lacks: this run's new ones from sig_new, the rest from the parts, whose
    row groups (SIG_GROUP_ROWS, sorted by text) a join of a few texts mostly skips: a lookup of
    ten texts among a million reads 0.07 s against a second for the whole column."""
    con.execute("create or replace temp table story_lookup as select content_hash from "
                "story_want anti join story_sigs using (content_hash)")
    con.execute("insert into story_sigs select content_hash, signature from sig_new "
                "semi join story_lookup using (content_hash)")
    con.execute("delete from story_lookup where content_hash in "
                "(select content_hash from story_sigs)")
    if count_rows(con, "story_lookup"):
        con.execute("insert into story_sigs select content_hash, signature from sig_parts "
                    "semi join story_lookup using (content_hash)")
    con.execute("drop table story_lookup")


def _similarities(con: Any, path: Path, keep: bool = False) -> None:
    """The temp table story_sim (a, b, similarity): for each copy in story_f, its story's first
    text ``a`` and its own ``b`` (the same text for an exact copy: 1.0, or 0.0 for a text too
    short to sign), with the similarity of their signatures. Kept in ``path`` between runs: a
    pair's similarity never changes (a text hash's signature does not), so only the pairs the
    file lacks read the signatures, which at a million articles is a scan of 0.5 GB of them;
    the file is rewritten when the pairs change. ``keep``: story_f holds only the stories a run
    worked out again, so the file keeps its other pairs and gains the new ones."""
    con.execute("create or replace temp table story_need as select distinct story_hash as a, "
                "content_hash as b from story_f where article_id <> story_id")
    kept = path.is_file()
    con.execute("create or replace temp table story_sim as select n.a, n.b, k.similarity "
                f"from story_need n join read_parquet({literal(path)}) k using (a, b)" if kept
                else "create or replace temp table story_sim (a varchar, b varchar, "
                "similarity float)")
    con.execute("create or replace temp table story_missing as "
                "select a, b from story_need anti join story_sim using (a, b)")
    missing = count_rows(con, "story_missing")
    if missing:
        con.execute("create or replace temp table story_want as select a as content_hash from "
                    "story_missing union select b from story_missing")
        _look_up_signatures(con)
        con.execute(f"""insert into story_sim
            with sig as (select s.content_hash, s.signature from story_sigs s
                         semi join story_want using (content_hash))
            select m.a, m.b,
                   (case when x.signature is null or y.signature is null then 0.0
                         else round_even(len(list_filter(list_zip(x.signature, y.signature),
                                                    lambda v: v[1] = v[2])) / {NUM_PERM}, 3)
                    end)::float
            from story_missing m left join sig x on x.content_hash = m.a
            left join sig y on y.content_hash = m.b""")
    if keep and kept and missing:
        with replacing(path) as tmp:
            con.execute(f"copy (select * from read_parquet({literal(path)}) union all select * "
                        "from story_sim anti join read_parquet("
                        f"{literal(path)}) using (a, b) order by a, b) to {literal(tmp)} "
                        "(format parquet, compression zstd)")
    elif (missing or not kept or _rows(path) != count_rows(con, "story_sim")) and \
            not (keep and kept):
        with replacing(path) as tmp:
            con.execute(f"copy (select * from story_sim order by a, b) to {literal(tmp)} "
                        "(format parquet, compression zstd)")
    for name in ("story_need", "story_missing"):
        con.execute(f"drop table {name}")


def story_parts(parts_dir: Path) -> list[str]:
    """The tokens of the parts a reader counts: those with their signatures written, less the
    parts a merged part replaces (named in its metadata; a merge stopped before deleting them
    leaves them on disk)."""
    import pyarrow.parquet as pq

    if not parts_dir.is_dir():
        return []
    tokens = {p.name.split(".")[0]: p for p in parts_dir.glob("*.sig.parquet")}
    replaced: set[str] = set()
    for p in tokens.values():
        meta = pq.read_schema(p).metadata or {}
        replaced |= set(meta.get(b"replaces", b"").decode().split()) - {""}
    return sorted(set(tokens) - replaced)


def _merge_due(parts_dir: Path, tokens: list[str], live_texts: int) -> bool:
    """Whether the parts are merged: more than MAX_STORY_PARTS of them, as many rows of texts
    gone as of the ``live_texts``, or a part of an earlier layout's bigger row groups."""
    import pyarrow.parquet as pq

    metas = [pq.ParquetFile(parts_dir / f"{t}.sig.parquet").metadata for t in tokens]
    rows = sum(m.num_rows for m in metas)
    return len(tokens) > MAX_STORY_PARTS or rows > 2 * max(live_texts, 1000) or \
        any(m.num_row_groups and m.row_group(0).num_rows > SIG_GROUP_ROWS for m in metas)


def merge_story_parts(con: Any, parts_dir: Path, tokens: list[str],
                      live_texts: int) -> list[str]:
    """Merge the parts into one of the live texts' signatures when _merge_due; then delete what
    no listed part needs (replaced parts, and buckets left without signatures by a stopped
    run). ``con`` still holds the run's sig_all, bands_all and story_texts. Returns the parts'
    tokens then."""
    if _merge_due(parts_dir, tokens, live_texts):
        token = uuid.uuid4().hex
        _write_part(con, parts_dir, token, "sig_all", "bands_all", replaces=tokens)
        tokens = [token]
    for p in parts_dir.glob("*.parquet"):
        if p.name.split(".")[0] not in tokens:
            p.unlink()
    return tokens


def _write_part(con: Any, parts_dir: Path, token: str, sigs: str, bands: str,
                replaces: list[str] | None = None) -> None:
    """One part: its buckets, then its signatures (which make it count), each sorted by text."""
    parts_dir.mkdir(parents=True, exist_ok=True)
    meta = f", kv_metadata {{replaces: '{' '.join(replaces)}'}}" if replaces else ""
    for name, kind, extra in ((bands, "bands", ""),
                              (sigs, "sig", f", row_group_size {SIG_GROUP_ROWS}{meta}")):
        with replacing(parts_dir / f"{token}.{kind}.parquet") as tmp:
            con.execute(f"copy (select * from {name} order by content_hash) to {literal(tmp)} "
                        f"(format parquet, compression zstd{extra})")


def _part_files(parts_dir: Path, tokens: list[str], kind: str) -> str:
    return "[" + literals(parts_dir / f"{t}.{kind}.parquet" for t in tokens) + "]"


def _adopt_single_files(out_dir: Path, parts_dir: Path) -> None:
    """Signatures kept in one file by an earlier version become the first part (by rename, the
    buckets first), so an upgraded warehouse does not sign every text again."""
    import os

    sig, bands = out_dir / layout.SIGNATURES_FILE, out_dir / layout.STORY_BANDS_FILE
    if not sig.is_file() or not bands.is_file():
        return
    parts_dir.mkdir(parents=True, exist_ok=True)
    os.replace(bands, parts_dir / "0-adopted.bands.parquet")
    os.replace(sig, parts_dir / "0-adopted.sig.parquet")


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def copies(wh: Path) -> tuple[int, int]:
    """(articles that are copies of another, stories that have copies) as the last run grouped
    them; (0, 0) before any grouping."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tasks.store import aggregates

    path = aggregates.path(wh, "stories")
    if not path.is_file():
        return 0, 0
    t = pq.read_table(path, columns=["article_id", "story_id"])
    dup = t.filter(pc.not_equal(t.column("article_id"), t.column("story_id")))
    return dup.num_rows, len(pc.unique(dup.column("story_id")))
