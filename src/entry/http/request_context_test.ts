import assert from "node:assert/strict";
import { Hono } from "hono";
import { MetricsRegistry } from "@infra/metrics/registry.ts";
import { silentLogger } from "@shared/logger.ts";
import type { HttpEnv } from "./env.ts";
import { requestContext } from "./request_context.ts";

function app(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use("*", requestContext({ metrics: new MetricsRegistry(), log: silentLogger }));
  app.get("/json", (c) => c.json({ ok: true }));
  app.get("/raw", () => new Response("plain text", { headers: { "content-type": "text/plain" } }));
  app.get("/stream", () => new Response(ReadableStream.from([new TextEncoder().encode("chunk")])));
  // Response.redirect's headers are immutable (as a relayed fetch() answer's are).
  app.get("/immutable", () => Response.redirect("https://example.test/elsewhere", 302));
  return app;
}

Deno.test("every answer carries x-trace-id and x-request-id, its body and headers intact", async () => {
  const a = app();
  const cases: [string, number, string | null, string][] = [
    ["/json", 200, "application/json", '{"ok":true}'],
    ["/raw", 200, "text/plain", "plain text"],
    ["/stream", 200, null, "chunk"],
    ["/immutable", 302, null, ""],
  ];
  for (const [path, status, type, body] of cases) {
    const response = await a.request(path, { headers: { "x-trace-id": `trace-${path.slice(1)}` } });
    assert.equal(response.status, status, path);
    assert.equal(response.headers.get("x-trace-id"), `trace-${path.slice(1)}`, path);
    assert.match(response.headers.get("x-request-id") ?? "", /\S{8,}/, path);
    if (type) assert.ok(response.headers.get("content-type")?.startsWith(type), path);
    assert.equal(await response.text(), body, path);
  }
  const moved = await a.request("/immutable");
  assert.equal(moved.headers.get("location"), "https://example.test/elsewhere");
});
