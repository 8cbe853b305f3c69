-- name: entity-timeline
-- description: Mentions and articles per day for one entity (any of its names finds its identity); undated_articles counts those dated only by when they were stored.
-- param: entity
-- param: since = '1900-01-01'
-- param: until = '2200-01-01'
with asked as (select identity_of($entity) as identity)
select cast(seen_at as date) as day, count(*) as mentions, count(distinct article_id) as articles,
       count(distinct article_id) filter (where date_source <> 'published') as undated_articles
from named_entities e, asked
where lower(e.identity) = lower(asked.identity)
  and cast(seen_at as date) between cast($since as date) and cast($until as date)
group by day
order by day
