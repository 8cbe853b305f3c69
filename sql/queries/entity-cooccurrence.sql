-- name: entity-cooccurrence
-- description: The identities named most often in the same articles as one entity (any of its names finds it).
-- param: entity
-- param: kind = ''   only partners of this kind: person, organisation, place, group, other ('' for all)
-- param: limit = 20
with asked as (select identity_of($entity) as identity)
select entity_b as partner, kind_b as kind, articles
from (
    select entity_a, kind_a, entity_b, kind_b, articles from entity_cooccurrence
    union all
    select entity_b, kind_b, entity_a, kind_a, articles from entity_cooccurrence
), asked
where lower(entity_a) = lower(asked.identity) and ($kind = '' or kind_b = $kind)
order by articles desc, partner
limit $limit
