-- name: source-volume
-- description: Articles per source per day within a date range.
-- param: since = '1900-01-01'
-- param: until = '2200-01-01'
select source, day, articles
from source_daily
where day between cast($since as date) and cast($until as date)
order by day, source
