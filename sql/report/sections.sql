-- Articles per section (the raw folder's sub-folders: business, politics, ...), the $limit
-- largest: what an undated corpus shows instead of a timeline.
select section_of(source_path) as section, count(*) as articles
from articles
group by 1
order by articles desc, section
limit $limit
