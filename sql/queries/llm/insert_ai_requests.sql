-- A batch of costed /v1 calls (the call recorder's group commit) and one `llm.request` event per
-- row (outbox), in one statement. $1 is a JSON array of rows keyed by column name. The event
-- references its row (event_feed rebuilds the payload from it, migration 0019).
with inserted as (
  insert into ai_requests (
    id, user_id, session_id, agent_id, department, api_key, provider, model, requested_model, route_id,
    dialect, stream, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
    cost_microdollars, latency_ms, status, stop_reason, error, attempts, decision_id, trace_id, created_at
  )
  select r.id, r.user_id, r.session_id, r.agent_id, r.department, r.api_key, r.provider, r.model,
    r.requested_model, r.route_id, r.dialect, r.stream, r.input_tokens, r.output_tokens, r.cache_read_tokens,
    r.cache_creation_tokens, r.cost_microdollars, r.latency_ms, r.status, r.stop_reason, r.error,
    coalesce(r.attempts, '[]'::jsonb), r.decision_id, r.trace_id, r.created_at
  from jsonb_to_recordset($1::jsonb) as r (
    id uuid, user_id uuid, session_id text, agent_id text, department text, api_key text, provider text,
    model text, requested_model text, route_id text, dialect text, stream boolean, input_tokens bigint,
    output_tokens bigint, cache_read_tokens bigint, cache_creation_tokens bigint, cost_microdollars bigint,
    latency_ms integer, status text, stop_reason text, error text, attempts jsonb, decision_id uuid,
    trace_id text, created_at timestamptz
  )
  returning id, trace_id, created_at
), event as (
  insert into event_outbox (kind, trace_id, request_id, created_at)
  select 'llm.request', i.trace_id, i.id, i.created_at from inserted i
  returning id, kind
)
-- One NOTIFY per batch: the feed's listeners only need a nudge (they read the outbox after the id
-- they last delivered).
select b.events, count(pg_notify('sp_events', json_build_object('id', b.last_id, 'kind', 'llm.request',
    'count', b.events)::text))::int as notified
from (select count(*)::int as events, max(id) as last_id from event) b
where b.events > 0
group by b.events
