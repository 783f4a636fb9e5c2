insert into hook_events (id, user_id, session_id, event_name, tool_name, tool_use_id, plugin_id, summary, trace_id, created_at)
values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
on conflict do nothing
returning id
