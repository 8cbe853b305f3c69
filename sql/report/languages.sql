-- Articles per language (as the source gave it or as detected; 'not given' where neither).
select coalesce(language, 'not given') as language, count(*) as articles
from articles
group by 1
order by articles desc, language
