import assert from "node:assert/strict";
import {
  createSecretScan,
  type ScanSummary,
  type SecretFinding,
  type SecretScanPort,
} from "./secret_scan.ts";
import type { StageInput } from "../types.ts";

function finding(detectorId: string, confidence: string, path = "a"): SecretFinding {
  return { detectorId, confidence, path, name: `N(${detectorId})`, preview: "abc...[REDACTED]" };
}

function port(summary: ScanSummary): SecretScanPort {
  return { scanJson: () => summary, scanText: () => summary };
}

const input = { target: { toolInput: { a: "x" } } } as unknown as StageInput;

Deno.test("secret_scan: every confidence denies by default; the first denying finding is named, +N more", async () => {
  const stage = createSecretScan(port({
    findings: [finding("high-entropy-token", "low", "x"), finding("aws-access-key", "certain", "y")],
    hiddenCharacters: false,
  }));
  const v = await stage.evaluate(input);
  assert.equal(v.result, "fail");
  assert.equal(
    "reason" in v && v.reason,
    "secret detected: N(high-entropy-token) at tool_input.x (abc...[REDACTED]) (+1 more)",
  );
});

Deno.test("secret_scan: low → log allows and records the finding; off leaves no trace; N counts denials", async () => {
  const summary = {
    findings: [
      finding("high-entropy-token", "low", "x"),
      finding("github-token-classic", "high", "y"),
      finding("aws-access-key", "certain", "z"),
    ],
    hiddenCharacters: true,
  };
  const logged = await createSecretScan(port(summary), {
    lowConfidence: "log",
    detectors: { "aws-access-key": "off" },
  }).evaluate(input);
  assert.deepEqual(logged, {
    result: "fail",
    reason: "secret detected: N(github-token-classic) at tool_input.y (abc...[REDACTED])",
    detail: "github-token-classic@y:high; logged (allowed): high-entropy-token@x:low; " +
      "hidden characters removed before scanning",
  });
  const allowed = await createSecretScan(port(summary), {
    lowConfidence: "log",
    detectors: { "aws-access-key": "off", "github-token-classic": "log" },
  }).evaluate(input);
  assert.equal(allowed.result, "pass");
  assert.equal(
    allowed.detail,
    "logged (allowed): high-entropy-token@x:low, github-token-classic@y:high; hidden characters removed before scanning",
  );
});

Deno.test("secret_scan: a truncated scan with nothing denied is unscannable, logged findings kept", async () => {
  const v = await createSecretScan(
    port({ findings: [finding("high-entropy-token", "low")], hiddenCharacters: false, truncated: true }),
    { lowConfidence: "log" },
  ).evaluate(input);
  assert.equal(v.result, "fail");
  assert.equal("policy" in v && v.policy, "unscannable");
  assert.equal(v.detail, "logged (allowed): high-entropy-token@a:low");
});
