-- news-etl search: articles ranked by BM25 (search_articles in search.sql), narrowed by source
-- and date when given; one hit per story unless every copy is asked for.
select * from search_articles($q, lim := $limit, in_source := $source, since := $since,
                              all_copies := $all_copies)
