"""What corpus-level identity costs a run, against the NLP time the same run spent.

    .venv/bin/python benchmarks/identity.py --warehouse /tmp/allsides-wh

Times the identity step on a built warehouse (the name statistics query, the resolution in
Python) and the whole aggregate step (identities and the co-occurrence table, written), and
divides by the wall time of the runs that built it (or by words / --words-per-second, for
instance 14,300, the parser+ner speed on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.corpus import build
from tasks.corpus.identity import NameStats, resolve_identities  # noqa: E402
from tasks.store import views


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--words-per-second", type=float, default=None,
                    help="estimate NLP time as words / this instead of the runs' wall time")
    args = ap.parse_args()
    wh = args.warehouse
    con = views.connect(wh)
    wall = con.sql("select sum(wall_seconds) from runs where status = 'completed'").fetchall()[0][0]
    articles, words = con.sql("select count(*), sum(word_count) from articles").fetchall()[0]
    if not args.words_per_second and not wall:
        raise SystemExit("no completed run to time: pass --words-per-second")
    t = time.perf_counter()
    rows = build.name_statistics(con)  # counted in full, no per-batch counts kept
    t_stats = time.perf_counter() - t
    t = time.perf_counter()
    resolved = resolve_identities(NameStats(*r) for r in rows)
    t_resolve = time.perf_counter() - t
    con.close()
    t = time.perf_counter()
    total = build.materialize(wh)
    t_all = time.perf_counter() - t
    nlp = words / args.words_per_second if args.words_per_second else wall
    basis = f"{args.words_per_second:,.0f} words/s" if args.words_per_second else "runs' wall time"
    print(f"warehouse: {articles:,} articles, {words:,} words; NLP time {nlp:,.0f} s ({basis})")
    print(f"name statistics   {t_stats:7.2f} s  ({len(rows):,} name/label rows)")
    print(f"resolution        {t_resolve:7.2f} s  ({len(resolved):,} names, "
          f"{len({i.identity for i in resolved}):,} identities)")
    print(f"aggregate step    {total:7.2f} s  (identities + co-occurrence, written; "
          f"{t_all:.2f} s with imports)")
    print(f"identity share of NLP time: {(t_stats + t_resolve) / nlp:.2%}; "
          f"whole aggregate step: {total / nlp:.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
