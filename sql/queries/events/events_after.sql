select id, kind, trace_id, payload, created_at
from event_outbox
where id > $1
order by id
limit $2
