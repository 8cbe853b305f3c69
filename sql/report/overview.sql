-- The corpus in one row: what the report's header says. (Each table is read once.)
with a as (select count(*) as articles,
                  count(distinct source) as sources,  -- named ones: no "(unknown)"
                  min(published_at) as first_day, max(published_at) as last_day
           from articles),
q as (select count(*) filter (where quote_type <> 'belief') as quotes,
             count(*) filter (where quote_type = 'belief') as beliefs
      from quotes)
select a.articles, a.sources,
       (select count(*) from entities) as entities,
       q.quotes, q.beliefs,
       (select count(distinct identity) from named_entities where kind = 'person') as people,
       (select count(distinct identity) from speaker_quotes where kind = 'person') as speakers,  -- people, not parties or ministries
       a.first_day, a.last_day,
       (select count(*) filter (where date_source <> 'published') from article_dates) as undated
from a, q
