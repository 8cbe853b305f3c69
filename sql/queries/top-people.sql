-- name: top-people
-- description: People mentioned in the most articles, counted by identity (a person's names and surname together), optionally only under one folder of the raw corpus.
-- param: path_prefix = ''   source_path prefix, e.g. 'politics/'
-- param: limit = 20
-- (with no folder asked for, the counts a run keeps per identity are read (entity_counts: a
-- few rows an identity), not every mention: 2.4 s at a million articles over the mentions)
select person, articles, mentions, names
from (select t.identity as person, t.articles, t.mentions,
             (select list(n.canonical order by n.canonical) from entity_counts n
              where n.identity = t.identity and n.kind = 'person'
                and n.canonical is not null) as names
      from entity_counts t
      where t.kind = 'person' and t.canonical is null and $path_prefix = ''
      union all
      select identity, count(distinct article_id), count(*),
             list(distinct canonical order by canonical)
      from named_entities
      where kind = 'person' and $path_prefix <> '' and starts_with(source_path, $path_prefix)
      group by identity)
order by articles desc, mentions desc, person
limit $limit
