-- name: quote-search
-- description: Quotes whose text contains a phrase (case-insensitive), with speaker and article.
-- param: phrase
-- param: limit = 50
select q.speaker, q.quote_type, q.text, a.title, a.source, a.published_at
from quotes q join articles a using (article_id)
where q.text ilike '%' || $phrase || '%'
order by a.published_at nulls last, q.article_id, q.quote_index
limit $limit
