-- The corpus in one row: what the report's header says.
select (select count(*) from articles) as articles,
       (select count(distinct source) from articles) as sources,  -- named ones: no "(unknown)"
       (select count(*) from entities) as entities,
       (select count(*) from quotes where quote_type <> 'belief') as quotes,
       (select count(*) from quotes where quote_type = 'belief') as beliefs,
       (select count(distinct identity) from named_entities where kind = 'person') as people,
       (select count(distinct identity) from speaker_quotes where kind = 'person') as speakers,  -- people, not parties or ministries
       (select min(published_at) from articles) as first_day,
       (select max(published_at) from articles) as last_day,
       (select count(*) filter (where date_source <> 'published') from article_dates) as undated
