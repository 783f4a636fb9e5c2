import assert from "node:assert/strict";
import { mintSessionToken } from "@app/setup.ts";
import { auditRows, createUserWithToken } from "./support/hooks.ts";
import type { TestApp } from "./support/test_app.ts";
import {
  connectMcp,
  fixtureCalls,
  fixtureServer,
  type McpApp,
  openMcpApp,
  textOf,
  toolNames,
} from "./_fixtures/mcp_harness.ts";

/**
 * The governed MCP path with real SDK clients over streamable HTTP against a stdio fixture and
 * the demo builtin (ARCHITECTURE §5, §6; issue 5 "Done when" items 1-3 and 6, plus bad input).
 */
const servers = (state: string) => ({
  fixture: fixtureServer("fixture", state, ["tools:", "  admin_reset: { admin_only: true }"]),
  demo: 'name: demo\nkind: builtin\noauth:\n  required: true\n  scopes: ["mcp:tools"]\n',
});

const rows = async (app: McpApp, traceId: string) =>
  (await auditRows(app as unknown as TestApp)).filter((r) => r.trace_id === traceId);

/** Execution rows are written off the latency path: flush what this process queued first. */
const executions = async (app: McpApp, traceId: string) => {
  await app.ctx.mcp.executions.flush();
  return await app.ctx.db.many<{ status: string; tool: string; server: string; error: string | null }>(
    "select status, tool, server, error from mcp_tool_executions where trace_id = $1",
    [traceId],
  );
};

async function post(app: McpApp, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${app.adminToken}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json() as Record<string, unknown>,
  };
}

const roles = [
  "rules:",
  "  - entity: mcp_tool:fixture/env",
  "    effect: deny",
  "    roles: [contractor]",
  "    users: []",
  "    departments: []",
].join("\n");

Deno.test("MCP gateway: governed tools/list and tools/call through the SDK client", async (t) => {
  await using app = await openMcpApp({ servers, roles });
  await using admin = await connectMcp(app.url, "fixture", app.adminToken);

  await t.step(
    "a call returns its result; one allow row and one execution row share the trace id",
    async () => {
      assert.ok((await toolNames(admin)).includes("echo"));
      admin.traceId = "trace-mcp-allow-1";
      const result = await admin.client.callTool({ name: "echo", arguments: { text: "hello" } });
      assert.equal(textOf(result), "hello");
      const decided = await rows(app, "trace-mcp-allow-1");
      assert.equal(decided.length, 1);
      assert.equal(decided[0]!.decision, "allow");
      assert.equal(decided[0]!.tool_name, "mcp__fixture__echo");
      assert.deepEqual(await executions(app, "trace-mcp-allow-1"), [
        { status: "success", tool: "echo", server: "fixture", error: null },
      ]);
      assert.deepEqual(await fixtureCalls(app.state), ["echo"]);
    },
  );

  await t.step("an AKIA argument is denied as a tool error before the upstream is touched", async () => {
    admin.traceId = "trace-mcp-secret";
    const result = await admin.client.callTool({
      name: "echo",
      arguments: { text: "key AKIAIOSFODNN7EXAMPLE" },
    });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /^\[GOVERNANCE\] secret detected: AWS Access Key/);
    const decided = await rows(app, "trace-mcp-secret");
    assert.deepEqual(decided.map((r) => [r.decision, r.policy]), [["deny", "secret_scan"]]);
    assert.deepEqual((await executions(app, "trace-mcp-secret")).map((e) => e.status), ["denied"]);
    assert.deepEqual(await fixtureCalls(app.state), ["echo"], "the fixture saw no second call");
  });

  await t.step("tools/list writes no decision row", async () => {
    admin.traceId = "trace-mcp-list";
    await toolNames(admin);
    assert.equal((await rows(app, "trace-mcp-list")).length, 0);
  });

  await t.step(
    "a user does not see admin-only or blocklisted tools; calling one is denied by scope_check",
    async () => {
      const { token } = await createUserWithToken(app as unknown as TestApp, "mcp-user@example.com");
      await using user = await connectMcp(app.url, "fixture", token);
      const names = await toolNames(user);
      assert.ok(names.includes("echo"));
      assert.ok(!names.includes("admin_reset"), JSON.stringify(names));
      assert.ok(!names.includes("delete_everything"), JSON.stringify(names));
      assert.ok((await toolNames(admin)).includes("admin_reset"), "admins see it");
      user.traceId = "trace-mcp-scope";
      const result = await user.client.callTool({ name: "admin_reset", arguments: {} });
      assert.equal(result.isError, true);
      assert.equal(textOf(result), "[GOVERNANCE] tool mcp__fixture__admin_reset requires admin scope");
      assert.deepEqual((await rows(app, "trace-mcp-scope")).map((r) => r.policy), ["scope_check"]);
    },
  );

  await t.step("an access rule on mcp_tool:<server>/<tool> hides and denies that tool (rbac)", async () => {
    const { token } = await createUserWithToken(app as unknown as TestApp, "mcp-rbac@example.com", [
      "user",
      "contractor",
    ]);
    await using user = await connectMcp(app.url, "fixture", token);
    assert.ok(!(await toolNames(user)).includes("env"));
    user.traceId = "trace-mcp-rbac";
    const result = await user.client.callTool({ name: "env", arguments: { name: "X" } });
    assert.equal(textOf(result), "[GOVERNANCE] access to mcp_tool:fixture/env denied by rule");
    assert.deepEqual((await rows(app, "trace-mcp-rbac")).map((r) => r.policy), ["rbac"]);
    assert.ok((await toolNames(admin)).includes("env"), "the rule names the contractor role only");
  });

  await t.step(
    "arguments failing the input schema are a tool error and never reach the upstream",
    async () => {
      admin.traceId = "trace-mcp-invalid";
      const result = await admin.client.callTool({ name: "echo", arguments: { text: 42 } });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /invalid arguments for echo: .*text.*string/);
      assert.deepEqual((await executions(app, "trace-mcp-invalid")).map((e) => e.error), [
        "invalid arguments",
      ]);
      assert.deepEqual(await fixtureCalls(app.state), ["echo"]);
    },
  );

  await t.step(
    "a secret typed into an unknown tool's name names no row and reaches no upstream",
    async () => {
      admin.traceId = "trace-mcp-secret-name";
      const result = await admin.client.callTool({ name: "echo_AKIAIOSFODNN7EXAMPLE", arguments: {} });
      assert.equal(result.isError, true);
      assert.match(
        textOf(result),
        /tool mcp__fixture__echo_\[REDACTED:[a-z0-9-]+\] is not in the pinned catalogue/,
      );
      assert.deepEqual(await fixtureCalls(app.state), ["echo"]);
      const stored = [
        ...await rows(app, "trace-mcp-secret-name"),
        ...await executions(app, "trace-mcp-secret-name"),
      ];
      assert.equal(stored.length, 2);
      assert.ok(stored.every((r) => JSON.stringify(r).includes("echo_[REDACTED:")));
      assert.ok(!JSON.stringify(stored).includes("AKIAIOSFODNN7EXAMPLE"));
    },
  );

  await t.step("the registry lists servers with the tools the caller may see", async () => {
    const response = await fetch(`${app.url}/api/v1/mcp/registry`, {
      headers: { authorization: `Bearer ${app.adminToken}` },
    });
    assert.equal(response.status, 200);
    const entries = await response.json() as Record<string, unknown>[];
    const fixture = entries.find((e) => e["name"] === "fixture")!;
    assert.equal(fixture["kind"], "stdio");
    assert.equal(fixture["status"], "running");
    assert.equal(fixture["endpoint"], "http://127.0.0.1:8080/api/v1/mcp/fixture/mcp");
    assert.ok((fixture["tools"] as string[]).includes("admin_reset"));
    assert.equal(fixture["tool_count"], (fixture["tools"] as string[]).length);
    assert.equal(entries.find((e) => e["name"] === "demo")!["oauth_required"], true);
  });
});

Deno.test("MCP gateway: bad input gets clean JSON-RPC errors", async (t) => {
  await using app = await openMcpApp({ servers });
  const path = "/api/v1/mcp/fixture/mcp";

  await t.step("unknown server → 404 with a JSON-RPC error body; x-trace-id is echoed", async () => {
    const answer = await post(app, "/api/v1/mcp/nope/mcp", '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      "x-trace-id": "trace-mcp-echo",
    });
    assert.equal(answer.headers.get("x-trace-id"), "trace-mcp-echo");
    assert.equal(answer.status, 404);
    assert.equal(answer.body["jsonrpc"], "2.0");
    assert.equal((answer.body["error"] as { code: number }).code, -32600);
  });

  await t.step("malformed JSON → -32700; a batch or a non-JSON-RPC body → -32600", async () => {
    assert.equal(((await post(app, path, "{nope")).body["error"] as { code: number }).code, -32700);
    const batch = await post(app, path, '[{"jsonrpc":"2.0","id":1,"method":"ping"}]');
    assert.equal(batch.status, 400);
    assert.equal((batch.body["error"] as { code: number }).code, -32600);
    const wrong = await post(app, path, '{"id":7,"method":"ping"}');
    assert.deepEqual([wrong.status, (wrong.body["error"] as { code: number }).code, wrong.body["id"]], [
      400,
      -32600,
      7,
    ]);
  });

  await t.step("a foreign Origin → 403", async () => {
    const answer = await post(app, path, '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      origin: "https://evil.example",
    });
    assert.equal(answer.status, 403);
  });

  await t.step("no session id → 400; an unknown one → 404", async () => {
    assert.equal((await post(app, path, '{"jsonrpc":"2.0","id":1,"method":"ping"}')).status, 400);
    const unknown = await post(app, path, '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      "mcp-session-id": "mcps_00000000000000000000000000000000",
    });
    assert.equal(unknown.status, 404);
  });

  await t.step(
    "an oauth.required server answers 401 with the RFC 9728 header and serves the metadata",
    async () => {
      const response = await fetch(`${app.url}/api/v1/mcp/demo/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
      });
      await response.body?.cancel();
      assert.equal(response.status, 401);
      const metadataUrl = "http://127.0.0.1:8080/.well-known/oauth-protected-resource/api/v1/mcp/demo/mcp";
      assert.match(
        response.headers.get("www-authenticate") ?? "",
        new RegExp(`^Bearer .*resource_metadata="${metadataUrl}"`),
      );
      const metadata = await fetch(`${app.url}/.well-known/oauth-protected-resource/api/v1/mcp/demo/mcp`);
      assert.equal(metadata.status, 200);
      assert.deepEqual(await metadata.json(), {
        resource: "http://127.0.0.1:8080/api/v1/mcp/demo/mcp",
        authorization_servers: ["http://127.0.0.1:8080"],
        bearer_methods_supported: ["header"],
        scopes_supported: ["mcp:tools"],
        resource_name: "demo",
      });
    },
  );

  await t.step("a token without the mcp audience, or a bogus one, is refused", async () => {
    const { user } = await createUserWithToken(app as unknown as TestApp, "api-only@example.com");
    const apiOnly = await mintSessionToken(app.ctx, user, {
      ttlSeconds: 600,
      clientId: "test",
      kind: "cli",
      audiences: ["api"],
    });
    for (const token of [apiOnly, "not-a-token"]) {
      const response = await fetch(`${app.url}/api/v1/mcp/fixture/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
      await response.body?.cancel();
      assert.equal(response.status, 401);
      assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    }
  });
});
