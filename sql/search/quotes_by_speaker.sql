-- news-etl search --speaker NAME: quotes ranked by BM25 (search_quotes in search.sql) of one
-- speaker, narrowed by source and date when given (beliefs and copies as in quotes.sql).
select * from search_quotes($q, lim := $limit, by_speaker := $speaker, in_source := $source,
                            since := $since, beliefs := $beliefs, all_copies := $all_copies)
