-- The live article rows a compaction keeps (see compact.sql), each carrying the first time any
-- batch stored it when that is earlier than its own processed_at: the older rows that held that
-- time are left behind by the merge, and article_dates reads it back (first_seen column).
select a.*, case when d.first_seen < a.processed_at then d.first_seen end as first_seen
from articles a
join article_dates d using (article_id)
where list_contains($batches, a.batch_id)
order by a.article_id  -- in small row groups: a search reads its hits' groups only
