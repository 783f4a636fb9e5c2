-- The one-round-trip append checks the chain head's hash as well as its sequence number, so a
-- writer whose remembered head is not the stored one (a restore under a running server, a row
-- rewritten outside the appliance) can never chain a batch after the wrong row: it writes nothing
-- and the writer takes the full path, which re-reads the head.

drop function sp_audit_append(bigint, bigint, jsonb);

create function sp_audit_append(p_lock bigint, p_expected_head bigint, p_expected_hash text, p_batch jsonb)
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
  return true;
end
$f$;
