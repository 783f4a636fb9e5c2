select to_regclass('public.schema_migrations') is not null as present
