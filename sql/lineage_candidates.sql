-- Quote lineage's candidate pairs (tasks/corpus/lineage.py, _candidates, computed out of core for
-- a warehouse): pairs of traceable wordings that share at least half the 3-word shingles of the
-- shorter, counting only shingles that at most {max_shingle_quotes} wordings hold (a stock phrase
-- proposes nothing). Reads lineage_keys (id, wording: every traceable wording, words joined by
-- spaces) and lineage_new (id: the wordings no earlier run compared); {new_only} is true when only
-- the pairs holding a new wording are wanted (the others were compared before), false for all.
-- Shingles are hashed: two distinct shingles sharing a 64-bit hash could propose a pair, which
-- alignment then confirms or rejects.
create or replace temp table lineage_shingles as
select id, unnest(list_distinct(list_transform(range(1, len(ws) - 1),
           lambda i: hash(ws[i] || ' ' || ws[i + 1] || ' ' || ws[i + 2])))) as s
from (select id, string_split(wording, ' ') as ws from lineage_keys);

create or replace temp table lineage_candidates as
with common as (
    select s from lineage_shingles group by s having count(*) <= {max_shingle_quotes}
),
sizes as (
    select id, count(*) as n from lineage_shingles group by id
),
mine as (
    select id, s from lineage_shingles
    where not {new_only} or id in (select id from lineage_new)
),
pairs as (
    select least(a.id, b.id) as i, greatest(a.id, b.id) as j, count(*) as shared
    from mine a join lineage_shingles b on a.s = b.s and a.id <> b.id
    where a.s in (select s from common)
      and (case when {new_only} then b.id not in (select id from lineage_new) or b.id > a.id
                else b.id > a.id end)
    group by all
)
select p.i, p.j
from pairs p join sizes x on x.id = p.i join sizes y on y.id = p.j
where p.shared >= 0.5 * least(x.n, y.n);
