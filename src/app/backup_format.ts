import { z } from "zod";
import { AppError } from "@shared/errors.ts";
import type { Migration } from "@infra/db/migrations.ts";

/**
 * The backup file (`infra db backup`): gzip'd JSON lines, readable with `zcat | jq`.
 *
 * 1. a header: format, schema version and the applied migrations (name and checksum) of the source;
 * 2. per table, in foreign-key order: `{"table","columns"}` then one `{"r":<row>}` line per row,
 *    where `<row>` is PostgreSQL's own `row_to_json` text, never parsed by JavaScript (so int8,
 *    numeric, timestamps with microseconds and jsonb come back exactly: the audit hash chain stays
 *    verifiable);
 * 3. one `{"sequence","last_value"}` line per sequence;
 * 4. a trailer `{"end":true,"rows":{table:count},"sha256"}`: the SHA-256 of every line before it
 *    (each with its newline). A file without a matching trailer is truncated or altered.
 */
export const BACKUP_FORMAT = "systemprompt-backup";
export const BACKUP_FORMAT_VERSION = 1;

const appliedMigration = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().min(1),
  checksum: z.string().min(1),
});
export type AppliedMigration = z.infer<typeof appliedMigration>;

export const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  format_version: z.number().int().positive(),
  schema_version: z.number().int().nonnegative(),
  migrations: z.array(appliedMigration),
  product_version: z.string(),
  created_at: z.string(),
  source: z.enum(["postgres", "pglite"]),
});
export type BackupHeader = z.infer<typeof headerSchema>;

export const tableSchema = z.strictObject({
  table: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
});
export type TableSection = z.infer<typeof tableSchema>;

export const sequenceSchema = z.strictObject({
  sequence: z.string().min(1),
  last_value: z.union([z.number().int(), z.string().regex(/^-?\d{1,20}$/)]),
});
export type SequenceLine = z.infer<typeof sequenceSchema>;

export const trailerSchema = z.strictObject({
  end: z.literal(true),
  rows: z.record(z.string(), z.number().int().nonnegative()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Trailer = z.infer<typeof trailerSchema>;

const ROW_PREFIX = '{"r":';

export function rowLine(rowJson: string): string {
  return `${ROW_PREFIX}${rowJson}}`;
}

/** The row JSON of a row line, or undefined for any other line. */
export function rowJsonOf(line: string): string | undefined {
  return line.startsWith(ROW_PREFIX) && line.endsWith("}") ? line.slice(ROW_PREFIX.length, -1) : undefined;
}

export function invalidBackup(message: string, cause?: unknown): AppError {
  return new AppError("db.backup_invalid", message, cause === undefined ? {} : { cause });
}

/** Parses one non-row line against its schema; anything else is an invalid backup. */
export function parseLine<T>(schema: z.ZodType<T>, line: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw invalidBackup(`not a backup file: the ${what} line is not JSON`, error);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidBackup(`not a backup file: malformed ${what} line`);
  return parsed.data;
}

/**
 * A backup restores only onto the migrations it was made with: its schema version must be one this
 * build knows (else `db.backup_schema_newer`), and its migrations must be this build's, same names
 * and checksums.
 */
export async function checkCompatible(
  header: BackupHeader,
  known: readonly Migration[],
  checksum: (sql: string) => Promise<string>,
): Promise<void> {
  if (header.format_version !== BACKUP_FORMAT_VERSION) {
    throw invalidBackup(
      `backup format ${header.format_version} is not supported (this build reads ${BACKUP_FORMAT_VERSION})`,
    );
  }
  const latest = known.at(-1)?.version ?? 0;
  if (header.schema_version > latest) {
    throw new AppError(
      "db.backup_schema_newer",
      `the backup has schema version ${header.schema_version}, newer than this build's ${latest}: ` +
        "restore it with the build that made it (or a newer one)",
      { data: { backup_schema: header.schema_version, known_schema: latest } },
    );
  }
  const expected = known.filter((m) => m.version <= header.schema_version);
  const recorded = new Map(header.migrations.map((m) => [m.version, m]));
  if (recorded.size !== header.migrations.length || recorded.size !== expected.length) {
    throw invalidBackup("the backup's migration list does not match its schema version");
  }
  for (const m of expected) {
    const theirs = recorded.get(m.version);
    if (!theirs || theirs.name !== m.name || theirs.checksum !== await checksum(m.sql)) {
      throw invalidBackup(`migration ${m.name} of this build differs from the one the backup was made with`);
    }
  }
}

/** A SQL identifier, double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Fills `{{table}}` / `{{columns}}` of a query template with quoted identifiers. */
export function fillTemplate(sql: string, table: string, columns: readonly string[] = []): string {
  return sql.replaceAll("{{table}}", quoteIdent(table)).replaceAll(
    "{{columns}}",
    columns.map(quoteIdent).join(", "),
  );
}
