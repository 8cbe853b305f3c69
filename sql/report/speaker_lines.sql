-- Up to $per_speaker lines each of the $limit speakers quoted most: direct quotes of readable
-- length, the ones repeated in most articles first, then those nearest a tweet's length.
with top as (
    select speaker from speakers order by quotes desc, articles desc, speaker limit $limit
),
lines as (
    select identity as speaker, text, count(distinct article_id) as articles,
           any_value(source) as source, min(seen_at) as first_seen
    from speaker_quotes
    where quote_type = 'direct' and identity in (select speaker from top)
      and length(text) between 40 and 400
    group by identity, text
)
select speaker, text, articles, source, first_seen
from lines
qualify row_number() over (partition by speaker
                           order by articles desc, abs(length(text) - 160), text) <= $per_speaker
order by speaker, articles desc
