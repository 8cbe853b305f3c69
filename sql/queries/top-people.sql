-- name: top-people
-- description: People mentioned in the most articles, optionally only under one folder of the raw corpus.
-- param: path_prefix = ''   source_path prefix, e.g. 'politics/'
-- param: limit = 20
select canonical as person, count(distinct e.article_id) as articles, count(*) as mentions
from named_entities e
join articles a using (article_id)
where e.label = 'PERSON' and starts_with(a.source_path, $path_prefix)
group by canonical
order by articles desc, mentions desc, person
limit $limit
