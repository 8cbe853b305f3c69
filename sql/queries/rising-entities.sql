-- name: rising-entities
-- description: Entities mentioned far more in the latest week of data than in the four weeks before it.
-- param: label = ''   only this label ('' for all)
-- param: min_mentions = 3
-- param: limit = 20
select canonical, label, week, mentions, articles, previous_avg, rise
from rising_entities
where mentions >= $min_mentions and ($label = '' or label = $label)
order by rise desc, mentions desc, canonical
limit $limit
