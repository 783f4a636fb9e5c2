import listTablesSql from "@sql/queries/infra/list_tables.sql" with { type: "text" };
import describeTableSql from "@sql/queries/infra/describe_table.sql" with { type: "text" };
import serverVersionSql from "@sql/queries/infra/server_version.sql" with { type: "text" };
import { AppError, describeError } from "@shared/errors.ts";
import { migrate, migrationStatus } from "@infra/db/migrate.ts";
import { redactUrl } from "@infra/db/connect.ts";
import { command, type Group, group } from "../command.ts";
import { backupCmd, restoreCmd } from "./infra_db_backup.ts";

const migrateCmd = command({
  name: "migrate",
  summary: "Apply pending migrations (idempotent; safe while replicas boot)",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const result = await migrate(ctx.db);
    return { kind: "object", value: { applied: result.applied, current_version: result.current } };
  },
});

const statusCmd = command({
  name: "status",
  summary: "Show the database in use and its migration state",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const migrations = await migrationStatus(ctx.db);
    const { version } = await ctx.db.one<{ version: string }>(serverVersionSql);
    const db = ctx.config.database;
    return {
      kind: "object",
      value: {
        database: db.kind === "embedded" ? "embedded (PGlite)" : "postgres",
        location: db.kind === "embedded" ? db.dataDir : redactUrl(db.url.reveal()),
        server_version: version,
        migrations_applied: migrations.filter((m) => m.applied).length,
        migrations_pending: migrations.filter((m) => !m.applied).map((m) => m.name),
        latest_applied: migrations.filter((m) => m.applied).at(-1)?.name ?? null,
      },
    };
  },
});

const tablesCmd = command({
  name: "tables",
  summary: "List tables with estimated row counts and sizes",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const result = await ctx.db.query(listTablesSql);
    return { kind: "list", columns: result.columns, items: result.rows };
  },
});

const describeCmd = command({
  name: "describe",
  summary: "Show the columns of a table",
  positionals: [{ name: "table", summary: "table name", required: true }],
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const table = inv.positionals[0]!;
    const result = await ctx.db.query(describeTableSql, [table]);
    if (result.rows.length === 0) {
      throw new AppError("db.query_rejected", `no table named ${JSON.stringify(table)}`);
    }
    return { kind: "list", columns: result.columns, items: result.rows };
  },
});

const queryCmd = command({
  name: "query",
  summary: "Run one read-only SQL statement (a write or a second statement is refused)",
  positionals: [{ name: "sql", summary: "a single SQL statement", required: true }],
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const sql = inv.positionals[0]!;
    try {
      const result = await ctx.db.tx(async (q) => {
        await q.query("select set_config('statement_timeout', '30s', true)");
        return await q.query(sql);
      }, { readOnly: true });
      return { kind: "list", columns: result.columns, items: result.rows };
    } catch (error) {
      throw new AppError("db.query_rejected", `query refused: ${firstLine(describeError(error))}`, {
        cause: error,
      });
    }
  },
});

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).replace(/^\w*error: /i, "");
}

export const infraDb: Group = group(
  "db",
  "Database: migrations, status, read-only inspection, backup and restore",
  [
    migrateCmd,
    statusCmd,
    tablesCmd,
    describeCmd,
    queryCmd,
    backupCmd,
    restoreCmd,
  ],
);
