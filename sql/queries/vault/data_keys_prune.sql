delete from vault_data_keys k
where k.status = 'retired' and not exists (select 1 from vault_secrets s where s.dek_id = k.id)
