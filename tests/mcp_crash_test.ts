import assert from "node:assert/strict";
import { connectMcp, fixtureServer, type McpApp, openMcpApp, textOf } from "./_fixtures/mcp_harness.ts";

/**
 * Upstream failures (issue 5 "Bad input" and "Done when" item 8): a stdio child killed mid-call is
 * a JSON-RPC error (not a hang, not a tool result), the child is restarted and the next call
 * succeeds; a hanging upstream is a `timeout` after `timeout_ms`; both are recorded, and the
 * status changes are `mcp.server_down` / `mcp.server_up` events.
 */
const statusOf = async (app: McpApp, traceId: string) => {
  await app.ctx.mcp.executions.flush(); // rows are written off the latency path
  return (await app.ctx.db.many<{ status: string }>(
    "select status from mcp_tool_executions where trace_id = $1",
    [
      traceId,
    ],
  )).map((r) => r.status);
};

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

async function rpcError(work: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await work;
  } catch (error) {
    return { code: (error as { code: number }).code, message: (error as Error).message };
  }
  throw new Error("expected a JSON-RPC error");
}

Deno.test("a stdio upstream that dies mid-call or hangs gives JSON-RPC errors, then recovers", async (t) => {
  await using app = await openMcpApp({
    servers: (state) => ({ fixture: fixtureServer("fixture", state, ["timeout_ms: 1500"]) }),
  });
  await using mcp = await connectMcp(app.url, "fixture", app.adminToken);
  await mcp.client.listTools();

  await t.step("killing the child mid-call answers a JSON-RPC error at once", async () => {
    const pid = Number(textOf(await mcp.client.callTool({ name: "pid", arguments: {} })));
    mcp.traceId = "trace-crash-kill";
    const started = performance.now();
    const pending = rpcError(mcp.client.callTool({ name: "slow", arguments: { ms: 10_000 } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    Deno.kill(pid, "SIGKILL");
    const error = await pending;
    assert.equal(error.code, -32000, error.message);
    assert.ok(performance.now() - started < 1_400, "well before the deadline");
    assert.deepEqual(await statusOf(app, "trace-crash-kill"), ["failed"]);
  });

  await t.step("the next call succeeds on a restarted child", async () => {
    mcp.traceId = "trace-crash-next";
    const result = await mcp.client.callTool({ name: "echo", arguments: { text: "again" } });
    assert.equal(textOf(result), "again");
    assert.ok(app.ctx.mcp.slot("fixture").restarts >= 1);
    assert.equal(app.ctx.mcp.slot("fixture").status, "running");
  });

  await t.step("a child that exits during the call is the same: an error, then a restart", async () => {
    mcp.traceId = "trace-crash-exit";
    assert.equal((await rpcError(mcp.client.callTool({ name: "crash", arguments: {} }))).code, -32000);
    assert.equal(textOf(await mcp.client.callTool({ name: "echo", arguments: { text: "ok" } })), "ok");
  });

  await t.step("a hanging upstream times out after timeout_ms", async () => {
    mcp.traceId = "trace-crash-timeout";
    const started = performance.now();
    const error = await rpcError(mcp.client.callTool({ name: "slow", arguments: { ms: 5_000 } }));
    const elapsed = performance.now() - started;
    assert.equal(error.code, -32001, error.message);
    assert.ok(elapsed >= 1_400 && elapsed < 4_000, `${elapsed} ms`);
    assert.deepEqual(await statusOf(app, "trace-crash-timeout"), ["timeout"]);
  });

  await t.step("stopping the gateway stops the child process", async () => {
    const pid = Number(textOf(await mcp.client.callTool({ name: "pid", arguments: {} })));
    assert.ok(await exists(`/proc/${pid}`));
    await app.ctx.mcp.slot("fixture").stop();
    assert.equal(await exists(`/proc/${pid}`), false);
  });

  await t.step("the transitions were recorded as mcp.server_down and mcp.server_up events", async () => {
    const events = await app.ctx.db.many<{ kind: string }>(
      "select kind from event_outbox where kind like 'mcp.server_%' order by id",
    );
    const kinds = events.map((e) => e.kind);
    assert.ok(kinds.filter((k) => k === "mcp.server_down").length >= 2, JSON.stringify(kinds));
    assert.ok(kinds.filter((k) => k === "mcp.server_up").length >= 3, JSON.stringify(kinds));
  });
});
