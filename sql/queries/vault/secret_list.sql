select owner, name, version, created_at, updated_at
from vault_secrets
where $1::text is null or owner = $1
order by owner, name
