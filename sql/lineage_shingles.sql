-- Quote lineage: the distinct 3-word shingles, hashed, of the wordings in lineage_new_wordings
-- (wid, wording: words joined by spaces), as lineage.shingles makes them (64 bits of their MD5:
-- DuckDB's hash() gives similar short strings the same value); kept a part a run
-- (tasks/corpus/build.py, quotation_pairs) for sql/lineage_candidates.sql.
select wid, unnest(list_distinct(list_transform(range(1, len(ws) - 1),
           lambda i: md5_number_lower(ws[i] || ' ' || ws[i + 1] || ' ' || ws[i + 2])))) as s
from (select wid, string_split(wording, ' ') as ws from lineage_new_wordings);
