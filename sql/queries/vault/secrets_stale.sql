select s.owner, s.name
from vault_secrets s
join vault_data_keys k on k.id = s.dek_id
where k.status = 'retired'
order by s.owner, s.name
limit $1
