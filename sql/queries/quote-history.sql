-- name: quote-history
-- description: Every appearance of the quotations holding some words (-p text=...: any fragment; quote marks, case and punctuation aside), in the order they appeared: where, when, credited to whom, and how each wording differs from the canonical one.
-- param: text
with wanted as (
    select distinct quotation_id from quotation_appearances
    where contains(quote_norm(text), quote_norm($text)) and length(quote_norm($text)) > 0
)
select quotation_id, seen_at, date_source, source, title, speaker, role, diff, text, url,
       article_id, quote_index
from quotation_appearances
where quotation_id in (select quotation_id from wanted)
order by quotation_id, seen_at, article_id, quote_index
