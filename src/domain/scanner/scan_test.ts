import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { scanJson, scanText } from "./scan.ts";
import { FIXTURES as F, OPTIONS } from "./test_support.ts";

Deno.test("scanJson() reports JSON paths for nested leaves, array items and root-level keys", () => {
  const value = {
    command: `export GH=${F.ghp}`,
    config: { db: [{}, {}, { url: `postgres://a:${F.password}@db/x` }] },
  };
  const paths = scanJson(value, OPTIONS).findings.map((f) => `${f.path}:${f.detectorId}`);
  assert.deepEqual(paths, ["command:github-token-classic", "config.db[2].url:postgres-url-with-password"]);
});

Deno.test("scanJson() quotes unusual keys and never spells a secret found in a key", () => {
  const result = scanJson({ "a.b": { [F.stripe]: "x", y: `token=${F.groq}` } }, OPTIONS);
  assert.deepEqual(result.findings.map((f) => f.path), ['["a.b"][key:0]', '["a.b"].y']);
  for (const f of result.findings) assert.ok(!JSON.stringify(f).includes(F.stripe.slice(8)), "secret leaked");
});

Deno.test("scanText() uses the caller's path and offsets in the original string", () => {
  const text = `my key is ${F.anthropic} ok`;
  const [f] = scanText(text, "prompt.text", OPTIONS).findings;
  assert.equal(f?.path, "prompt.text");
  assert.equal(text.slice(f?.start, f?.end), F.anthropic);
});

Deno.test("preview shows min(12, ⌊length/3⌋) characters as sent, then ...[REDACTED]", () => {
  const [long] = scanText(F.anthropic, "t", OPTIONS).findings;
  assert.equal(long?.preview, `${F.anthropic.slice(0, 12)}...[REDACTED]`);
  const [short] = scanJson({ password: F.password }, OPTIONS).findings;
  assert.equal(short?.preview, `${F.password.slice(0, Math.floor(F.password.length / 3))}...[REDACTED]`);
  const [hidden] = scanText(`${F.ghp.slice(0, 4)}\u200b${F.ghp.slice(4)}`, "t", OPTIONS).findings;
  assert.equal(hidden?.preview, `${F.ghp.slice(0, 12)}...[REDACTED]`);
});

Deno.test("fingerprint is the HMAC-SHA-256 of the secret under the scanner key; the secret is nowhere", () => {
  const result = scanJson({ env: `STRIPE=${F.stripe}` }, OPTIONS);
  const expected = createHmac("sha256", OPTIONS.fingerprintKey).update(F.stripe).digest("hex");
  assert.equal(result.findings[0]?.fingerprint, expected);
  assert.ok(!JSON.stringify(result).includes(F.stripe));
});

Deno.test("one finding per occurrence, in document order, with offsets a caller can redact", () => {
  const result = scanJson({ a: F.groq, b: [F.slack, F.groq] }, OPTIONS);
  assert.deepEqual(result.findings.map((f) => f.path), ["a", "b[0]", "b[1]"]);
  const text = `x ${F.groq} y ${F.groq}`;
  const spans = scanText(text, "t", OPTIONS).findings.map((f) => text.slice(f.start, f.end));
  assert.deepEqual(spans, [F.groq, F.groq]);
});

Deno.test("hidden characters are removed before matching and reported", () => {
  const zeroWidth = scanText(`t=${F.ghp.slice(0, 6)}\u200b${F.ghp.slice(6)}`, "t", OPTIONS);
  assert.equal(zeroWidth.hiddenCharacters, true);
  assert.equal(zeroWidth.findings[0]?.detectorId, "github-token-classic");
  const tags = scanText(
    `k ${F.anthropic.slice(0, 13)}\u{E006F}\u{E006B}${F.anthropic.slice(13)}`,
    "t",
    OPTIONS,
  );
  assert.equal(tags.hiddenCharacters, true);
  assert.equal(tags.findings.length, 1);
  assert.equal(scanText("plain text", "t", OPTIONS).hiddenCharacters, false);
});

Deno.test("a string that is JSON is scanned as JSON, with paths inside it", () => {
  const content = JSON.stringify({ creds: { token: F.slack } });
  const [f] = scanJson({ path: "/tmp/x.json", content }, OPTIONS).findings;
  assert.equal(f?.path, "content.creds.token");
});

Deno.test("a key split across adjacent fields or argv elements is caught", () => {
  const fields = scanJson({ part1: F.ghp.slice(0, 20), part2: F.ghp.slice(20) }, OPTIONS);
  assert.deepEqual(fields.findings.map((f) => [f.detectorId, f.path]), [["github-token-classic", "part1"]]);
  const argv = [
    "curl",
    "-H",
    "Authorization: Bearer",
    F.groq.slice(0, 18),
    F.groq.slice(18, 36),
    F.groq.slice(36),
  ];
  assert.deepEqual(scanJson({ argv }, OPTIONS).findings.map((f) => f.path), ["argv[3]"]);
  const flags = scanJson({ argv: ["psexec", "-u", "Administrator", "-p", F.password] }, OPTIONS);
  assert.equal(flags.findings[0]?.detectorId, "cli-password");
});

Deno.test("values under credential keys are judged with their key; references and placeholders pass", () => {
  assert.deepEqual(scanJson({ password: F.password }, OPTIONS).findings.map((f) => f.detectorId), [
    "generic-password-field",
  ]);
  assert.deepEqual(scanJson({ key: "password", value: F.password }, OPTIONS).findings.length, 1);
  for (
    const v of [
      "${DB_PASSWORD}",
      "changeme",
      "<redacted>",
      "********",
      "{{ .Values.pw }}",
      "os.environ['PW']",
    ]
  ) {
    assert.deepEqual(scanJson({ password: v }, OPTIONS).findings, [], v);
  }
  assert.deepEqual(scanJson({ progressToken: "ddfef631-01d2-41ed-9e6d-f6c95baa85f2" }, OPTIONS).findings, []);
});

Deno.test("knownSecrets are caught verbatim and in base64", () => {
  const knownSecrets = ["vault-value-Fixture-42"];
  const plain = scanText("output: vault-value-Fixture-42", "t", { ...OPTIONS, knownSecrets });
  assert.equal(plain.findings[0]?.detectorId, "known-secret");
  const encoded = scanText(`blob ${btoa("vault-value-Fixture-42")}`, "t", { ...OPTIONS, knownSecrets });
  assert.equal(encoded.findings[0]?.detectorId, "known-secret");
});

Deno.test("bounds: maxBytes and maxDepth cut the scan and set truncated; no stack overflow", () => {
  const big = scanJson({ a: "x".repeat(100), b: `t=${F.ghp}` }, { ...OPTIONS, maxBytes: 50 });
  assert.equal(big.truncated, true);
  assert.deepEqual(big.findings, []);
  let deep: unknown = { token: F.slack };
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const result = scanJson(deep, OPTIONS);
  assert.equal(result.truncated, true);
  assert.equal(scanJson({ ok: "fine" }, OPTIONS).truncated, undefined);
});
