/**
 * PostgreSQL's frontend/backend protocol (version 3.0), the part the lane speaks (pg_lane.ts): framing
 * of the messages it sends, and a reader that cuts the socket's bytes into the messages it receives.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Backend message types the lane acts on (the first byte of each message). */
export const B = {
  auth: 0x52, // R
  error: 0x45, // E
  notice: 0x4e, // N
  rowDescription: 0x54, // T
  dataRow: 0x44, // D
  commandComplete: 0x43, // C
  ready: 0x5a, // Z
  emptyQuery: 0x49, // I
  noData: 0x6e, // n
  parseComplete: 0x31, // 1
} as const;

/** Frontend message types. */
export const F = {
  parse: 0x50, // P
  bind: 0x42, // B
  describe: 0x44, // D
  execute: 0x45, // E
  sync: 0x53, // S
  query: 0x51, // Q
  password: 0x70, // p
  terminate: 0x58, // X
  close: 0x43, // C
} as const;

/** Builds frontend messages into one buffer, so a request leaves in one write. */
export class MessageWriter {
  #buf = new Uint8Array(1024);
  #view = new DataView(this.#buf.buffer);
  #len = 0;
  #start = -1;

  /** Starts a message of `type` (0 for the untyped startup message). */
  begin(type: number): this {
    if (type !== 0) this.#byte(type);
    this.#start = this.#len;
    this.#len += 4;
    this.#room(0);
    return this;
  }

  int8(n: number): this {
    return this.#byte(n);
  }

  int16(n: number): this {
    this.#room(2);
    this.#view.setInt16(this.#len, n);
    this.#len += 2;
    return this;
  }

  int32(n: number): this {
    this.#room(4);
    this.#view.setInt32(this.#len, n);
    this.#len += 4;
    return this;
  }

  /** A NUL-terminated string (names, SQL text). */
  cstring(text: string): this {
    this.#text(text);
    return this.#byte(0);
  }

  /** A length-prefixed value; `null` is SQL NULL (length -1). */
  value(text: string | null): this {
    if (text === null) return this.int32(-1);
    const at = this.#len;
    this.int32(0);
    const length = this.#text(text);
    this.#view.setInt32(at, length);
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.#room(bytes.byteLength);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.byteLength;
    return this;
  }

  /** Closes the message begun last: writes its length. */
  end(): this {
    this.#view.setInt32(this.#start, this.#len - this.#start);
    return this;
  }

  /** The bytes written so far; the writer starts again empty. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }

  #byte(n: number): this {
    this.#room(1);
    this.#buf[this.#len++] = n;
    return this;
  }

  #text(text: string): number {
    this.#room(text.length * 3);
    const { written } = encoder.encodeInto(text, this.#buf.subarray(this.#len));
    this.#len += written;
    return written;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.byteLength) return;
    let size = this.#buf.byteLength * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

/** A received message; `body` is valid until the next `next()`. */
export interface Message {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Cuts a connection's bytes into messages. */
export class MessageReader {
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  readonly #read: (into: Uint8Array) => Promise<number | null>;

  constructor(read: (into: Uint8Array) => Promise<number | null>) {
    this.#read = read;
  }

  async next(): Promise<Message> {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    for (;;) {
      const have = this.#end - this.#start;
      if (have >= 5) {
        const size = 1 + readInt32(this.#buf, this.#start + 1);
        if (have >= size) {
          const message = {
            type: this.#buf[this.#start]!,
            body: this.#buf.subarray(this.#start + 5, this.#start + size),
          };
          this.#start += size;
          return message;
        }
        this.#room(size);
      } else this.#room(5);
      const n = await this.#read(this.#buf.subarray(this.#end));
      if (n === null) throw new ConnectionClosed();
      this.#end += n;
    }
  }

  /** Makes room for a message of `size` bytes from #start (moving what is held to the front). */
  #room(size: number): void {
    if (this.#start + size <= this.#buf.byteLength) return;
    if (size <= this.#buf.byteLength) this.#buf.copyWithin(0, this.#start, this.#end);
    else {
      const next = new Uint8Array(Math.max(size, this.#buf.byteLength * 2));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
    }
    this.#end -= this.#start;
    this.#start = 0;
  }
}

/** The server closed the connection (or it was lost) while a message was awaited. */
export class ConnectionClosed extends Error {
  readonly code = "CONNECTION_CLOSED";
  constructor() {
    super("the database connection was closed");
  }
}

/** A statement or login the server refused: its SQLSTATE as `code`, and its message. */
export class PgError extends Error {
  readonly code: string;
  readonly severity: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** The server's source routine (e.g. RevalidateCachedQuery): which refusals a re-prepare cures. */
  readonly routine: string | undefined;

  constructor(fields: ReadonlyMap<string, string>) {
    super(fields.get("M") ?? "database error");
    this.name = "PgError";
    this.code = fields.get("C") ?? "XX000";
    this.severity = fields.get("V") ?? fields.get("S") ?? "ERROR";
    this.detail = fields.get("D");
    this.hint = fields.get("H");
    this.routine = fields.get("R");
  }
}

/** The fields of an ErrorResponse or NoticeResponse, by their one-letter codes. */
export function errorFields(body: Uint8Array): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.byteLength && body[at] !== 0) {
    const code = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    fields.set(code, decoder.decode(body.subarray(at + 1, end)));
    at = end + 1;
  }
  return fields;
}

export function readInt32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

export function readInt16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** The NUL-terminated string at `at`, and where the next field starts. */
export function readCString(bytes: Uint8Array, at: number): [string, number] {
  const end = bytes.indexOf(0, at);
  return [decoder.decode(bytes.subarray(at, end)), end + 1];
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
