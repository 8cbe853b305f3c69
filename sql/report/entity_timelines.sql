-- Articles per ISO week naming each of the $limit identities of a kind named in most articles,
-- dated articles only; every week from the first to the last is a row, 0 where no article
-- named the identity (a line drawn across a gap would show coverage that was not there).
with top as (
    select identity from named_entities where kind = $kind and date_source = 'published'
    group by identity order by count(distinct article_id) desc, count(*) desc, identity
    limit $limit
),
counts as (
    select cast(date_trunc('week', e.seen_at) as date) as week, e.identity,
           count(distinct e.article_id) as articles
    from named_entities e
    where e.kind = $kind and e.identity in (select identity from top)
      and e.date_source = 'published'
    group by all
),
weeks as (
    select cast(unnest(range(cast(min(week) as timestamp),
                             cast(max(week) as timestamp) + interval 1 day,
                             interval 7 day)) as date) as week
    from counts
)
select w.week, t.identity, coalesce(c.articles, 0) as articles
from weeks w cross join top t
left join counts c on c.week = w.week and c.identity = t.identity
order by w.week, t.identity
