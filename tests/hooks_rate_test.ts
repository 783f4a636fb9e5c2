import assert from "node:assert/strict";
import { assembleAppContext } from "@app/context.ts";
import { createHttpApp } from "@entry/http/app.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { runCli } from "@entry/cli/main.ts";
import { issuePluginToken } from "@app/setup.ts";
import { databaseUrl, testDbMode, testPgSettings } from "./support/db.ts";
import { auditRows, createUserWithToken, govern, preToolUse } from "./support/hooks.ts";
import { openTestApp } from "./support/test_app.ts";

const mode = testDbMode();
type App = Parameters<typeof govern>[0];

async function burst(apps: readonly App[], token: string, sessionId: string, calls: number) {
  const results: string[] = [];
  for (let i = 0; i < calls; i += 40) {
    const batch = Array.from(
      { length: Math.min(40, calls - i) },
      (_, j) =>
        govern(apps[(i + j) % apps.length]!, preToolUse("Read", { n: i + j }, { session_id: sessionId }), {
          token,
        })
          .then((r) => r.answer.hookSpecificOutput.permissionDecision),
    );
    results.push(...await Promise.all(batch));
  }
  return {
    allow: results.filter((r) => r === "allow").length,
    deny: results.filter((r) => r === "deny").length,
  };
}

Deno.test(`hooks (${mode}): 320 calls in one session give exactly 300 allows and 20 rate-limit denies`, async () => {
  await using t = await openTestApp();
  assert.deepEqual(await burst([t], t.adminToken, "sess-rate-1", 320), { allow: 300, deny: 20 });
  const rows = await auditRows(t);
  const denies = rows.filter((r) => r.decision === "deny");
  assert.equal(denies.length, 20);
  assert.ok(denies.every((r) => r.policy === "rate_limit"));
  assert.match(denies[0]!.reason ?? "", /^rate limit exceeded: 300 calls per 60s; retry after \d+ms$/);
  const other = await govern(t, preToolUse("Read", {}, { session_id: "sess-rate-2" }), {
    token: t.adminToken,
  });
  assert.equal(other.answer.hookSpecificOutput.permissionDecision, "allow");
});

Deno.test({
  name: "hooks (postgres): the rate limit holds across two server processes on one database",
  ignore: mode !== "postgres",
  fn: async () => {
    await using t = await openTestApp();
    // A second "process": its own pool and context on the same database as the first.
    const url = await sharedDatabase(t.ctx.db);
    await using second = await assembleAppContext({
      config: t.ctx.config,
      db: openPostgresDb({ url, max: 4 }),
      clock: systemClock,
      log: silentLogger,
      build: DEV_BUILD,
    });
    const apps = [t, { app: createHttpApp(second) }];
    assert.deepEqual(await burst(apps, t.adminToken, "sess-two-procs", 320), { allow: 300, deny: 20 });
    const seqs = (await auditRows(t)).map((r) => r.seq);
    assert.deepEqual(seqs, Array.from({ length: 320 }, (_, i) => i + 1), "one gap-free chain across both");
  },
});

Deno.test(`hooks (${mode}): demotion and promotion apply to the next call with the same token`, async () => {
  await using t = await openTestApp();
  const { user, token } = await createUserWithToken(t, "ops@example.com", ["admin", "user"]);
  const plugin = await issuePluginToken(t.ctx, user, {
    pluginId: "p1",
    ttlSeconds: 600,
    actor: { kind: "cli" },
  });
  const decide = async (bearer: string) =>
    (await govern(t, preToolUse("mcp__systemprompt__list_agents", {}), { token: bearer })).answer
      .hookSpecificOutput.permissionDecision;
  assert.deepEqual([await decide(token), await decide(plugin.token)], ["allow", "allow"]);
  await runAdmin(t, ["admin", "users", "role", "demote", user.email]);
  assert.deepEqual([await decide(token), await decide(plugin.token)], ["deny", "deny"]);
  await runAdmin(t, ["admin", "users", "role", "promote", user.email]);
  assert.deepEqual([await decide(token), await decide(plugin.token)], ["allow", "allow"]);
});

async function runAdmin(t: Awaited<ReturnType<typeof openTestApp>>, argv: string[]) {
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { SYSTEMPROMPT_HOME: t.home },
    cwd: t.home,
    io: { out: () => {}, err: (s) => void err.push(s) },
    sharedContext: t.ctx,
  });
  assert.equal(code, 0, err.join(""));
}

/** The URL of the database behind a test Db (postgres mode): found by asking it. */
async function sharedDatabase(db: Awaited<ReturnType<typeof openTestApp>>["ctx"]["db"]): Promise<string> {
  const { name } = await db.one<{ name: string }>("select current_database() as name");
  return databaseUrl(testPgSettings().adminUrl, name);
}
