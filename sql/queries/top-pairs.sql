-- name: top-pairs
-- description: The pairs of identities named together in the most articles (never one identity with itself), filtered by their kinds.
-- param: kind_a = 'person'   person, organisation, place, group or other
-- param: kind_b = 'person'
-- param: limit = 20
select entity_a, kind_a, entity_b, kind_b, articles
from entity_cooccurrence
where (kind_a = $kind_a and kind_b = $kind_b) or (kind_a = $kind_b and kind_b = $kind_a)
order by articles desc, entity_a, entity_b
limit $limit
