-- name: top-entities
-- description: Entities of one label (PERSON, ORG, GPE, NORP, ...) by articles and mentions, with first and last seen.
-- param: label = 'ORG'
-- param: limit = 20
select canonical, label, articles, mentions, first_seen, last_seen
from entity_summary
where label = $label
order by articles desc, mentions desc, canonical
limit $limit
