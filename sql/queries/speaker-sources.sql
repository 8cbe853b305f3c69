-- name: speaker-sources
-- description: How often each source quotes each speaker (or one speaker).
-- param: speaker = ''   a speaker name ('' for all)
-- param: limit = 50
select speaker, source, quotes, articles
from speaker_source
where $speaker = '' or speaker = $speaker
order by quotes desc, speaker, source
limit $limit
