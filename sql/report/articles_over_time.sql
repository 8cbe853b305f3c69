-- Articles per day (per week when the corpus spans more than $max_days days) per source: the
-- $sources sources with most articles by name, the rest together as 'other sources'. When some
-- articles carry a publication date, the timeline is theirs (an undated article's "day" is only
-- when it was stored, which would stretch the axis to today); when none does, every article
-- counts on the day it was first stored, and says so (dated = false).
with timeline as (
    select * from article_dates
    where date_source = 'published'
       or not (select coalesce(bool_or(date_source = 'published'), false) from article_dates)
),
span as (
    select coalesce(date_diff('day', min(seen_at), max(seen_at)) > $max_days, false) as weekly
    from timeline
),
top_sources as (
    select coalesce(source, '(unknown)') as source from timeline
    group by 1 order by count(*) desc, 1 limit $sources
)
select case when span.weekly then cast(date_trunc('week', d.seen_at) as date)
            else cast(d.seen_at as date) end as day,
       case when coalesce(d.source, '(unknown)') in (select source from top_sources)
            then coalesce(d.source, '(unknown)') else 'other sources' end as source,
       d.date_source = 'published' as dated,
       count(*) as articles
from timeline d, span
group by all
order by day, source
