"""A warehouse of a million articles without a million articles' NLP: what the corpus-level
stages, the report, search and the named queries cost at that size.

    .venv/bin/python benchmarks/scale_sim.py --source /tmp/bbc --out /tmp/sim [--articles 1000000]
        [--new-raw DIR] [--json] [--steps build,incremental,small,rebuild,reads]

It fabricates the warehouse from the committed batches of a real one (``--source``): copy after
copy of its rows, each with new article ids, file paths, outlets (40 a copy) and dates (a week
apart), every fifth copy naming people by surname alone, and its article and quote texts
altered letter for letter (e, a and o replaced by letters of the copy's own), so that no two
copies are duplicates or near copies of each other and no quote repeats across them, while
every character offset still holds. Then it measures, each as a whole process, with the peak
memory of its process tree:

- ``rebuild``: every corpus-level table computed from scratch (aggregates/ removed: no table,
  kept signature or count) under DuckDB's ``memory_limit`` (``--memory-limit``, 2 GB), in a
  process of its own; it leaves the warehouse as an earlier run would have;
- ``incremental``: ``news-etl run`` adding the articles of ``--new-raw`` (100 files of real text,
  real NLP; by default the first 100 of ../shared/corpora/bbc/raw), and its seconds after the
  last commit (aggregates and report: from its last batch's commit to the run's recorded end).
  The fabricated files are not in that raw folder, so the run counts them missing and keeps
  their rows: its planning compares 100 files with a ledger of every fabricated one;
- ``small``: the same run on a 10,000-article warehouse made (and built) the same way;
  each timed run follows an untimed one of 100 other articles when its warehouse is fresh
  from a build (``warm_up``), so both find what a scheduled run finds;
- ``reads``: ``status``, ``report``, a search and three named queries.

It prints one table; ``--json`` prints the same figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWS_ETL_SHARED", ROOT.parent / "shared"))

TABLES = ("articles", "entities", "quotes", "files", "postings")
OUTLETS = 40
LETTERS = "bcdfghjklmnpqrstuvwxyz"


def _source_tables(src: Path) -> dict[str, Any]:
    """The live rows of each batch table of the source warehouse: a reprocessed article's
    superseded rows stay behind (copied, they would make every copy's rows half stale, and the
    views take their slower way)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tasks.store import layout, views
    from tasks.store.commit import committed_batches

    con = views.connect(src)
    try:
        live = con.sql("select article_id, batch_id from articles").to_arrow_table()
        parts_live = con.sql("select path, batch_id from live_parts").to_arrow_table()
    finally:
        con.close()
    out: dict[str, Any] = {}
    batches = [b for b in committed_batches(src) if b != layout.SCHEMA_BATCH]
    for t in TABLES:
        parts = [pq.read_table(layout.table_file(src, b, t)) for b in batches
                 if layout.table_file(src, b, t).is_file()]
        table = pa.concat_tables(parts, promote_options="default")
        first, keep = ("path", parts_live) if t == "files" else ("article_id", live)
        out[t] = table.filter(pc.is_in(_key(table, first), value_set=_key(keep, first)))
    return out


def _key(t: Any, first: str) -> Any:
    """One string per row of ``first`` and batch_id (Arrow joins take no list columns along)."""
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(t[first], t["batch_id"], "\x00")


def _alter(col: Any, copy: int) -> Any:
    """Texts of one copy: e, a and o (either case) replaced by letters of the copy's own, so its
    5-word shingles are its alone and every offset holds."""
    import pyarrow.compute as pc

    n = len(LETTERS)
    subs = (LETTERS[copy % n], LETTERS[(copy // n) % n], LETTERS[(copy // (n * n) + 7) % n])
    for old, new in zip("eao", subs, strict=True):
        col = pc.replace_substring(col, old, new)
        col = pc.replace_substring(col, old.upper(), new.upper())
    return col


def _copy(tables: dict[str, Any], copy: int, batch: str) -> dict[str, Any]:
    """One fabricated batch: the source rows as copy number ``copy``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tag = pa.scalar(f"~{copy}")

    def ids(t: Any) -> Any:
        t = t.set_column(t.schema.get_field_index("article_id"), "article_id",
                         pc.binary_join_element_wise(t["article_id"], tag, ""))
        return t.set_column(t.schema.get_field_index("batch_id"), "batch_id",
                            pa.array([batch] * t.num_rows, pa.string()))

    prefix = pa.scalar(f"sim/{copy:06d}/")
    a = ids(tables["articles"])
    a = a.set_column(a.schema.get_field_index("source_path"), "source_path",
                     pc.binary_join_element_wise(prefix, a["source_path"], ""))
    a = a.set_column(a.schema.get_field_index("content_hash"), "content_hash",
                     pc.binary_join_element_wise(a["content_hash"], tag, ""))
    outlet = pa.scalar(f" {copy % OUTLETS}")
    a = a.set_column(a.schema.get_field_index("source"), "source",
                     pc.binary_join_element_wise(pc.fill_null(a["source"], "Outlet"), outlet, ""))
    shift = pa.scalar(7 * 24 * 3600 * 1_000_000 * (copy % 520), pa.duration("us"))
    base = pa.scalar(1_420_070_400_000_000, pa.timestamp("us", tz="UTC"))  # 2015-01-01
    published = pc.if_else(pc.is_null(a["published_at"]), base, a["published_at"])
    a = a.set_column(a.schema.get_field_index("published_at"), "published_at",
                     pc.add(published, shift))
    a = a.set_column(a.schema.get_field_index("text"), "text", _alter(a["text"], copy))
    e = ids(tables["entities"])
    if copy % 5 == 4:  # people by surname alone in this copy
        surname = pc.replace_substring_regex(e["canonical"], r"^.*\s", "")
        e = e.set_column(e.schema.get_field_index("canonical"), "canonical",
                         pc.if_else(pc.equal(e["label"], "PERSON"), surname, e["canonical"]))
    q = ids(tables["quotes"])
    q = q.set_column(q.schema.get_field_index("text"), "text", _alter(q["text"], copy))
    f = tables["files"]
    f = f.set_column(f.schema.get_field_index("path"), "path",
                     pc.binary_join_element_wise(prefix, f["path"], ""))
    f = f.set_column(f.schema.get_field_index("content_hash"), "content_hash",
                     pc.binary_join_element_wise(f["content_hash"], tag, ""))
    f = f.set_column(f.schema.get_field_index("batch_id"), "batch_id",
                     pa.array([batch] * f.num_rows, pa.string()))
    p = ids(tables["postings"])
    return {"articles": a, "entities": e, "quotes": q, "files": f, "postings": p}


def sort_like_compaction(folder: Path) -> None:
    """Rewrite a fabricated batch's lookup tables (postings by term, articles and quotes by
    article) sorted over the whole batch in their small row groups, as compaction writes the
    batches it merges: a copy-by-copy layout would make a search read a row group of every
    copy (hundreds at a million articles), which no compacted warehouse does."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.core.sql import literal
    from tasks.store import staging, views

    with views.capped_connection("sim-sort", "1GB") as con:
        for name, (keys, group_rows) in staging.LOOKUP_LAYOUT.items():
            path = folder / f"{name}.parquet"
            schema = pq.read_schema(path)
            tmp = path.with_suffix(".sorted")
            reader = con.sql(f"select * from read_parquet({literal(path)}) order by "
                             + ", ".join(keys)).arrow()
            with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
                for rb in reader:
                    writer.write_table(pa.Table.from_batches([rb]).cast(schema),
                                       row_group_size=group_rows)
            tmp.replace(path)


def fabricate(src: Path, out: Path, articles: int) -> dict[str, Any]:
    """A warehouse at ``out`` of about ``articles`` articles from copies of ``src``'s rows, in
    batches the size compaction makes (compact.DEFAULT_TARGET_ROWS entity rows), each copy
    written as its own flush: the layout of a compacted warehouse."""
    import pyarrow.parquet as pq

    from tasks.run.compact import DEFAULT_TARGET_ROWS
    from tasks.store import commit, layout, staging

    if out.exists():
        shutil.rmtree(out)
    staging.init_warehouse(out)
    tables = _source_tables(src)
    per = tables["articles"].num_rows
    copies = max(1, -(-articles // per))
    per_batch = max(1, DEFAULT_TARGET_ROWS // max(1, tables["entities"].num_rows))
    t0 = time.perf_counter()
    batches = 0
    for first in range(0, copies, per_batch):
        batch = f"20150101T000000000000Z-sim-{batches:06d}"
        folder = layout.staging_dir(out) / batch
        folder.mkdir(parents=True)
        writers: dict[str, Any] = {}
        for c in range(first, min(copies, first + per_batch)):
            for name, table in _copy(tables, c, batch).items():
                if name not in writers:
                    writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema,
                                                     compression="zstd")
                writers[name].write_table(table, row_group_size=staging.LOOKUP_LAYOUT.get(
                    name, ([], staging.ROW_GROUP_ROWS))[1])
        for w in writers.values():
            w.close()
        sort_like_compaction(folder)
        commit.commit_batch(out, batch)
        batches += 1
    return {"articles": per * copies, "copies": copies, "batches": batches,
            "fabricate_s": round(time.perf_counter() - t0, 1)}


def _peak_rss_mb(pid: int, stop: Any) -> float:
    """Sample the resident memory of a process and its children until ``stop`` is set."""
    import psutil

    peak = 0.0
    try:
        proc = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return 0.0
    while not stop.is_set():
        try:
            total = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
        except psutil.Error:
            total = 0
        peak = max(peak, total / 2**20)
        time.sleep(0.1)
    return peak


def measured(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command to the end: its wall seconds, peak RSS of its tree, exit code, output."""
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    stop = threading.Event()
    peak: list[float] = []
    sampler = threading.Thread(target=lambda: peak.append(_peak_rss_mb(proc.pid, stop)))
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    return {"s": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(peak[0] if peak else 0, 1),
            "code": proc.returncode, "out": out, "err": err}


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("news-etl")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "news_etl.cli"]


def post_commit_seconds(wh: Path) -> float | None:
    """Seconds the last run spent after its last batch commit (its aggregates and report): from
    the moment its last batch folder was renamed into batches/ (the folder's change time) to the
    run's recorded end. Its folders are those renamed in after it started (one writer at a
    time): its own batches, and the batch a merge of small batches commits under a name of its
    own ('...-compact')."""
    from tasks.store import layout, views

    con = views.connect(wh)
    try:
        rows = con.sql("select started_at, finished_at from runs where status = 'completed' "
                       "order by started_at desc limit 1").fetchall()
    finally:
        con.close()
    if not rows:
        return None
    started, finished = rows[0]
    mine = [e for e in os.scandir(layout.batches_dir(wh))
            if e.stat().st_ctime >= started.timestamp()]
    if not mine:
        return None
    last_commit = max(e.stat().st_ctime for e in mine)
    return round(finished.timestamp() - last_commit, 2)


def incremental(wh: Path, raw: Path) -> dict[str, Any]:
    """A run as a schedule makes it: the report rewritten at most daily (what `news-etl serve`
    stores), so an hourly run is timed without the report that reads every article."""
    r = measured([*_cli(), "run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"],
                 {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                  "NEWS_ETL_REPORT_EVERY_HOURS": "24"})
    return {"s": r["s"], "peak_rss_mb": r["peak_rss_mb"], "code": r["code"],
            "post_commit_s": post_commit_seconds(wh), "err": r["err"][-2000:]}


def rebuild(wh: Path, memory_limit: str) -> dict[str, Any]:
    code = ("import sys; from pathlib import Path; from tasks.corpus import build; "
            f"print(build.materialize(Path({str(wh)!r})))")
    r = measured([sys.executable, "-c", code], {"NEWS_ETL_DUCKDB_MEMORY_LIMIT": memory_limit,
                                                "PYTHONPATH": str(ROOT)})
    return {"s": r["s"], "peak_rss_mb": r["peak_rss_mb"], "code": r["code"],
            "err": r["err"][-2000:]}


def reads(wh: Path) -> dict[str, Any]:
    cli, w = _cli(), ["--warehouse", str(wh)]
    out: dict[str, Any] = {}
    for name, args in {
        "status": ["status", *w],
        "report": ["report", *w, "--output", str(wh / "sim-report.html")],
        "search": ["search", "election campaign", *w],
        "search_quotes": ["search", "economy", "--quotes", *w],
        "top-people": ["query", "top-people", *w],
        "top-speakers": ["query", "top-speakers", *w],
        "source-diversity": ["query", "source-diversity", "-p", "by_month=0", *w],
    }.items():
        measured([*cli, *args])  # warm
        r = measured([*cli, *args])
        out[name] = {"s": r["s"], "peak_rss_mb": r["peak_rss_mb"], "code": r["code"]}
    return out


def warm_reads(wh: Path) -> dict[str, float]:
    """The same searches and queries in one open connection, each timed the second time it
    runs: what a notebook, the shell or a service holding the warehouse open waits, without a
    process's start and the views' binding (about 0.75 s of a whole-process read at 1M)."""
    from news_etl import query
    from news_etl.search import SearchRequest, search_rows
    from tasks.store.views import connect

    con = connect(wh)
    out: dict[str, float] = {}
    try:
        for name, req in {"search": SearchRequest("election campaign"),
                          "search_quotes": SearchRequest("economy", quotes=True)}.items():
            search_rows(con, req)
            t0 = time.perf_counter()
            search_rows(con, req)
            out[name] = round(time.perf_counter() - t0, 2)
        for name, given in {"top-people": {}, "top-speakers": {},
                            "source-diversity": {"by_month": "0"}}.items():
            sql, params = query.resolve(name, given)
            query.run(con, sql, params)
            t0 = time.perf_counter()
            query.run(con, sql, params)
            out[name] = round(time.perf_counter() - t0, 2)
    finally:
        con.close()
    return out


def new_raw(dest: Path, n: int = 100, skip: int = 0, prefix: str = "new") -> Path:
    """n bbc files (after the first ``skip``), under names the warehouse has not seen."""
    src = SHARED / "corpora/bbc/raw"
    files = sorted(p for p in src.rglob("*.txt"))[skip : skip + n]
    dest.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(files):
        shutil.copy(p, dest / f"{prefix}-{i:03d}.txt")
    return dest


def warm_up(wh: Path, tmp: Path) -> None:
    """A run of 100 other articles on a warehouse fresh from its build, untimed: a timed run
    then finds what a scheduled one finds, the tables, caches, news.duckdb and report an
    earlier run left (the first run after a build also writes the report, 2.4 s of the 10k
    warehouse's 4.1 s after its last commit; a scheduled run keeps it for a day)."""
    incremental(wh, new_raw(tmp / f"warm-{wh.name}", skip=100, prefix="warm"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, required=True, help="a built warehouse to copy")
    ap.add_argument("--out", type=Path, required=True, help="where the big warehouse goes")
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=10_000, help="articles of the small warehouse")
    ap.add_argument("--new-raw", type=Path, default=None, help="the incremental run's raw folder")
    ap.add_argument("--memory-limit", default="2GB")
    ap.add_argument("--steps", default="build,incremental,small,rebuild,reads")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    steps = set(args.steps.split(","))
    fig: dict[str, Any] = {}
    if "build" in steps:
        fig["build"] = fabricate(args.source, args.out, args.articles)
    tmp = Path(tempfile.mkdtemp(prefix="scale-sim-"))
    raw = args.new_raw or new_raw(tmp / "raw")
    if "rebuild" in steps:  # from scratch: no table, no kept signature or count
        shutil.rmtree(args.out / "aggregates", ignore_errors=True)
        fig["rebuild"] = rebuild(args.out, args.memory_limit)
    if "incremental" in steps:  # on tables and caches an earlier run left, as in real use
        if "build" in steps or "rebuild" in steps:
            warm_up(args.out, tmp)
        fig["incremental"] = incremental(args.out, raw)
    if "reads" in steps:  # after the run: the corpus-level tables are current
        fig["reads"] = reads(args.out)
        fig["warm"] = warm_reads(args.out)
    if "small" in steps:
        small = tmp / "small"
        fabricate(args.source, small, args.small)
        rebuild(small, args.memory_limit)
        warm_up(small, tmp)
        fig["small"] = incremental(small, raw)
    shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "articles": fig.get("build", {}).get("articles"),
        "incremental_post_commit_s": fig.get("incremental", {}).get("post_commit_s"),
        "incremental_peak_rss_mb": fig.get("incremental", {}).get("peak_rss_mb"),
        "small_post_commit_s": fig.get("small", {}).get("post_commit_s"),
        "rebuild_s": fig.get("rebuild", {}).get("s"),
        "rebuild_memory_limit_mb": int(args.memory_limit.upper().removesuffix("GB")) * 1024
        if args.memory_limit.upper().endswith("GB") else None,
        "search_s": max((fig["reads"][k]["s"] for k in ("search", "search_quotes")), default=None)
        if "reads" in fig else None,
        "queries_max_s": max(fig["reads"][k]["s"] for k in ("top-people", "top-speakers",
                                                             "source-diversity"))
        if "reads" in fig else None,
        # the same in one open connection, each the second time it ran (warm_reads)
        "search_warm_s": max(fig["warm"][k] for k in ("search", "search_quotes"))
        if "warm" in fig else None,
        "queries_warm_max_s": max(fig["warm"][k] for k in (
            "top-people", "top-speakers", "source-diversity")) if "warm" in fig else None,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{'step':34} {'seconds':>9} {'peak RSS MB':>12}  note")
    if "build" in fig:
        b = fig["build"]
        print(f"{'fabricate':34} {b['fabricate_s']:9.1f} {'':>12}  {b['articles']:,} articles "
              f"({b['copies']:,} copies) in {b['batches']:,} batches")
    for key in ("incremental", "small"):
        if key in fig:
            r = fig[key]
            print(f"{key + ' run (100 new articles)':34} {r['s']:9.1f} {r['peak_rss_mb']:12.0f}  "
                  f"after its last commit {r['post_commit_s']} s, exit {r['code']}")
    if "rebuild" in fig:
        r = fig["rebuild"]
        print(f"{'rebuild corpus-level tables':34} {r['s']:9.1f} {r['peak_rss_mb']:12.0f}  "
              f"memory limit {args.memory_limit}, exit {r['code']}")
    for name, r in fig.get("reads", {}).items():
        print(f"{name:34} {r['s']:9.2f} {r['peak_rss_mb']:12.0f}  exit {r['code']}")
    for name, secs in fig.get("warm", {}).items():
        print(f"{name + ' (warm, one connection)':34} {secs:9.2f}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
