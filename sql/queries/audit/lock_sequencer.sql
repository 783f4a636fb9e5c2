-- The single sequencer: held until the batch transaction ends, in every process on this database.
select pg_advisory_xact_lock($1::bigint) is not null as locked
