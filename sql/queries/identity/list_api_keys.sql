-- $1: a user id, or null for every user's keys. The hash never leaves the database here.
select k.id, k.user_id, u.email, k.name, k.prefix, k.created_at, k.expires_at, k.revoked_at
from api_keys k
join users u on u.id = k.user_id
where $1::uuid is null or k.user_id = $1::uuid
order by k.created_at, k.id
