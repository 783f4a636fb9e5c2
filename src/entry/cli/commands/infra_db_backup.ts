import { isAbsolute, join } from "node:path";
import { exportDatabase } from "@app/backup_export.ts";
import { readBackupLines, writeBackupFile } from "@app/backup_file.ts";
import { restoreDatabase } from "@app/backup_restore.ts";
import { loadAuditKey } from "@infra/audit/audit_key.ts";
import { connectDatabase } from "@infra/db/connect.ts";
import type { Db } from "@infra/db/db.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import { command, type Invocation } from "../command.ts";

/**
 * `infra db backup --to FILE` and `infra db restore --from FILE [--replace]`: the product's own
 * logical backup (no pg_dump speaks PostgreSQL 18 offline), the same file for both database modes,
 * so a backup of the embedded database restores onto a PostgreSQL server and back.
 */
export const backupCmd = command({
  name: "backup",
  summary: "Write every table and the schema version to FILE (gzip'd JSON lines, mode 0600)",
  forwardable: true,
  flags: [{
    name: "to",
    type: "string",
    value: "FILE",
    required: true,
    summary: "backup file to write (absolute when a server holds the embedded database: it writes the file)",
  }],
  run: async (inv) => {
    const to = filePath(inv, "to");
    const ctx = await inv.context();
    const { result, bytes } = await writeBackupFile(
      to,
      (sink) => exportDatabase(ctx.db, sink, { productVersion: inv.build.version, now: inv.clock.now() }),
    );
    return { kind: "object", value: { file: to, bytes, ...result } };
  },
});

export const restoreCmd = command({
  name: "restore",
  summary: "Replace the database's contents with a backup (stop the server first; one transaction)",
  flags: [
    {
      name: "from",
      type: "string",
      value: "FILE",
      required: true,
      summary: "a file written by `infra db backup`",
    },
    {
      name: "replace",
      type: "boolean",
      summary: "discard the data the database holds now (refused otherwise)",
    },
  ],
  run: async (inv) => {
    const from = filePath(inv, "from");
    const config = await inv.config();
    const db = await openForRestore(inv);
    let summary;
    try {
      summary = await restoreDatabase(db, readBackupLines(from), { replace: inv.flags["replace"] === true });
    } finally {
      await db.close();
    }
    const warnings = [
      ...await checkpointKeyWarnings(inv, summary.checkpoint_key_ids),
      ...await openingWarnings(inv),
    ];
    inv.log.info("db.restored", { file: from, rows: summary.total_rows, database: config.database.kind });
    return { kind: "object", value: { file: from, ...summary, warnings } };
  },
});

function filePath(inv: Invocation, flag: string): string {
  const value = String(inv.flags[flag]);
  if (isAbsolute(value)) return value;
  if (inv.forwarded) {
    throw new AppError(
      "cli.usage",
      `--${flag} must be an absolute path while a server holds the embedded database (the server opens it)`,
    );
  }
  return join(inv.cwd, value);
}

/** The database itself, never the AppContext: nothing else (audit writer, listeners) may touch it. */
async function openForRestore(inv: Invocation): Promise<Db> {
  const config = await inv.config();
  try {
    return await connectDatabase(config.database, { log: inv.log, timeoutSeconds: 10 });
  } catch (error) {
    if (!isAppError(error, "db.locked")) throw error;
    throw new AppError("db.locked", `${error.message}: stop the server before restoring`, { cause: error });
  }
}

/** The restored database must open with this profile's keys (the vault's master key above all). */
async function openingWarnings(inv: Invocation): Promise<string[]> {
  try {
    await inv.context();
    return [];
  } catch (error) {
    if (!isAppError(error)) throw error;
    return [
      `the restored database does not open with this profile (${error.code}: ${error.message}): ` +
      "use the source installation's secrets (master_key) and credentials",
    ];
  }
}

/** Checkpoints signed by another key fail `infra audit verify` here until that key is copied over. */
async function checkpointKeyWarnings(inv: Invocation, keyIds: readonly string[]): Promise<string[]> {
  if (keyIds.length === 0) return [];
  const own = await loadAuditKey(inv.layout).then((k) => k.keyId, () => undefined);
  const foreign = keyIds.filter((id) => id !== own);
  if (foreign.length === 0) return [];
  return [
    `audit checkpoints were signed by key ${foreign.join(", ")}, not this profile's ` +
    `(${own ?? "none"}): copy credentials/audit/ed25519.pem from the source installation ` +
    "or `infra audit verify` will report the signatures",
  ];
}
