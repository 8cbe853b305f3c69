"""Planning a run over a folder of many small files, as `news-etl run` plans it before its
first batch: the walk and the comparison with an empty ledger, the cutting of record streams,
the grouping into batches. Prints seconds and the peak memory of this process.

    .venv/bin/python benchmarks/plan.py [--files 100000]

Target (the scale issue): a folder of 100k files plans under 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.core import rawfs  # noqa: E402
from tasks.core.settings import Settings  # noqa: E402
from tasks.run import discover  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=100_000)
    args = ap.parse_args()
    top = Path(tempfile.mkdtemp(prefix="plan-bench-"))
    try:
        for i in range(args.files):  # a thousand files a folder, a sentence each
            folder = top / f"section-{i // 1000:04d}"
            if i % 1000 == 0:
                folder.mkdir()
            (folder / f"story-{i:06d}.txt").write_text(
                f"Councillor Ruth Abara said on Monday that item {i} would be reviewed.\n")
        settings = Settings()
        before = peak_mb()
        t0 = time.perf_counter()
        location = rawfs.parse_location(str(top))
        plan = discover.plan(location, {})
        t1 = time.perf_counter()
        batches = discover.batches_for(plan.work, location, settings.batch_articles,
                                       settings.processes, "bench")
        t2 = time.perf_counter()
        print(f"files {args.files:,}: plan {t1 - t0:.1f} s, batches {t2 - t1:.1f} s "
              f"({len(batches)} batches); peak {peak_mb():.0f} MB (before planning {before:.0f} MB)")
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
