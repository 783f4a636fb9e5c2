select k.id, k.user_id, u.email, k.name, k.prefix, k.key_hash, k.created_at, k.expires_at, k.revoked_at
from api_keys k
join users u on u.id = k.user_id
where k.prefix = $1
