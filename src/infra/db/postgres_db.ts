import postgres from "postgres";
import type { Db, Queryable, QueryResult, Row, SqlParam, TxOptions } from "./db.ts";
import { bytesToPgHex, parseInt8, pgHexToBytes } from "./db.ts";
import { laneTarget, openLane } from "./pg_lane.ts";
import { openLanePool } from "./pg_lane_pool.ts";
import { parseTextArray, serializeTextArray } from "./pg_text.ts";
import { createQueryable } from "./queryable.ts";

export interface PostgresOptions {
  readonly url: string;
  readonly max?: number;
  readonly connectTimeoutSeconds?: number;
}

type Sql = postgres.Sql<Record<string, never>>;
type TxSql = postgres.TransactionSql<Record<string, never>>;

/**
 * The server adapter (production): single statements on a pool of protocol connections the process
 * speaks itself (pg_lane_pool.ts, `application_name` systemprompt, up to `max`), transactions, scripts
 * and LISTEN on a postgres.js pool (up to `max` as well, opened on demand). A URL the lanes cannot
 * serve (TLS, other options) keeps everything on postgres.js. `lane()` opens one connection of its own
 * beside them (pg_lane.ts, `application_name` systemprompt-lane), closed with them.
 */
export function openPostgresDb(options: PostgresOptions): Db {
  const lanes = new Set<Db>();
  const connectTimeoutMs = (options.connectTimeoutSeconds ?? 10) * 1000;
  const { url, host } = splitSocketHost(options.url);
  const openLaneDb = (name: string, fallback: () => Db): Db => {
    const target = laneTarget(new URL(url), host, name);
    const lane: Db = target
      ? openLane({
        target,
        connectTimeoutMs,
        listen: (channel, onPayload) => db.listen(channel, onPayload),
        fallback,
        onClose: () => lanes.delete(lane),
      })
      : adapter(options, 1, name, () => lane, () => lanes.delete(lane));
    lanes.add(lane);
    return lane;
  };
  const ownLane = (): Db => {
    const lane: Db = openLaneDb(LANE_NAME, () => adapter(options, 1, LANE_NAME, () => lane, () => {}));
    return lane;
  };
  const max = options.max ?? 10;
  const db = adapter(options, max, POOL_NAME, ownLane, () => {});
  // A pool lane that cannot log in by itself hands its statements to the postgres.js pool (not closed with it).
  const shared: Db = { ...db, close: () => Promise.resolve() };
  const statements = laneTarget(new URL(url), host, POOL_NAME)
    ? openLanePool({ size: max, open: () => openLaneDb(POOL_NAME, () => shared) })
    : undefined;
  const close = async () => {
    await statements?.close();
    await Promise.all([...lanes].map((lane) => lane.close()));
    await db.close();
  };
  return { ...db, ...statements, close, [Symbol.asyncDispose]: close };
}

const LANE_NAME = "systemprompt-lane";
const POOL_NAME = "systemprompt";

function adapter(
  options: PostgresOptions,
  max: number,
  applicationName: string,
  lane: () => Db,
  onClose: () => void,
): Db {
  const { url, host } = splitSocketHost(options.url);
  const sql: Sql = postgres(url, {
    ...(host ? { host } : {}),
    max,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
    types: {
      int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: parseInt8 },
      bytea: { to: 17, from: [17], serialize: (x: Uint8Array) => bytesToPgHex(x), parse: pgHexToBytes },
      // A string is already JSON text (SqlParam has no objects), as PGlite treats it; postgres.js would
      // JSON.stringify it again and store a JSON string scalar.
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (x: unknown) => typeof x === "string" ? x : JSON.stringify(x),
        parse: (x: string) => JSON.parse(x),
      },
      // postgres.js's array parser returns an unquoted NULL element as the string "NULL".
      textArray: { to: 1009, from: [1009], serialize: serializeTextArray, parse: parseTextArray },
    },
    connection: { application_name: applicationName },
  }) as unknown as Sql;
  const close = () => (onClose(), sql.end({ timeout: 5 }));
  return {
    ...bind(sql),
    kind: "postgres",
    tx: <T>(fn: (q: Queryable) => Promise<T>, txOptions: TxOptions = {}) =>
      sql.begin(txOptions.readOnly ? "read only" : "read write", (tx) => fn(bind(tx))) as Promise<T>,
    listen: async (channel, onPayload) => {
      const { unlisten } = await sql.listen(channel, (payload) => onPayload(payload));
      return { unlisten };
    },
    lane,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function bind(sql: Sql | TxSql): Queryable {
  const query = async <T = Row>(text: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> => {
    // simple: false keeps the extended protocol (exactly one statement) even without parameters.
    const pending = sql.unsafe(
      text,
      params as postgres.ParameterOrJSON<never>[],
      { prepare: true, simple: false } as never,
    );
    const result = await pending;
    release(pending);
    const columns = (result.columns ?? []).map((c) => c.name);
    return { columns, rows: [...result] as T[] };
  };
  const exec = async (text: string) => {
    await sql.unsafe(text);
  };
  return createQueryable(query, exec);
}

/**
 * Lets go of what a finished query holds: its parameters as given and as serialized, and its text.
 * postgres.js's `Query` (a promise whose constructor keeps closures over its resolvers) outlives two
 * scavenges as garbage and is promoted with everything it references, so every audit batch's JSON text
 * went to the old generation with it: the gateway promoted 5.3 KB per call, 1.6 KB with this, and a full
 * collection (tens of ms of stalls on two cores) came every ~20 s at 500 calls/s instead of every ~60
 * (tests/bench/analysis.md, session thirteen). Nothing reads these fields once the query has answered.
 */
function release(query: unknown): void {
  const q = query as Record<string, unknown>;
  q["args"] =
    q["parameters"] =
    q["strings"] =
    q["string"] =
      null;
}

/**
 * libpq's unix-socket form `postgres://user@localhost/db?host=/socket/dir`: postgres.js 3.4.9 ignores
 * `?host=` (it would send it to the server as a startup parameter), so it is passed as an option.
 */
function splitSocketHost(text: string): { url: string; host: string | undefined } {
  const url = new URL(text);
  const host = url.searchParams.get("host") ?? undefined;
  url.searchParams.delete("host");
  return { url: url.href, host };
}
