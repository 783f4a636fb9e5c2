import assert from "node:assert/strict";
import { nextKeyFileName, type SigningKeyRecord, stillVerifies } from "./key_store.ts";

const now = new Date("2026-12-01T12:00:00.500Z");

Deno.test("nextKeyFileName() sorts after every existing key file", () => {
  assert.equal(nextKeyFileName([], now), "20261201T120000Z.pem");
  assert.equal(nextKeyFileName(["20261101T000000Z.pem"], now), "20261201T120000Z.pem");
  const tie = nextKeyFileName(["20261201T120000Z.pem"], now);
  assert.equal(tie, "20261201T120000Z~1.pem");
  const again = nextKeyFileName(["20261201T120000Z.pem", tie], now);
  const future = nextKeyFileName(["20300101T000000Z.pem"], now);
  for (
    const [older, newer] of [["20261201T120000Z.pem", tie], [tie, again], ["20300101T000000Z.pem", future]]
  ) {
    assert.ok([older, newer].sort().reverse()[0] === newer, `${newer} sorts newest`);
  }
});

Deno.test("stillVerifies() follows status and not_after; an unrecorded key verifies", () => {
  const base: SigningKeyRecord = {
    kid: "k",
    publicJwk: { kty: "RSA", n: "", e: "", kid: "k", alg: "RS256", use: "sig" },
    status: "active",
    createdAt: now,
    retiredAt: null,
    notAfter: null,
  };
  assert.ok(stillVerifies(undefined, now));
  assert.ok(stillVerifies(base, now));
  assert.ok(stillVerifies({ ...base, status: "retiring", notAfter: new Date(now.getTime() + 1) }, now));
  assert.equal(stillVerifies({ ...base, status: "retiring", notAfter: now }, now), false);
  assert.equal(stillVerifies({ ...base, status: "retired" }, now), false);
});
