-- news-etl search --quotes: quotes ranked by BM25 (search_quotes in analysis.sql), narrowed by
-- speaker, source and date when given.
select * from search_quotes($q, lim := $limit, by_speaker := $speaker, in_source := $source,
                            since := $since)
