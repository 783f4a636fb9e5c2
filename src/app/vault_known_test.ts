import assert from "node:assert/strict";
import { Secret } from "@shared/secret.ts";
import { createKnownSecrets } from "./vault_known.ts";

const CANARY = "ghp_canaryVALUE1234567890abcdefXYZ";

function b64(text: string): string {
  return btoa(text);
}

Deno.test("redactKnown() removes a known value and its base64 and base64url forms", () => {
  const known = createKnownSecrets();
  known.add(new Secret(CANARY));
  assert.equal(known.size, 1);
  const url = b64(CANARY).replaceAll("+", "-").replaceAll("/", "_");
  const text = `token=${CANARY}; b64=${b64(CANARY)}; url=${url}`;
  const redacted = known.redactKnown(text);
  assert.ok(!redacted.includes(CANARY));
  assert.ok(!redacted.includes(b64(CANARY).replace(/=+$/, "")));
  assert.match(redacted, /^token=\[REDACTED\]; b64=\[REDACTED\]; url=\[REDACTED\]$/);
});

Deno.test("redactKnown() finds the value inside a larger base64 text at any alignment", () => {
  const known = createKnownSecrets();
  known.add(new Secret(CANARY));
  for (const user of ["u", "us", "use", "user"]) {
    const basic = b64(`${user}:${CANARY}`);
    const redacted = known.redactKnown(`Authorization: Basic ${basic}`);
    assert.notEqual(redacted, `Authorization: Basic ${basic}`, user);
    // What is left around the marker encodes at most two bytes of the value on each side.
    const left = redacted.replace(/^Authorization: Basic /, "").split("[REDACTED]");
    assert.ok(left.every((part) => part.length <= 8), `${user}: ${redacted}`);
  }
});

Deno.test("redactKnownJson() redacts strings and keys, JSON-escaped forms included", () => {
  const known = createKnownSecrets();
  known.add(new Secret('pa"ss\\word-1234'));
  known.add(new Secret(CANARY));
  const out = known.redactKnownJson({ a: [`x ${CANARY} y`], [CANARY]: 1, n: 2, t: true, z: null });
  assert.deepEqual(out, { a: ["x [REDACTED] y"], "[REDACTED]": 1, n: 2, t: true, z: null });
  const asText = JSON.stringify({ v: 'pa"ss\\word-1234' });
  assert.equal(known.redactKnown(asText), '{"v":"[REDACTED]"}');
});

Deno.test("values shorter than four characters are not registered (they would garble results)", () => {
  const known = createKnownSecrets();
  known.add(new Secret("abc"));
  assert.equal(known.size, 0);
  assert.equal(known.redactKnown("abcabc"), "abcabc");
});

Deno.test("one Secret registered with several calls is redacted in each (forms encoded once)", () => {
  const key = new Secret(CANARY);
  const short = new Secret("abc");
  for (let call = 0; call < 3; call++) {
    const known = createKnownSecrets();
    known.add(short);
    known.add(key);
    known.add(key);
    assert.equal(known.size, 1, "a short value is never registered; the same value counts once");
    assert.equal(known.redactKnown(`a ${CANARY} b ${b64(CANARY)} c abc`), "a [REDACTED] b [REDACTED] c abc");
  }
});
