-- The $limit speakers quoted most (speech only, by identity) with what the articles call them.
select speaker, kind, coalesce(role, '') as role, coalesce(organisation, '') as organisation,
       coalesce(gender, 'not said') as gender, quotes, articles, outlets
from speakers
order by quotes desc, articles desc, speaker
limit $limit
