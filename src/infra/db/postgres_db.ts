import postgres from "postgres";
import type { Db, Queryable, QueryResult, Row, SqlParam, TxOptions } from "./db.ts";
import { bytesToPgHex, parseInt8, pgHexToBytes } from "./db.ts";
import { createQueryable } from "./queryable.ts";

export interface PostgresOptions {
  readonly url: string;
  readonly max?: number;
  readonly connectTimeoutSeconds?: number;
}

type Sql = postgres.Sql<Record<string, never>>;
type TxSql = postgres.TransactionSql<Record<string, never>>;

/** The server adapter (production): a postgres.js pool. */
export function openPostgresDb(options: PostgresOptions): Db {
  const sql: Sql = postgres(options.url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
    types: {
      int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: parseInt8 },
      bytea: { to: 17, from: [17], serialize: (x: Uint8Array) => bytesToPgHex(x), parse: pgHexToBytes },
    },
    connection: { application_name: "systemprompt" },
  }) as unknown as Sql;
  const base = bind(sql);
  return {
    ...base,
    kind: "postgres",
    tx: <T>(fn: (q: Queryable) => Promise<T>, txOptions: TxOptions = {}) =>
      sql.begin(txOptions.readOnly ? "read only" : "read write", (tx) => fn(bind(tx))) as Promise<T>,
    close: () => sql.end({ timeout: 5 }),
    [Symbol.asyncDispose]: () => sql.end({ timeout: 5 }),
  };
}

function bind(sql: Sql | TxSql): Queryable {
  const query = async <T = Row>(text: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> => {
    // simple: false keeps the extended protocol (exactly one statement) even without parameters.
    const result = await sql.unsafe(
      text,
      params as postgres.ParameterOrJSON<never>[],
      { prepare: true, simple: false } as never,
    );
    const columns = (result.columns ?? []).map((c) => c.name);
    return { columns, rows: [...result] as T[] };
  };
  const exec = async (text: string) => {
    await sql.unsafe(text);
  };
  return createQueryable(query, exec);
}
