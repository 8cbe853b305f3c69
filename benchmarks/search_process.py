"""Whole-process search times: `news-etl search` as a user runs it from a shell (interpreter
start, imports, views, the search, the printed results), warm (each search runs once first).

    .venv/bin/python benchmarks/search_process.py --warehouse /tmp/bbc [--runs 5]

Prints, per search, the median and best wall time of the process against the target (0.5 s
for a warm search on bbc), and the same search's SQL alone in one process, for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_S = 0.5
# one to four words, common and rare; the options a reader uses most
SEARCHES: list[list[str]] = [
    ["election"], ["Tony Blair election"], ["interest rates housing market"],
    ["election", "--quotes"], ["chancellor budget", "--quotes"],
    ["economy", "--quotes", "--speaker", "Gordon Brown"],
    ["film award", "--all-copies"], ["mobile phone", "--format", "csv"],
]


def command() -> list[str]:
    """The installed command beside this interpreter (the one a user runs), else the module."""
    exe = Path(sys.executable).with_name("news-etl")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "news_etl.cli"]


def timed_process(args: list[str], runs: int) -> list[float]:
    subprocess.run(args, check=True, capture_output=True)  # warm: files in the page cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def in_process(wh: Path, words: list[str], runs: int) -> float:
    """The best time of the search alone, on a connection already open."""
    from news_etl.search import SearchRequest, search_rows
    from tasks.store.views import connect

    quotes = "--quotes" in words
    speaker = words[words.index("--speaker") + 1] if "--speaker" in words else None
    req = SearchRequest(words[0], quotes=quotes, speaker=speaker,
                        all_copies="--all-copies" in words)
    con = connect(wh)
    search_rows(con, req)
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        search_rows(con, req)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each search (default 5)")
    args = ap.parse_args()
    base = command()
    print(f"whole process, warm ({args.runs} runs)          median     best   SQL alone  target")
    worst = 0.0
    for words in SEARCHES:
        times = timed_process([*base, "search", *words, "--warehouse", str(args.warehouse)],
                              args.runs)
        median = statistics.median(times)
        if "--format" not in words:  # the target is the terminal's; an export loads polars
            worst = max(worst, median)
        label = " ".join(f'"{w}"' if " " in w else w for w in words)
        sql = in_process(args.warehouse, words, args.runs)
        print(f"{label[:42]:42} {median:7.3f}  {min(times):7.3f}  {sql:9.3f}  "
              f"{'ok' if median <= TARGET_S else 'OVER'}")
    print(f"\nslowest median on the terminal {worst:.3f} s (target {TARGET_S} s; csv, json and "
          "parquet exports load polars, some 0.2 s more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
