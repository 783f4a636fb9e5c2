import assert from "node:assert/strict";
import { generateSigningKeyPem, importSigningKey } from "@infra/crypto/signing_key.ts";
import { newSessionId, newUserId } from "@shared/ids.ts";
import { createTokenKeys, mintAccessToken, type TokenKeys, verifyAccessToken } from "./tokens.ts";
import { VerifiedTokens } from "./verified_tokens.ts";

const signer = await importSigningKey(await generateSigningKeyPem());
const keys = await createTokenKeys([signer]);
const now = new Date("2026-12-01T00:00:00Z");
const base = {
  userId: newUserId(),
  sessionId: newSessionId(),
  scope: "admin",
  clientId: "test",
  audiences: ["api", "mcp"],
  issuer: "systemprompt",
  ttlSeconds: 600,
  now,
};
const expect = (offsetSeconds: number, audience: string | string[] = "api", issuer = "systemprompt") => ({
  issuer,
  audience,
  now: new Date(now.getTime() + offsetSeconds * 1000),
});

Deno.test("verifyAccessToken() with a memo gives the same verdicts as without, on first and later uses", async () => {
  const token = await mintAccessToken(keys, base);
  const memo = new VerifiedTokens();
  const cases = [
    expect(0),
    expect(0, ["hook", "mcp"]),
    expect(0, "hook"),
    expect(0, "api", "someone-else"),
    expect(-29),
    expect(-31),
    expect(625),
    expect(631),
  ];
  for (const round of [1, 2]) {
    for (const e of cases) {
      const plain = await verifyAccessToken(keys, token, e);
      const memoised = await verifyAccessToken(keys, token, e, memo);
      assert.deepEqual(memoised, plain, `round ${round}: ${JSON.stringify(e)}`);
    }
  }
  assert.equal(memo.size, 1);
});

Deno.test("VerifiedTokens remembers only tokens that verified", async () => {
  const memo = new VerifiedTokens();
  const other = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
  const foreign = await mintAccessToken(other, base);
  assert.equal((await verifyAccessToken(keys, foreign, expect(0), memo)).valid, false);
  const token = await mintAccessToken(keys, base);
  assert.equal((await verifyAccessToken(keys, token, expect(0, "hook"), memo)).valid, false);
  const [head, payload] = token.split(".");
  assert.equal((await verifyAccessToken(keys, `${head}.${payload}.AAAA`, expect(0), memo)).valid, false);
  assert.equal(memo.size, 0);
});

Deno.test("a key ring without the verifying key makes a remembered token fail again", async () => {
  const memo = new VerifiedTokens();
  const token = await mintAccessToken(keys, base);
  assert.ok((await verifyAccessToken(keys, token, expect(0), memo)).valid);
  const rotated = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
  assert.deepEqual(await verifyAccessToken(rotated, token, expect(0), memo), {
    valid: false,
    reason: "unknown_key",
  });
  assert.equal(memo.size, 0, "the stale entry is dropped");
  // The same kid re-imported (a replaced ring) is another key object: verified afresh, then remembered.
  const reimported: TokenKeys = await createTokenKeys([signer]);
  assert.ok((await verifyAccessToken(reimported, token, expect(0), memo)).valid);
  assert.ok(memo.lookup(token, reimported));
  assert.equal(memo.lookup(token, keys), undefined, "remembered for the new key object only");
});

Deno.test("VerifiedTokens keeps at most maxEntries, dropping the oldest", async () => {
  const memo = new VerifiedTokens(2);
  const tokens = [
    await mintAccessToken(keys, base),
    await mintAccessToken(keys, base),
    await mintAccessToken(keys, base),
  ];
  for (const token of tokens) assert.ok((await verifyAccessToken(keys, token, expect(0), memo)).valid);
  assert.equal(memo.size, 2);
  assert.equal(memo.lookup(tokens[0]!, keys), undefined);
  assert.ok(memo.lookup(tokens[2]!, keys));
});
