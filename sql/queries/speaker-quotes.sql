-- name: speaker-quotes
-- description: Everything one speaker is quoted as saying, in time order; any of the speaker's names finds them (surname, full name, other spellings), and `identity` says who was matched (`candidates` lists the full names when the name given is ambiguous).
-- param: speaker
-- param: since = '1900-01-01'
-- param: until = '2200-01-01'
with asked as (
    select identity_of($speaker) as identity, candidates_of($speaker) as candidates
)
select q.seen_at, q.source, q.title, q.quote_type, q.cue, q.text, q.speaker, q.identity,
       asked.candidates
from speaker_quotes q, asked
where lower(q.identity) = lower(asked.identity)
  and cast(q.seen_at as date) between cast($since as date) and cast($until as date)
order by q.seen_at, q.article_id, q.quote_index
