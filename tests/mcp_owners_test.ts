import assert from "node:assert/strict";
import { createUserWithToken } from "./support/hooks.ts";
import type { TestApp } from "./support/test_app.ts";
import {
  connectMcp,
  fixtureServer,
  type McpApp,
  type McpClient,
  openMcpApp,
  storeOrgSecret,
  storeSecret,
  textOf,
} from "./_fixtures/mcp_harness.ts";

/**
 * Per-owner stdio children (issue 5, Build item 3): a server whose `env` resolves to a user's own
 * secret runs one child per owner of the resolved value, started on first use and stopped after
 * `idle_timeout_ms`; users without their own value share the organisation's child.
 */
const id = () => crypto.randomUUID().replaceAll("-", "");
const ORG = `orgval-${id()}`;
const ALICE = `alice-${id()}`;
const BOB = `bobby-${id()}`;

const call = async (mcp: McpClient, name: string, args: Record<string, unknown> = {}) =>
  textOf(await mcp.client.callTool({ name, arguments: args }));

/** The child's pid and the first six characters of the token it holds. */
const identity = async (mcp: McpClient) => ({
  pid: await call(mcp, "pid"),
  token: await call(mcp, "env", { name: "API_TOKEN", prefix: 6 }),
});

/** A new user (with their own `demo` secret if given) and their bearer token. */
async function user(app: McpApp, email: string, secret?: string): Promise<string> {
  const { token } = await createUserWithToken(app as unknown as TestApp, email);
  if (secret !== undefined) await storeSecret(app.ctx, `user:${email}`, "demo", secret);
  return token;
}

Deno.test("MCP gateway: one stdio child per owner of a per-user secret, stopped when idle", async (t) => {
  await using app = await openMcpApp({
    servers: (state) => ({
      fixture: fixtureServer("fixture", state, ["  API_TOKEN: secret:demo", "idle_timeout_ms: 700"]),
      personal: fixtureServer("personal", state, ["  API_TOKEN: secret:personal"]),
    }),
    prepare: (ctx) => storeOrgSecret(ctx, "demo", ORG),
  });
  await using admin = await connectMcp(app.url, "fixture", app.adminToken);
  await admin.client.listTools();
  const shared = await identity(admin);
  assert.equal(shared.token, "API_TOKEN=orgval");
  const aliceToken = await user(app, "owner-alice@example.com", ALICE);
  await using alice = await connectMcp(app.url, "fixture", aliceToken);
  await using bob = await connectMcp(app.url, "fixture", await user(app, "owner-bob@example.com", BOB));
  const carolToken = await user(app, "owner-carol@example.com");
  await using carol = await connectMcp(app.url, "fixture", carolToken);

  await t.step("each user with their own secret gets a child of their own, with their value", async () => {
    const a = await identity(alice);
    const b = await identity(bob);
    assert.equal(a.token, "API_TOKEN=alice-");
    assert.equal(b.token, "API_TOKEN=bobby-");
    assert.equal(new Set([shared.pid, a.pid, b.pid]).size, 3, "three distinct children");
    assert.equal((await identity(alice)).pid, a.pid, "the child is reused");
    assert.equal(app.ctx.mcp.ownerChildren("fixture"), 2);
    assert.equal(await call(alice, "env", { name: "API_TOKEN" }), "API_TOKEN=[REDACTED]");
  });

  await t.step("a user without their own value shares the organisation's child", async () => {
    assert.deepEqual(await identity(carol), shared);
  });

  await t.step("idle children stop and start again on the next use", async () => {
    const before = (await identity(alice)).pid;
    const deadline = Date.now() + 5_000;
    while (app.ctx.mcp.ownerChildren("fixture") > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(app.ctx.mcp.ownerChildren("fixture"), 0);
    const again = await identity(alice);
    assert.equal(again.token, "API_TOKEN=alice-");
    assert.notEqual(again.pid, before);
    assert.equal((await identity(admin)).pid, shared.pid, "the shared child is not affected");
  });

  await t.step("without an organisation value, owners list and call through their own children", async () => {
    await storeSecret(app.ctx, "user:owner-alice@example.com", "personal", ALICE);
    await using mine = await connectMcp(app.url, "personal", aliceToken);
    const listed = await mine.client.listTools() as { tools: { name: string }[] };
    assert.ok(listed.tools.some((tool) => tool.name === "pid"));
    assert.equal((await identity(mine)).token, "API_TOKEN=alice-");
    await using other = await connectMcp(app.url, "personal", carolToken);
    const denied = await other.client.callTool({ name: "pid", arguments: {} });
    assert.equal(denied.isError, true);
    assert.match(textOf(denied), /^\[GOVERNANCE\] secret personal is not set/);
  });

  await t.step("no owner's value appears in a log line, audit row, execution row or event", async () => {
    await app.ctx.mcp.executions.flush();
    await app.ctx.audit.publishEvents();
    for (const canary of [ORG, ALICE, BOB]) {
      assert.ok(!app.logs.some((line) => line.includes(canary)), "log lines");
      for (const table of ["governance_decisions", "mcp_tool_executions", "event_outbox"]) {
        const all = await app.ctx.db.many<{ row: string }>(`select t::text as row from ${table} t`);
        assert.ok(!all.some((r) => r.row.includes(canary)), table);
      }
    }
  });
});
