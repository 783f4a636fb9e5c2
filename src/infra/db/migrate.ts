import { AppError, describeError } from "@shared/errors.ts";
import type { Db, Queryable } from "./db.ts";
import { type Migration, MIGRATIONS } from "./migrations.ts";

/** Arbitrary, stable key of the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK_KEY = 7_385_112_001;

export interface MigrationStatus {
  readonly version: number;
  readonly name: string;
  readonly applied: boolean;
  readonly appliedAt: Date | null;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly current: number;
}

export async function checksum(sql: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sql));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so N replicas booting at
 * once migrate exactly once. An applied migration whose text changed is a loud error.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  return await db.tx(async (q) => {
    await q.one("select pg_advisory_xact_lock($1::bigint) is not null as locked", [MIGRATION_LOCK_KEY]);
    await ensureTable(q);
    const applied = await appliedChecksums(q);
    await verifyChecksums(migrations, applied);
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await applyOne(q, m);
      done.push(m.name);
    }
    return { applied: done, current: migrations.at(-1)?.version ?? 0 };
  });
}

export async function migrationStatus(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus[]> {
  const exists = await db.one<{ present: boolean }>(
    "select to_regclass('public.schema_migrations') is not null as present",
  );
  const rows = exists.present
    ? await db.many<{ version: number; applied_at: Date }>(
      "select version, applied_at from schema_migrations",
    )
    : [];
  const at = new Map(rows.map((r) => [r.version, r.applied_at]));
  return migrations.map((m) => ({
    version: m.version,
    name: m.name,
    applied: at.has(m.version),
    appliedAt: at.get(m.version) ?? null,
  }));
}

async function ensureTable(q: Queryable): Promise<void> {
  await q.exec(`create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
}

async function appliedChecksums(q: Queryable): Promise<Map<number, string>> {
  const rows = await q.many<{ version: number; checksum: string }>(
    "select version, checksum from schema_migrations",
  );
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

async function verifyChecksums(
  migrations: readonly Migration[],
  applied: Map<number, string>,
): Promise<void> {
  for (const m of migrations) {
    const recorded = applied.get(m.version);
    if (recorded !== undefined && recorded !== await checksum(m.sql)) {
      throw new AppError(
        "db.migration_checksum_mismatch",
        `migration ${m.name} was edited after it was applied (checksum differs); add a new migration instead`,
        { data: { migration: m.name } },
      );
    }
  }
}

async function applyOne(q: Queryable, m: Migration): Promise<void> {
  try {
    await q.exec(m.sql);
  } catch (error) {
    throw new AppError("db.migration_failed", `migration ${m.name} failed: ${describeError(error)}`, {
      cause: error,
    });
  }
  await q.query("insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", [
    m.version,
    m.name,
    await checksum(m.sql),
  ]);
}
