-- name: top-people
-- description: People mentioned in the most articles, counted by identity (a person's names and surname together), optionally only under one folder of the raw corpus.
-- param: path_prefix = ''   source_path prefix, e.g. 'politics/'
-- param: limit = 20
select identity as person, count(distinct e.article_id) as articles, count(*) as mentions,
       list(distinct e.canonical order by e.canonical) as names
from named_entities e
where e.kind = 'person' and starts_with(e.source_path, $path_prefix)
group by identity
order by articles desc, mentions desc, person
limit $limit
