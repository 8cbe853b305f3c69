-- name: entity-cooccurrence
-- description: Entities named in the same articles as one entity, optionally of one label only.
-- param: entity
-- param: label = ''   only partners with this label ('' for all)
-- param: limit = 20
select entity_b as partner, label_b as label, articles
from (
    select entity_a, label_a, entity_b, label_b, articles from entity_cooccurrence
    union all
    select entity_b, label_b, entity_a, label_a, articles from entity_cooccurrence
)
where entity_a = $entity and ($label = '' or label_b = $label)
order by articles desc, partner
limit $limit
