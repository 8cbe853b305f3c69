-- news-etl search --quotes: quotes ranked by BM25 (search_quotes in search.sql), narrowed by
-- source and date when given (with --speaker: quotes_by_speaker.sql); statements only unless
-- beliefs are asked for, one hit per story's copies of the same words unless every copy is.
select * from search_quotes($q, lim := $limit, in_source := $source, since := $since,
                            beliefs := $beliefs, all_copies := $all_copies)
