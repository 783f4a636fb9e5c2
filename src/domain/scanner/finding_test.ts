import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fingerprint, fingerprinter, preview } from "./finding.ts";
import { isLowDiversity, longestRun, looksLikeWords } from "./quality.ts";
import { RULE_INDEX } from "./rules.ts";
import { selectRules } from "./prefilter.ts";

Deno.test("fingerprinter (pads hashed once) equals createHmac for short, block-sized and long keys", () => {
  for (const n of [0, 1, 29, 63, 64, 65, 200]) {
    const key = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
    const mac = fingerprinter(key);
    for (const m of ["", "a", "ghp_0123456789abcdef", "ключ-秘密-🔑", "x".repeat(55), "y".repeat(300)]) {
      assert.equal(mac(m), createHmac("sha256", key).update(m).digest("hex"));
      assert.equal(mac(m), fingerprint(key, m));
    }
  }
});

Deno.test("preview: the printable-ASCII fast path and the code-point path agree on the rule", () => {
  assert.equal(preview("abcdefghijklmnopqrstuvwxyz0123456789"), "abcdefghijkl...[REDACTED]");
  assert.equal(preview("abcdefghi"), "abc...[REDACTED]");
  assert.equal(preview("ab\u200bcdefghij"), "abc...[REDACTED]");
  assert.equal(preview("🔑🔑🔑🔑🔑🔑"), "🔑🔑...[REDACTED]");
});

Deno.test("quality predicates keep their meaning (single-pass rewrites)", () => {
  assert.equal(longestRun("abcdef"), 6);
  assert.equal(longestRun("a1b2c3d4"), 4);
  assert.equal(longestRun("zyxw9"), 4);
  assert.equal(longestRun(""), 0);
  assert.equal(isLowDiversity("aaaaaaaaab1"), true);
  assert.equal(isLowDiversity("abababab"), true);
  assert.equal(isLowDiversity("éééééaaaa"), true); // fewer than 5 distinct, non-ASCII counted once
  assert.equal(isLowDiversity("aB3dE5fG7hI9"), false);
  assert.equal(looksLikeWords("isBearerToken"), true);
  assert.equal(looksLikeWords("aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"), false);
});

Deno.test("prefilter: one-character-keyword rules run only on texts with a long enough token run", () => {
  const mailgun = RULE_INDEX.rules.findIndex((r) => r.id === "mailgun-api-key" && r.keywords[0] === "-");
  const key = `${"0123456789abcdef".repeat(2)}-0123abcd-89abcdef`;
  assert.ok(selectRules(RULE_INDEX, `key: ${key}`).ids.includes(mailgun));
  assert.ok(!selectRules(RULE_INDEX, "a short-text with-dashes").ids.includes(mailgun));
});
