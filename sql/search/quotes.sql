-- news-etl search --quotes: quotes ranked by BM25 (search_quotes in search.sql), narrowed by
-- source and date when given (with --speaker: quotes_by_speaker.sql).
select * from search_quotes($q, lim := $limit, in_source := $source, since := $since)
