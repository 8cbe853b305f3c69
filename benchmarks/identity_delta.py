"""What resolving identities costs a run once a warehouse holds many names: every name resolved
again, against only the names a new batch's statistics reach (tasks/corpus/identity_delta.py).

    .venv/bin/python benchmarks/identity_delta.py --warehouse /tmp/sim1m --names 700000

Reads the warehouse's per-batch name counts (aggregates/identity_parts.*). The last run is
everything but the newest batch; the new run adds it. ``--names N`` grows the name set to N by
fabricating full person names from the corpus's own first names and surnames (and their lone
surnames), each with the statistics of a real name, spread over the older batches: a real
archive of a million articles holds hundreds of thousands of names, where the simulation's
copied batches repeat a few thousand. Prints the full resolution's time, the state written
once, and the incremental update's time, and checks the two give the same table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from tasks.corpus.build import STAT_COLUMNS, update_identities  # noqa: E402
from tasks.corpus.identity import NameStats, resolve_identities  # noqa: E402


def _grown(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> None:
    """Add fabricated names to ``old_rows`` until it holds n distinct names."""
    have = con.sql("select count(distinct name) from old_rows").fetchall()[0][0]
    if n <= have:
        return
    people = [r for (r,) in con.sql(
        "select distinct name from old_rows where label = 'PERSON' and name like '% %' "
        "and name not like '% % % %'").fetchall()]
    firsts = sorted({p.split()[0] for p in people})
    lasts = sorted({p.split()[-1] for p in people})
    rows = con.sql("select * from old_rows where label = 'PERSON'").fetchall()
    rng = random.Random(seed)
    made: set[str] = set()
    out = []
    while len(made) < n - have:
        last = rng.choice(lasts) + rng.choice(["", "", "s", "er", "son", "ley", "ton"])
        name = f"{rng.choice(firsts)} {last}"
        if name in made:
            continue
        made.add(name)
        base = rng.choice(rows)
        out.append((name, *base[1:]))
        if rng.random() < 0.1 and len(made) < n - have:  # the surname alone, now and then
            made.add(last)
            out.append((last, *rng.choice(rows)[1:]))
    import pyarrow as pa

    con.register("grown", pa.table({c: [r[i] for r in out] for i, c in enumerate(STAT_COLUMNS)}))
    con.execute("insert into old_rows select * from grown")
    con.unregister("grown")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--names", type=int, default=0, help="grow the name set to this many")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    parts = sorted(args.warehouse.glob("aggregates/identity_parts.*/*.parquet"))
    if len(parts) < 2:
        raise SystemExit("the warehouse needs two batches' name counts or more")
    t0 = time.perf_counter()
    con = duckdb.connect()
    cols = ", ".join(STAT_COLUMNS)
    sums = ", ".join(f"sum({c})::bigint as {c}" for c in STAT_COLUMNS[2:])
    con.execute(f"create table old_rows as select {cols} from read_parquet($f)",
                {"f": [str(p) for p in parts[:-1]]})
    _grown(con, args.names, args.seed)
    con.execute(f"create table new_rows as select {cols} from read_parquet($f)",
                {"f": [str(parts[-1])]})
    con.execute(f"create table stats_then as select name, label, {sums} from old_rows group by all")
    con.execute(f"create table stats_now as select name, label, {sums} from "
                "(select * from old_rows union all select * from new_rows) group by all")
    names = con.sql("select count(distinct name) from stats_now").fetchall()[0][0]
    changed = con.sql("select count(distinct name) from (select * from stats_now except "
                      "select * from stats_then)").fetchall()[0][0]
    rows = con.sql("select * from stats_now order by all").fetchall()
    print(f"fabricated and counted {time.perf_counter() - t0:.1f} s", flush=True)
    t = time.perf_counter()
    full = resolve_identities(NameStats(*r) for r in rows)
    t_full = time.perf_counter() - t
    print(f"every name resolved:        {t_full:7.2f} s", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="identity-delta-"))
    try:
        path = folder / "identity_names.parquet"
        t = time.perf_counter()
        update_identities(con, "stats_then", path)
        t_state = time.perf_counter() - t
        t = time.perf_counter()
        got = update_identities(con, "stats_now", path)
        t_delta = time.perf_counter() - t
        redone = con.sql("select count(*) from idd_names").fetchall()[0][0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    same = sorted((r["name"], r["identity"], r["kind"], r["status"], tuple(r["candidates"]))
                  for r in got.to_pylist()) == sorted(
        (i.name, i.identity, i.kind, i.status, tuple(i.candidates)) for i in full)
    print(f"names {names:,}; the new batch changed {changed:,}; resolved again {redone:,}")
    print(f"first run, state written:   {t_state:7.2f} s")
    print(f"new batch, incremental:     {t_delta:7.2f} s")
    print(f"same identities as a full resolution: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
