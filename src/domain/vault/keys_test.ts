import assert from "node:assert/strict";
import { Secret } from "@shared/secret.ts";
import { nonceOf } from "./envelope.ts";
import {
  decodeKey,
  encodeKey,
  generateKey,
  opensCheck,
  openSecret,
  sealCheck,
  sealSecret,
  type SecretBinding,
  unwrapDataKey,
  wrapDataKey,
} from "./keys.ts";
import type { OwnerKey, SecretName } from "./owner.ts";

const CANARY = "sk-canary-3f9a1c2e7b-vault-test";
const ALICE = "user:0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b" as OwnerKey;
const BOB = "user:0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7c" as OwnerKey;
const DEK_ID = "0190a5b2-0000-7000-8000-000000000001";

function binding(owner: OwnerKey, name = "github", version = 1): SecretBinding {
  return { owner, name: name as SecretName, version, dekId: DEK_ID };
}

Deno.test("sealSecret() then openSecret() returns the value; the blob holds no plaintext", () => {
  const dek = generateKey();
  const blob = sealSecret(dek, binding(ALICE), new Secret(CANARY));
  assert.equal(openSecret(dek, binding(ALICE), blob)?.reveal(), CANARY);
  assert.ok(!new TextDecoder("latin1").decode(blob).includes(CANARY));
  assert.equal(blob[0], 1, "format version");
  assert.equal(blob[1], 2, "kind: secret");
});

Deno.test("openSecret() refuses a blob moved to another owner, name, version or data key", () => {
  const dek = generateKey();
  const blob = sealSecret(dek, binding(ALICE), new Secret(CANARY));
  assert.equal(openSecret(dek, binding(BOB), blob), undefined, "AAD swap between two owners");
  assert.equal(openSecret(dek, binding(ALICE, "gitlab"), blob), undefined, "another name");
  assert.equal(openSecret(dek, binding(ALICE, "github", 2), blob), undefined, "another version");
  assert.equal(openSecret(dek, { ...binding(ALICE), dekId: crypto.randomUUID() }, blob), undefined);
  assert.equal(openSecret(generateKey(), binding(ALICE), blob), undefined, "another key");
});

Deno.test("wrapDataKey() binds the data key to its owner and the KEK version", () => {
  const kek = generateKey();
  const dek = generateKey();
  const wrapped = wrapDataKey(kek, 3, ALICE, dek);
  assert.deepEqual(unwrapDataKey(kek, 3, ALICE, wrapped), dek);
  assert.equal(unwrapDataKey(kek, 3, BOB, wrapped), undefined, "AAD swap between two owners");
  assert.equal(unwrapDataKey(kek, 4, ALICE, wrapped), undefined);
  assert.equal(unwrapDataKey(generateKey(), 3, ALICE, wrapped), undefined);
});

Deno.test("tampering any single byte of a sealed secret or wrapped key makes it fail", () => {
  const kek = generateKey();
  const dek = generateKey();
  const blob = sealSecret(dek, binding(ALICE), new Secret(CANARY));
  for (let i = 0; i < blob.length; i++) {
    for (const flip of [0x01, 0x80]) {
      const tampered = blob.slice();
      tampered[i] = tampered[i]! ^ flip;
      assert.equal(openSecret(dek, binding(ALICE), tampered), undefined, `secret byte ${i} ^ ${flip}`);
    }
  }
  const wrapped = wrapDataKey(kek, 1, ALICE, dek);
  for (let i = 0; i < wrapped.length; i++) {
    const tampered = wrapped.slice();
    tampered[i] = tampered[i]! ^ 0x01;
    assert.equal(unwrapDataKey(kek, 1, ALICE, tampered), undefined, `wrapped key byte ${i}`);
  }
  assert.equal(openSecret(dek, binding(ALICE), blob.subarray(0, blob.length - 1)), undefined, "truncated");
  const extended = new Uint8Array(blob.length + 1);
  extended.set(blob);
  assert.equal(openSecret(dek, binding(ALICE), extended), undefined, "extended");
});

Deno.test("100,000 encryptions under one key never repeat a nonce", () => {
  const dek = generateKey();
  const value = new Secret("x");
  const seen = new Set<string>();
  const headerLength = 18;
  for (let i = 0; i < 100_000; i++) {
    const nonce = nonceOf(sealSecret(dek, binding(ALICE), value), headerLength);
    seen.add(String.fromCharCode(...nonce));
  }
  assert.equal(seen.size, 100_000);
});

Deno.test("the key-ring check opens only with its KEK and version", () => {
  const kek = generateKey();
  const check = sealCheck(kek, 1);
  assert.ok(opensCheck(kek, 1, check));
  assert.ok(!opensCheck(kek, 2, check));
  assert.ok(!opensCheck(generateKey(), 1, check));
});

Deno.test("decodeKey() accepts exactly 32 bytes of base64; encodeKey() round-trips", () => {
  const key = generateKey();
  assert.deepEqual(decodeKey(encodeKey(key).reveal()), key);
  assert.equal(decodeKey(btoa("short")), undefined);
  assert.equal(decodeKey("not base64!"), undefined);
  assert.equal(String(encodeKey(key)), "[REDACTED]");
});
