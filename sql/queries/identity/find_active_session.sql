select id, user_id, expires_at
from sessions
where id = $1 and revoked_at is null and expires_at > $2
