update signing_keys
set status = 'retired', retired_at = $1
where status = 'retiring' and not_after <= $1
returning kid
