-- Up to $per_speaker lines each of the $limit speakers quoted most, of readable length: their
-- own words (direct quotes) first, the ones repeated in most articles first, then those nearest
-- a tweet's length; a speaker only ever reported (a party, a ministry: "the Tories said that
-- ...") gets their reported statements, marked as such (quote_type) rather than an empty cell.
with top as (
    select speaker from speakers order by quotes desc, articles desc, speaker limit $limit
),
lines as (
    select identity as speaker, text, quote_type, count(distinct article_id) as articles,
           any_value(source) as source, min(seen_at) as first_seen
    from speaker_quotes
    where identity in (select speaker from top) and length(text) between 40 and 400
    group by identity, text, quote_type
)
select speaker, text, quote_type, articles, source, first_seen
from lines
qualify row_number() over (partition by speaker
                           order by quote_type = 'direct' desc, articles desc,
                                    abs(length(text) - 160), text) <= $per_speaker
order by speaker, quote_type = 'direct' desc, articles desc
