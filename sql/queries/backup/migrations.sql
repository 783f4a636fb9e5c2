-- The applied migrations: the schema version of a backup is the highest of them.
select version, name, checksum from schema_migrations order by version
