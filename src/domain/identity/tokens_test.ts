import assert from "node:assert/strict";
import { generateSigningKeyPem, importSigningKey } from "@infra/crypto/signing_key.ts";
import { newSessionId, newUserId } from "@shared/ids.ts";
import {
  createTokenKeys,
  MAX_TOKEN_LIFETIME_SECONDS,
  mintAccessToken,
  PLUGIN_AUDIENCES,
  PLUGIN_SCOPE,
  verifyAccessToken,
} from "./tokens.ts";

const keys = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
const other = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
const now = new Date("2026-12-01T00:00:00Z");
const base = {
  userId: newUserId(),
  sessionId: newSessionId(),
  scope: "admin" as const,
  clientId: "test",
  audiences: ["api", "mcp"],
  issuer: "systemprompt",
  ttlSeconds: 600,
  now,
};
const expect = (at: Date, audience = "api") => ({ issuer: "systemprompt", audience, now: at });

Deno.test("verifyAccessToken() accepts a token it minted and returns its claims", async () => {
  const token = await mintAccessToken(keys, base);
  const verdict = await verifyAccessToken(keys, token, expect(now));
  assert.ok(verdict.valid);
  assert.equal(verdict.claims.userId, base.userId);
  assert.equal(verdict.claims.sessionId, base.sessionId);
  assert.equal(verdict.claims.scope, "admin");
  assert.deepEqual(verdict.expiresAt, new Date(now.getTime() + 600_000));
});

Deno.test("verifyAccessToken() honours 30 s of leeway on expiry and no more", async () => {
  const token = await mintAccessToken(keys, base);
  assert.ok((await verifyAccessToken(keys, token, expect(new Date(now.getTime() + 625_000)))).valid);
  const late = await verifyAccessToken(keys, token, expect(new Date(now.getTime() + 631_000)));
  assert.deepEqual(late, { valid: false, reason: "expired" });
});

Deno.test("verifyAccessToken() rejects a foreign key, a wrong audience and garbage", async () => {
  const foreign = await mintAccessToken(other, base);
  assert.deepEqual(await verifyAccessToken(keys, foreign, expect(now)), {
    valid: false,
    reason: "unknown_key",
  });
  const token = await mintAccessToken(keys, base);
  assert.deepEqual(await verifyAccessToken(keys, token, expect(now, "hook")), {
    valid: false,
    reason: "invalid_claims",
  });
  assert.deepEqual(await verifyAccessToken(keys, "not.a.jwt", expect(now)), {
    valid: false,
    reason: "malformed",
  });
});

Deno.test("verifyAccessToken() rejects a token whose signature was tampered with", async () => {
  const token = await mintAccessToken(keys, base);
  const [h, p, s] = token.split(".");
  const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith("AA") ? "BB" : "AA"}`;
  const verdict = await verifyAccessToken(keys, flipped, expect(now));
  assert.equal(verdict.valid, false);
});

Deno.test("verifyAccessToken() accepts any one of several audiences", async () => {
  const token = await mintAccessToken(keys, base);
  assert.ok((await verifyAccessToken(keys, token, { ...expect(now), audience: ["hook", "mcp"] })).valid);
  const none = await verifyAccessToken(keys, token, { ...expect(now), audience: ["hook", "plugin"] });
  assert.deepEqual(none, { valid: false, reason: "invalid_claims" });
});

Deno.test("plugin tokens carry token_type, plugin_id and both hook grants", async () => {
  const plugin = {
    ...base,
    scope: PLUGIN_SCOPE,
    audiences: PLUGIN_AUDIENCES,
    tokenType: "plugin" as const,
    pluginId: "acme",
  };
  const verdict = await verifyAccessToken(keys, await mintAccessToken(keys, plugin), expect(now, "hook"));
  assert.ok(verdict.valid);
  assert.equal(verdict.claims.tokenType, "plugin");
  assert.equal(verdict.claims.pluginId, "acme");
  assert.deepEqual(verdict.claims.audiences, ["hook", "plugin"]);
  const narrow = await mintAccessToken(keys, { ...plugin, scope: "hook:govern" });
  assert.deepEqual(await verifyAccessToken(keys, narrow, expect(now, "hook")), {
    valid: false,
    reason: "invalid_claims",
  });
});

Deno.test("mintAccessToken() refuses lifetimes beyond the maximum", async () => {
  await assert.rejects(() => mintAccessToken(keys, { ...base, ttlSeconds: MAX_TOKEN_LIFETIME_SECONDS + 1 }));
  await assert.rejects(() => mintAccessToken(keys, { ...base, ttlSeconds: 0 }));
});
