import assert from "node:assert/strict";
import { createUpstreamHttp } from "@infra/http/h1_client.ts";

/** The gateway's lean HTTP/1.1 client against real sockets: a Deno.serve server, and raw ones for the edges. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const noFallback: typeof fetch = () => Promise.reject(new Error("fallback used"));

/** A raw TCP server: `onConn` gets each accepted connection; the text it has read so far is kept. */
function rawServer(onConn: (conn: Deno.TcpConn, index: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tasks: Promise<void>[] = [];
  const accepting = (async () => {
    let index = 0;
    for await (const conn of listener) {
      tasks.push(onConn(conn, index++).catch(() => {}).finally(() => closeQuietly(conn)));
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.allSettled(tasks);
    },
  };
}

function closeQuietly(conn: Deno.Conn) {
  try {
    conn.close();
  } catch { /* closed */ }
}

/** Reads one request head (and a Content-Length body) from a raw connection. */
async function readRequest(conn: Deno.Conn): Promise<string | null> {
  let text = "";
  const buf = new Uint8Array(4096);
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) return null;
    text += decoder.decode(buf.subarray(0, n));
  }
  const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
  while (text.length - text.indexOf("\r\n\r\n") - 4 < length) {
    const n = await conn.read(buf);
    if (n === null) return null;
    text += decoder.decode(buf.subarray(0, n));
  }
  return text;
}

const write = (conn: Deno.Conn, text: string) => conn.write(encoder.encode(text));

Deno.test("h1 client: answers match the server's, and a connection is reused", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request, info) => {
    const body = await request.text();
    return Response.json(
      { body, method: request.method, key: request.headers.get("x-api-key"), port: info.remoteAddr.port },
      { status: 201, headers: { "x-upstream": "yes" } },
    );
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v1/messages?beta=1`;
    const call = () =>
      client.fetch(url, { method: "POST", headers: { "x-api-key": "k1" }, body: JSON.stringify({ n: "é" }) });
    const first = await call();
    assert.equal(first.status, 201);
    assert.equal(first.headers.get("x-upstream"), "yes");
    const a = await first.json();
    assert.deepEqual({ ...a, port: 0 }, { body: '{"n":"é"}', method: "POST", key: "k1", port: 0 });
    assert.equal(client.idle(), 1);
    const b = await (await call()).json();
    assert.equal(b.port, a.port, "the second call went over the same connection");
  } finally {
    await client[Symbol.asyncDispose]();
    await server.shutdown();
  }
});

Deno.test("h1 client: a connection the server closes while idle is dropped, and the next call opens another", async () => {
  const seen: number[] = [];
  await using server = rawServer(async (conn, index) => {
    seen.push(index);
    if (await readRequest(conn) === null) return;
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    await new Promise((r) => setTimeout(r, 30)); // an idle keep-alive timeout
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  assert.equal(await (await client.fetch(server.url, { method: "POST", body: "x" })).text(), "ok");
  assert.equal(client.idle(), 1);
  for (let i = 0; i < 100 && client.idle() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(client.idle(), 0, "the closed connection left the pool");
  assert.equal(await (await client.fetch(server.url, { method: "POST", body: "y" })).text(), "ok");
  assert.deepEqual(seen, [0, 1]);
});

Deno.test("h1 client: a chunked answer streams as it arrives, then the connection is reused", async () => {
  let release!: () => void;
  const second = new Promise<void>((r) => release = r);
  const connections: number[] = [];
  await using server = rawServer(async (conn, index) => {
    connections.push(index);
    while (await readRequest(conn) !== null) {
      await write(
        conn,
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
      );
      await write(conn, "9\r\ndata: a\n\n\r\n");
      await second;
      await write(conn, "9;ext=1\r\ndata: b\n\n\r\n0\r\nx-trailer: t\r\n\r\n");
    }
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  const response = await client.fetch(server.url, { method: "POST", body: "{}" });
  const reader = response.body!.getReader();
  assert.equal(decoder.decode((await reader.read()).value), "data: a\n\n", "before the rest was sent");
  release();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
  assert.equal(rest, "data: b\n\n");
  assert.equal(client.idle(), 1);
  assert.equal(
    await (await client.fetch(server.url, { method: "POST", body: "{}" })).text(),
    "data: a\n\ndata: b\n\n",
  );
  assert.deepEqual(connections, [0]);
});

Deno.test("h1 client: the caller's signal aborts a body in flight, and the connection is not reused", async () => {
  await using server = rawServer(async (conn) => {
    if (await readRequest(conn) === null) return;
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhalf");
    await readRequest(conn); // holds the connection until the client closes it
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  const controller = new AbortController();
  const response = await client.fetch(server.url, { method: "POST", body: "{}", signal: controller.signal });
  const reader = response.body!.getReader();
  assert.equal(decoder.decode((await reader.read()).value), "half");
  const reason = new DOMException("client gone", "AbortError");
  controller.abort(reason);
  await assert.rejects(reader.read(), (e) => e === reason);
  assert.equal(client.idle(), 0);
});

Deno.test("h1 client: a silent server is left at the deadline; a refused connection is a TypeError", async () => {
  await using server = rawServer(async (conn) => void await readRequest(conn).then(() => readRequest(conn)));
  await using client = createUpstreamHttp({ fallback: noFallback });
  const timeout = new DOMException("upstream deadline", "TimeoutError");
  const controller = new AbortController();
  setTimeout(() => controller.abort(timeout), 50);
  await assert.rejects(
    client.fetch(server.url, { method: "POST", body: "{}", signal: controller.signal }),
    (e) => e === timeout,
  );
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  await assert.rejects(client.fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" }), TypeError);
  const malformed = rawServer(async (conn) => {
    await readRequest(conn);
    await write(conn, "HTTP/1.1 OK\r\n\r\n");
  });
  await using _m = malformed;
  await assert.rejects(client.fetch(malformed.url, { method: "POST", body: "{}" }), /malformed status line/);
});

Deno.test("h1 client: an answer framed by the connection's close is read whole, and that connection goes", async () => {
  await using server = rawServer(async (conn) => {
    await readRequest(conn);
    await write(conn, "HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n");
    await write(conn, '{"big":"' + "x".repeat(200_000) + '"}');
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  const body = await (await client.fetch(server.url, { method: "POST", body: "{}" })).json();
  assert.equal(body.big.length, 200_000);
  assert.equal(client.idle(), 0);
});

Deno.test("h1 client: a gzip answer is decoded; TLS and a configured proxy go to fetch", async () => {
  const gzipped = new Uint8Array(
    await new Response(new Blob(['{"ok":true}']).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  await using server = rawServer(async (conn) => {
    while (await readRequest(conn) !== null) {
      await write(
        conn,
        `HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${gzipped.byteLength}\r\n\r\n`,
      );
      await conn.write(gzipped);
    }
  });
  await using client = createUpstreamHttp({ fallback: noFallback });
  const response = await client.fetch(server.url, { method: "POST", body: "{}" });
  assert.deepEqual(await response.json(), { ok: true });
  assert.equal(response.headers.get("content-encoding"), null);
  const sent: string[] = [];
  const recording: typeof fetch = (input) => {
    sent.push(String(input));
    return Promise.resolve(new Response("via fetch"));
  };
  await using tls = createUpstreamHttp({ fallback: recording });
  assert.equal(
    await (await tls.fetch("https://api.example.test/v1/messages", { method: "POST" })).text(),
    "via fetch",
  );
  await using proxied = createUpstreamHttp({ fallback: recording, proxied: true });
  assert.equal(await (await proxied.fetch(server.url, { method: "POST", body: "{}" })).text(), "via fetch");
  assert.deepEqual(sent, ["https://api.example.test/v1/messages", server.url]);
});
