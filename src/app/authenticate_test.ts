import assert from "node:assert/strict";
import { generateSigningKeyPem, importSigningKey } from "@infra/crypto/signing_key.ts";
import {
  createTokenKeys,
  type IdentitySource,
  mintAccessToken,
  PLUGIN_AUDIENCES,
  PLUGIN_SCOPE,
  type SessionState,
  type User,
} from "@domain/identity/mod.ts";
import { newSessionId, newUserId } from "@shared/ids.ts";
import { type AuthDeps, authenticate, bearerToken, INVALID_CREDENTIALS } from "./authenticate.ts";

const keys = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
const now = new Date("2026-12-01T00:00:00Z");
const user: User = {
  id: newUserId(),
  name: "Lee",
  email: "lee@example.com",
  roles: ["user"],
  department: "ops",
  status: "active",
  createdAt: now,
};
const session: SessionState = {
  id: newSessionId(),
  userId: user.id,
  expiresAt: new Date(now.getTime() + 600_000),
  revokedAt: null,
};

function depsWith(facts: { user?: User | undefined; session?: SessionState | undefined }): AuthDeps {
  const identity = {
    findUser: () => Promise.resolve(facts.user),
    findSession: () => Promise.resolve(facts.session),
    findApiKey: () => Promise.resolve(undefined),
  } satisfies IdentitySource;
  return { tokens: keys, identity, issuer: "sp" };
}

const mint = (extra: Partial<Parameters<typeof mintAccessToken>[1]> = {}) =>
  mintAccessToken(keys, {
    userId: user.id,
    sessionId: session.id,
    scope: "admin",
    clientId: "cli",
    audiences: ["api", "mcp"],
    issuer: "sp",
    ttlSeconds: 600,
    now,
    ...extra,
  });

Deno.test("authenticate() takes scope from live roles, never from the token's claim", async () => {
  const verdict = await authenticate(
    depsWith({ user, session }),
    { authorization: `Bearer ${await mint()}` },
    {
      audiences: ["mcp"],
    },
    now,
  );
  assert.ok(verdict.ok);
  assert.deepEqual(
    [verdict.principal.scope, verdict.principal.credential, verdict.principal.department],
    ["user", "session", "ops"],
  );
});

Deno.test("authenticate() marks plugin tokens and requires a live, matching session", async () => {
  const plugin = await mint({
    audiences: PLUGIN_AUDIENCES,
    scope: PLUGIN_SCOPE,
    tokenType: "plugin",
    pluginId: "x",
  });
  const ok = await authenticate(depsWith({ user, session }), { authorization: `bearer ${plugin}` }, {
    audiences: ["hook"],
  }, now);
  assert.ok(ok.ok && ok.principal.credential === "plugin" && ok.principal.pluginId === "x");
  const token = await mint();
  const refused = [
    { user, session: undefined },
    { user, session: { ...session, userId: newUserId() } },
    { user, session: { ...session, revokedAt: now } },
    { user, session: { ...session, expiresAt: new Date(now.getTime() - 31_000) } },
  ];
  for (const facts of refused) {
    assert.deepEqual(
      await authenticate(depsWith(facts), { authorization: `Bearer ${token}` }, { audiences: ["api"] }, now),
      {
        ok: false,
        reason: "session_revoked",
        message: INVALID_CREDENTIALS,
      },
    );
  }
  const suspended = await authenticate(
    depsWith({ user: { ...user, status: "suspended" }, session }),
    {
      authorization: `Bearer ${token}`,
    },
    { audiences: ["api"] },
    now,
  );
  assert.deepEqual(suspended, { ok: false, reason: "inactive_user", message: INVALID_CREDENTIALS });
});

Deno.test("bearerToken() reads one Bearer token and nothing else", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer  abc "), "abc");
  assert.equal(bearerToken("Bearer a b"), undefined);
  assert.equal(bearerToken("Basic abc"), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
