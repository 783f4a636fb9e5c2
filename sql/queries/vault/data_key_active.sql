select id::text as id, owner, kek_version, wrapped_key, status
from vault_data_keys
where owner = $1 and status = 'active'
