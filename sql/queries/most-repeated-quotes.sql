-- name: most-repeated-quotes
-- description: The quotations (the same words, or nearly, in several articles) reported by the most outlets: their canonical wording, where and when they first appeared, and whom they were credited to.
-- param: min_outlets = 2   only quotations reported by at least this many outlets
-- param: limit = 20
select text, outlets, articles, first_source, first_seen_at, first_date_source, speakers,
       conflict, variants, fragments, quotation_id
from quotations
where outlets >= $min_outlets
order by outlets desc, articles desc, first_seen_at, quotation_id
limit $limit
