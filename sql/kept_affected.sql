-- The kept articles a change of identity reaches, for a corpus table kept by delta between runs
-- (tasks/corpus/build.py, _open_kept: entity_cooccurrence with entity_counts, speaker_counts).
-- {p} is the table's prefix, {name} the column of its parts holding the name. Reads {p}_basis
-- (name, identity, kind: the identities the kept table was computed with), identity_names (the
-- identities now) and {p}_kept (the parts' rows of the batches both runs count). Writes
-- {p}_changed (the names whose identity or kind changed) and {p}_affected (every row of the
-- kept articles naming one), which the table's own delta SQL takes away as they were and adds
-- as they are now.
create or replace temp table {p}_changed as
select coalesce(o.name, n.name) as name
from {p}_basis o full outer join identity_names n on o.name = n.name
where o.identity is distinct from n.identity or o.kind is distinct from n.kind;

-- the kept articles naming a changed name, found first and then read (one 'article_id in
-- (subquery over cooc_kept)' planned both scans of 16M rows into one join: 1.7 s at a million
-- articles, 0.5 s in two steps)
create or replace temp table {p}_affected_ids as
select distinct article_id from {p}_kept where {name} in (select name from {p}_changed);

-- (the optimizer swaps the join's sides by its estimate of the kept rows, a filtered Parquet
-- view, and builds a hash table of all 16M co-occurrence rows, spilling: 1.6 s at a million
-- articles, 0.1 s with the few affected ids as the build side)
set disabled_optimizers = 'build_side_probe_side';

create or replace temp table {p}_affected as
select k.* from {p}_kept k semi join {p}_affected_ids using (article_id);

reset disabled_optimizers;
