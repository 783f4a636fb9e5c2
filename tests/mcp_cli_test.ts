import assert from "node:assert/strict";
import { runCli } from "@entry/cli/main.ts";
import { captureIo } from "./support/cli_io.ts";
import { createUserWithToken } from "./support/hooks.ts";
import { REPO_ROOT } from "./support/process.ts";
import type { TestApp } from "./support/test_app.ts";
import { connectMcp, type McpApp, openMcpApp, textOf, toolNames } from "./_fixtures/mcp_harness.ts";

/**
 * The operator's side (issue 5 item 9): `plugins mcp list|status|tools|call|restart` and `infra
 * logs tools list`, run as a server runs forwarded commands (its own context), plus the builtin
 * `systemprompt` server whose one tool runs a CLI command for admins only.
 */
async function cli(app: McpApp, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(argv, {
    env: { SYSTEMPROMPT_HOME: app.home },
    cwd: app.home,
    io: captured.io,
    sharedContext: app.ctx,
  });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function json(app: McpApp, argv: string[]): Promise<Record<string, unknown>> {
  const run = await cli(app, ["--json", ...argv]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const repoServers = async () => ({
  demo: await Deno.readTextFile(`${REPO_ROOT}/services/mcp/demo.yaml`),
  systemprompt: await Deno.readTextFile(`${REPO_ROOT}/services/mcp/systemprompt.yaml`),
});

Deno.test("plugins mcp and infra logs tools drive the gateway from the CLI", async (t) => {
  const servers = await repoServers();
  await using app = await openMcpApp({ servers: () => servers });

  await t.step("list shows the demo configuration's builtin servers", async () => {
    const list = await json(app, ["plugins", "mcp", "list"]);
    assert.deepEqual(list["columns"], ["name", "kind", "status", "enabled", "tool_count", "endpoint"]);
    const items = list["items"] as Record<string, unknown>[];
    assert.deepEqual(items.map((i) => [i["name"], i["kind"]]), [["demo", "builtin"], [
      "systemprompt",
      "builtin",
    ]]);
    assert.deepEqual(items[0]!["tools"], ["echo", "add", "now"]);
  });

  await t.step("call runs the governed path and prints the result with its trace id", async () => {
    const called = await json(app, ["plugins", "mcp", "call", "demo", "add", "--args", '{"a":2,"b":3}']);
    assert.equal(called["text"], "5");
    assert.equal(called["is_error"], false);
    assert.deepEqual(called["structured_content"], { sum: 5 });
    const rows = await app.ctx.db.many<{ decision: string; tool_name: string }>(
      "select decision, tool_name from governance_decisions where trace_id = $1",
      [called["trace_id"] as string],
    );
    assert.deepEqual(rows, [{ decision: "allow", tool_name: "mcp__demo__add" }]);
  });

  await t.step("bad input: unknown server exits 1, malformed --args exits 2", async () => {
    const unknown = await cli(app, ["plugins", "mcp", "call", "nope", "x"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown MCP server nope/);
    const malformed = await cli(app, ["plugins", "mcp", "call", "demo", "echo", "--args", "[1]"]);
    assert.equal(malformed.code, 2);
  });

  await t.step("status, tools and restart", async () => {
    const status = await json(app, ["plugins", "mcp", "status", "demo"]);
    assert.equal((status["items"] as Record<string, unknown>[])[0]!["status"], "running");
    const tools = await json(app, ["plugins", "mcp", "tools", "--server", "systemprompt"]);
    assert.deepEqual((tools["items"] as Record<string, unknown>[]).map((i) => [i["name"], i["status"]]), [
      ["systemprompt", "pinned"],
    ]);
    assert.deepEqual(await json(app, ["plugins", "mcp", "restart", "demo"]), {
      server: "demo",
      restart: "requested",
    });
  });

  await t.step("infra logs tools list shows executions, filtered", async () => {
    const logs = await json(app, [
      "infra",
      "logs",
      "tools",
      "list",
      "--server",
      "demo",
      "--status",
      "success",
    ]);
    const items = logs["items"] as Record<string, unknown>[];
    assert.deepEqual(items.map((i) => [i["tool"], i["status"]]), [["add", "success"]]);
    const bad = await cli(app, ["infra", "logs", "tools", "list", "--status", "meh"]);
    assert.equal(bad.code, 2);
  });

  await t.step("the systemprompt tool runs a CLI command for an admin", async () => {
    await using admin = await connectMcp(app.url, "systemprompt", app.adminToken);
    const result = await admin.client.callTool({
      name: "systemprompt",
      arguments: { command: "--json plugins mcp status demo" },
    });
    assert.notEqual(result.isError, true, textOf(result));
    const parsed = JSON.parse(textOf(result)) as { items: { name: string }[] };
    assert.equal(parsed.items[0]!.name, "demo");
    const refused = await admin.client.callTool({
      name: "systemprompt",
      arguments: { command: "infra services serve" },
    });
    assert.equal(refused.isError, true);
  });

  await t.step("a user neither sees nor may call the systemprompt tool", async () => {
    const { token } = await createUserWithToken(app as unknown as TestApp, "cli-user@example.com");
    await using user = await connectMcp(app.url, "systemprompt", token);
    assert.deepEqual(await toolNames(user), []);
    const denied = await user.client.callTool({
      name: "systemprompt",
      arguments: { command: "admin users list" },
    });
    assert.equal(textOf(denied), "[GOVERNANCE] tool mcp__systemprompt__systemprompt requires admin scope");
  });
});
