-- Pairs among the $limit people named in most articles, with the articles naming both.
with top as (
    select identity from named_entities where kind = 'person'
    group by identity order by count(distinct article_id) desc, count(*) desc, identity
    limit $limit
)
select entity_a, entity_b, articles
from entity_cooccurrence
where kind_a = 'person' and kind_b = 'person'
  and entity_a in (select identity from top) and entity_b in (select identity from top)
  and articles >= $min_articles
order by articles desc, entity_a, entity_b
