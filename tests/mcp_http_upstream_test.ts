import assert from "node:assert/strict";
import { freePort } from "./support/process.ts";
import { connectMcp, openMcpApp, storeOrgSecret, textOf } from "./_fixtures/mcp_harness.ts";
import { startHttpUpstream } from "./_fixtures/mcp_http_upstream.ts";

/**
 * An `http` upstream (a remote streamable-HTTP MCP server): the gateway adds the vault credential
 * as a header on every request, redacts it from results, and never forwards the MCP client's own
 * token (no token passthrough).
 */
const REMOTE_TOKEN = `remote-${crypto.randomUUID().replaceAll("-", "")}`;

Deno.test("an http upstream gets the vault credential in its headers and never the client's token", async () => {
  await using upstream = startHttpUpstream(freePort());
  await using app = await openMcpApp({
    servers: () => ({
      remote: [
        "name: remote",
        "kind: http",
        `url: ${upstream.url}`,
        "headers:",
        '  Authorization: "Bearer ${secret:remote_token}"',
      ].join("\n"),
    }),
    prepare: (ctx) => storeOrgSecret(ctx, "remote_token", REMOTE_TOKEN),
  });
  await using mcp = await connectMcp(app.url, "remote", app.adminToken);
  const tools = await mcp.client.listTools() as { tools: { name: string }[] };
  assert.deepEqual(tools.tools.map((t) => t.name), ["whoami"]);
  const result = await mcp.client.callTool({ name: "whoami", arguments: {} });
  assert.equal(textOf(result), "authorization: Bearer [REDACTED]");
  assert.ok(upstream.authorizations.length >= 3, "initialize, list and call reached the upstream");
  assert.ok(upstream.authorizations.every((a) => a === `Bearer ${REMOTE_TOKEN}`));
  assert.ok(!upstream.authorizations.some((a) => a.includes(app.adminToken)), "no token passthrough");
});

Deno.test("a finished tools/call is never reported to the upstream as cancelled", async () => {
  await using upstream = startHttpUpstream(freePort());
  await using app = await openMcpApp({
    servers: () => ({ remote: ["name: remote", "kind: http", `url: ${upstream.url}`].join("\n") }),
  });
  await using mcp = await connectMcp(app.url, "remote", app.adminToken);
  for (let i = 0; i < 3; i++) {
    assert.equal(textOf(await mcp.client.callTool({ name: "whoami", arguments: {} })), "authorization: ");
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // a cancellation would follow the answer
  assert.equal(upstream.methods.filter((m) => m === "tools/call").length, 3);
  assert.deepEqual(upstream.methods.filter((m) => m === "notifications/cancelled"), []);
});
