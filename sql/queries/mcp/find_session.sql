-- A live session of this server ($2) and user ($3) idle for less than $4 seconds; refreshes
-- last_seen_at at most once a minute, so a busy session costs one read per request.
with s as (
  select id, server, user_id, protocol_version, created_at, last_seen_at
  from mcp_sessions
  where id = $1 and server = $2 and user_id = $3 and closed_at is null
    and last_seen_at > now() - make_interval(secs => $4)
), touched as (
  update mcp_sessions m set last_seen_at = now()
  from s where m.id = s.id and s.last_seen_at < now() - interval '60 seconds'
  returning m.id
)
select s.id, s.server, s.user_id, s.protocol_version, s.created_at, (select count(*) from touched)::int as touched
from s
