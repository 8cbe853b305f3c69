-- Articles per ISO week naming each of the $limit identities of a kind named in most articles;
-- dated articles only when the corpus has any (see articles_over_time.sql), else by the week
-- they were first stored.
with top as (
    select identity from named_entities where kind = $kind
    group by identity order by count(distinct article_id) desc, count(*) desc, identity
    limit $limit
),
has_dates as (
    select coalesce(bool_or(date_source = 'published'), false) as yes from article_dates
)
select cast(date_trunc('week', e.seen_at) as date) as week, e.identity,
       count(distinct e.article_id) as articles, has_dates.yes as dated
from named_entities e, has_dates
where e.kind = $kind and e.identity in (select identity from top)
  and (e.date_source = 'published' or not has_dates.yes)
group by all
order by week, e.identity
