insert into sessions (id, user_id, client_id, kind, created_at, expires_at)
values ($1, $2, $3, $4, $5, $6)
