import assert from "node:assert/strict";
import { type AppContext, assembleAppContext } from "@app/context.ts";
import { issuePluginToken, issueSessionToken } from "@app/setup.ts";
import { changeRole, setUserStatus } from "@domain/identity/mod.ts";
import { createHttpApp } from "@entry/http/app.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { runCliCaptured } from "./support/cli_io.ts";
import { databaseUrl, testDbMode, testPgSettings, withAdmin } from "./support/db.ts";
import { authAs, bearerOf, cliShared, eventually, expectExit, makeUser } from "./support/identity.ts";
import { createTestHome, loadTestConfig, openTestApp } from "./support/test_app.ts";

/**
 * Several processes on one database. In postgres mode: two AppContexts with their own pools (two
 * replicas) plus CLI runs that open a third; a change made by any of them reaches the others over
 * NOTIFY sp_identity. In pglite mode only one process may hold the database, so the CLI's changes
 * arrive through the admin channel, i.e. run against the server's own context.
 */
const mode = testDbMode();
const CLI = { kind: "cli" } as const;

interface Replicas extends AsyncDisposable {
  readonly home: string;
  readonly env: Record<string, string>;
  readonly a: AppContext;
  readonly b: AppContext;
}

async function openReplicas(): Promise<Replicas> {
  const home = await createTestHome("sp_repl_");
  const { adminUrl, template } = testPgSettings();
  const name = `repl_${crypto.randomUUID().replaceAll("-", "")}`;
  await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name} template ${template}`));
  const url = databaseUrl(adminUrl, name);
  const config = await loadTestConfig(home, { DATABASE_URL: url });
  const open = () =>
    assembleAppContext({
      config,
      db: openPostgresDb({ url, max: 4 }),
      clock: systemClock,
      log: silentLogger,
      build: DEV_BUILD,
    });
  const a = await open();
  const b = await open();
  return {
    home: home.home,
    env: { SYSTEMPROMPT_HOME: home.home, DATABASE_URL: url },
    a,
    b,
    [Symbol.asyncDispose]: async () => {
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
      await withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
      await home[Symbol.asyncDispose]();
    },
  };
}

const scopeOf = async (ctx: AppContext, token: string, audiences = ["api"]) => {
  const verdict = await authAs(ctx, bearerOf(token), audiences);
  return verdict.ok ? verdict.principal.scope : verdict.reason;
};

/**
 * Another process learns of a change over NOTIFY: typically well under a millisecond after the
 * commit, but asynchronously, so a check in this same instant may still see the old answer. This
 * waits for the expected answer and asserts it arrived promptly (never the 30 s cache TTL).
 */
async function propagates(check: () => Promise<string>, expected: string): Promise<void> {
  const started = performance.now();
  let seen = await check();
  while (seen !== expected && performance.now() - started < PROPAGATION_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    seen = await check();
  }
  assert.equal(seen, expected, `after ${Math.round(performance.now() - started)} ms`);
}

const PROPAGATION_LIMIT_MS = 1_000;

Deno.test({
  name: "replicas (postgres): a demotion, promotion or ban in one process reaches the others at once",
  ignore: mode !== "postgres",
  async fn() {
    await using r = await openReplicas();
    const jo = await makeUser(r.a, "jo@example.com", ["user", "admin"]);
    const session = await issueSessionToken(r.a, jo, { ttlSeconds: 3600, actor: CLI });
    const plugin = await issuePluginToken(r.a, jo, { pluginId: "p", ttlSeconds: 3600, actor: CLI });
    const deps = (ctx: AppContext) => ({ db: ctx.db, clock: ctx.clock, cache: ctx.identityCache });
    const onA = () => scopeOf(r.a, session.token);
    const onB = () => scopeOf(r.b, plugin.token, ["hook"]);
    // Both replicas have jo cached as admin.
    assert.deepEqual([await onA(), await onB()], ["admin", "admin"]);
    await changeRole(deps(r.a), { ref: jo.id, change: "demote", role: "admin", actor: CLI });
    assert.equal(await onA(), "user", "the replica that made the change: the very next call");
    await propagates(onB, "user");
    await changeRole(deps(r.b), { ref: jo.id, change: "promote", role: "admin", actor: CLI });
    await propagates(onA, "admin");
    await setUserStatus(deps(r.b), { ref: jo.id, status: "banned", actor: CLI });
    await propagates(onA, "inactive_user");
    await setUserStatus(deps(r.a), { ref: jo.id, status: "active", actor: CLI });
    await propagates(onB, "admin");
    // The CLI is a third process with its own pool: its demotion reaches both replicas.
    expectExit(await runCliCaptured(["admin", "users", "role", "demote", jo.email], r.env, r.home), 0);
    await propagates(onA, "user");
    await propagates(onB, "user");
  },
});

Deno.test({
  name: "replicas (postgres): a key rotation by the CLI reaches the running server without a restart",
  ignore: mode !== "postgres",
  async fn() {
    await using r = await openReplicas();
    const server = createHttpApp(r.a);
    const oldKid = r.a.tokens.signing.kid;
    const admin = await makeUser(r.a, "kim@example.com", ["user", "admin"]);
    const oldToken = (await issueSessionToken(r.a, admin, { ttlSeconds: 3600, actor: CLI })).token;
    const rotated = expectExit(await runCliCaptured(["--json", "admin", "keys", "rotate"], r.env, r.home), 0);
    const { kid } = JSON.parse(rotated.stdout) as { kid: string };
    assert.notEqual(kid, oldKid);
    await eventually(() => r.a.tokens.signing.kid === kid && r.b.tokens.signing.kid === kid);
    const jwks = await (await server.request("/.well-known/jwks.json")).json() as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid), [kid, oldKid]);
    assert.equal(await scopeOf(r.a, oldToken), "admin", "a token of the old key still verifies");
    const fresh = (await issueSessionToken(r.b, admin, { ttlSeconds: 600, actor: CLI })).token;
    assert.equal(JSON.parse(atob(fresh.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).kid, kid);
    assert.equal(await scopeOf(r.a, fresh), "admin", "replica a verifies replica b's new tokens");
  },
});

Deno.test(`rotation via the admin channel (${mode}): the server's own context signs with the new key`, async () => {
  await using t = await openTestApp();
  const oldKid = t.ctx.tokens.signing.kid;
  const run = expectExit(await cliShared(t, "--json", "admin", "keys", "rotate"), 0);
  const { kid } = JSON.parse(run.stdout) as { kid: string };
  assert.equal(t.ctx.tokens.signing.kid, kid);
  const jwks = await (await t.app.request("/.well-known/jwks.json")).json() as { keys: { kid: string }[] };
  assert.deepEqual(jwks.keys.map((k) => k.kid), [kid, oldKid]);
  assert.equal(await scopeOf(t.ctx, t.adminToken), "admin");
  const demoted = expectExit(await cliShared(t, "admin", "users", "role", "demote", t.admin.email), 0);
  assert.match(demoted.stdout, /changed: true/);
  assert.equal(await scopeOf(t.ctx, t.adminToken), "user", "a forwarded demotion applies at once too");
});
