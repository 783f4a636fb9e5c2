/**
 * One PostgreSQL connection the process speaks to itself (Deno.connect, protocol 3.0, text format):
 * the lane's (pg_lane.ts). A statement is parsed and described once per connection, then each call is
 * one write of Bind/Execute/Sync and one read up to ReadyForQuery. It runs one request at a time; the
 * lane queues them.
 */
import type { QueryResult, Row, SqlParam } from "./db.ts";
import { authenticate, type Credentials } from "./pg_auth.ts";
import { decoderFor, encodeParam } from "./pg_text.ts";
import {
  B,
  decodeText,
  errorFields,
  F,
  type Message,
  MessageReader,
  MessageWriter,
  PgError,
  readCString,
  readInt16,
  readInt32,
} from "./pg_wire.ts";

export interface ConnectTarget extends Credentials {
  /** A unix socket's path, or a TCP host and port. */
  readonly socket: { readonly path: string } | { readonly hostname: string; readonly port: number };
  readonly database: string;
  readonly applicationName: string;
}

interface Statement {
  readonly name: string;
  readonly columns: readonly string[];
  readonly decoders: readonly (((text: string) => unknown) | undefined)[];
}

/** Statements kept prepared per connection; past this, a text is parsed on every call (unnamed). */
const MAX_STATEMENTS = 100;
const PROTOCOL_3 = 196608;
/** Refusals that mean "this prepared statement is stale" (postgres.js re-prepares on the same ones). */
const REPREPARE = new Set(["FetchPreparedStatement", "RevalidateCachedQuery", "transformAssignedExpr"]);

export class PgConnection {
  readonly #conn: Deno.Conn;
  readonly #reader: MessageReader;
  readonly #out = new MessageWriter();
  readonly #statements = new Map<string, Statement>();
  #broken = false;
  #tail: Promise<unknown> = Promise.resolve();
  #busy = 0;
  /**
   * The read an idle connection keeps outstanding: the next request's first message, or the news
   * that the server ended the session meanwhile (a restart, `pg_terminate_backend`, an idle timeout),
   * so a connection the server closed is dropped before it is used instead of failing a statement.
   */
  #watch: Promise<Message> | undefined;
  /** Statements named so far (names are never reused), and those to close with the next request. */
  #named = 0;
  readonly #stale: string[] = [];

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#reader = new MessageReader((into) => conn.read(into));
  }

  /** Connects, logs in and waits until the server is ready for queries. */
  static async open(target: ConnectTarget): Promise<PgConnection> {
    let conn: Deno.Conn;
    if ("path" in target.socket) conn = await Deno.connect({ transport: "unix", path: target.socket.path });
    else {
      const tcp = await Deno.connect({ hostname: target.socket.hostname, port: target.socket.port });
      tcp.setNoDelay(true);
      tcp.setKeepAlive(true);
      conn = tcp;
    }
    const connection = new PgConnection(conn);
    try {
      await connection.#startup(target);
      connection.#watchIdle();
      return connection;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** False once the connection can no longer be trusted (lost, desynchronised or closed by the server). */
  get usable(): boolean {
    return !this.#broken;
  }

  /** One statement; calls made while another is in flight (a transaction's pipelined pair) wait their turn. */
  query<T = Row>(text: string, params: readonly SqlParam[]): Promise<QueryResult<T>> {
    return this.#serial(async () => {
      try {
        return await this.#query<T>(text, params);
      } catch (error) {
        // A statement prepared before the schema changed (a migration, a restore): prepare it again, once.
        if (!(error instanceof PgError) || !REPREPARE.has(error.routine ?? "")) throw error;
        const stale = this.#statements.get(text);
        if (!stale) throw error;
        this.#statements.delete(text);
        this.#stale.push(stale.name);
        return await this.#query<T>(text, params);
      }
    });
  }

  /** Runs a script through the simple protocol (several statements allowed, no parameters). */
  simple(text: string): Promise<void> {
    return this.#serial(() => this.#simple(text));
  }

  /** An idle connection starts the request at once: its bytes leave before the caller's next line. */
  #serial<T>(request: () => Promise<T>): Promise<T> {
    const result = this.#busy === 0 ? request() : this.#tail.then(request);
    this.#busy++;
    this.#tail = result.then(this.#done, this.#done);
    return result;
  }

  readonly #done = () => {
    if (--this.#busy === 0) this.#watchIdle();
  };

  /** Keeps a read outstanding while idle; what it brings before a request takes it is handled here. */
  #watchIdle(): void {
    if (this.#broken || this.#watch) return;
    const watch = this.#reader.next();
    this.#watch = watch;
    watch.then((message) => {
      if (this.#watch !== watch) return; // a request took it: the message is that request's
      this.#watch = undefined;
      if (message.type === B.error) this.#refused(message.body); // FATAL: the session is over
      this.#watchIdle(); // a notice or a parameter status: keep watching
    }, () => {
      if (this.#watch !== watch) return;
      this.#watch = undefined;
      this.#broken = true; // the server closed the connection (or it was lost) while idle
    });
  }

  async #query<T = Row>(text: string, params: readonly SqlParam[]): Promise<QueryResult<T>> {
    const known = this.#statements.get(text);
    const name = known?.name ?? (this.#statements.size < MAX_STATEMENTS ? `l${++this.#named}` : "");
    const out = this.#out;
    for (const stale of this.#stale.splice(0)) out.begin(F.close).int8(0x53).cstring(stale).end();
    if (!known) {
      out.begin(F.parse).cstring(name).cstring(text).int16(0).end();
      out.begin(F.describe).int8(0x53).cstring(name).end();
    }
    out.begin(F.bind).cstring("").cstring(name).int16(0).int16(params.length);
    for (const param of params) out.value(encodeParam(param));
    out.int16(0).end();
    out.begin(F.execute).cstring("").int32(0).end();
    out.begin(F.sync).end();
    await this.#send(out.take());
    let statement = known;
    const rows: Row[] = [];
    let error: PgError | undefined;
    for (;;) {
      const { type, body } = await this.#next();
      if (type === B.dataRow && statement && !error) rows.push(decodeRow(body, statement));
      else if (type === B.rowDescription) statement = { name, ...describeRow(body) };
      else if (type === B.noData) statement = { name, columns: [], decoders: [] };
      else if (type === B.error) error ??= this.#refused(body);
      else if (type === B.ready) break;
    }
    if (!known && statement && name !== "") this.#statements.set(text, statement);
    if (error) throw error;
    return { columns: statement?.columns ?? [], rows: rows as T[] };
  }

  async #simple(text: string): Promise<void> {
    await this.#send(this.#out.begin(F.query).cstring(text).end().take());
    let error: PgError | undefined;
    for (;;) {
      const { type, body } = await this.#next();
      if (type === B.error) error ??= this.#refused(body);
      else if (type === B.ready) break;
    }
    if (error) throw error;
  }

  /** Says goodbye if it still can, and closes the socket. */
  close(): void {
    if (!this.#broken) {
      this.#broken = true;
      this.#conn.write(new MessageWriter().begin(F.terminate).end().take()).catch(() => {});
    }
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }

  async #startup(target: ConnectTarget): Promise<void> {
    const out = this.#out.begin(0).int32(PROTOCOL_3);
    const params = {
      user: target.user,
      database: target.database,
      application_name: target.applicationName,
      client_encoding: "UTF8",
      DateStyle: "ISO",
    };
    for (const [key, value] of Object.entries(params)) out.cstring(key).cstring(value);
    await this.#send(out.int8(0).end().take());
    await authenticate(() => this.#next(), (bytes) => this.#send(bytes), target);
    for (;;) {
      const { type, body } = await this.#next();
      if (type === B.error) throw this.#refused(body);
      if (type === B.ready) return;
    }
  }

  /** An ErrorResponse: a FATAL one ends the session, so the connection goes with it. */
  #refused(body: Uint8Array): PgError {
    const error = new PgError(errorFields(body));
    if (error.severity === "FATAL" || error.severity === "PANIC") this.#broken = true;
    return error;
  }

  async #send(bytes: Uint8Array): Promise<void> {
    try {
      for (let at = 0; at < bytes.byteLength;) at += await this.#conn.write(bytes.subarray(at));
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }

  async #next(): Promise<Message> {
    const watch = this.#watch;
    this.#watch = undefined;
    try {
      return await (watch ?? this.#reader.next());
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }
}

function describeRow(body: Uint8Array): Omit<Statement, "name"> {
  const count = readInt16(body, 0);
  const columns: string[] = [];
  const decoders: (((text: string) => unknown) | undefined)[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const [name, next] = readCString(body, at);
    columns.push(name);
    decoders.push(decoderFor(readInt32(body, next + 6)));
    at = next + 18;
  }
  return { columns, decoders };
}

function decodeRow(body: Uint8Array, statement: Statement): Row {
  const row: Row = {};
  let at = 2;
  for (let i = 0; i < statement.columns.length; i++) {
    const length = readInt32(body, at);
    at += 4;
    if (length < 0) {
      row[statement.columns[i]!] = null;
      continue;
    }
    const text = decodeText(body.subarray(at, at + length));
    at += length;
    const decode = statement.decoders[i];
    row[statement.columns[i]!] = decode ? decode(text) : text;
  }
  return row;
}
