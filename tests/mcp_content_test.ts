import assert from "node:assert/strict";
import { auditRows, createUserWithToken } from "./support/hooks.ts";
import type { TestApp } from "./support/test_app.ts";
import {
  connectMcp,
  fixtureCalls,
  fixtureServer,
  type McpApp,
  openMcpApp,
  storeOrgSecret,
} from "./_fixtures/mcp_harness.ts";

/**
 * MCP resources and prompts through the gateway (issue 5, Build item 4): offered when the upstream
 * declares them, `resources/read` and `prompts/get` governed like `tools/call` (one decision row
 * named `mcp__<server>__resource:<uri>` / `mcp__<server>__prompt:<name>`, arguments scanned, a
 * deny is JSON-RPC error -32003 `[GOVERNANCE] <reason>` and never reaches the upstream), results
 * redacted (injected credentials and detected secrets), listings filtered by `rbac`.
 */
const CANARY = `canary-${crypto.randomUUID().replaceAll("-", "")}`;
const README = "fixture://notes/readme";

const roles = [
  "rules:",
  `  - entity: mcp_tool:fixture/resource:${README}`,
  "    effect: deny",
  "    roles: [contractor]",
  "    users: []",
  "    departments: []",
].join("\n");

const rows = async (app: McpApp, traceId: string) =>
  (await auditRows(app as unknown as TestApp)).filter((r) => r.trace_id === traceId);

/** Execution rows are written off the latency path: flush what this process queued first. */
const executions = async (app: McpApp, traceId: string) => {
  await app.ctx.mcp.executions.flush();
  return await app.ctx.db.many<{ status: string; tool: string }>(
    "select status, tool from mcp_tool_executions where trace_id = $1",
    [traceId],
  );
};

type Contents = { contents: { text?: string }[] };
type Messages = { messages: { content: { text?: string } }[] };

const governanceError = (error: unknown, pattern: RegExp) => {
  const e = error as { code?: unknown; message?: unknown };
  assert.equal(e.code, -32003);
  assert.match(String(e.message), pattern);
  return true;
};

Deno.test("MCP gateway: governed resources and prompts", async (t) => {
  await using app = await openMcpApp({
    servers: (state) => ({
      fixture: fixtureServer("fixture", state, ["  API_TOKEN: secret:demo", "  LEAKY: AKIAIOSFODNN7EXAMPLE"]),
      demo: "name: demo\nkind: builtin\n",
    }),
    roles,
    prepare: (ctx) => storeOrgSecret(ctx, "demo", CANARY),
  });
  await using admin = await connectMcp(app.url, "fixture", app.adminToken);

  await t.step("initialize declares what the upstream offers; listings are proxied", async () => {
    const capabilities = admin.client.getServerCapabilities();
    assert.ok(capabilities?.resources && capabilities.prompts);
    const listed = await admin.client.listResources() as { resources: { uri: string }[] };
    assert.deepEqual(listed.resources.map((r) => r.uri), [README, "fixture://env/API_TOKEN"]);
    const prompts = await admin.client.listPrompts() as { prompts: { name: string }[] };
    assert.deepEqual(prompts.prompts.map((p) => p.name), ["greet"]);
    await using demo = await connectMcp(app.url, "demo", app.adminToken);
    assert.equal(demo.client.getServerCapabilities()?.resources, undefined);
  });

  await t.step("resources/read: one allow row and one execution row share the trace id", async () => {
    admin.traceId = "trace-resource-allow";
    const read = await admin.client.readResource({ uri: README }) as Contents;
    assert.equal(read.contents[0]?.text, "Read me.");
    const decided = await rows(app, "trace-resource-allow");
    assert.deepEqual(decided.map((r) => [r.decision, r.tool_name]), [
      ["allow", `mcp__fixture__resource:${README}`],
    ]);
    assert.deepEqual(await executions(app, "trace-resource-allow"), [
      { status: "success", tool: `resource:${README}` },
    ]);
  });

  await t.step("prompts/get is governed and its messages are redacted", async () => {
    admin.traceId = "trace-prompt-allow";
    const got = await admin.client.getPrompt({ name: "greet", arguments: { name: "Ada" } }) as Messages;
    assert.equal(got.messages[0]?.content.text, "Hello Ada (token [REDACTED])");
    const decided = await rows(app, "trace-prompt-allow");
    assert.deepEqual(decided.map((r) => [r.decision, r.tool_name]), [[
      "allow",
      "mcp__fixture__prompt:greet",
    ]]);
  });

  await t.step("a resource echoing the injected or a detected secret is redacted", async () => {
    const token = await admin.client.readResource({ uri: "fixture://env/API_TOKEN" }) as Contents;
    assert.equal(token.contents[0]?.text, "API_TOKEN=[REDACTED]");
    const leaky = await admin.client.readResource({ uri: "fixture://env/LEAKY" }) as Contents;
    assert.match(leaky.contents[0]?.text ?? "", /^LEAKY=\[REDACTED:[a-z0-9-]+\]$/);
  });

  await t.step("a secret in prompt arguments: JSON-RPC error -32003, the upstream never asked", async () => {
    const before = await fixtureCalls(app.state);
    admin.traceId = "trace-prompt-deny";
    await assert.rejects(
      admin.client.getPrompt({ name: "greet", arguments: { name: "AKIAIOSFODNN7EXAMPLE" } }),
      (error) => governanceError(error, /\[GOVERNANCE\] secret detected: AWS Access Key/),
    );
    assert.deepEqual(await fixtureCalls(app.state), before);
    const decided = await rows(app, "trace-prompt-deny");
    assert.deepEqual(decided.map((r) => [r.decision, r.policy]), [["deny", "secret_scan"]]);
    assert.deepEqual(await executions(app, "trace-prompt-deny"), [{
      status: "denied",
      tool: "prompt:greet",
    }]);
  });

  await t.step("a secret in a prompt's name is scanned too: the upstream never hears it", async () => {
    const before = await fixtureCalls(app.state);
    admin.traceId = "trace-prompt-name";
    await assert.rejects(
      admin.client.getPrompt({ name: "greet-AKIAIOSFODNN7EXAMPLE" }),
      (error) => governanceError(error, /\[GOVERNANCE\] secret detected: AWS Access Key at tool_input\.name/),
    );
    assert.deepEqual(await fixtureCalls(app.state), before);
    const decided = await rows(app, "trace-prompt-name");
    assert.deepEqual(decided.map((r) => [r.decision, r.policy]), [["deny", "secret_scan"]]);
    assert.match(decided[0]!.tool_name ?? "", /^mcp__fixture__prompt:greet-\[REDACTED:/);
  });

  await t.step("a secret in a resource URI is denied and never names an audit row", async () => {
    admin.traceId = "trace-resource-uri";
    await assert.rejects(
      admin.client.readResource({ uri: "fixture://env/X?key=AKIAIOSFODNN7EXAMPLE" }),
      (error) => governanceError(error, /\[GOVERNANCE\] secret detected: AWS Access Key/),
    );
    const decided = await rows(app, "trace-resource-uri");
    assert.equal(decided.length, 1);
    assert.match(decided[0]!.tool_name ?? "", /^mcp__fixture__resource:fixture:\/\/env\/X\?key=\[REDACTED:/);
    await app.ctx.mcp.executions.flush();
    const all = await app.ctx.db.many<{ row: string }>("select t::text as row from mcp_tool_executions t");
    assert.ok(!all.some((r) => r.row.includes("AKIAIOSFODNN7EXAMPLE")));
  });

  await t.step("rbac hides a resource from the listing and denies reading it", async () => {
    const { token } = await createUserWithToken(app as unknown as TestApp, "mcp-res@example.com", [
      "user",
      "contractor",
    ]);
    await using user = await connectMcp(app.url, "fixture", token);
    const listed = await user.client.listResources() as { resources: { uri: string }[] };
    assert.deepEqual(listed.resources.map((r) => r.uri), ["fixture://env/API_TOKEN"]);
    user.traceId = "trace-resource-rbac";
    await assert.rejects(
      user.client.readResource({ uri: README }),
      (error) => governanceError(error, /^MCP error -32003: \[GOVERNANCE\] /),
    );
    const decided = await rows(app, "trace-resource-rbac");
    assert.deepEqual(decided.map((r) => [r.decision, r.policy]), [["deny", "rbac"]]);
  });

  await t.step("the injected value appears in no log line, audit row, execution row or event", async () => {
    assert.ok(!app.logs.some((line) => line.includes(CANARY)), "log lines");
    await app.ctx.mcp.executions.flush();
    await app.ctx.audit.publishEvents();
    for (const table of ["governance_decisions", "mcp_tool_executions", "event_outbox"]) {
      const all = await app.ctx.db.many<{ row: string }>(`select t::text as row from ${table} t`);
      assert.ok(!all.some((r) => r.row.includes(CANARY)), table);
    }
  });
});
