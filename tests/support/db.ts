import type { Db } from "@infra/db/db.ts";
import { migrate } from "@infra/db/migrate.ts";
import { dumpPglite, openPgliteDb } from "@infra/db/pglite_db.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";

/**
 * A fresh, migrated database per call, so tests never share state. `SP_TEST_DB` picks the engine
 * (`pglite` when unset). For `postgres`, `scripts/run_tests.ts` provides a server (`SP_TEST_PG_URL`,
 * the maintenance database) and a migrated template (`SP_TEST_PG_TEMPLATE`); each database is a
 * `CREATE DATABASE … TEMPLATE` clone dropped on close. For PGlite, each database is loaded from a
 * dump of one migrated database made once per process.
 */
export type TestDbMode = "pglite" | "postgres";

export function testDbMode(): TestDbMode {
  const mode = Deno.env.get("SP_TEST_DB") ?? "pglite";
  if (mode !== "pglite" && mode !== "postgres") {
    throw new Error(`SP_TEST_DB must be pglite or postgres, not ${mode}`);
  }
  return mode;
}

export async function openTestDb(): Promise<Db & AsyncDisposable> {
  return testDbMode() === "postgres" ? await openPostgresClone() : await openPgliteClone();
}

/** Connection settings for the postgres mode, read from the environment `run_tests.ts` sets. */
export function testPgSettings(): { readonly adminUrl: string; readonly template: string } {
  const adminUrl = Deno.env.get("SP_TEST_PG_URL");
  if (!adminUrl) {
    throw new Error("SP_TEST_DB=postgres needs SP_TEST_PG_URL (run tests with `deno task test`)");
  }
  return { adminUrl, template: Deno.env.get("SP_TEST_PG_TEMPLATE") ?? "sp_template" };
}

/** The URL of another database on the server that `adminUrl` points to. */
export function databaseUrl(adminUrl: string, dbName: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.href;
}

async function openPostgresClone(): Promise<Db> {
  const { adminUrl, template } = testPgSettings();
  const name = `t_${crypto.randomUUID().replaceAll("-", "")}`;
  await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name} template ${template}`));
  const db = openPostgresDb({ url: databaseUrl(adminUrl, name), max: 4 });
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      await db.close();
      await withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
    })();
  return { ...db, close, [Symbol.asyncDispose]: close };
}

/** Runs `fn` on a one-connection pool to the maintenance database, then closes it. */
export async function withAdmin(adminUrl: string, fn: (admin: Db) => Promise<void>): Promise<void> {
  await using admin = openPostgresDb({ url: adminUrl, max: 1 });
  await fn(admin);
}

// A per-process memo of the migrated dump: test-only, and immutable once made.
let pgliteTemplate: Promise<Blob> | undefined;

async function openPgliteClone(): Promise<Db> {
  pgliteTemplate ??= makePgliteTemplate();
  return await openPgliteDb({ dataDir: "memory://", loadDataDir: await pgliteTemplate });
}

async function makePgliteTemplate(): Promise<Blob> {
  const db = await openPgliteDb({ dataDir: "memory://" });
  try {
    await migrate(db);
    return await dumpPglite(db);
  } finally {
    await db.close();
  }
}
