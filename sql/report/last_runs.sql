-- The last $limit runs, newest first.
select started_at, status, coalesce(files_new, 0) + coalesce(files_changed, 0) as files,
       articles, quotes, files_failed, round(wall_seconds, 1) as seconds, error
from runs
order by started_at desc
limit $limit
