-- name: rising-entities
-- description: Identities mentioned more in the latest week of data than in the four weeks before; refused when most of those weeks' articles have no publication date (their week is only when they were stored).
-- param: kind = ''   only this kind: person, organisation, place, group, other ('' for all)
-- param: min_mentions = 3
-- param: limit = 20
select identity, kind, week, mentions, articles, previous_avg, rise
from rising_entities
where mentions >= $min_mentions and ($kind = '' or kind = $kind)
  and case when undated_share > 0.5
           then error('rising-entities: ' || cast(round(undated_share * 100) as integer)
                      || '% of the articles in the last five weeks of data have no publication '
                      || 'date, so their week is when they were stored, not when they were '
                      || 'published: no trend can be read from them')
           else true end
order by rise desc, mentions desc, identity
limit $limit
