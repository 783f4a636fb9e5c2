/**
 * The provider gateway's HTTP client: `fetch`'s signature, with plain-`http:` upstreams (on-premises
 * inference servers) served by a lean keep-alive HTTP/1.1 client of our own and everything else
 * (TLS, a configured proxy, bodies other than text or bytes) by `fetch`. Per call, `fetch` builds
 * Request, Headers, AbortSignal and stream objects on both sides of its Rust client; the llm bench's
 * relay floor over a raw keep-alive connection instead measured 0.07–0.12 ms less at p50 and
 * 0.05–0.39 ms less at p99 in each of six interleaved passes (tests/bench/analysis.md, session 13).
 *
 * Each origin keeps a stack of idle connections (the most recently used first, at most `maxIdle`).
 * An idle connection always has a read outstanding: if the server closes it (an idle keep-alive
 * timeout) or sends anything unasked, it is dropped before it can be reused, so a request is never
 * written into a connection already known to be closed. Answers are framed by Content-Length,
 * chunked transfer coding or the connection's close; a body is streamed as it arrives. The caller's
 * signal aborts the connect, the exchange or the body (the connection is closed, never reused).
 */
import { bodyStream, describe } from "./h1_body.ts";
import { ConnPool, type H1Conn } from "./h1_conn.ts";
import { contentCoding, encodeRequest, type Head, readHead } from "./h1_head.ts";

export interface UpstreamHttp extends AsyncDisposable {
  readonly fetch: typeof fetch;
  /** Idle connections held, over every origin (tests). */
  idle(): number;
}

export interface UpstreamHttpOptions {
  /** Idle connections kept per origin. */
  readonly maxIdle?: number;
  /** An HTTP proxy is configured for outbound calls: every call goes through `fetch`, which honours it. */
  readonly proxied?: boolean;
  readonly fallback?: typeof fetch;
}

export function createUpstreamHttp(options: UpstreamHttpOptions = {}): UpstreamHttp {
  const fallback = options.fallback ?? globalThis.fetch;
  const proxied = options.proxied ?? false;
  const pool = new ConnPool(options.maxIdle ?? 32);

  const lean: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? URL.parse(input) : input instanceof URL ? input : null;
    const body = init?.body;
    if (
      proxied || url === null || url.protocol !== "http:" || url.username !== "" ||
      (body != null && typeof body !== "string" && !(body instanceof Uint8Array))
    ) {
      return fallback(input, init);
    }
    return exchange(pool, url, init ?? {});
  };
  return {
    fetch: lean,
    idle: () => pool.size(),
    [Symbol.asyncDispose]: () => pool.close(),
  };
}

async function exchange(pool: ConnPool, url: URL, init: RequestInit): Promise<Response> {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init.method ?? "GET").toUpperCase();
  const request = encodeRequest(method, url, init);
  let conn: H1Conn | undefined;
  let abandon: ((reason: unknown) => void) | undefined;
  const onAbort = () => {
    conn?.close();
    abandon?.(signal?.reason);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let head: Head;
  try {
    const work = (async () => {
      conn = await pool.take(url);
      if (signal?.aborted) conn.close();
      await conn.write(request);
      return await readHead(conn, method);
    })();
    work.catch(() => {}); // after an abort nothing waits for it (a connect cannot be interrupted)
    head = signal
      ? await Promise.race([work, new Promise<never>((_, reject) => abandon = reject)])
      : await work;
  } catch (error) {
    signal?.removeEventListener("abort", onAbort);
    conn?.close();
    if (signal?.aborted) throw signal.reason;
    // The origin and path only: a query string is no place for a key, but never echo one.
    throw new TypeError(`error sending request to ${url.origin}${url.pathname}: ${describe(error)}`, {
      cause: error,
    });
  }
  const c = conn!;
  const done = (reusable: boolean) => {
    signal?.removeEventListener("abort", onAbort);
    if (reusable && head.keepAlive && !c.dead) pool.park(url, c);
    else c.close();
  };
  const init2 = { status: head.status, statusText: head.statusText, headers: head.headers };
  const framing = head.framing;
  if (framing.kind === "none") {
    done(true);
    return new Response(null, init2);
  }
  const coding = contentCoding(head.headers);
  if (framing.kind === "length" && c.available() >= framing.length && coding === undefined) {
    const bytes = c.view().slice(0, framing.length);
    c.consume(framing.length);
    done(true);
    return new Response(bytes, init2);
  }
  const body = bodyStream(c, framing, signal, done);
  if (coding === undefined) return new Response(body, init2);
  // We ask for no coding; one sent anyway is undone, as fetch would.
  head.headers.delete("content-encoding");
  head.headers.delete("content-length");
  const decompress = new DecompressionStream(coding) as unknown as TransformStream<Uint8Array, Uint8Array>;
  return new Response(body.pipeThrough(decompress), init2);
}
