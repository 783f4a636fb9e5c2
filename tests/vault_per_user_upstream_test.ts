import assert from "node:assert/strict";
import { setSecret } from "@app/vault_admin.ts";
import { mintSessionToken } from "@app/setup.ts";
import { parseSecretName } from "@domain/vault/mod.ts";
import { newUserId } from "@shared/ids.ts";
import { Secret } from "@shared/secret.ts";
import { connectMcp, openMcpApp, storeOrgSecret, textOf } from "./_fixtures/mcp_harness.ts";
import { startHttpUpstream } from "./_fixtures/mcp_http_upstream.ts";
import { freePort } from "./support/process.ts";

/**
 * Per-user resolution end to end (vault issue): two users with their own `secret:remote_token`
 * each reach the upstream with their own value; a user without one falls back to the
 * organisation's. Every value is redacted from what the client sees.
 */
Deno.test("each user's own vault secret reaches the upstream; others fall back to the organisation's", async () => {
  const values = {
    org: `org-${crypto.randomUUID()}`,
    alice: `alice-${crypto.randomUUID()}`,
    bob: `bob-${crypto.randomUUID()}`,
  };
  await using upstream = startHttpUpstream(freePort());
  await using app = await openMcpApp({
    servers: () => ({
      remote: [
        "name: remote",
        "kind: http",
        `url: ${upstream.url}`,
        "headers:",
        '  Authorization: "Bearer ${secret:remote_token}"',
      ]
        .join("\n"),
    }),
    prepare: (ctx) => storeOrgSecret(ctx, "remote_token", values.org),
  });
  const tokens: Record<string, string> = {};
  for (const name of ["alice", "bob", "carol"]) {
    const user = await app.ctx.users.insert({
      id: newUserId(),
      name,
      email: `${name}@example.com`,
      roles: ["user"],
      department: null,
      createdAt: new Date(),
    });
    assert.ok(user);
    tokens[name] = await mintSessionToken(app.ctx, user, { ttlSeconds: 600, clientId: "test", kind: "cli" });
    if (name !== "carol") {
      await setSecret({ db: app.ctx.db, vault: app.ctx.vault, clock: app.ctx.clock }, {
        owner: `user:${name}@example.com`,
        name: parseSecretName("remote_token")!,
        value: new Secret(values[name as "alice" | "bob"]),
        actor: { kind: "cli" },
      });
    }
  }
  for (
    const [name, expected] of [["alice", values.alice], ["bob", values.bob], ["carol", values.org]] as const
  ) {
    upstream.callAuthorizations.length = 0;
    await using mcp = await connectMcp(app.url, "remote", tokens[name]!);
    const result = await mcp.client.callTool({ name: "whoami", arguments: {} });
    assert.equal(textOf(result), "authorization: Bearer [REDACTED]", name);
    assert.deepEqual(
      upstream.callAuthorizations,
      [`Bearer ${expected}`],
      `${name}'s call carried its own value`,
    );
  }
  const logs = app.logs.join("\n");
  for (const value of Object.values(values)) {
    assert.ok(!logs.includes(value), "no secret value in any log line");
  }
});
