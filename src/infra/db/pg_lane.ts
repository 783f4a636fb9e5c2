/**
 * The lane (`Db.lane()` on a server database): one connection of its own for one serial writer, the
 * audit writer's appends. It speaks the protocol itself (pg_connection.ts) rather than through
 * postgres.js: a round trip costs its process ~25 µs of CPU instead of ~90, and its garbage dies young
 * (tests/bench/analysis.md, session fourteen). Requests run one at a time in arrival order; a lost
 * connection fails the request that met it and the next one reconnects. A URL it cannot serve alone
 * (TLS, unknown options) or a login it cannot complete (`LaneUnsupported`) hands the lane to a
 * one-connection postgres.js pool for good.
 */
import { AppError, describeError } from "@shared/errors.ts";
import type { Db, Listener, Queryable, QueryResult, Row, SqlParam, TxOptions } from "./db.ts";
import { LaneUnsupported } from "./pg_auth.ts";
import { type ConnectTarget, PgConnection } from "./pg_connection.ts";
import { PgError } from "./pg_wire.ts";
import { createQueryable } from "./queryable.ts";

export interface LaneOptions {
  readonly target: ConnectTarget;
  readonly connectTimeoutMs: number;
  /** LISTEN goes to the pool the lane belongs to. */
  readonly listen: Db["listen"];
  /** A one-connection postgres.js pool, opened when the lane cannot go on by itself. */
  readonly fallback: () => Db;
  readonly onClose: () => void;
}

/** Where the lane connects: undefined when the URL asks for what only postgres.js does (TLS, options). */
export function laneTarget(
  url: URL,
  socketDir: string | undefined,
  applicationName: string,
): ConnectTarget | undefined {
  const sslmode = url.searchParams.get("sslmode");
  const known = [...url.searchParams.keys()].every((key) => key === "sslmode" || key === "host");
  if ((sslmode !== null && sslmode !== "disable") || !known || url.username === "") return undefined;
  const port = Number(url.port || 5432);
  const hostname = decodeURIComponent(url.hostname);
  const dir = socketDir ?? (hostname.startsWith("/") ? hostname : undefined);
  return {
    socket: dir ? { path: `${dir}/.s.PGSQL.${port}` } : { hostname, port },
    user: decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
    applicationName,
  };
}

export function openLane(options: LaneOptions): Db {
  let connection: Promise<PgConnection> | undefined;
  let fallback: Db | undefined;
  let live: PgConnection | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let busy = 0;
  let closed = false;

  const connect = () =>
    connection ??= withTimeout(PgConnection.open(options.target), options.connectTimeoutMs).catch((error) => {
      connection = undefined;
      if (error instanceof LaneUnsupported || error instanceof PgError) throw error; // refused, not unreachable
      throw new AppError(
        "db.unavailable",
        `the lane cannot reach the database: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    });

  const attempt = async <T>(
    job: (c: PgConnection) => Promise<T>,
    onFallback: (db: Db) => Promise<T>,
  ): Promise<T> => {
    if (closed) throw Object.assign(new Error("the lane is closed"), { code: "CONNECTION_ENDED" });
    if (fallback) return await onFallback(fallback);
    if (live && !live.usable) { // the server ended it while it was idle: open another first
      live.close();
      live = connection = undefined;
    }
    let c: PgConnection;
    try {
      c = live ?? (live = await connect());
    } catch (error) {
      if (!(error instanceof LaneUnsupported)) throw error;
      fallback = options.fallback();
      return await onFallback(fallback);
    }
    try {
      return await job(c);
    } finally {
      if (!c.usable) {
        live = connection = undefined;
        c.close();
      }
    }
  };

  /**
   * Runs `job` after every request queued before it, on a live connection. An idle lane starts it at
   * once: its bytes leave before the call returns, without the queue's three promise hops.
   */
  const run = <T>(job: (c: PgConnection) => Promise<T>, onFallback: (db: Db) => Promise<T>): Promise<T> => {
    const result = busy === 0 && live?.usable
      ? attempt(job, onFallback)
      : tail.then(() => attempt(job, onFallback));
    busy++;
    tail = result.then(idle, idle);
    return result;
  };
  const idle = () => {
    busy--;
  };

  const on = (c: PgConnection): Queryable =>
    createQueryable(
      <T = Row>(text: string, params: readonly SqlParam[] = []) => c.query<T>(text, params),
      (text) => c.simple(text),
    );

  const query = <T = Row>(text: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> =>
    run((c) => c.query<T>(text, params), (db) => db.query<T>(text, params));
  const exec = (text: string) => run((c) => c.simple(text), (db) => db.exec(text));

  const tx = <T>(fn: (q: Queryable) => Promise<T>, txOptions: TxOptions = {}): Promise<T> =>
    run(async (c) => {
      await c.simple(txOptions.readOnly ? "begin read only" : "begin");
      let value: T;
      try {
        value = await fn(on(c));
      } catch (error) {
        if (c.usable) await c.simple("rollback").catch(() => {});
        throw error;
      }
      await c.simple("commit");
      return value;
    }, (db) => db.tx(fn, txOptions));

  const close = async () => {
    if (closed) return;
    closed = true;
    options.onClose();
    // A statement the database never answers (it is stopped) must not hold the shutdown: 5 s, as the pool.
    await Promise.race([tail, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    live = undefined;
    if (connection) (await connection.catch(() => undefined))?.close();
    await fallback?.close();
  };

  const lane: Db = {
    ...createQueryable(query, exec),
    kind: "postgres",
    tx,
    listen: (channel: string, onPayload: (payload: string) => void): Promise<Listener> =>
      options.listen(channel, onPayload),
    lane: () => lane,
    close,
    [Symbol.asyncDispose]: close,
  };
  return lane;
}

function withTimeout<T extends { close(): void }>(pending: Promise<T>, ms: number): Promise<T> {
  let timer: number | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = Number(setTimeout(() => {
      pending.then((value) => value.close(), () => {});
      reject(Object.assign(new Error(`no connection within ${ms} ms`), { code: "CONNECT_TIMEOUT" }));
    }, ms));
  });
  return Promise.race([pending, late]).finally(() => clearTimeout(timer));
}
