-- name: top-pairs
-- description: The entity pairs named together in the most articles, filtered by the two labels.
-- param: label_a = 'PERSON'
-- param: label_b = 'PERSON'
-- param: limit = 20
select entity_a, label_a, entity_b, label_b, articles
from entity_cooccurrence
where (label_a = $label_a and label_b = $label_b) or (label_a = $label_b and label_b = $label_a)
order by articles desc, entity_a, entity_b
limit $limit
