-- Articles per section naming each of the $limit identities of a kind named in most articles:
-- an undated corpus's answer to "who is in the news when" is "who is in the news where".
with top as (
    select identity from named_entities where kind = $kind
    group by identity order by count(distinct article_id) desc, count(*) desc, identity
    limit $limit
)
select section_of(d.source_path) as section, e.identity, count(distinct e.article_id) as articles
from named_entities e join article_dates d using (article_id)
where e.kind = $kind and e.identity in (select identity from top)
group by all
order by section, e.identity
