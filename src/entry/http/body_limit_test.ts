import assert from "node:assert/strict";
import { Hono } from "hono";
import { declaredBodyLimit } from "./body_limit.ts";

const LIMIT = 64;

function app(): Hono {
  const app = new Hono();
  app.use("*", declaredBodyLimit({ maxSize: LIMIT, onError: (c) => c.text("too large", 413) }));
  app.post("/echo", async (c) => c.text(`got ${(await c.req.text()).length}`));
  return app;
}

/** A POST whose `body` getter counts its reads (the server's whole-body read does not use it). */
function watched(body: BodyInit, headers: Record<string, string>): { request: Request; reads: () => number } {
  const request = new Request("http://test.local/echo", { method: "POST", body, headers });
  let reads = 0;
  const getter = Object.getOwnPropertyDescriptor(Request.prototype, "body")!.get!;
  Object.defineProperty(request, "body", {
    get() {
      reads++;
      return getter.call(request);
    },
  });
  return { request, reads: () => reads };
}

function chunked(bytes: number): ReadableStream<Uint8Array> {
  return ReadableStream.from([new Uint8Array(bytes / 2).fill(0x61), new Uint8Array(bytes / 2).fill(0x62)]);
}

Deno.test("a declared length within the limit passes without turning the body into a stream", async () => {
  const { request, reads } = watched("x".repeat(LIMIT), { "content-length": String(LIMIT) });
  const response = await app().fetch(request);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), `got ${LIMIT}`);
  assert.equal(reads(), 0);
});

Deno.test("a declared length over the limit is refused before the body is read", async () => {
  const { request, reads } = watched("x".repeat(LIMIT + 1), { "content-length": String(LIMIT + 1) });
  const response = await app().fetch(request);
  assert.equal(response.status, 413);
  assert.equal(await response.text(), "too large");
  assert.equal(reads(), 0);
});

Deno.test("a body without a declared length is counted as it streams", async () => {
  const small = watched(chunked(LIMIT), {});
  const ok = await app().fetch(small.request);
  assert.equal(await ok.text(), `got ${LIMIT}`);
  assert.ok(small.reads() > 0, "the counting path reads the stream");
  const big = watched(chunked(LIMIT * 2), {});
  assert.equal((await app().fetch(big.request)).status, 413);
});

Deno.test("a declared length beside transfer-encoding is counted instead", async () => {
  const headers = { "content-length": "10", "transfer-encoding": "chunked" };
  const { request, reads } = watched(chunked(LIMIT * 2), headers);
  assert.equal((await app().fetch(request)).status, 413);
  assert.ok(reads() > 0);
});
