import assert from "node:assert/strict";
import {
  apiKeyMatches,
  apiKeyStatus,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  parseApiKeyPrefix,
} from "./api_keys.ts";
import type { UserId } from "@shared/ids.ts";

Deno.test("generateApiKey() makes sp-live-<12 hex>.<52 hex> keys whose prefix is their own", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const { key, prefix } = generateApiKey();
    assert.match(key.reveal(), /^sp-live-[0-9a-f]{12}\.[0-9a-f]{52}$/);
    assert.equal(parseApiKey(key.reveal())?.prefix, prefix);
    assert.equal(String(key), "[REDACTED]");
    seen.add(key.reveal());
  }
  assert.equal(seen.size, 50);
});

Deno.test("parseApiKey() refuses anything but the exact shape", () => {
  const { key } = generateApiKey();
  for (
    const bad of [
      "",
      "sp-live-",
      key.reveal().toUpperCase(),
      `${key.reveal()}0`,
      key.reveal().slice(0, -1),
      key.reveal().replace(".", "-"),
      ` ${key.reveal()}`,
      "sp-test-0123456789ab.0123456789012345678901234567890123456789012345678901",
    ]
  ) {
    assert.equal(parseApiKey(bad), undefined, bad);
  }
});

Deno.test("parseApiKeyPrefix() accepts the bare prefix or the listed form", () => {
  assert.equal(parseApiKeyPrefix("0123456789ab"), "0123456789ab");
  assert.equal(parseApiKeyPrefix("sp-live-0123456789ab"), "0123456789ab");
  assert.equal(parseApiKeyPrefix("0123456789a"), undefined);
  assert.equal(parseApiKeyPrefix("0123456789AB"), undefined);
});

Deno.test("apiKeyMatches() compares SHA-256 digests of the whole key", async () => {
  const { key } = generateApiKey();
  const stored = await hashApiKey(key.reveal());
  assert.equal(stored.length, 32);
  assert.ok(await apiKeyMatches(key.reveal(), stored));
  const tampered = `${key.reveal().slice(0, -1)}${key.reveal().endsWith("0") ? "1" : "0"}`;
  assert.equal(await apiKeyMatches(tampered, stored), false);
  assert.equal(await apiKeyMatches(key.reveal(), stored.slice(1)), false);
});

Deno.test("apiKeyStatus() says revoked before expired before active", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  const base = {
    id: "k",
    userId: "u" as UserId,
    email: "a@b",
    name: "n",
    prefix: parseApiKeyPrefix("0123456789ab")!,
    createdAt: now,
    expiresAt: null,
    revokedAt: null,
  };
  assert.equal(apiKeyStatus(base, now), "active");
  assert.equal(apiKeyStatus({ ...base, expiresAt: now }, now), "expired");
  assert.equal(apiKeyStatus({ ...base, expiresAt: new Date(now.getTime() + 1) }, now), "active");
  assert.equal(apiKeyStatus({ ...base, expiresAt: now, revokedAt: now }, now), "revoked");
});
