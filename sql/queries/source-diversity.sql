-- name: source-diversity
-- description: Who gets quoted, by gender, per outlet and month: the people quoted (each once), how many the articles' own words make women or men, and how many they leave unknown.
-- param: source = ''   a source name ('' for all)
-- param: since = ''    the first month shown, YYYY-MM ('' for all)
with quoted as (
    select distinct coalesce(source, '(unknown)') as source,
           strftime(seen_at, '%Y-%m') as month, identity
    from speaker_quotes
    where kind = 'person' and ($source = '' or source = $source)
)
select q.source, q.month, count(*) as people,
       count(*) filter (where s.gender = 'female') as women,
       count(*) filter (where s.gender = 'male') as men,
       count(*) filter (where s.gender is null) as unknown,
       round(women / people, 3) as women_share,
       round(unknown / people, 3) as unknown_share,
       round(women / nullif(women + men, 0), 3) as women_share_of_known
from quoted q
join speakers s on s.speaker = q.identity
where $since = '' or q.month >= $since
group by q.source, q.month
order by q.source, q.month
