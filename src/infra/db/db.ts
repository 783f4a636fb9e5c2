/**
 * The one narrow database port. Two adapters implement it (postgres.js for a server, PGlite for
 * the embedded database) and return the same JavaScript values for the same SQL types:
 * int8 → number (string beyond ±2^53), numeric → string, json/jsonb → parsed value,
 * bytea → Uint8Array, timestamptz/date → Date. Parameterised calls use the extended protocol (one
 * statement); `exec` runs a script through the simple protocol and takes no parameters.
 */
export type SqlParam = string | number | boolean | null | Date | Uint8Array | bigint | readonly string[];
export type Row = Record<string, unknown>;

export interface QueryResult<T = Row> {
  readonly columns: readonly string[];
  readonly rows: T[];
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<T>>;
  many<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  maybeOne<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  one<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T>;
  /** Runs a whole script (several statements allowed) without parameters. */
  exec(sql: string): Promise<void>;
}

export interface TxOptions {
  readonly readOnly?: boolean;
}

export type DbKind = "postgres" | "pglite";

export interface Listener {
  unlisten(): Promise<void>;
}

export interface Db extends Queryable, AsyncDisposable {
  readonly kind: DbKind;
  tx<T>(fn: (q: Queryable) => Promise<T>, options?: TxOptions): Promise<T>;
  /** LISTEN on a channel; `pg_notify(channel, payload)` from any connection (any process) arrives here. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Listener>;
  /**
   * A connection of its own for one serial writer (the audit writer's appends): its statements never
   * queue behind the pool's, and its backend stays warm instead of taking its turn among the pool's.
   * The server adapter opens a one-connection pool, closed with this one (or by its own `close`); the
   * embedded database has one connection and returns itself.
   */
  lane(): Db;
  close(): Promise<void>;
}

/** int8 as a JavaScript number while it is exact; a decimal string beyond that. */
export function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

export function bytesToPgHex(bytes: Uint8Array): string {
  let out = "\\x";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function pgHexToBytes(text: string): Uint8Array {
  const hex = text.startsWith("\\x") ? text.slice(2) : text;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
