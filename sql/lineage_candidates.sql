-- Quote lineage's candidate pairs (tasks/corpus/lineage.py, _candidates, computed out of core for
-- a warehouse): pairs of traceable wordings, one of them new, that share at least half the 3-word
-- shingles of the shorter, counting only shingles that at most {max_shingle_quotes} wordings hold
-- (a stock phrase proposes nothing). Reads lineage_keys (wid: every traceable wording held now),
-- lineage_new (wid: those no earlier run compared; all of them on a rebuild) and the kept shingle
-- parts {shingle_parts} (wid, s: sql/lineage_shingles.sql; a wording's shingles are in the part of
-- the run that saw it first). Shingles are hashed (64 bits of MD5): two distinct shingles sharing one
-- could propose a pair, which alignment then confirms or rejects.
create or replace temp table lineage_sh_new as
select wid, s from read_parquet({shingle_parts}) where wid in (select wid from lineage_new);

-- every held wording's rows for the shingles a new one has (the new ones' too)
create or replace temp table lineage_sh_hit as
select wid, s from read_parquet({shingle_parts})
where s in (select s from lineage_sh_new) and wid in (select wid from lineage_keys);

create or replace temp table lineage_candidates as
with common as (
    select s from lineage_sh_hit group by s having count(*) <= {max_shingle_quotes}
),
pairs as (
    select least(a.wid, b.wid) as i, greatest(a.wid, b.wid) as j, count(*) as shared
    from lineage_sh_new a join lineage_sh_hit b on a.s = b.s and a.wid <> b.wid
    where a.s in (select s from common)
      and (b.wid not in (select wid from lineage_new) or b.wid > a.wid)
    group by all
),
sizes as (
    select wid, count(*) as n from read_parquet({shingle_parts})
    where wid in (select i from pairs union select j from pairs)
    group by wid
)
select p.i, p.j
from pairs p join sizes x on x.wid = p.i join sizes y on y.wid = p.j
where p.shared >= 0.5 * least(x.n, y.n);

drop table lineage_sh_new;
drop table lineage_sh_hit;
