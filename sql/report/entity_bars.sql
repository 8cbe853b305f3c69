-- The $limit identities of a kind ('person', 'organisation') named in most articles.
select identity, count(distinct article_id) as articles, count(*) as mentions
from named_entities
where kind = $kind
group by identity
order by articles desc, mentions desc, identity
limit $limit
