"""How long `news-etl run` takes when there is nothing to do (the scheduled run that finds no
new file), as a user runs it: the installed command in a fresh process, wall clock.

    .venv/bin/python benchmarks/noop.py [--raw data/raw] [--warehouse /tmp/noop-wh] [--runs 5]

Runs once to bring the warehouse up to date (not timed), then --runs times with nothing to do,
and prints each time and the median. Target: under 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLI = Path(sys.executable).parent / "news-etl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", default="data/raw")
    ap.add_argument("--warehouse", default="/tmp/noop-wh")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cmd = [str(CLI), "run", "--raw", args.raw, "--warehouse", args.warehouse]
    first = subprocess.run(cmd, capture_output=True, text=True)
    if first.returncode != 0:
        print(first.stderr[-2000:], file=sys.stderr)
        return 1
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if "(nothing to do)" not in res.stdout:
            print(f"not a no-op run: {res.stdout[:300]}", file=sys.stderr)
            return 1
    files = res.stdout.split("files: ")[1].split(" seen")[0]
    print(f"no-op run over {files} files: " + ", ".join(f"{t:.2f}s" for t in times)
          + f"; median {statistics.median(times):.2f}s (target < 3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
