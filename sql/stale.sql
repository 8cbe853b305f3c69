-- Current articles by the model and extractor version that produced them.
select model, extractor_version, count(*) as articles
from articles
group by all
order by articles desc
