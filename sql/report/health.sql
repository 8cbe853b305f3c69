-- The data's health in one row: undated articles, failed and partial files, quotes with no
-- speaker, and the last run. (Each table is read once: at 100k articles the four scans this
-- made of articles and quotes were a tenth of the report's time.)
with a as (select count(*) as articles, count(*) filter (where published_at is null) as undated
           from articles),
f as (select count(*) as files, count(*) filter (where status = 'failed') as failed_files,
             count(*) filter (where status = 'partial') as partial_files,
             count(*) filter (where status = 'skipped') as skipped_files
      from files),
q as (select count(*) as quotes, count(*) filter (where speaker is null) as quotes_without_speaker
      from quotes where quote_type <> 'belief')
select a.articles, a.undated, f.files, f.failed_files, f.partial_files, f.skipped_files,
       q.quotes, q.quotes_without_speaker
from a, f, q
