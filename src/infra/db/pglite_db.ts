import { PGlite, type Transaction } from "@electric-sql/pglite";
import { AppError } from "@shared/errors.ts";
import type { Db, Queryable, QueryResult, Row, SqlParam, TxOptions } from "./db.ts";
import { parseInt8 } from "./db.ts";
import { loadPgliteAssets } from "./pglite_assets.ts";
import { createQueryable } from "./queryable.ts";

export interface PgliteOptions {
  /** A directory path, or `memory://` for a throwaway database. */
  readonly dataDir: string;
  /** A tarball from `dumpPglite` to start from instead of running initdb. */
  readonly loadDataDir?: Blob;
}

const PARSERS = { 20: parseInt8 };

/**
 * The embedded adapter: PGlite (PostgreSQL 18 in WASM), one connection, queries queued. It admits
 * one process: an exclusive lock on `<dataDir>.lock` is held while it is open, and a second
 * opener gets `db.locked` (which is how the CLI knows to use the server's admin channel).
 */
export async function openPgliteDb(options: PgliteOptions): Promise<Db> {
  const lock = options.dataDir.startsWith("memory://") ? undefined : await lockDataDir(options.dataDir);
  try {
    const assets = await loadPgliteAssets();
    const pg = await PGlite.create({
      dataDir: options.dataDir,
      ...assets,
      parsers: PARSERS,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    return wrap(pg, lock);
  } catch (error) {
    lock?.close();
    throw error;
  }
}

/** A tarball of a PGlite database (used by tests to clone a migrated template quickly). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const pg = (db as Db & { [PG]?: PGlite })[PG];
  if (!pg) throw new AppError("internal.unexpected", "not a PGlite database");
  return await pg.dumpDataDir("none") as Blob;
}

const PG = Symbol("pglite");

function wrap(pg: PGlite, lock: Deno.FsFile | undefined): Db {
  let closed = false;
  let db: Db;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pg.close();
    lock?.close();
  };
  return db = {
    ...bind(pg),
    kind: "pglite",
    [PG]: pg,
    tx: <T>(fn: (q: Queryable) => Promise<T>, txOptions: TxOptions = {}) =>
      pg.transaction(async (tx) => {
        if (txOptions.readOnly) await tx.exec("set transaction read only");
        return await fn(bind(tx));
      }),
    listen: async (channel: string, onPayload: (payload: string) => void) => {
      const unsubscribe = await pg.listen(channel, onPayload);
      return { unlisten: () => unsubscribe() };
    },
    lane: () => db,
    close,
    [Symbol.asyncDispose]: close,
  } as Db;
}

function bind(pg: PGlite | Transaction): Queryable {
  const query = async <T = Row>(text: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> => {
    const result = await pg.query<T>(text, params as unknown[], { parsers: PARSERS });
    return { columns: result.fields.map((f) => f.name), rows: result.rows };
  };
  const exec = async (text: string) => {
    await pg.exec(text);
  };
  return createQueryable(query, exec);
}

async function lockDataDir(dataDir: string): Promise<Deno.FsFile> {
  const file = await Deno.open(`${dataDir}.lock`, { create: true, read: true, write: true, mode: 0o600 });
  if (await file.tryLock(true)) return file;
  file.close();
  throw new AppError("db.locked", `the embedded database at ${dataDir} is in use by another process`);
}
