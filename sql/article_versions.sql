-- Live articles by the model and extractor version that produced them (sql/stale.sql's counts),
-- from the run's narrow keys files: written with the corpus tables, so that staleness after a
-- run, `status` and the report read a few rows instead of every article's row.
select model, extractor_version, count(*)::bigint as articles
from live_article_keys()
group by all
order by articles desc
