-- The file ledger: for every input path, what its latest committed record says. A file read in
-- parts is summed over the parts of its latest split: stored lists the parts recorded with the
-- contents (hash) the file had last, torn says parts of that split saw different contents (the
-- file changed while a run read it), and the status is the parts' together.
-- {files_parquet} lists the files tables of the committed batches.
-- A path with one row (most of them: a file read once, whole) is its own latest record; only the
-- paths recorded more than once go through the windows below, as in views.sql's file_parts (at a
-- million files the windows over every row took 5 s).
with rows as (
    select *, coalesce(split_id, batch_id) as split
    from read_parquet({files_parquet}, union_by_name = true)
),
counts as (select path, count(*) = 1 as single from rows group by path),
many as (select r.* from rows r semi join counts n on n.path = r.path and not n.single),
latest as (
    select path, split, content_hash, size, mtime_ns, format, split_cuts, batch_id
    from many
    qualify row_number() over (partition by path order by batch_id desc) = 1
),
parts as (
    select r.path, r.part, r.status, r.retryable, r.content_hash
    from many r semi join latest l on r.path = l.path and r.split = l.split
    qualify row_number() over (partition by r.path, r.part order by r.batch_id desc) = 1
)
select l.path, l.content_hash, l.size, l.mtime_ns,
       case when l.split_cuts is null then any_value(p.status)
            when bool_and(p.status = 'ok') then 'ok'
            when bool_and(p.status = 'failed') then 'failed'
            else 'partial' end as status,
       l.format, coalesce(bool_or(p.retryable), false) as retryable,
       case when l.split_cuts is not null then l.split end as split_id, l.split_cuts,
       list(p.part order by p.part) filter (where p.content_hash is not distinct from l.content_hash)
           as stored,
       coalesce(bool_or(p.content_hash is distinct from l.content_hash), false) as torn,
       l.batch_id
from latest l join parts p using (path)
group by l.path, l.content_hash, l.size, l.mtime_ns, l.format, l.split, l.split_cuts, l.batch_id
union all
-- (the same sums over one row)
select r.path, r.content_hash, r.size, r.mtime_ns,
       case when r.split_cuts is null then r.status
            when r.status = 'ok' then 'ok'
            when r.status = 'failed' then 'failed'
            else 'partial' end as status,
       r.format, coalesce(r.retryable, false) as retryable,
       case when r.split_cuts is not null then r.split end as split_id, r.split_cuts,
       [r.part] as stored, false as torn, r.batch_id
from rows r semi join counts n on n.path = r.path and n.single
