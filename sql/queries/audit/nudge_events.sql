-- A nudge for `sp_events` listeners after this writer's commits (migration 0016): the newest event.
select pg_notify('sp_events', json_build_object(
  'id', (select max(id) from event_outbox), 'kind', 'governance.decision'
)::text) is not null as sent
