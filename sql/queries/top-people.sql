-- name: top-people
-- description: People mentioned in the most articles, counted by identity (a person's names and surname together), optionally only under one folder of the raw corpus.
-- param: path_prefix = ''   source_path prefix, e.g. 'politics/'
-- param: limit = 20
-- (with no folder asked for, the mentions are read without their articles' paths: the join to
-- article_meta is a quarter of the time at a million articles)
select identity as person, count(distinct article_id) as articles, count(*) as mentions,
       list(distinct canonical order by canonical) as names
from (select identity, article_id, canonical from entity_identities
      where kind = 'person' and $path_prefix = ''
      union all
      select identity, article_id, canonical from named_entities
      where kind = 'person' and $path_prefix <> '' and starts_with(source_path, $path_prefix))
group by identity
order by articles desc, mentions desc, person
limit $limit
