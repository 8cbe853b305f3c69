-- Files holding an article published (or, undated, first stored) on or after $since.
select distinct source_path from article_dates where seen_at >= cast($since as timestamptz)
