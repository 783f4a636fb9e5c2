import tablesSql from "@sql/queries/backup/tables.sql" with { type: "text" };
import dependenciesSql from "@sql/queries/backup/dependencies.sql" with { type: "text" };
import sequencesSql from "@sql/queries/backup/sequences.sql" with { type: "text" };
import migrationsSql from "@sql/queries/backup/migrations.sql" with { type: "text" };
import hasMigrationsSql from "@sql/queries/backup/has_migrations.sql" with { type: "text" };
import tableHasRowsSql from "@sql/queries/backup/table_has_rows.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { AppliedMigration } from "./backup_format.ts";
import { fillTemplate } from "./backup_format.ts";

/**
 * What a backup reads from the catalog: every table of the public schema (schema_migrations aside:
 * migrations rebuild it), in an order where a table comes after the tables it references.
 */
export interface TableInfo {
  readonly name: string;
  readonly partitioned: boolean;
  readonly blocks: number;
  readonly columns: readonly string[];
}

export interface Dependency {
  readonly child: string;
  readonly parent: string;
}

export async function listTables(q: Queryable): Promise<TableInfo[]> {
  const rows = await q.many<{ table_name: string; kind: string; blocks: number; columns: string[] }>(
    tablesSql,
  );
  const tables = rows.map((r) => ({
    name: r.table_name,
    partitioned: r.kind === "p",
    blocks: Number(r.blocks),
    columns: r.columns,
  }));
  return orderByDependencies(tables, await q.many<Dependency>(dependenciesSql));
}

/** Parents before children, otherwise by name; tables in a reference cycle keep name order at the end. */
export function orderByDependencies<T extends { readonly name: string }>(
  tables: readonly T[],
  dependencies: readonly Dependency[],
): T[] {
  const pending = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  const placed = new Set<string>();
  const ordered: T[] = [];
  const known = new Set(tables.map((t) => t.name));
  const parentsOf = (name: string) =>
    dependencies.filter((d) => d.child === name && known.has(d.parent)).map((d) => d.parent);
  while (pending.length > 0) {
    const index = pending.findIndex((t) => parentsOf(t.name).every((p) => placed.has(p)));
    if (index < 0) return [...ordered, ...pending];
    const [next] = pending.splice(index, 1);
    ordered.push(next!);
    placed.add(next!.name);
  }
  return ordered;
}

export async function listSequences(q: Queryable): Promise<{ name: string; lastValue: number | string }[]> {
  const rows = await q.many<{ name: string; last_value: number | string | null }>(sequencesSql);
  return rows.flatMap((r) => r.last_value === null ? [] : [{ name: r.name, lastValue: r.last_value }]);
}

/** The applied migrations, or none when the database was never migrated. */
export async function appliedMigrations(q: Queryable): Promise<AppliedMigration[]> {
  const { present } = await q.one<{ present: boolean }>(hasMigrationsSql);
  if (!present) return [];
  return await q.many<AppliedMigration>(migrationsSql);
}

/** The tables that hold at least one row. */
export async function tablesWithRows(q: Queryable): Promise<string[]> {
  const names: string[] = [];
  for (const table of await listTables(q)) {
    const { present } = await q.one<{ present: boolean }>(fillTemplate(tableHasRowsSql, table.name));
    if (present) names.push(table.name);
  }
  return names;
}
