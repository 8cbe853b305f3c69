-- The live rows of one table that a compaction keeps: what the {table} view shows today of
-- the batch ids ($batches) held by the folders being merged. Rows a later batch replaced, or a
-- prune removed, are invisible already and are left behind. Rows keep their batch_id, so "a
-- file's rows come from its latest batch" holds unchanged after the merge. (The files table's
-- rows are read from file_parts, which keeps a file's parts apart.)
-- {order}: postings by term (a search reads the few row groups of its terms), quotes by article
-- (a search reads its hits' row groups only), the other tables by batch_id.
select * from {table} where list_contains($batches, batch_id) order by {order}
