"""Time every view, named query and search on a warehouse (warm: each runs twice, the second
is reported).

    .venv/bin/python benchmarks/queries.py --warehouse /tmp/wh [--rows 3]

Required parameters get values from the data itself (the most mentioned person, the most
quoted speaker), so the script runs on any warehouse.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from news_etl import query
from news_etl.search import SearchRequest, search  # noqa: E402
from tasks.store import views

# Searches of one to four words, common and rare, for the full-text index.
SEARCHES = ["tariff", "climate change", "border wall funding", "supreme court nominee hearing",
            "health care", "president"]

VIEWS = ["articles", "entities", "quotes", "files", "runs", "identity_names", "entity_summary",
         "entity_mentions_daily", "entity_mentions_weekly", "entity_cooccurrence", "top_speakers",
         "speaker_source", "speaker_quotes", "source_daily", "rising_entities"]


def timed(con, sql: str, params: dict | None = None) -> tuple[float, list]:
    best = None
    rows: list = []
    for _ in range(2):
        t = time.perf_counter()
        rows = con.sql(sql, params=params).fetchall() if params else con.sql(sql).fetchall()
        best = time.perf_counter() - t
    return best, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=3, help="rows of each named query to print")
    args = ap.parse_args()
    t = time.perf_counter()
    con = views.connect(args.warehouse)
    print(f"connect (views over the current batches)  {time.perf_counter() - t:.3f} s")
    person = con.sql("select identity from entity_summary where kind = 'person' "
                     "order by mentions desc limit 1").fetchall()
    speaker = con.sql("select speaker from top_speakers order by quotes desc limit 1").fetchall()
    derived = {"entity": person[0][0] if person else "x", "speaker": speaker[0][0] if speaker else "x",
               "phrase": "said"}
    print("\nview                        seconds   rows (full scan, counted)")
    for v in VIEWS:
        secs, rows = timed(con, f"select count(*) from {v}")
        print(f"{v:27} {secs:8.3f}   {rows[0][0]:,}")
    print("\nnamed query                 seconds   rows   first rows")
    for name, q in query.named_queries().items():
        params = {k: (derived.get(k, "x") if v is None else v) for k, v in q.params.items()}
        try:
            secs, rows = timed(con, q.sql, params or None)
        except duckdb.Error as exc:  # a query that refuses this data says why
            print(f"{name:27}    error   {str(exc).splitlines()[0][:100]}")
            continue
        print(f"{name:27} {secs:8.3f}   {len(rows):5}  {rows[:args.rows]}")
    # searches are short enough for this machine's noise to show: each runs once to warm up,
    # then five times, and the median and the best of those are printed
    print("\nsearch (20 best, warm)           median     best   first title")
    for words in SEARCHES:
        for macro in ("search_articles", "search_quotes"):
            sql = f"select * from {macro}($q)"
            con.sql(sql, params={"q": words}).fetchall()
            times = []
            for _ in range(5):
                t = time.perf_counter()
                rows = con.sql(sql, params={"q": words}).fetchall()
                times.append(time.perf_counter() - t)
            first = rows[0][2] if rows else "-"
            print(f"{macro[7:]:8} {words!r:27} {statistics.median(times):6.3f} {min(times):8.3f}"
                  f"   {str(first)[:60]}")
    # the statements `news-etl search` runs, with its prepared parameters, narrowed by the most
    # common source and by the most quoted speaker (a planner given parameters plans otherwise)
    top_source = con.sql("select source from article_meta group by 1 order by count(*) desc "
                         "limit 1").fetchall()
    src = top_source[0][0] if top_source else "x"
    narrowings = [("articles --source", SearchRequest("health care", source=src)),
                  ("quotes --source", SearchRequest("health care", quotes=True, source=src)),
                  ("quotes --speaker", SearchRequest("health care", speaker=derived["speaker"])),
                  ("articles --since 2018-01-01", SearchRequest("health care", since="2018-01-01"))]
    print(f"\nnews-etl search 'health care' (--source {src!r}, --speaker "
          f"{derived['speaker']!r})\n{'':32} median     best   rows")
    for label, req in narrowings:
        search(con, req)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            df = search(con, req)
            times.append(time.perf_counter() - t)
        print(f"{label:32} {statistics.median(times):6.3f} {min(times):8.3f}   {df.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
