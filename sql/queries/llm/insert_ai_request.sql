-- One costed /v1 call and its `llm.request` event (outbox + NOTIFY), in one statement.
with inserted as (
  insert into ai_requests (
    id, user_id, session_id, agent_id, department, api_key, provider, model, requested_model, route_id,
    dialect, stream, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
    cost_microdollars, latency_ms, status, stop_reason, error, attempts, decision_id, trace_id, created_at
  ) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22::jsonb, $23, $24, $25
  )
  returning *
), event as (
  insert into event_outbox (kind, trace_id, payload, created_at)
  select 'llm.request', i.trace_id, to_jsonb(i), i.created_at from inserted i
  returning id, kind
)
select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int as events
from event e
