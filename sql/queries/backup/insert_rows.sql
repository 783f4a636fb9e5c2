-- Loads a batch of backed-up rows (a JSON array of row objects) with their original identity values.
-- {{table}} and {{columns}} are quoted identifiers checked against the catalog.
insert into {{table}} ({{columns}}) overriding system value
select {{columns}} from json_populate_recordset(null::{{table}}, $1::json)
