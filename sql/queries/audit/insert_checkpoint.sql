insert into audit_checkpoints (seq, row_hash, signed_at, key_id, signature)
values ($1, $2, $3, $4, $5)
on conflict (seq) do nothing
