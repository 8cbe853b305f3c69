-- name: speaker-quotes
-- description: Everything one speaker is quoted as saying, in time order.
-- param: speaker
-- param: since = '1900-01-01'
-- param: until = '2200-01-01'
select seen_at, source, title, quote_type, cue, text
from speaker_quotes
where speaker = $speaker and cast(seen_at as date) between cast($since as date) and cast($until as date)
order by seen_at, article_id, quote_index
