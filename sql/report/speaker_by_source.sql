-- Who quotes whom: quotes of each of the $speakers speakers quoted most, per each of the
-- $sources sources that quote anyone most.
with top_speakers as (
    select speaker from speaker_source group by speaker
    order by sum(quotes) desc, speaker limit $speakers
),
top_sources as (
    select source from speaker_source group by source
    order by sum(quotes) desc, source limit $sources
)
select speaker, source, quotes, articles
from speaker_source
where speaker in (select speaker from top_speakers) and source in (select source from top_sources)
order by speaker, source
