import assert from "node:assert/strict";
import { connectMcp, fixtureServer, openMcpApp, storeOrgSecret, textOf } from "./_fixtures/mcp_harness.ts";

/**
 * Credentials the model never sees (ARCHITECTURE §10; issue 5 "Done when" item 5): a stdio upstream
 * gets `env: {API_TOKEN: secret:demo}` from the vault in an otherwise empty environment; a result
 * that echoes the value shows `[REDACTED]`; the value reaches no log line, audit row, execution
 * row, event or the child's stderr log.
 */
const CANARY = `canary-${crypto.randomUUID().replaceAll("-", "")}`;

Deno.test("a stdio upstream receives its vault secret; the model-facing result and every record hide it", async (t) => {
  await using app = await openMcpApp({
    servers: (state) => ({
      fixture: fixtureServer("fixture", state, ["  API_TOKEN: secret:demo", "  LEAKY: AKIAIOSFODNN7EXAMPLE"]),
      missing: fixtureServer("missing", state, ["  API_TOKEN: secret:absent"]),
    }),
    prepare: (ctx) => storeOrgSecret(ctx, "demo", CANARY),
  });
  await using mcp = await connectMcp(app.url, "fixture", app.adminToken);
  await mcp.client.listTools();

  await t.step("the child's environment is exactly what it declares", async () => {
    const keys = JSON.parse(
      textOf(await mcp.client.callTool({ name: "env_keys", arguments: {} })),
    ) as string[];
    // The deno runtime inside the child adds these two to its own environment (`/usr/bin/env` run the
    // same way shows only what was declared); nothing of ours (HOME, SYSTEMPROMPT_*, DATABASE_URL) leaks.
    const added = new Set(["PATH", "DENO_NODE_SHIM_ACTIVE"]);
    assert.deepEqual(keys.filter((k) => !added.has(k)), [
      "API_TOKEN",
      "DENO_DIR",
      "DENO_NO_UPDATE_CHECK",
      "FIXTURE_STATE",
      "LEAKY",
    ]);
  });

  await t.step("the value is in the child, and redacted in the result that echoes it", async () => {
    mcp.traceId = "trace-secret-echo";
    const result = await mcp.client.callTool({ name: "env", arguments: { name: "API_TOKEN" } });
    assert.equal(textOf(result), "API_TOKEN=[REDACTED]");
    assert.notEqual(result.isError, true);
  });

  await t.step("a secret the scanner detects in a result is redacted too", async () => {
    const result = await mcp.client.callTool({ name: "env", arguments: { name: "LEAKY" } });
    assert.match(textOf(result), /^LEAKY=\[REDACTED:[a-z0-9-]+\]$/);
  });

  await t.step("a secret the vault cannot supply denies the call with policy vault", async () => {
    await using other = await connectMcp(app.url, "missing", app.adminToken);
    other.traceId = "trace-secret-missing";
    const result = await other.client.callTool({ name: "echo", arguments: { text: "x" } });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /^\[GOVERNANCE\] secret absent is not set/);
    const rows = await app.ctx.db.many<{ policy: string }>(
      "select policy from governance_decisions where trace_id = $1",
      ["trace-secret-missing"],
    );
    assert.deepEqual(rows.map((r) => r.policy), ["vault"]);
  });

  await t.step(
    "the value appears in no log line, audit row, execution row, event or stderr log",
    async () => {
      assert.ok(app.logs.length > 0, "logs were captured");
      assert.ok(!app.logs.some((line) => line.includes(CANARY)), "log lines");
      await app.ctx.mcp.executions.flush();
      await app.ctx.audit.publishEvents();
      for (const table of ["governance_decisions", "mcp_tool_executions", "event_outbox", "mcp_sessions"]) {
        const rows = await app.ctx.db.many<{ row: string }>(`select t::text as row from ${table} t`);
        assert.ok(rows.length > 0, `${table} has rows`);
        assert.ok(!rows.some((r) => r.row.includes(CANARY)), table);
      }
      const stderrLog = await Deno.readTextFile(`${app.ctx.config.paths.logs}/mcp/fixture.log`);
      assert.match(stderrLog, /fixture started/);
      assert.ok(!stderrLog.includes(CANARY));
    },
  );
});
