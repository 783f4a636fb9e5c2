insert into llm_gateway_sessions (id, user_id, api_key, created_at, expires_at)
values ($1, $2, $3, $4, $5)
