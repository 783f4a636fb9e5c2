select id, user_id, api_key, expires_at from llm_gateway_sessions where id = $1
