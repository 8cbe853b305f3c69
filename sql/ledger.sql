-- The file ledger: the latest record of every input path across committed batches.
-- {batches} is the warehouse's batches folder.
select path, content_hash, size, mtime_ns, status
from read_parquet('{batches}/*/files.parquet')
qualify row_number() over (partition by path order by batch_id desc) = 1
