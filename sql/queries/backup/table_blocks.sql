-- One slice of a table by physical position: the rows stored in blocks [$1, $2) ($1 and $2 are
-- tids '(block,0)'), each as one JSON object in which every value keeps its exact text form.
-- {{table}} is a quoted identifier taken from the catalog.
select row_to_json(src.*)::text as row
from {{table}} as src
where src.ctid >= $1::tid and src.ctid < $2::tid
