-- {{table}} is a quoted identifier from the catalog.
select exists (select 1 from {{table}}) as present
