"""Identities resolved again only where the statistics changed equal a resolution of every name
(tasks/corpus/identity_delta.py), on name statistics built to exercise every rule that joins
one name to another: surnames and first names alone, familiar first names, middle initials,
words glued before a name, names written surname first, hyphenated and spaced names, plurals,
parties, generic nouns and acronyms."""

from __future__ import annotations

import random
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.corpus.build import update_identities
from tasks.corpus.identity import STAT_COLUMNS, NameStats, resolve_identities
from tasks.corpus.identity_delta import state_folder

FIRST = ["Tony", "Anthony", "Bill", "William", "Bernie", "Bernard", "Liz", "Elizabeth", "Marta",
         "Kofi", "Ana", "George", "Hillary", "Jean"]
LAST = ["Blair", "Ebbers", "Quill", "Mensah", "Bush", "Clinton", "Kilroy-Silk", "Howard",
        "Reyes", "Charles", "Smith"]
BODIES = ["Labour", "Labour Party", "European Union", "EU", "Tories", "Tory", "Lib Dems",
          "Lib Dem", "Harbour Trust", "HT", "Oscars", "Oscar", "United States", "US",
          "Kilroy Silk", "Manchester United"]
LABELS = ["PERSON", "PERSON", "PERSON", "ORG", "GPE", "NORP", None]


def _names(rng: random.Random) -> list[str]:
    out = set(BODIES)
    for _ in range(40):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        out |= {f"{first} {last}", last, first}
        if rng.random() < 0.3:
            out.add(f"{first} {rng.choice('WJR')}. {last}")
        if rng.random() < 0.5:
            out.add(f"{rng.choice(['Crooked', 'Sprinter', 'Mr'])} {first} {last}")
        if rng.random() < 0.15:
            out.add(f"{last} {first}")
        if rng.random() < 0.1:
            out.add(f"{last}s")
    return sorted(out)


def _stats(rng: random.Random, names: list[str]) -> list[tuple]:
    rows = []
    for name in names:
        for label in rng.sample(LABELS, rng.randint(1, 2)):
            mentions = rng.randint(1, 40)
            rows.append((name, label, mentions, rng.randint(1, mentions),
                         rng.randint(0, 3) if rng.random() < 0.3 else 0,
                         rng.randint(0, 2) if rng.random() < 0.1 else 0,
                         rng.randint(0, 3) if rng.random() < 0.05 else 0, 0,
                         rng.randint(0, mentions) if rng.random() < 0.3 else 0))
    return rows


def _changed(rng: random.Random, rows: list[tuple], names: list[str]) -> list[tuple]:
    """Some names' counts changed, some names gone, some new (a later batch)."""
    by_name: dict[str, list[tuple]] = {}
    for r in rows:
        by_name.setdefault(r[0], []).append(r)
    for name in rng.sample(sorted(by_name), max(1, len(by_name) // 15)):
        by_name[name] = [(*r[:2], r[2] + rng.randint(1, 30), r[3] + rng.randint(1, 10), *r[4:])
                         for r in by_name[name]]
    for name in rng.sample(sorted(by_name), max(1, len(by_name) // 40)):
        del by_name[name]
    fresh = [n for n in names if n not in by_name][:5]
    out = [r for rs in by_name.values() for r in rs]
    return out + _stats(rng, fresh)


def _table(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> str:
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in STAT_COLUMNS]
    con.register("stats_rows", pa.table(
        {f: pa.array(c, pa.string() if f in ("name", "label") else pa.int64())
         for f, c in zip(STAT_COLUMNS, cols, strict=True)}))
    con.execute("create or replace temp table stats_now as select * from stats_rows")
    con.unregister("stats_rows")
    return "stats_now"


def _rows(identities) -> list[tuple]:
    return sorted((i.name, i.identity, i.kind, i.status, tuple(i.candidates))
                  for i in identities)


def _table_rows(table: pa.Table) -> list[tuple]:
    return sorted((r["name"], r["identity"], r["kind"], r["status"], tuple(r["candidates"]))
                  for r in table.to_pylist())


# slow tier: the corpus stages run again and again against a full computation
@pytest.mark.slow
def test_identities_resolved_again_where_statistics_changed_equal_a_full_resolution(tmp_path):
    con = duckdb.connect()
    path = tmp_path / "identity_names.parquet"
    partial = 0
    for seed in range(12):
        rng = random.Random(seed)
        pool = _names(rng)
        first = _stats(rng, pool[: len(pool) * 3 // 4])
        for f in tmp_path.glob("identity_state.*"):
            shutil.rmtree(f)
        path.unlink(missing_ok=True)
        got = update_identities(con, _table(con, first), path)
        assert _table_rows(got) == _rows(resolve_identities(NameStats(*r) for r in first))
        rows = first
        for _ in range(3):  # three later runs, each on the last one's state
            rows = _changed(rng, rows, pool)
            got = update_identities(con, _table(con, rows), path)
            want = _rows(resolve_identities(NameStats(*r) for r in rows))
            assert _table_rows(got) == want, seed
            redone = con.sql("select count(*) from idd_names").fetchall()[0][0]
            partial += redone < len({r[0] for r in rows})
    # the runs resolved only part of the names, not everything again
    assert partial > 0
    assert (state_folder(path, "identity-3") / "names.parquet").is_file()


def test_an_unchanged_table_and_a_foreign_state_are_handled(tmp_path):
    """No statistics changed: the table stands as it was. A state whose token is not the
    table's (a run stopped between them): every name resolved again."""
    con = duckdb.connect()
    path = tmp_path / "identity_names.parquet"
    rng = random.Random(7)
    rows = _stats(rng, _names(rng))
    update_identities(con, _table(con, rows), path)
    written = path.stat().st_mtime_ns
    again = update_identities(con, _table(con, rows), path)
    assert path.stat().st_mtime_ns == written
    assert _table_rows(again) == _rows(resolve_identities(NameStats(*r) for r in rows))
    # the table rewritten by someone else: the state no longer names it
    pq.write_table(pq.read_table(path).replace_schema_metadata(None), path)
    changed = _changed(rng, rows, _names(rng))
    got = update_identities(con, _table(con, changed), path)
    assert _table_rows(got) == _rows(resolve_identities(NameStats(*r) for r in changed))
