select s.owner, s.name, s.version, s.dek_id::text as dek_id, s.ciphertext,
  k.owner as dek_owner, k.kek_version, k.wrapped_key, k.status as dek_status
from vault_secrets s
join vault_data_keys k on k.id = s.dek_id
where s.owner = any($1::text[]) and s.name = $2
