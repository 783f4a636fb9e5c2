import assert from "node:assert/strict";
import { INVALID_CREDENTIALS, MISSING_CREDENTIALS } from "@app/authenticate.ts";
import { issuePluginToken, issueSessionToken, signingKeyDeps } from "@app/setup.ts";
import {
  changeRole,
  issueApiKey,
  MAX_TOKEN_LIFETIME_SECONDS,
  rotateSigningKey,
  setUserStatus,
} from "@domain/identity/mod.ts";
import { fixedClock } from "@shared/clock.ts";
import { isAppError } from "@shared/errors.ts";
import { testDbMode } from "./support/db.ts";
import { adminChanges, authAs, bearerOf, call, expectProblem, makeUser } from "./support/identity.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();
const CLI = { kind: "cli" } as const;
const DAY = 86_400_000;

function claimsOf(token: string): Record<string, unknown> {
  const part = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part)) as Record<string, unknown>;
}

function deps(t: TestApp) {
  return { db: t.ctx.db, clock: t.ctx.clock, cache: t.ctx.identityCache };
}

Deno.test(`authenticate() (${mode}) resolves PATs: both headers, expiry, revocation, tampering`, async () => {
  await using t = await openTestApp();
  const erin = await makeUser(t.ctx, "erin@example.com", ["user"], "finance");
  const { key, record } = await issueApiKey(deps(t), {
    ref: erin.id,
    name: "ci",
    expiresDays: 1,
    actor: CLI,
  });
  const pat = key.reveal();
  for (const credentials of [bearerOf(pat), { apiKey: pat }, { authorization: "Basic eDp5", apiKey: pat }]) {
    const verdict = await authAs(t.ctx, credentials, ["hook"]);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    const p = verdict.principal;
    assert.deepEqual([p.userId, p.scope, p.credential, p.department], [
      erin.id,
      "user",
      "api_key",
      "finance",
    ]);
    assert.deepEqual([...p.audiences], ["web", "api", "mcp", "a2a", "hook", "plugin"]);
    assert.equal(p.sessionId, `sess_${record.id}`);
    assert.equal(p.clientId, `pat:${record.prefix}`);
  }
  const later = new Date(Date.now() + 2 * DAY);
  assert.deepEqual(await authAs(t.ctx, { apiKey: pat }, ["api"], later), {
    ok: false,
    reason: "expired",
    message: INVALID_CREDENTIALS,
  });
  const tampered = `${pat.slice(0, -1)}${pat.endsWith("0") ? "1" : "0"}`;
  const unknown = `sp-live-000000000000.${pat.slice(21)}`;
  const cases: [Record<string, string>, string][] = [
    [{ apiKey: tampered }, "invalid_api_key"],
    [{ apiKey: unknown }, "unknown_api_key"],
    [{ apiKey: `${pat}x` }, "malformed"],
    [{ apiKey: "a-jwt-is-not-an-api-key" }, "malformed"],
    [{ authorization: "Basic eDp5" }, "malformed"],
  ];
  for (const [credentials, reason] of cases) {
    assert.deepEqual(await authAs(t.ctx, credentials), { ok: false, reason, message: INVALID_CREDENTIALS });
  }
  assert.deepEqual(await authAs(t.ctx, {}), { ok: false, reason: "missing", message: MISSING_CREDENTIALS });
  assert.deepEqual(await authAs(t.ctx, { authorization: "  ", apiKey: "" }), {
    ok: false,
    reason: "missing",
    message: MISSING_CREDENTIALS,
  });
  await call(t, "DELETE", `/api/v1/admin/api-keys/${record.prefix}`, { token: t.adminToken });
  assert.equal((await authAs(t.ctx, { apiKey: pat })).ok, false, "revoked: refused on the next call");
});

Deno.test(`plugin tokens (${mode}): hook audiences, scope and plugin_id; admins only`, async () => {
  await using t = await openTestApp();
  const { token, sessionId } = await issuePluginToken(t.ctx, t.admin, {
    pluginId: "acme-plugin",
    ttlSeconds: 7 * 86_400,
    actor: CLI,
  });
  const claims = claimsOf(token);
  assert.ok((claims["aud"] as string[]).includes("hook") && (claims["aud"] as string[]).includes("plugin"));
  assert.equal(claims["scope"], "hook:govern hook:track");
  assert.equal(claims["plugin_id"], "acme-plugin");
  assert.equal(claims["session_id"], sessionId);
  assert.equal(Number(claims["exp"]) - Number(claims["iat"]), 7 * 86_400);
  const events = await adminChanges(t.ctx);
  assert.ok(events.some((e) => e["action"] === "plugin_token.issued"));
  assert.ok(!JSON.stringify(events).includes(token.split(".")[2]!), "no token value in the event stream");
  const verdict = await authAs(t.ctx, bearerOf(token), ["hook", "api"]);
  assert.ok(verdict.ok);
  assert.deepEqual(
    [verdict.principal.credential, verdict.principal.pluginId, verdict.principal.scope],
    ["plugin", "acme-plugin", "admin"],
  );
  assert.deepEqual(await authAs(t.ctx, bearerOf(token), ["api"]), {
    ok: false,
    reason: "invalid_claims",
    message: INVALID_CREDENTIALS,
  });
  await expectProblem(await call(t, "GET", "/api/v1/admin/me", { token }), 401, "auth.invalid_token");
  const user = await makeUser(t.ctx, "frank@example.com");
  await assert.rejects(
    () => issuePluginToken(t.ctx, user, { pluginId: "x", ttlSeconds: 60, actor: CLI }),
    (error) => isAppError(error, "identity.not_admin") && /admins only/.test(error.message),
  );
});

Deno.test(`demote and promote (${mode}) apply to the very next call of the same token`, async () => {
  await using t = await openTestApp();
  const gina = await makeUser(t.ctx, "gina@example.com", ["user", "admin"]);
  const session = await issueSessionToken(t.ctx, gina, { ttlSeconds: 3600, actor: CLI });
  const plugin = await issuePluginToken(t.ctx, gina, { pluginId: "p", ttlSeconds: 3600, actor: CLI });
  const scopes = async () => [
    ...(await Promise.all([
      authAs(t.ctx, bearerOf(session.token)),
      authAs(t.ctx, bearerOf(plugin.token), ["hook"]),
    ])).map((v) => v.ok ? v.principal.scope : v.reason),
  ];
  assert.deepEqual(await scopes(), ["admin", "admin"]);
  await changeRole(deps(t), { ref: gina.email, change: "demote", role: "admin", actor: CLI });
  assert.deepEqual(await scopes(), ["user", "user"]);
  await expectProblem(
    await call(t, "GET", "/api/v1/admin/users", { token: session.token }),
    403,
    "auth.forbidden",
  );
  await changeRole(deps(t), { ref: gina.email, change: "promote", role: "admin", actor: CLI });
  assert.deepEqual(await scopes(), ["admin", "admin"]);
  const users = await call(t, "GET", "/api/v1/admin/users", { token: session.token });
  assert.equal(users.status, 200);
  await users.body?.cancel();
});

Deno.test(`a banned user's every credential (${mode}) is refused at once`, async () => {
  await using t = await openTestApp();
  const hank = await makeUser(t.ctx, "hank@example.com", ["user", "admin"]);
  const session = await issueSessionToken(t.ctx, hank, { ttlSeconds: 3600, actor: CLI });
  const plugin = await issuePluginToken(t.ctx, hank, { pluginId: "p", ttlSeconds: 3600, actor: CLI });
  const pat = (await issueApiKey(deps(t), { ref: hank.id, name: "k", expiresDays: null, actor: CLI })).key
    .reveal();
  const all = () =>
    Promise.all([
      authAs(t.ctx, bearerOf(session.token)),
      authAs(t.ctx, bearerOf(plugin.token), ["hook"]),
      authAs(t.ctx, { apiKey: pat }),
    ]);
  assert.ok((await all()).every((v) => v.ok));
  await setUserStatus(deps(t), { ref: hank.email, status: "banned", actor: CLI });
  for (const verdict of await all()) {
    assert.deepEqual(verdict, { ok: false, reason: "inactive_user", message: INVALID_CREDENTIALS });
  }
  await expectProblem(
    await call(t, "GET", "/api/v1/admin/me", { token: session.token }),
    401,
    "auth.invalid_token",
  );
  await assert.rejects(
    () => issueSessionToken(t.ctx, { ...hank, status: "banned" }, { ttlSeconds: 60, actor: CLI }),
    (error) => isAppError(error, "identity.user_inactive"),
  );
  await setUserStatus(deps(t), { ref: hank.email, status: "active", actor: CLI });
  assert.ok((await all()).every((v) => v.ok), "unbanned: the same credentials work again");
});

Deno.test(`sessions (${mode}): a revoked or expired session refuses its token`, async () => {
  await using t = await openTestApp();
  const ivy = await makeUser(t.ctx, "ivy@example.com");
  const s = await issueSessionToken(t.ctx, ivy, { ttlSeconds: 3600, actor: CLI });
  assert.ok((await authAs(t.ctx, bearerOf(s.token))).ok);
  await t.ctx.db.query("update sessions set revoked_at = now() where id = $1", [s.sessionId]);
  t.ctx.identityCache.invalidateUser(ivy.id); // the trigger's NOTIFY does this too, asynchronously
  assert.equal((await authAs(t.ctx, bearerOf(s.token))).ok, false);
  assert.deepEqual(await authAs(t.ctx, bearerOf(s.token)), {
    ok: false,
    reason: "session_revoked",
    message: INVALID_CREDENTIALS,
  });
});

Deno.test(`key rotation (${mode}) prunes a rotated-out key once every token it signed has expired`, async () => {
  const clock = fixedClock(new Date());
  await using t = await openTestApp({ clock });
  const keyDeps = signingKeyDeps(t.ctx);
  const first = t.ctx.tokens.signing.kid;
  const one = await rotateSigningKey(keyDeps, CLI);
  assert.deepEqual([one.retiring, one.pruned], [[first], []]);
  const withinLifetime = await authAs(
    t.ctx,
    bearerOf(t.adminToken),
    ["api"],
    new Date(clock.now().getTime() + 1000),
  );
  assert.ok(withinLifetime.ok, "a token of the retiring key still verifies");
  clock.advance((MAX_TOKEN_LIFETIME_SECONDS + 31) * 1000);
  const two = await rotateSigningKey(keyDeps, CLI);
  assert.deepEqual([two.retiring, two.pruned], [[one.kid], [first]]);
  assert.deepEqual(t.ctx.tokens.jwks.map((k) => k.kid), [two.kid, one.kid]);
  const files = [...Deno.readDirSync(keyDeps.keyDir)].filter((e) => e.name.endsWith(".pem"));
  assert.equal(files.length, 2, "the pruned key's file is gone");
  const jwks = await (await t.app.request("/.well-known/jwks.json")).json() as { keys: { kid: string }[] };
  assert.ok(!jwks.keys.some((k) => k.kid === first));
});
