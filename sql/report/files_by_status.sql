-- Input files by what happened to them, and the commonest reasons for those that failed.
select status, count(*) as files, sum(articles) as articles,
       list(distinct error order by error)[1:3] as example_reasons
from files
group by status
order by files desc, status
