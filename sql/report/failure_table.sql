-- The $limit most recent failed or partial files, with their reason.
select path, status, coalesce(error, '') as reason, processed_at
from files
where status in ('failed', 'partial')
order by processed_at desc, path
limit $limit
