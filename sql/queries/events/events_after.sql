select id, kind, trace_id, payload, created_at
from event_feed
where id > $1
order by id
limit $2
