insert into api_keys (id, user_id, name, prefix, key_hash, created_at, expires_at)
values ($1, $2, $3, $4, $5, $6, $7)
