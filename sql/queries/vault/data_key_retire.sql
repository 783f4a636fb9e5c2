update vault_data_keys set status = 'retired', retired_at = $2
where owner = $1 and status = 'active'
returning id::text as id
