-- name: top-speakers
-- description: Who is quoted most, by identity (all of a speaker's names together), with their kind: people, organisations, groups.
-- param: source = ''   a source name ('' for all)
-- param: kind = ''     only this kind: person, organisation, place, group ('' for all)
-- param: limit = 20
select identity as speaker, any_value(kind) as kind, count(*) as quotes,
       count(*) filter (where quote_type = 'direct') as direct,
       count(distinct article_id) as articles, count(distinct source) as sources
from speaker_quotes
where ($source = '' or source = $source) and ($kind = '' or kind = $kind)
group by identity
order by quotes desc, speaker
limit $limit
