-- name: top-entities
-- description: The identities of one kind named in the most articles, with the names they were written as.
-- param: kind = 'organisation'   person, organisation, place, group or other
-- param: limit = 20
select identity, kind, articles, mentions, names, first_seen, last_seen
from entity_summary
where kind = $kind
order by articles desc, mentions desc, identity
limit $limit
