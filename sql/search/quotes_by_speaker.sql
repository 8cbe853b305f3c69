-- news-etl search --speaker NAME: quotes ranked by BM25 (search_quotes in search.sql) of one
-- speaker, narrowed by source and date when given.
select * from search_quotes($q, lim := $limit, by_speaker := $speaker, in_source := $source,
                            since := $since)
