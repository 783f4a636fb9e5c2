import tableBlocksSql from "@sql/queries/backup/table_blocks.sql" with { type: "text" };
import { createHash } from "node:crypto";
import type { Db, Queryable } from "@infra/db/db.ts";
import { AppError } from "@shared/errors.ts";
import { appliedMigrations, listSequences, listTables, type TableInfo } from "./backup_catalog.ts";
import type { BackupSink } from "./backup_file.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupHeader,
  fillTemplate,
  rowLine,
} from "./backup_format.ts";

/**
 * `infra db backup`: a logical export of every table of our schema in one consistent snapshot
 * (a read-only REPEATABLE READ transaction), in the format of `backup_format.ts`. Tables are read
 * in slices of physical blocks, so memory stays bounded and no slice re-reads the table.
 */
export interface BackupSummary {
  readonly schema_version: number;
  readonly tables: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly total_rows: number;
  readonly sequences: number;
  readonly sha256: string;
}

const BLOCKS_PER_SLICE = 128;

export async function exportDatabase(
  db: Db,
  sink: BackupSink,
  meta: { readonly productVersion: string; readonly now: Date },
): Promise<BackupSummary> {
  return await db.tx(async (q) => {
    await q.exec("set transaction isolation level repeatable read");
    const { header, tables } = await readSchema(q, db.kind, meta);
    const hash = createHash("sha256");
    const emit = async (lines: readonly string[]) => {
      for (const line of lines) hash.update(`${line}\n`);
      await sink.write(lines);
    };
    await emit([JSON.stringify(header)]);
    const rows: Record<string, number> = {};
    for (const table of tables) rows[table.name] = await exportTable(q, table, emit);
    const sequences = await listSequences(q);
    await emit(sequences.map((s) => JSON.stringify({ sequence: s.name, last_value: s.lastValue })));
    const sha256 = hash.digest("hex");
    await sink.write([JSON.stringify({ end: true, rows, sha256 })]);
    return {
      schema_version: header.schema_version,
      tables: tables.length,
      rows,
      total_rows: Object.values(rows).reduce((a, b) => a + b, 0),
      sequences: sequences.length,
      sha256,
    };
  }, { readOnly: true });
}

async function readSchema(
  q: Queryable,
  source: Db["kind"],
  meta: { readonly productVersion: string; readonly now: Date },
): Promise<{ header: BackupHeader; tables: TableInfo[] }> {
  const migrations = await appliedMigrations(q);
  if (migrations.length === 0) {
    throw new AppError("db.backup_invalid", "the database has no schema to back up (run `infra db migrate`)");
  }
  const tables = await listTables(q);
  const partitioned = tables.find((t) => t.partitioned);
  if (partitioned) {
    throw new AppError("db.backup_invalid", `partitioned table ${partitioned.name} cannot be backed up yet`);
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    format_version: BACKUP_FORMAT_VERSION,
    schema_version: migrations.at(-1)!.version,
    migrations,
    product_version: meta.productVersion,
    created_at: meta.now.toISOString(),
    source,
  };
  return { header, tables };
}

async function exportTable(
  q: Queryable,
  table: TableInfo,
  emit: (lines: readonly string[]) => Promise<void>,
): Promise<number> {
  await emit([JSON.stringify({ table: table.name, columns: table.columns })]);
  const sql = fillTemplate(tableBlocksSql, table.name);
  let count = 0;
  for (let block = 0; block < table.blocks; block += BLOCKS_PER_SLICE) {
    const slice = await q.many<{ row: string }>(sql, [tid(block), tid(block + BLOCKS_PER_SLICE)]);
    if (slice.length === 0) continue;
    count += slice.length;
    await emit(slice.map((r) => rowLine(r.row)));
  }
  return count;
}

function tid(block: number): string {
  return `(${block},0)`;
}
