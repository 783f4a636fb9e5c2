/** An answer's body for the lean client (h1_client.ts): by Content-Length, chunked, or to the close. */
import type { H1Conn } from "./h1_conn.ts";

/** A chunk-size or trailer line longer than this is refused. */
const MAX_LINE_BYTES = 64 * 1024;
const latin1 = new TextDecoder("latin1");

/** The body as it arrives; `done(reusable)` once it ended, was cancelled or failed. */
export function bodyStream(
  conn: H1Conn,
  framing: { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" },
  signal: AbortSignal | undefined,
  done: (reusable: boolean) => void,
): ReadableStream<Uint8Array> {
  let left = framing.kind === "length" ? framing.length : 0;
  /** Chunked: bytes left in the current chunk, or -1 when a size line comes next. */
  let chunk = -1;
  let finished = false;
  const finish = (reusable: boolean) => {
    if (finished) return;
    finished = true;
    signal?.removeEventListener("abort", onAbort);
    done(reusable);
  };
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onAbort = () => {
    conn.close();
    try {
      controllerRef?.error(signal?.reason);
    } catch { /* already closed */ }
    finish(false);
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  const more = async () => {
    if (!await conn.fill()) throw new Error("connection closed before the body was complete");
  };
  const take = (n: number): Uint8Array => {
    const piece = conn.view().slice(0, n);
    conn.consume(n);
    return piece;
  };
  const pullLength = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (conn.available() === 0) await more();
    const piece = take(Math.min(left, conn.available()));
    left -= piece.byteLength;
    controller.enqueue(piece);
    if (left === 0) {
      controller.close();
      finish(true);
    }
  };
  const pullClose = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (conn.available() === 0 && !await conn.fill()) {
      controller.close();
      return finish(false);
    }
    controller.enqueue(take(conn.available()));
  };
  const line = async (): Promise<string> => {
    let end = conn.view().indexOf(10);
    while (end < 0) {
      if (conn.available() > MAX_LINE_BYTES) throw new Error("chunk size line too long");
      await more();
      end = conn.view().indexOf(10);
    }
    const text = latin1.decode(conn.view().subarray(0, end)).replace(/\r$/, "");
    conn.consume(end + 1);
    return text;
  };
  const pullChunked = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      if (chunk < 0) {
        const size = /^([0-9a-fA-F]{1,15})\s*(;.*)?$/.exec(await line());
        if (!size) throw new Error("malformed chunk size");
        chunk = parseInt(size[1]!, 16);
        if (chunk === 0) {
          while ((await line()) !== "") { /* trailer fields are not kept */ }
          controller.close();
          return finish(true);
        }
      }
      if (conn.available() === 0) await more();
      const piece = take(Math.min(chunk, conn.available()));
      chunk -= piece.byteLength;
      if (chunk === 0) {
        while (conn.available() < 2) await more();
        if (conn.view()[0] !== 13 || conn.view()[1] !== 10) throw new Error("malformed chunk end");
        conn.consume(2);
        chunk = -1;
      }
      if (piece.byteLength > 0) return controller.enqueue(piece);
    }
  };
  const pull = framing.kind === "length" ? pullLength : framing.kind === "chunked" ? pullChunked : pullClose;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
    },
    async pull(controller) {
      try {
        await pull(controller);
      } catch (error) {
        conn.close();
        finish(false);
        throw signal?.aborted
          ? signal.reason
          : new TypeError(`error reading a response body: ${describe(error)}`);
      }
    },
    cancel() {
      conn.close();
      finish(false);
    },
  }, { highWaterMark: 0 });
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
