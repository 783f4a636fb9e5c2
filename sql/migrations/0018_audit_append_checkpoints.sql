-- The one-round-trip append also stores the checkpoints that fall due in its batch (ISSUE 7). They
-- were left to the full path (BEGIN, lock and chain state, INSERT, checkpoint INSERT, COMMIT: five
-- round trips under the sequencer's lock), so once per 1,000 rows, and once a minute for the time-based
-- one, a batch and every decision queued behind it waited ~3-7 ms at 500 req/s (5 of a quick llm
-- run's 50 slowest calls overlapped one). The writer signs them before it sends the batch:
-- over the row hashes it chained itself, as the full path does, and they are written in the same
-- transaction as the rows, only when the head check passes (all or nothing, as before).
-- The four-argument function stays for writers of an older build sharing the database.

create function sp_audit_append(
  p_lock bigint, p_expected_head bigint, p_expected_hash text, p_batch jsonb, p_checkpoints jsonb
)
returns boolean
language plpgsql volatile as $f$
declare
  head_seq bigint;
  head_hash text;
begin
  perform pg_advisory_xact_lock(p_lock);
  select seq, row_hash into head_seq, head_hash from governance_decisions order by seq desc limit 1;
  if head_seq is distinct from p_expected_head or head_hash is distinct from p_expected_hash then
    return false;
  end if;
  perform sp_audit_insert(p_batch);
  if p_checkpoints is not null then
    insert into audit_checkpoints (seq, row_hash, signed_at, key_id, signature)
    select seq, row_hash, signed_at, key_id, signature
    from jsonb_to_recordset(p_checkpoints) as c (
      seq bigint, row_hash text, signed_at timestamptz, key_id text, signature text
    )
    on conflict (seq) do nothing;
  end if;
  return true;
end
$f$;
