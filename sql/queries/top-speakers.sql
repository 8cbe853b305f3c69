-- name: top-speakers
-- description: Who is quoted most, by identity (all of a speaker's names together), with their kind: people, organisations, groups.
-- param: source = ''   a source name ('' for all)
-- param: kind = ''     only this kind: person, organisation, place, group ('' for all)
-- param: limit = 20
-- (from the counts a run keeps per speaker, outlet and month, speaker_counts: a few rows a
-- speaker, not every quote; an article has one outlet, so its articles add up across rows)
select identity as speaker, any_value(kind) as kind, sum(quotes)::bigint as quotes,
       sum(direct)::bigint as direct, sum(articles)::bigint as articles,
       count(distinct source) as sources
from speaker_counts
where ($source = '' or source = $source) and ($kind = '' or kind = $kind)
group by identity
order by quotes desc, speaker
limit $limit
