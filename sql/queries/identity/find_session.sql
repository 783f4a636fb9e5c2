select id, user_id, expires_at, revoked_at
from sessions
where id = $1
