import assert from "node:assert/strict";
import { startHttpServer } from "@entry/http/serve.ts";
import { testDbMode } from "./support/db.ts";
import { createUserWithToken, preToolUse } from "./support/hooks.ts";
import { openTestApp } from "./support/test_app.ts";

const mode = testDbMode();

Deno.test(`events (${mode}): /api/v1/events/stream delivers decisions live to admins only`, async () => {
  await using t = await openTestApp();
  const server = startHttpServer(t.ctx, { hostname: "127.0.0.1", port: 0 });
  try {
    const { token: userToken } = await createUserWithToken(t, "viewer@example.com");
    const denied = await fetch(`${server.url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${userToken}` },
    });
    assert.equal(denied.status, 403);
    await denied.body?.cancel();
    const abort = new AbortController();
    const response = await fetch(`${server.url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 5_000;
      while (!pattern.test(seen) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      assert.match(seen, pattern);
    };
    await readUntil(/event: ready/);
    const governed = await fetch(`${server.url}/api/public/hooks/govern`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${t.adminToken}`,
        "content-type": "application/json",
        "x-trace-id": "sse-1",
      },
      body: JSON.stringify(preToolUse("Read", { file_path: "/x" })),
    });
    await governed.body?.cancel();
    await readUntil(/event: governance\.decision\ndata: .*"trace_id":"sse-1"/);
    abort.abort();
    await reader.cancel().catch(() => {});
  } finally {
    await server.shutdown();
  }
});
