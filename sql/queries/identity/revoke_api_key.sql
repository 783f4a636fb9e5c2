update api_keys k
set revoked_at = coalesce(k.revoked_at, $2)
from users u
where k.prefix = $1 and u.id = k.user_id
returning k.id, k.user_id, u.email, k.name, k.prefix, k.created_at, k.expires_at, k.revoked_at
