-- name: speaker-sources
-- description: How often each speaker is quoted per source, by identity; any of a speaker's names finds them.
-- param: speaker = ''   a speaker's name ('' for all)
-- param: limit = 50
with asked as (select identity_of($speaker) as identity)
select speaker, source, quotes, articles
from speaker_source, asked
where $speaker = '' or lower(speaker) = lower(asked.identity)
order by quotes desc, speaker, source
limit $limit
