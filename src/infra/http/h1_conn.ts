/**
 * The lean client's connections (h1_client.ts): the idle ones by origin (`ConnPool`, a stack each, the
 * most recently used on top) and one keep-alive connection with its read buffer (`H1Conn`).
 */
export class ConnPool {
  readonly #max: number;
  readonly #idle = new Map<string, H1Conn[]>();
  readonly #watching = new Set<Promise<unknown>>();
  #closed = false;

  constructor(max: number) {
    this.#max = max;
  }

  size(): number {
    let n = 0;
    for (const stack of this.#idle.values()) n += stack.length;
    return n;
  }

  async take(url: URL): Promise<H1Conn> {
    const stack = this.#idle.get(url.host);
    for (let conn = stack?.pop(); conn; conn = stack?.pop()) {
      if (conn.resume()) return conn;
    }
    const port = Number(url.port || 80);
    const tcp = await Deno.connect({ hostname: url.hostname.replace(/^\[|\]$/g, ""), port });
    tcp.setNoDelay(true);
    return new H1Conn(tcp);
  }

  /** A finished exchange hands its connection back (or closes it when nothing may reuse it). */
  park(url: URL, conn: H1Conn): void {
    // Bytes nobody asked for (no request is pipelined) mean the connection cannot be trusted.
    if (this.#closed || conn.available() > 0) return conn.close();
    let stack = this.#idle.get(url.host);
    if (!stack) this.#idle.set(url.host, stack = []);
    if (stack.length >= this.#max) stack.shift()?.close();
    stack.push(conn);
    const watch = conn.park(() => {
      const at = stack.indexOf(conn);
      if (at >= 0) stack.splice(at, 1);
    });
    this.#watching.add(watch);
    void watch.finally(() => this.#watching.delete(watch));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const stack of this.#idle.values()) for (const conn of stack) conn.close();
    this.#idle.clear();
    await Promise.allSettled([...this.#watching]);
  }
}

/** One keep-alive connection and its read buffer (`buf[start, end)` holds unread bytes). */
export class H1Conn {
  readonly #tcp: Deno.TcpConn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  /** A read into `buf[end..]` not yet accounted for (one at a time). */
  #pending: Promise<number | null> | undefined;
  #parked = false;
  #dead = false;
  constructor(tcp: Deno.TcpConn) {
    this.#tcp = tcp;
  }

  /** Idle: watch for the server closing it (or talking out of turn); `gone` drops it from the pool. */
  park(gone: () => void): Promise<unknown> {
    this.#parked = true;
    this.#tcp.unref();
    const read = this.#read();
    return read.then(() => {
      if (!this.#parked) return;
      gone();
      this.close();
    }, () => {
      if (!this.#parked) return;
      gone();
      this.close();
    });
  }

  /** Taken from the pool: false when it died while idle. */
  resume(): boolean {
    if (this.#dead) return false;
    this.#parked = false;
    this.#tcp.ref();
    return true;
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.byteLength;) at += await this.#tcp.write(bytes.subarray(at));
  }

  /** Unread bytes. */
  available(): number {
    return this.#end - this.#start;
  }

  view(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  consume(n: number): void {
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  /** Reads more bytes into the buffer; false at end of stream. */
  async fill(): Promise<boolean> {
    const n = await this.#read();
    this.#pending = undefined;
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  close(): void {
    if (this.#dead) return;
    this.#dead = true;
    try {
      this.#tcp.close();
    } catch { /* already closed */ }
  }

  get dead(): boolean {
    return this.#dead;
  }

  #read(): Promise<number | null> {
    if (this.#pending) return this.#pending;
    if (this.#end === this.#buf.byteLength) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const bigger = new Uint8Array(this.#buf.byteLength * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
    }
    this.#pending = this.#tcp.read(this.#buf.subarray(this.#end));
    return this.#pending;
  }
}
