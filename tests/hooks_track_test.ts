import assert from "node:assert/strict";
import { issuePluginToken } from "@app/setup.ts";
import { runCli } from "@entry/cli/main.ts";
import { testDbMode } from "./support/db.ts";
import { createUserWithToken } from "./support/hooks.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();

async function track(t: TestApp, body: unknown, token?: string): Promise<Response> {
  return await t.app.request("/api/public/hooks/track?plugin_id=acme", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

Deno.test(`hooks/track (${mode}): plugin tokens only; PreToolUse dropped; events stored once, no payloads`, async () => {
  await using t = await openTestApp();
  const plugin = await issuePluginToken(t.ctx, t.admin, {
    pluginId: "acme",
    ttlSeconds: 3600,
    actor: { kind: "cli" },
  });
  const event = {
    hook_event_name: "PostToolUse",
    session_id: "s-1",
    tool_name: "Bash",
    tool_use_id: "toolu_1",
    tool_input: { command: "ls" },
    tool_response: { stdout: "canary-c0ffee-secret-output" },
  };
  assert.equal((await track(t, event)).status, 401);
  assert.equal(
    (await track(t, event, t.adminToken)).status,
    401,
    "a session token is not a hook:track token",
  );
  assert.deepEqual(await (await track(t, { ...event, hook_event_name: "PreToolUse" }, plugin.token)).json(), {
    accepted: true,
    stored: false,
    duplicate: false,
  });
  assert.deepEqual(await (await track(t, event, plugin.token)).json(), {
    accepted: true,
    stored: true,
    duplicate: false,
  });
  assert.deepEqual(await (await track(t, event, plugin.token)).json(), {
    accepted: true,
    stored: false,
    duplicate: true,
  });
  const rows = await t.ctx.db.many<Record<string, unknown>>("select * from hook_events");
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!["plugin_id"], "acme");
  assert.ok(!JSON.stringify(rows).includes("canary-c0ffee"), "tool output is not stored");
  const bad = await t.app.request("/api/public/hooks/track", {
    method: "POST",
    headers: { authorization: `Bearer ${plugin.token}` },
    body: "{nope",
  });
  assert.equal(bad.status, 400);
});

Deno.test(`admin policy check (${mode}): what-if evaluation charges and records nothing`, async () => {
  await using t = await openTestApp();
  await createUserWithToken(t, "dev@example.com");
  const out: string[] = [];
  const run = (argv: string[]) =>
    runCli(["--json", ...argv], {
      env: { SYSTEMPROMPT_HOME: t.home },
      cwd: t.home,
      io: { out: (s) => void out.push(s), err: (s) => void out.push(s) },
      sharedContext: t.ctx,
    });
  assert.equal(
    await run(["admin", "policy", "check", "--email", "dev@example.com", "--tool", "delete_records"]),
    0,
  );
  const verdict = JSON.parse(out.join(""));
  assert.equal(verdict.decision, "deny");
  assert.equal(verdict.policy, "tool_blocklist");
  assert.deepEqual(verdict.chain.map((e: { result: string }) => e.result), [
    "pass",
    "pass",
    "fail",
    "skip",
    "skip",
    "skip",
    "skip",
  ]);
  out.length = 0;
  assert.equal(
    await run([
      "admin",
      "policy",
      "check",
      "--email",
      "dev@example.com",
      "--tool",
      "Read",
      "--input",
      '{"a":1}',
    ]),
    0,
  );
  assert.equal(JSON.parse(out.join("")).decision, "allow");
  const counts = await t.ctx.db.one<{ d: number; r: number }>(
    "select (select count(*) from governance_decisions)::int8 as d, (select count(*) from rate_limit_hits)::int8 as r",
  );
  assert.deepEqual(counts, { d: 0, r: 0 });
});
