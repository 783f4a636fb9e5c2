import assert from "node:assert/strict";
import { issueApiKey, mintAccessToken, type User } from "@domain/identity/mod.ts";
import { newSessionId } from "@shared/ids.ts";
import { auditRows, createUserWithToken } from "./support/hooks.ts";
import type { TestApp } from "./support/test_app.ts";
import { connectMcp, type McpApp, openMcpApp, textOf, toolNames } from "./_fixtures/mcp_harness.ts";

/**
 * OAuth scopes at an `oauth.required` MCP server (issue 5 item 7, RFC 6750 §3.1): a token must carry
 * every scope the server lists; one lacking any gets 403 `insufficient_scope` with the scopes and
 * the RFC 9728 metadata URL, and the refusal is one deny row (policy `oauth_scope`). PATs carry no
 * OAuth scopes. A server that does not require OAuth checks none.
 */
const servers = () => ({
  demo: 'name: demo\nkind: builtin\noauth:\n  required: true\n  scopes: ["mcp:tools", "mcp:read"]\n',
  systemprompt: 'name: systemprompt\nkind: builtin\noauth:\n  required: false\n  scopes: ["mcp:admin"]\n',
});
const METADATA = "http://127.0.0.1:8080/.well-known/oauth-protected-resource/api/v1/mcp/demo/mcp";

/** A session token as an OAuth authorization server would grant it: `scope` and audiences. */
async function scopedToken(app: McpApp, user: User, scope: string, audiences: string[]): Promise<string> {
  const now = new Date();
  const sessionId = newSessionId(now.getTime());
  await app.ctx.users.insertSession({
    id: sessionId,
    userId: user.id,
    clientId: "oauth-client",
    kind: "oauth",
    createdAt: now,
    expiresAt: new Date(now.getTime() + 600_000),
  });
  return await mintAccessToken(app.ctx.tokens, {
    userId: user.id,
    sessionId,
    scope,
    clientId: "oauth-client",
    audiences,
    issuer: app.ctx.config.security.jwtIssuer,
    ttlSeconds: 600,
    now,
  });
}

async function callDemo(app: McpApp, credential: Record<string, string>, traceId: string) {
  const response = await fetch(`${app.url}/api/v1/mcp/demo/mcp`, {
    method: "POST",
    headers: {
      ...credential,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "x-trace-id": traceId,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 9,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "hi" } },
    }),
  });
  return { response, body: await response.json() as { id: unknown; error?: { message: string } } };
}

Deno.test("MCP OAuth: scopes of an oauth.required server are enforced", async (t) => {
  await using app = await openMcpApp({ servers });
  const { user } = await createUserWithToken(app as unknown as TestApp, "oauth-user@example.com");
  const resource = "http://127.0.0.1:8080/api/v1/mcp/demo/mcp";

  await t.step("a token with every listed scope (resource audience) lists and calls tools", async () => {
    const token = await scopedToken(app, user, "openid mcp:read mcp:tools", [resource]);
    await using client = await connectMcp(app.url, "demo", token);
    assert.ok((await toolNames(client)).includes("echo"));
    const result = await client.client.callTool({ name: "echo", arguments: { text: "scoped" } });
    assert.equal(textOf(result), "scoped");
  });

  await t.step(
    "a token lacking a scope: 403 insufficient_scope, audited as an oauth_scope deny",
    async () => {
      const token = await scopedToken(app, user, "mcp:tools", ["mcp"]);
      const { response, body } = await callDemo(
        app,
        { authorization: `Bearer ${token}` },
        "trace-oauth-scope",
      );
      assert.equal(response.status, 403);
      assert.equal(
        response.headers.get("www-authenticate"),
        `Bearer error="insufficient_scope", scope="mcp:tools mcp:read", resource_metadata="${METADATA}"`,
      );
      assert.equal(body.id, 9);
      assert.equal(body.error?.message, "token lacks required OAuth scope(s): mcp:read");
      const rows = (await auditRows(app as unknown as TestApp)).filter((r) =>
        r.trace_id === "trace-oauth-scope"
      );
      assert.deepEqual(rows.map((r) => [r.decision, r.policy, r.tool_name, r.agent_scope]), [
        ["deny", "oauth_scope", "mcp__demo__echo", "user"],
      ]);
    },
  );

  await t.step("the SDK client cannot even initialise without the scopes", async () => {
    const token = await scopedToken(app, user, "user", ["mcp"]);
    await assert.rejects(connectMcp(app.url, "demo", token), /403|insufficient_scope|scope/i);
  });

  await t.step("a PAT carries no OAuth scopes: refused where scopes are listed", async () => {
    const { key } = await issueApiKey(
      { db: app.ctx.db, clock: app.ctx.clock, cache: app.ctx.identityCache },
      {
        ref: user.id,
        name: "ci",
        expiresDays: 1,
        actor: { kind: "cli" },
      },
    );
    const { response } = await callDemo(app, { "x-api-key": key.reveal() }, "trace-oauth-pat");
    assert.equal(response.status, 403);
    assert.match(response.headers.get("www-authenticate") ?? "", /error="insufficient_scope"/);
  });

  await t.step("a server that does not require OAuth checks no scopes", async () => {
    await using client = await connectMcp(app.url, "systemprompt", app.adminToken);
    assert.ok((await toolNames(client)).includes("systemprompt"));
  });
});
