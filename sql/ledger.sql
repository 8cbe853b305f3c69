-- The file ledger: for every input path, what its latest committed record says. A file read in
-- parts is summed over the parts of its latest split: stored lists the parts recorded with the
-- contents (hash) the file had last, torn says parts of that split saw different contents (the
-- file changed while a run read it), and the status is the parts' together.
-- {files_parquet} lists the files tables of the committed batches.
with rows as (
    select *, coalesce(split_id, batch_id) as split
    from read_parquet({files_parquet}, union_by_name = true)
),
latest as (
    select path, split, content_hash, size, mtime_ns, format, split_cuts, batch_id
    from rows
    qualify row_number() over (partition by path order by batch_id desc) = 1
),
parts as (
    select r.path, r.part, r.status, r.retryable, r.content_hash
    from rows r semi join latest l on r.path = l.path and r.split = l.split
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
