select seq, row_hash, signed_at, key_id, signature
from audit_checkpoints
where seq >= $1 and seq <= $2
order by seq
