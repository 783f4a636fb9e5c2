-- The chain head and the last checkpoint (its time, or the first row's when none was signed yet).
select
  coalesce((select seq from governance_decisions order by seq desc limit 1), 0) as head_seq,
  (select row_hash from governance_decisions order by seq desc limit 1) as head_hash,
  coalesce((select seq from audit_checkpoints order by seq desc limit 1), 0) as checkpoint_seq,
  coalesce(
    (select signed_at from audit_checkpoints order by seq desc limit 1),
    (select created_at from governance_decisions where seq = 1)
  ) as checkpoint_at
