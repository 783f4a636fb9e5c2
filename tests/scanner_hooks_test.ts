/**
 * `secret_scan` actions through the hook surface (`POST /api/public/hooks/govern`): deny texts per
 * ARCHITECTURE §6, actions by confidence and per detector (`deny | log | off`), `extra_patterns`
 * (prefix and regex) from `services/governance/config.yaml`, and configuration errors that name
 * the key (unsafe regex, unknown detector).
 */
import assert from "node:assert/strict";
import { AppError } from "@shared/errors.ts";
import { copy } from "./bench/fs_copy.ts";
import { REPO_ROOT } from "./support/process.ts";
import { testDbMode } from "./support/db.ts";
import { auditRows, govern, preToolUse } from "./support/hooks.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();
const GITHUB = "ghp_" + "Zx9Kq2Lm8Np4Rt6Vw1Yb3Cd5Fg7Hj0Ks2Mn4P";
const AWS = "AKIA" + "Z7Q4LMWP2XKD9RTV";
/** Found by the password grammar with `low` confidence only (prose, no `=`). */
const LOW = "my password is 237dg546fs9";

/** The repository's services with `secretScan` (YAML lines) as `stages.secret_scan`. */
async function withServices(secretScan: string): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sp_scan_services_" });
  await copy(`${REPO_ROOT}/services`, dir);
  const file = `${dir}/governance/config.yaml`;
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace(/^stages:\n/m, `stages:\n  secret_scan:\n${secretScan}\n`));
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

async function decideWrite(t: TestApp, input: unknown, session: string) {
  const { answer } = await govern(t, preToolUse("Write", input, { session_id: session }), {
    token: t.adminToken,
  });
  return answer.hookSpecificOutput;
}

async function secretScanDetail(t: TestApp, session: string): Promise<string | null | undefined> {
  const row = (await auditRows(t)).find((r) => r.session_id === session);
  return row?.evaluated_rules.chain.find((c) => c.policy_id === "secret_scan")?.detail;
}

Deno.test(`scanner hooks (${mode}): default actions deny every confidence; texts per §6`, async () => {
  await using t = await openTestApp();
  const one = await decideWrite(t, { content: `token = ${GITHUB}` }, "s-one");
  assert.equal(one.permissionDecision, "deny");
  assert.match(
    one.permissionDecisionReason ?? "",
    /^\[GOVERNANCE\] secret detected: .+ at tool_input\.content \(ghp_Zx9Kq2Lm\.\.\.\[REDACTED\]\)$/,
  );
  const two = await decideWrite(t, { a: GITHUB, b: { c: AWS } }, "s-two");
  assert.match(
    two.permissionDecisionReason ?? "",
    /^\[GOVERNANCE\] secret detected: .+ at tool_input\.a \(.+\.\.\.\[REDACTED\]\) \(\+1 more\)$/,
  );
  const low = await decideWrite(t, { input: LOW }, "s-low");
  assert.equal(low.permissionDecision, "deny");
  assert.ok(!(await secretScanDetail(t, "s-two"))?.includes(GITHUB), "no secret in the audit detail");
});

Deno.test(`scanner hooks (${mode}): low: log, per-detector overrides and extra patterns`, async () => {
  await using services = await withServices([
    "    low_confidence: log",
    "    detectors: { aws-access-key: off, github-token-classic: log }",
    "    extra_patterns:",
    '      - { name: Acme API key, prefix: "acme_" }',
    '      - { name: Internal token, regex: "itk_[0-9a-f]{32}" }',
  ].join("\n"));
  await using t = await openTestApp({ env: { SYSTEMPROMPT_SERVICES: services.dir } });
  const low = await decideWrite(t, { input: LOW }, "s-low");
  assert.equal(low.permissionDecision, "allow");
  assert.match(
    (await secretScanDetail(t, "s-low")) ?? "",
    /^logged \(allowed\): generic-password-field@input:low$/,
  );
  assert.equal((await decideWrite(t, { key: AWS }, "s-aws")).permissionDecision, "allow");
  assert.equal(await secretScanDetail(t, "s-aws"), null, "an `off` detector leaves no trace");
  const gh = await decideWrite(t, { a: GITHUB }, "s-gh");
  assert.equal(gh.permissionDecision, "allow");
  assert.match((await secretScanDetail(t, "s-gh")) ?? "", /^logged \(allowed\): github-token-classic@a:/);
  const acme = await decideWrite(t, { cmd: "deploy --key acme_9fK2mQ7xLp4Z" }, "s-acme");
  assert.match(
    acme.permissionDecisionReason ?? "",
    /secret detected: Acme API key at tool_input\.cmd \(acme_\.\.\.\[REDACTED\]\)$/,
  );
  const itk = await decideWrite(t, { note: `x itk_${"0a1b2c3d".repeat(4)} y`, gh: GITHUB }, "s-itk");
  assert.match(
    itk.permissionDecisionReason ?? "",
    /secret detected: Internal token at tool_input\.note \(itk_0a1b2c3d\.\.\.\[REDACTED\]\)$/,
  );
  assert.match(
    (await secretScanDetail(t, "s-itk")) ?? "",
    /^custom-pattern@note:high; logged \(allowed\): github/,
  );
  assert.deepEqual(
    t.ctx.egressScan.extraPatterns?.map((p) => p.name),
    ["Acme API key", "Internal token"],
    "egress scans (tool results, model output) use the same extra patterns",
  );
});

Deno.test(`scanner hooks (${mode}): unsafe extra regexes and unknown detectors are config errors naming the key`, async () => {
  const cases: [string, RegExp][] = [
    [
      '    extra_patterns: [{ name: Bad, regex: "(a+)+$" }]',
      /stages\.secret_scan\.extra_patterns\[0\]\.regex: unsafe regex/,
    ],
    [
      '    extra_patterns: [{ name: Bad, regex: "(\\\\w{4})\\\\1" }]',
      /extra_patterns\[0\]\.regex: unsafe regex: backreferences/,
    ],
    [
      "    extra_patterns: [{ name: Both, prefix: abc_, regex: abc }]",
      /extra_patterns\[0\]: give exactly one of prefix or regex/,
    ],
    ["    low_confidence: maybe", /stages\.secret_scan\.low_confidence/],
    [
      "    detectors: { no-such-detector: log }",
      /stages\.secret_scan\.detectors\.no-such-detector: no such detector id/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    await using services = await withServices(yaml);
    await assert.rejects(openTestApp({ env: { SYSTEMPROMPT_SERVICES: services.dir } }), (error: unknown) => {
      assert.ok(error instanceof AppError, String(error));
      assert.equal(error.code, "config.invalid");
      assert.match(error.message, expected);
      return true;
    });
  }
});
