import { AppError, describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import type { DatabaseConfig } from "../config/config.ts";
import type { Db } from "./db.ts";
import { openPgliteDb } from "./pglite_db.ts";
import { openPostgresDb } from "./postgres_db.ts";

export interface ConnectOptions {
  readonly log: Logger;
  /** Overrides the profile's bound on how long to wait for a server database. */
  readonly timeoutSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Opens the configured database. A server database that does not answer is retried with
 * exponential backoff (250 ms doubling to 5 s) until the bound, then `db.unavailable`.
 */
export async function connectDatabase(config: DatabaseConfig, options: ConnectOptions): Promise<Db> {
  if (config.kind === "embedded") {
    await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    return await openPgliteDb({ dataDir: config.dataDir });
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (options.timeoutSeconds ?? config.connectTimeoutSeconds) * 1000;
  const target = redactUrl(config.url.reveal());
  let delay = 250;
  for (let attempt = 1;; attempt++) {
    const db = openPostgresDb({ url: config.url.reveal(), max: config.pool, connectTimeoutSeconds: 5 });
    try {
      await db.one("select 1 as ok");
      return db;
    } catch (error) {
      await db.close().catch(() => {});
      if (Date.now() + delay > deadline) {
        throw new AppError("db.unavailable", `database unreachable at ${target}: ${describeError(error)}`, {
          cause: error,
        });
      }
      options.log.warn("db.connect_retry", {
        attempt,
        target,
        retry_in_ms: delay,
        error: describeError(error),
      });
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    return "<unparseable database url>";
  }
}
