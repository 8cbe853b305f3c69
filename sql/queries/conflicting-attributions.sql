-- name: conflicting-attributions
-- description: Quotations whose same words were credited to two or more speakers: a misattribution somewhere, or the extractor's own speaker error (read the appearances with quote-history).
-- param: limit = 50
select text, speakers, articles, outlets, first_source, first_seen_at, quotation_id
from quotations
where conflict
order by articles desc, outlets desc, quotation_id
limit $limit
