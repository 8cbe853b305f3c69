-- name: top-pairs
-- description: The pairs of identities named together in the most articles (never one identity with itself), filtered by their kinds: entity_a is of kind_a, entity_b of kind_b.
-- param: kind_a = 'person'   person, organisation, place, group or other
-- param: kind_b = 'person'
-- param: limit = 20
-- (each pair is stored once, in either order: it is turned so that its first entity has kind_a)
with turned as (
    select case when kind_a = $kind_a then entity_a else entity_b end as entity_a,
           case when kind_a = $kind_a then kind_a else kind_b end as kind_a,
           case when kind_a = $kind_a then entity_b else entity_a end as entity_b,
           case when kind_a = $kind_a then kind_b else kind_a end as kind_b,
           articles
    from entity_cooccurrence
    where (kind_a = $kind_a and kind_b = $kind_b) or (kind_a = $kind_b and kind_b = $kind_a)
)
select entity_a, kind_a, entity_b, kind_b, articles
from turned
order by articles desc, entity_a, entity_b
limit $limit
