-- The file ledger: the latest record of every input path across committed batches.
-- {files_parquet} lists the files tables of the committed batches.
select path, content_hash, size, mtime_ns, status, format, coalesce(retryable, false)
from read_parquet({files_parquet}, union_by_name = true)
qualify row_number() over (partition by path order by batch_id desc) = 1
