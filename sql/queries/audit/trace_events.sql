select id, kind, created_at, delivered_at
from event_outbox
where trace_id = $1
order by id
