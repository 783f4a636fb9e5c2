/** HTTP/1.1 on the wire for the lean client (h1_client.ts): the request, the answer's head and framing. */
import type { H1Conn } from "./h1_conn.ts";

/** An answer's head larger than this is refused (as a malformed answer). */
const MAX_HEAD_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

export interface Head {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly keepAlive: boolean;
  readonly framing: { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | {
    kind: "close";
  };
}

export function contentCoding(headers: Headers): CompressionFormat | undefined {
  const coding = headers.get("content-encoding")?.trim().toLowerCase();
  if (!coding || coding === "identity") return undefined;
  if (coding === "gzip" || coding === "x-gzip") return "gzip";
  if (coding === "deflate") return "deflate";
  throw new TypeError(`unsupported content-encoding: ${coding}`);
}

export function encodeRequest(method: string, url: URL, init: RequestInit): Uint8Array {
  const body = init.body == null
    ? undefined
    : typeof init.body === "string"
    ? encoder.encode(init.body)
    : init.body as Uint8Array;
  const headers = new Headers(init.headers);
  let text = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of headers) {
    if (
      name === "host" || name === "content-length" || name === "connection" || name === "transfer-encoding"
    ) {
      continue;
    }
    text += `${name}: ${value}\r\n`;
  }
  if (!headers.has("accept")) text += "accept: */*\r\n";
  if (body !== undefined || method === "POST" || method === "PUT" || method === "PATCH") {
    text += `content-length: ${body?.byteLength ?? 0}\r\n`;
  }
  const head = encoder.encode(`${text}\r\n`);
  if (!body || body.byteLength === 0) return head;
  const out = new Uint8Array(head.byteLength + body.byteLength);
  out.set(head);
  out.set(body, head.byteLength);
  return out;
}

export async function readHead(conn: H1Conn, method: string): Promise<Head> {
  for (;;) {
    let end = headEnd(conn.view());
    while (end < 0) {
      if (conn.available() > MAX_HEAD_BYTES) throw new Error("response head too large");
      if (!await conn.fill()) {
        throw new Error(conn.available() === 0 ? "connection closed before a response" : "response cut off");
      }
      end = headEnd(conn.view());
    }
    const text = latin1.decode(conn.view().subarray(0, end));
    conn.consume(end + 4);
    const head = parseHead(text, method);
    // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
    if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
    return head;
  }
}

function headEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(13); i >= 0 && i + 3 < bytes.byteLength; i = bytes.indexOf(13, i + 1)) {
    if (bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

function parseHead(text: string, method: string): Head {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!status) throw new Error("malformed status line");
  const headers = new Headers();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error("malformed header line");
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      throw new Error("malformed header line");
    }
  }
  const code = Number(status[2]);
  const connection = headers.get("connection")?.toLowerCase() ?? "";
  const keepAlive = status[1] === "1" ? !connection.includes("close") : connection.includes("keep-alive");
  const coding = headers.get("transfer-encoding")?.toLowerCase();
  const length = headers.get("content-length");
  let framing: Head["framing"];
  if (code === 101) return { ...base(), keepAlive: false, framing: { kind: "none" } };
  if (method === "HEAD" || code === 204 || code === 304 || (code >= 100 && code < 200)) {
    framing = { kind: "none" };
  } else if (coding !== undefined && coding !== null) {
    if (!/(^|,)\s*chunked\s*$/.test(coding)) {
      return { ...base(), keepAlive: false, framing: { kind: "close" } };
    }
    framing = { kind: "chunked" };
  } else if (length !== null) {
    if (!/^\d{1,15}$/.test(length.trim())) throw new Error("malformed content-length");
    framing = { kind: "length", length: Number(length.trim()) };
  } else framing = { kind: "close" };
  return { ...base(), keepAlive: keepAlive && framing.kind !== "close", framing };

  function base() {
    return { status: code, statusText: status![3] ?? "", headers };
  }
}
