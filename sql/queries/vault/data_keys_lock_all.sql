select id::text as id, owner, kek_version, wrapped_key, status
from vault_data_keys
order by id
for update
