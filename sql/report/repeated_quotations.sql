-- The $limit quotations reported by most outlets (two or more), with where they first appeared
-- and whom they were credited to; conflicts ($conflicts = true) lists only those credited to two
-- or more speakers.
select text, outlets, articles, first_source, first_seen_at, first_date_source, speakers,
       conflict, variants
from quotations
where (not $conflicts and outlets >= 2) or ($conflicts and conflict)
order by outlets desc, articles desc, first_seen_at, quotation_id
limit $limit
