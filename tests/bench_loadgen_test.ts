import assert from "node:assert/strict";
import { runLoad } from "./bench/loadgen.ts";
import type { LoadSpec } from "./bench/load_types.ts";

/** The benchmark's load generator against a local server (no database): counts, errors and CO. */
function serve(handler: (request: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, [Symbol.asyncDispose]: () => server.shutdown() };
}

const spec = (url: string, load: LoadSpec["load"], extra: Partial<LoadSpec> = {}): LoadSpec => ({
  url: `${url}/x`,
  method: "POST",
  headers: {},
  bodies: ['{"a":1}', '{"a":2}'],
  expect: '"ok":true',
  load,
  warmupMs: 100,
  measureMs: 400,
  passes: 2,
  serverPid: Deno.pid,
  ...extra,
});

Deno.test("loadgen: a closed loop counts every reply, per pass and in total, without errors", async () => {
  let seen = 0;
  await using server = serve(async (request) => {
    await request.json();
    seen++;
    return Response.json({ ok: true });
  });
  const result = await runLoad(spec(server.url, { kind: "closed", concurrency: 4 }));
  assert.equal(result.passes.length, 2);
  for (const pass of result.passes) {
    assert.equal(pass.errors, 0);
    assert.ok(pass.completed > 10, `only ${pass.completed} requests`);
    assert.ok(pass.latency.p50 > 0 && pass.latency.p50 <= pass.latency.p99);
  }
  assert.equal(result.totals.replies, seen, "every reply the server sent is counted once");
  assert.equal(result.totals.ok, seen);
});

Deno.test("loadgen: a reply without the expected text or with another status is an error", async () => {
  await using server = serve(() => Response.json({ ok: false }, { status: 200 }));
  const result = await runLoad(spec(server.url, { kind: "closed", concurrency: 2, requests: 20 }));
  assert.equal(result.passes[0]!.errors, 20);
  assert.match(result.passes[0]!.errorSamples[0]!, /^HTTP 200: \{"ok":false\}/);
  assert.equal(result.totals.replies, 20);
  assert.equal(result.totals.ok, 0);
});

Deno.test("loadgen: the open loop measures from the due time, so a server stall shows (no coordinated omission)", async () => {
  const started = performance.now();
  let release: (() => void) | undefined;
  const stall = new Promise<void>((resolve) => (release = resolve));
  await using server = serve(async () => {
    const t = performance.now() - started;
    if (t > 250 && t < 600) await stall; // every request in this window waits for the release
    return Response.json({ ok: true });
  });
  setTimeout(() => release?.(), 600);
  const result = await runLoad(
    spec(server.url, { kind: "open", rate: 200, maxConnections: 4 }, {
      warmupMs: 0,
      measureMs: 1000,
      passes: 1,
    }),
  );
  const pass = result.passes[0]!;
  assert.equal(pass.errors, 0);
  assert.ok(Math.abs(pass.sent - 200) <= 2, `${pass.sent} requests due at 200/s in 1 s`);
  // Requests due from ~250 ms queue behind the stall until ~600 ms: the worst waits ~350 ms.
  assert.ok(pass.latency.max > 250, `max ${pass.latency.max} ms`);
  assert.ok(
    pass.latency.p90 > 50,
    `p90 ${pass.latency.p90} ms: the stalled requests are a third of the window`,
  );
});
