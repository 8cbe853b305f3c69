-- Who is quoted where, for a corpus of one outlet: quotes of each of the $speakers speakers
-- quoted most, per each of the $sections sections quoting anyone most (speech only).
with said as (
    select identity as speaker, section_of(source_path) as section, article_id
    from speaker_quotes where kind = 'person'
),
top_speakers as (
    select speaker from said group by speaker order by count(*) desc, speaker limit $speakers
),
top_sections as (
    select section from said group by section order by count(*) desc, section limit $sections
)
select speaker, section, count(*) as quotes, count(distinct article_id) as articles
from said
where speaker in (select speaker from top_speakers) and section in (select section from top_sections)
group by all
order by speaker, section
