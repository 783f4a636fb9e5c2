import insertRowsSql from "@sql/queries/backup/insert_rows.sql" with { type: "text" };
import setSequenceSql from "@sql/queries/backup/set_sequence.sql" with { type: "text" };
import resetSchemaSql from "@sql/queries/backup/reset_schema.sql" with { type: "text" };
import checkpointKeysSql from "@sql/queries/backup/checkpoint_keys.sql" with { type: "text" };
import { createHash } from "node:crypto";
import type { Db, Queryable } from "@infra/db/db.ts";
import { checksum, migrate } from "@infra/db/migrate.ts";
import { type Migration, MIGRATIONS } from "@infra/db/migrations.ts";
import { AppError, describeError } from "@shared/errors.ts";
import { listTables, tablesWithRows } from "./backup_catalog.ts";
import {
  type BackupHeader,
  checkCompatible,
  fillTemplate,
  headerSchema,
  invalidBackup,
  parseLine,
  rowJsonOf,
  type SequenceLine,
  sequenceSchema,
  tableSchema,
  type Trailer,
  trailerSchema,
} from "./backup_format.ts";

/**
 * `infra db restore`: replaces the database's contents with a backup, all or nothing, in one
 * transaction: drop the public schema, apply this build's migrations up to the backup's schema
 * version, load every row with its original values (identity columns included), put sequences back,
 * check the trailer (row counts and SHA-256 of the file), then apply the newer migrations. Rows are
 * only inserted into freshly created tables, so the append-only triggers of the audit tables never
 * fire, and since every value is restored byte for byte the hash chain verifies as before.
 */
export interface RestoreOptions {
  /** Discard the data the target already holds (otherwise a target with rows is refused). */
  readonly replace: boolean;
  readonly migrations?: readonly Migration[];
}

export interface RestoreSummary {
  readonly backup_schema_version: number;
  readonly schema_version: number;
  readonly source: string;
  readonly backup_created_at: string;
  readonly rows: Readonly<Record<string, number>>;
  readonly total_rows: number;
  readonly sequences: number;
  readonly checkpoint_key_ids: readonly string[];
}

const BATCH_ROWS = 500;
const BATCH_CHARS = 4_000_000;

export async function restoreDatabase(
  db: Db,
  lines: AsyncIterable<string>,
  options: RestoreOptions,
): Promise<RestoreSummary> {
  const known = options.migrations ?? MIGRATIONS;
  const input = lines[Symbol.asyncIterator]();
  const first = await input.next();
  if (first.done) throw invalidBackup("the backup file is empty");
  const header = parseLine(headerSchema, first.value, "header");
  await checkCompatible(header, known, checksum);
  return await db.tx(async (q) => {
    await refuseUnlessEmpty(q, options.replace);
    await q.exec(resetSchemaSql);
    const inTx = transactionDb(q, db.kind);
    await migrate(inTx, known.filter((m) => m.version <= header.schema_version));
    const loaded = await loadRows(q, header, first.value, input);
    const migrated = await migrate(inTx, known);
    const keys = await q.many<{ key_id: string }>(checkpointKeysSql);
    return {
      backup_schema_version: header.schema_version,
      schema_version: migrated.current,
      source: header.source,
      backup_created_at: header.created_at,
      rows: loaded.rows,
      total_rows: Object.values(loaded.rows).reduce((a, b) => a + b, 0),
      sequences: loaded.sequences,
      checkpoint_key_ids: keys.map((k) => k.key_id),
    };
  });
}

async function refuseUnlessEmpty(q: Queryable, replace: boolean): Promise<void> {
  if (replace) return;
  const holding = await tablesWithRows(q);
  if (holding.length === 0) return;
  throw new AppError(
    "db.restore_target_not_empty",
    `the database already holds data (in ${holding.slice(0, 5).join(", ")}${
      holding.length > 5 ? ", …" : ""
    }); pass --replace to discard it and restore the backup`,
    { data: { tables: holding } },
  );
}

/** A `Db` whose transactions are the open one, so `migrate` runs inside the restore. */
function transactionDb(q: Queryable, kind: Db["kind"]): Db {
  const nothing = () => Promise.resolve();
  const db: Db = {
    ...q,
    kind,
    tx: (fn) => fn(q),
    listen: () => Promise.reject(new AppError("internal.unexpected", "no LISTEN inside a restore")),
    lane: () => db,
    close: nothing,
    [Symbol.asyncDispose]: nothing,
  };
  return db;
}

interface Loader {
  readonly q: Queryable;
  readonly columnsOf: ReadonlyMap<string, ReadonlySet<string>>;
  readonly rows: Record<string, number>;
  table: { name: string; sql: string } | undefined;
  batch: string[];
  chars: number;
}

async function loadRows(
  q: Queryable,
  header: BackupHeader,
  headerLine: string,
  input: AsyncIterator<string>,
): Promise<{ rows: Record<string, number>; sequences: number }> {
  const hash = createHash("sha256").update(`${headerLine}\n`);
  const catalog = await listTables(q);
  const loader: Loader = {
    q,
    columnsOf: new Map(catalog.map((t) => [t.name, new Set(t.columns)])),
    rows: {},
    table: undefined,
    batch: [],
    chars: 0,
  };
  const sequences: SequenceLine[] = [];
  for (let next = await input.next(); !next.done; next = await input.next()) {
    const line = next.value;
    const row = rowJsonOf(line);
    if (row !== undefined) {
      await addRow(loader, row);
    } else if (line.startsWith('{"end":')) {
      await flush(loader);
      await finish(
        q,
        input,
        parseLine(trailerSchema, line, "trailer"),
        hash.digest("hex"),
        loader,
        sequences,
      );
      return { rows: loader.rows, sequences: sequences.length };
    } else {
      await flush(loader);
      if (line.startsWith('{"sequence":')) sequences.push(parseLine(sequenceSchema, line, "sequence"));
      else startTable(loader, line, header.schema_version);
    }
    hash.update(`${line}\n`);
  }
  throw invalidBackup("the backup file is truncated (no trailer)");
}

function startTable(loader: Loader, line: string, schemaVersion: number): void {
  const section = parseLine(tableSchema, line, "table");
  const columns = loader.columnsOf.get(section.table);
  if (!columns || section.table in loader.rows) {
    throw invalidBackup(
      `table ${section.table} is not part of schema version ${schemaVersion} (or repeated)`,
    );
  }
  const unknown = section.columns.find((c) => !columns.has(c));
  if (unknown !== undefined) throw invalidBackup(`table ${section.table} has no column ${unknown}`);
  loader.table = { name: section.table, sql: fillTemplate(insertRowsSql, section.table, section.columns) };
  loader.rows[section.table] = 0;
}

async function addRow(loader: Loader, row: string): Promise<void> {
  if (!loader.table) throw invalidBackup("a row comes before any table line");
  loader.batch.push(row);
  loader.chars += row.length;
  if (loader.batch.length >= BATCH_ROWS || loader.chars >= BATCH_CHARS) await flush(loader);
}

async function flush(loader: Loader): Promise<void> {
  const table = loader.table;
  if (!table || loader.batch.length === 0) return;
  const json = `[${loader.batch.join(",")}]`;
  const count = loader.batch.length;
  loader.batch = [];
  loader.chars = 0;
  try {
    await loader.q.query(table.sql, [json]);
  } catch (error) {
    throw invalidBackup(`rows of table ${table.name} could not be loaded: ${firstLine(error)}`, error);
  }
  loader.rows[table.name] = (loader.rows[table.name] ?? 0) + count;
}

async function finish(
  q: Queryable,
  input: AsyncIterator<string>,
  trailer: Trailer,
  sha256: string,
  loader: Loader,
  sequences: readonly SequenceLine[],
): Promise<void> {
  if (trailer.sha256 !== sha256) throw invalidBackup("the backup file was altered (checksum mismatch)");
  const expected = JSON.stringify(Object.entries(trailer.rows).sort());
  if (expected !== JSON.stringify(Object.entries(loader.rows).sort())) {
    throw invalidBackup("the backup's row counts do not match its trailer");
  }
  const after = await input.next();
  if (!after.done && after.value !== "") throw invalidBackup("unexpected lines after the backup's trailer");
  for (const s of sequences) {
    try {
      await q.one(setSequenceSql, [s.sequence, String(s.last_value)]);
    } catch (error) {
      throw invalidBackup(`sequence ${s.sequence} could not be restored: ${firstLine(error)}`, error);
    }
  }
}

function firstLine(error: unknown): string {
  const text = describeError(error);
  return text.split("\n")[0] ?? text;
}
