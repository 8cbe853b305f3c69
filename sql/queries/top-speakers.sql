-- name: top-speakers
-- description: Who is quoted most (direct, mixed and indirect), optionally in one source only.
-- param: source = ''   a source name ('' for all)
-- param: limit = 20
select speaker, any_value(speaker_label) as label, count(*) as quotes,
       count(*) filter (where quote_type = 'direct') as direct,
       count(distinct article_id) as articles, count(distinct source) as sources
from speaker_quotes
where $source = '' or source = $source
group by speaker
order by quotes desc, speaker
limit $limit
