-- name: entity-timeline
-- description: Mentions of one entity per day (canonical name, e.g. 'Tony Blair'), within a date range.
-- param: entity
-- param: since = '1900-01-01'
-- param: until = '2200-01-01'
select day, sum(mentions) as mentions, sum(articles) as articles
from entity_mentions_daily
where canonical = $entity and day between cast($since as date) and cast($until as date)
group by day
order by day
