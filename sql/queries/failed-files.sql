-- name: failed-files
-- description: Input files that failed, were only partly read or were skipped, with the reason.
select path, status, format, error, records_failed, processed_at
from files
where status <> 'ok'
order by status, path
