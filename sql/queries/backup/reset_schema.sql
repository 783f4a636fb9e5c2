-- Restore starts from nothing: every object of the public schema goes, then migrations rebuild it.
drop schema if exists public cascade;
create schema public;
grant usage on schema public to public;
