-- The data's health in one row: undated articles, failed and partial files, quotes with no
-- speaker, and the last run.
select (select count(*) from articles) as articles,
       (select count(*) filter (where published_at is null) from articles) as undated,
       (select count(*) from files) as files,
       (select count(*) filter (where status = 'failed') from files) as failed_files,
       (select count(*) filter (where status = 'partial') from files) as partial_files,
       (select count(*) filter (where status = 'skipped') from files) as skipped_files,
       (select count(*) from quotes where quote_type <> 'belief') as quotes,
       (select count(*) filter (where speaker is null) from quotes where quote_type <> 'belief')
           as quotes_without_speaker
