"""Identities resolved again only where the name statistics changed.

Every rule of tasks/corpus/identity.py that lets one name's statistics change another name's
identity joins names whose keys are related in a way the keys themselves show: a variant and
the name it varies (a word glued before it, the words reversed, a familiar first name, a
middle initial, spaced or hyphenated, a plural, a generic noun such as Party), an acronym and
the names of those initials, and a lone word and the full person names that begin or end with
it. So a run works out, from the names whose statistics differ from the last run's:

1. the keys those names have now and had then;
2. to a fixed point: every key sharing a *tag* with one of them (``key_tags``: one per relation
   above, a pure function of the key), every key that ended in the same group last time, and the
   lone word of each first and last word of a full name among them;
3. resolves the names of those keys alone (identity.resolve), told what the rest contribute
   (``Outside``: the first and last words of the other full person names, and the other full
   person names a lone word may stand for, as the last run left them);
4. keeps every other name's identity as the last run wrote it.

The result equals resolving every name again (tests/test_identity_delta.py compares the two on
randomised statistics). What the last run left is kept in ``identity_state.<version>/``:
the statistics it resolved, each name's key, each key's tags, own kind and group, and each
group's kind, articles and display name, each file carrying the identity table's token; any
mismatch resolves everything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tasks.core.atomic import replacing
from tasks.core.sql import count_rows, literal
from tasks.corpus.identity import (
    _ACRONYM,
    FIRST_NAME_FORMS,
    GENERIC_ORG_NOUNS,
    INITIAL_SKIP,
    MIN_FULL_NAME_ARTICLES,
    STAT_COLUMNS,
    NameStats,
    Outside,
    Resolution,
    _singular,
    bare_name,
    name_keys,
    resolve,
)

SEP = "\x1f"  # between a key's words (a key's word may hold a space: the lower-case marker)
STATE_FILES = ("stats", "names", "keys", "tags", "groups")


def joined(key: tuple[str, ...]) -> str:
    return SEP.join(key)


def key_tags(key: tuple[str, ...], acronym: bool = False) -> list[str]:
    """The tags a key shares with every key a rule may join it to (see the module docstring):
    itself, the key it varies, its familiar first name's full form; a lone word written as an
    acronym (``acronym``: 'EU') is marked. (An acronym and the full names it may stand for are
    related through the keys' ``initials``, kept for each full name the last run counted.)"""
    tags = {"k" + joined(key)}
    if len(key) == 3:
        tags.add("k" + joined(key[1:]))  # a word glued before a full name
        if len(key[1]) == 1:
            tags.add("k" + joined((key[0], key[2])))  # a middle initial
    if len(key) == 2:
        tags.add("k" + joined((key[1], key[0])))  # surname first
    if len(key) >= 2 and key[0] in FIRST_NAME_FORMS:
        tags.add("f" + joined((FIRST_NAME_FORMS[key[0]], *key[1:])))
    spaced = tuple(w for part in key for w in part.split("_"))
    if spaced != key:
        tags.add("k" + joined(spaced))
    sing = _singular(key)
    if sing:
        tags.add("k" + joined(sing))
    if len(key) >= 2 and key[-1] in GENERIC_ORG_NOUNS:
        tags.add("k" + joined(key[:-1]))
    if len(key) == 1 and acronym:
        tags.add("i" + key[0])  # (the full names it may stand for: their keys' initials)
    elif len(key) >= 2:
        words = [p for w in key if w not in INITIAL_SKIP for p in w.split("_") if p]
        if words:  # the acronym it may be written as (read one way only: see _close)
            tags.add("a" + "".join(w[0] for w in words))
    return sorted(tags)


def acronym_keys(keys: dict[str, tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The lone-word keys some name of which is written as an acronym ('EU', 'NHS'), the form
    the short-form rule looks for (either reading of the name: as a person's or not)."""
    return {k for name, k in keys.items() if len(k) == 1 and any(
        _ACRONYM.match(bare_name(name, person)) for person in (False, True))}


def _stats(rows: list[tuple[Any, ...]]) -> list[NameStats]:
    return [NameStats(*r) for r in rows]


def state_folder(identity_path: Path, version: str) -> Path:
    return identity_path.parent / f"identity_state.{version}"


def resolve_kept(con: Any, stats_table: str, state: Path, token: str | None
                 ) -> tuple[Resolution | None, set[str]]:
    """The names to resolve again and their resolution, when ``state`` holds what the table
    with ``token`` was resolved from: (the resolution of the names the change reaches, the
    names whose rows the table must drop or replace). (None, set()) when nothing changed;
    raises LookupError when the state cannot be used (resolve everything)."""
    import pyarrow.parquet as pq

    files = {name: state / f"{name}.parquet" for name in STATE_FILES}
    if token is None or not all(
            f.is_file() and ((pq.read_schema(f).metadata or {}).get(b"token") or b"").decode()
            == token for f in files.values()):
        raise LookupError("no state for this table")
    then = {name: f"read_parquet({literal(f)})" for name, f in files.items()}
    cols = ", ".join(STAT_COLUMNS)
    con.execute("create or replace temp table idd_changed as select distinct name from ("
                f"(select {cols} from {stats_table} except select {cols} from {then['stats']}) "
                f"union all (select {cols} from {then['stats']} except "
                f"select {cols} from {stats_table}))")
    if not count_rows(con, "idd_changed"):
        return None, set()
    changed = {n for (n,) in con.sql("select name from idd_changed").fetchall()}
    # the changed names' keys now (their statistics decide how a name is read)
    rows = con.sql(f"select {cols} from {stats_table} where name in "
                   "(select name from idd_changed)").fetchall()
    now = name_keys(_stats(rows))
    seeds = {joined(k) for k in now.values()} | {k for (k,) in con.sql(
        f"select key from {then['names']} where name in (select name from idd_changed)"
    ).fetchall()}
    # every key's tags: the kept ones, and those of the keys the changed names hold now, worked
    # out again over all their names (whether a lone word is written as an acronym may change)
    held = sorted({joined(k) for k in now.values()})
    con.execute("create or replace temp table idd_held as select unnest($k) as key", {"k": held})
    rows = rows + con.sql(
        f"select {', '.join('s.' + c for c in STAT_COLUMNS)} from {stats_table} s join "
        f"{then['names']} n using (name) where n.key in (select key from idd_held) "
        "and s.name not in (select name from idd_changed)").fetchall()
    acronyms = acronym_keys(name_keys(_stats(rows)))
    con.execute(f"create or replace temp table idd_tags as select key, tag from {then['tags']} "
                "where key not in (select key from idd_held)")
    if held:
        import pyarrow as pa

        pairs = [(k, t) for k in held
                 for t in key_tags(tuple(k.split(SEP)), tuple(k.split(SEP)) in acronyms)]
        con.register("idd_held_tags", pa.table({"key": [k for k, _ in pairs],
                                                 "tag": [t for _, t in pairs]}))
        con.execute("insert into idd_tags select key, tag from idd_held_tags")
        con.unregister("idd_held_tags")
    # the lone words written as acronyms ('i' and the word: no other key holds the tag)
    con.execute("create or replace temp table idd_acronyms as select distinct substr(tag, 2) "
                "as w from idd_tags where starts_with(tag, 'i')")
    con.execute("create or replace temp table idd_keys as select key, root, n_words, "
                f"first_word, last_word, initials from {then['keys']}")
    con.execute("create or replace temp table idd_x as select unnest($k) as key",
                {"k": sorted(seeds)})
    while True:
        _close(con)
        # the names those keys hold: kept names whose key is among them, and changed names
        # still here
        con.execute(
            f"create or replace temp table idd_names as select name from {then['names']} "
            "where key in (select key from idd_x) and name not in (select name from idd_changed) "
            "union select unnest($n) as name", {"n": sorted(now)})
        rows = con.sql(f"select {cols} from {stats_table} where name in "
                       "(select name from idd_names)").fetchall()
        res = resolve(_stats(rows), _outside(con, then))
        # an acronym not among them that a full name among them may stand for, now or last
        # time: its choice may change, so it is resolved again, with every name it may stand for
        con.execute("create or replace temp table idd_more as select w as key from idd_acronyms "
                    "where w in (select unnest($now) union select initials from idd_keys "
                    "where key in (select key from idd_x)) and w not in (select key from idd_x)",
                    {"now": sorted(set(res.initials.values()))})
        if not count_rows(con, "idd_more"):
            break
        con.execute("insert into idd_x select key from idd_more")
    redo = changed | {n for (n,) in con.sql("select name from idd_names").fetchall()}
    return res, redo


def _close(con: Any) -> None:
    """Grow the keys to resolve again (idd_x) to a fixed point: keys sharing a tag, keys in a
    group one of them was in last time, the lone words of the first and last words of the
    full names among them, the acronym of their initials, and the full names an acronym among
    them stood for last time."""
    while True:
        before = count_rows(con, "idd_x")
        con.execute(
            "insert into idd_x select distinct key from ("
            "select b.key from idd_tags a join idd_tags b using (tag) "
            "where a.key in (select key from idd_x) and not starts_with(tag, 'a') "
            # the acronym of a full name among them (not every full name of those initials)
            "union select w from idd_acronyms where 'a' || w in (select tag from idd_tags "
            "where key in (select key from idd_x)) "
            "union select key from idd_keys where root in "
            "(select root from idd_keys where key in (select key from idd_x)) "
            "union select key from idd_tags where key in ("
            "select string_split(key, $sep)[1] from idd_x where contains(key, $sep) "
            "union select string_split(key, $sep)[-1] from idd_x where contains(key, $sep)) "
            "union select key from idd_keys where initials in (select key from idd_x)"
            ") where key not in (select key from idd_x)", {"sep": SEP})
        if count_rows(con, "idd_x") == before:
            return


def _outside(con: Any, then: dict[str, str]) -> Outside:
    """What the names not resolved again contribute (identity.Outside): the first and last
    words of their full person names (a plural does not join a lone word a full name holds),
    and their full person names a lone word resolved again may stand for."""
    con.execute("create or replace temp table idd_lone as select key as w from idd_x "
                "where not contains(key, $sep)", {"sep": SEP})
    words = {w for (w,) in con.sql(
        f"select first_word from {then['keys']} k where n_words > 1 and first_kind = 'person' "
        "and key not in (select key from idd_x) and first_word in (select w from idd_lone) "
        f"union select last_word from {then['keys']} k where n_words > 1 and "
        "first_kind = 'person' and key not in (select key from idd_x) "
        "and last_word in (select w from idd_lone)").fetchall()}
    full = [(tuple(r.split(SEP)), a, d) for r, a, d in con.sql(
        f"select root, articles, display from {then['groups']} where n_words > 1 and "
        f"kind = 'person' and articles >= {MIN_FULL_NAME_ARTICLES} and root not in "
        "(select key from idd_x) and (first_word in (select w from idd_lone) or "
        "last_word in (select w from idd_lone)) order by root").fetchall()]
    return Outside(words, full)


def state_tables(res: Resolution) -> dict[str, Any]:
    """The state rows a resolution contributes (names, keys, tags, groups), as Arrow tables."""
    import pyarrow as pa

    keys = sorted(res.first_kinds)
    acronyms = acronym_keys(res.keys)
    tags = {k: key_tags(k, k in acronyms) for k in keys}
    return {
        "names": pa.table({"name": list(res.keys), "key": [joined(k) for k in res.keys.values()]}),
        "keys": pa.table({
            "key": [joined(k) for k in keys],
            "root": [joined(res.roots[k]) for k in keys],
            "first_kind": [res.first_kinds[k] for k in keys],
            "n_words": pa.array([len(k) for k in keys], pa.int32()),
            "first_word": [k[0] for k in keys], "last_word": [k[-1] for k in keys],
            "initials": pa.array([res.initials.get(k) for k in keys], pa.string())}),
        "tags": pa.table({"key": [joined(k) for k in keys for _ in tags[k]],
                          "tag": [t for k in keys for t in tags[k]]}),
        "groups": pa.table({
            "root": [joined(r) for r in res.groups],
            "kind": [v[0] for v in res.groups.values()],
            "articles": pa.array([v[1] for v in res.groups.values()], pa.int64()),
            "display": [v[2] for v in res.groups.values()],
            "n_words": pa.array([len(r) for r in res.groups], pa.int32()),
            "first_word": [r[0] for r in res.groups], "last_word": [r[-1] for r in res.groups]}),
    }


def write_state(con: Any, state: Path, stats_table: str, res: Resolution, token: str,
                redo: set[str] | None) -> None:
    """Keep what the table with ``token`` was resolved from: with ``redo`` (the names resolved
    again), the last state's rows of every other name, key and group, and the new ones."""
    import pyarrow.parquet as pq

    state.mkdir(parents=True, exist_ok=True)
    new = state_tables(res)
    out: dict[str, Any] = {"stats": con.sql(
        f"select {', '.join(STAT_COLUMNS)} from {stats_table}").to_arrow_table()}
    if redo is None:
        out.update(new)
    else:
        then = {name: f"read_parquet({literal(state / f'{name}.parquet')})" for name in new}
        for name, table in new.items():
            con.register(f"idd_new_{name}", table)
        # the keys resolved again: those of the names resolved again, then and now
        con.execute("create or replace temp table idd_redo as select unnest($n) as name",
                    {"n": sorted(redo)})
        con.execute("create or replace temp table idd_redo_keys as select key from "
                    f"{then['names']} where name in (select name from idd_redo) "
                    "union select key from idd_new_names union select key from idd_x")
        out["names"] = con.sql(
            f"select * from {then['names']} where name not in (select name from idd_redo) "
            "union all select * from idd_new_names").to_arrow_table()
        for name, col in (("keys", "key"), ("tags", "key"), ("groups", "root")):
            out[name] = con.sql(
                f"select * from {then[name]} where {col} not in (select key from idd_redo_keys) "
                f"union all select * from idd_new_{name}").to_arrow_table()
        for name in new:
            con.unregister(f"idd_new_{name}")
    for name, table in out.items():
        with replacing(state / f"{name}.parquet") as tmp:
            pq.write_table(table.replace_schema_metadata({"token": token}), tmp,
                           compression="zstd")
