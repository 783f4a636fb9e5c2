import assert from "node:assert/strict";
import { join } from "node:path";
import { hashDecision } from "@domain/audit/mod.ts";
import { runCli } from "@entry/cli/main.ts";
import type { DecisionId } from "@shared/ids.ts";
import { captureIo, type CliRun, runCliCaptured, STACK_FRAME } from "./support/cli_io.ts";
import { decision, newAuditKey } from "./support/audit.ts";
import { testDbMode } from "./support/db.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();

/** Runs a command the way a server runs a forwarded one: on the test app's open context. */
async function cli(app: TestApp, argv: readonly string[]): Promise<CliRun> {
  const captured = captureIo();
  const env = { SYSTEMPROMPT_HOME: app.home };
  const code = await runCli(["--json", ...argv], {
    env,
    cwd: app.home,
    io: captured.io,
    sharedContext: app.ctx,
  });
  assert.doesNotMatch(captured.stderr(), STACK_FRAME);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Runs `verify --bundle` in a directory with no profile at all: it must not need one. */
async function verifyOffline(bundle: unknown, extra: readonly string[] = []): Promise<CliRun> {
  const dir = await Deno.makeTempDir({ prefix: "sp_auditor_" });
  try {
    await Deno.writeTextFile(join(dir, "bundle.json"), JSON.stringify(bundle));
    const env = { SYSTEMPROMPT_HOME: join(dir, "no-home") };
    return await runCliCaptured(
      ["--json", "infra", "audit", "verify", "--bundle", "bundle.json", ...extra],
      env,
      dir,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function appendMany(app: TestApp, count: number): Promise<void> {
  const now = app.ctx.clock.now();
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from(
        { length: Math.min(500, count - i) },
        (_, k) => app.ctx.audit.append(decision(i + k, { createdAt: now })),
      ),
    );
  }
}

type Json = Record<string, unknown> & {
  rows: Record<string, unknown>[];
  checkpoints: Record<string, unknown>[];
};

Deno.test(`infra audit (${mode}): verify, export, offline bundle verify and pubkey`, async () => {
  await using app = await openTestApp();
  await appendMany(app, 2_100);
  const ok = await cli(app, ["infra", "audit", "verify"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { ok: true, rows_checked: 2_100, checkpoints_checked: 2 });

  const pub = JSON.parse((await cli(app, ["infra", "audit", "pubkey"])).stdout);
  assert.match(pub.public_key_pem, /^-----BEGIN PUBLIC KEY-----/);
  const out = join(app.home, "bundle.json");
  const exported = await cli(app, [
    "infra",
    "audit",
    "export",
    "--from",
    "900",
    "--to",
    "2050",
    "--out",
    out,
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(JSON.parse(exported.stdout), {
    out,
    from: 900,
    to: 2050,
    rows: 1151,
    checkpoints: 2,
    key_id: pub.key_id,
  });
  const bundle = JSON.parse(await Deno.readTextFile(out)) as Json;

  const offline = await verifyOffline(bundle, ["--key-id", pub.key_id]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(JSON.parse(offline.stdout), {
    ok: true,
    rows_checked: 1151,
    checkpoints_checked: 2,
    from: 900,
    to: 2050,
    key_id: pub.key_id,
    last_checkpoint_seq: 2000,
  });
  const otherKey = await verifyOffline(bundle, ["--key-id", "someone-else"]);
  assert.equal(otherKey.code, 1);
});

Deno.test(`infra audit (${mode}): tampered bundles and tampered rows fail with the broken seq`, async () => {
  await using app = await openTestApp();
  await appendMany(app, 1_200);
  const out = join(app.home, "bundle.json");
  assert.equal(
    (await cli(app, ["infra", "audit", "export", "--from", "1", "--to", "1200", "--out", out])).code,
    0,
  );
  const bundle = JSON.parse(await Deno.readTextFile(out)) as Json;

  const edited = structuredClone(bundle);
  edited.rows[499]!["reason"] = "nothing happened";
  const editedRun = await verifyOffline(edited);
  assert.equal(editedRun.code, 1);
  assert.equal(JSON.parse(editedRun.stdout).first_broken_seq, 500);
  assert.match(editedRun.stderr, /audit verification failed at seq 500/);

  // A careful forger recomputes every hash after the edit: the signed checkpoint still catches it.
  const forged = structuredClone(bundle);
  forged.rows[499]!["reason"] = "nothing happened";
  for (let i = 499; i < forged.rows.length; i++) {
    rehash(forged.rows[i]!, forged.rows[i - 1]!["row_hash"] as string);
  }
  const forgedRun = await verifyOffline(forged);
  assert.equal(JSON.parse(forgedRun.stdout).first_broken_seq, 1000);
  assert.match(JSON.parse(forgedRun.stdout).reason, /checkpoint 1000/);

  const resigned = structuredClone(bundle);
  resigned.public_key = {
    key_id: (bundle.public_key as { key_id: string }).key_id,
    pem: newAuditKey().publicKeyPem,
  };
  assert.equal((await verifyOffline(resigned)).code, 1);
  assert.equal((await verifyOffline({ format: "nope" })).code, 1);

  await app.ctx.db.exec("alter table governance_decisions disable trigger governance_decisions_no_update");
  await app.ctx.db.exec("update governance_decisions set reason = 'edited' where seq = 777");
  await app.ctx.db.exec("alter table governance_decisions enable trigger governance_decisions_no_update");
  const broken = await cli(app, ["infra", "audit", "verify"]);
  assert.equal(broken.code, 1);
  assert.equal(JSON.parse(broken.stdout).first_broken_seq, 777);
  assert.equal((await cli(app, ["infra", "audit", "verify", "--from", "778"])).code, 0);
  assert.equal((await cli(app, ["infra", "audit", "verify", "--from", "99999"])).code, 0);
});

function rehash(row: Record<string, unknown>, prevHash: string): void {
  row["prev_hash"] = prevHash;
  const record = { ...decision(0), ...fromRow(row) };
  row["row_hash"] = hashDecision(record, row["seq"] as number, prevHash);
}

function fromRow(row: Record<string, unknown>) {
  return {
    id: row["id"] as DecisionId,
    sessionId: row["session_id"] as string,
    toolName: row["tool_name"] as string,
    agentScope: row["agent_scope"] as "admin",
    decision: row["decision"] as "allow",
    policy: row["policy"] as string,
    reason: row["reason"] as string | null,
    evaluatedRules: row["evaluated_rules"] as Record<string, unknown>,
    traceId: row["trace_id"] as never,
    createdAt: new Date(row["created_at"] as string),
  };
}

Deno.test(`infra logs (${mode}): audit filters and trace show`, async () => {
  await using app = await openTestApp();
  const base = app.ctx.clock.now().getTime();
  for (let n = 1; n <= 14; n++) {
    await app.ctx.audit.append(
      decision(n, { createdAt: new Date(base - (14 - n) * 60_000), userId: app.admin.id }),
    );
  }
  const list = async (...flags: string[]) => {
    const run = await cli(app, ["infra", "logs", "audit", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as { columns: string[]; items: Record<string, unknown>[] };
  };
  const all = await list();
  assert.deepEqual(all.columns, [
    "seq",
    "created_at",
    "decision",
    "policy",
    "tool_name",
    "user",
    "session",
    "reason",
  ]);
  assert.deepEqual(all.items.map((i) => i["seq"]), Array.from({ length: 14 }, (_, i) => 14 - i));
  assert.equal(all.items[0]!["user"], app.admin.email);
  assert.deepEqual((await list("--decision", "deny")).items.map((i) => i["seq"]), [14, 7]);
  assert.deepEqual((await list("--policy", "tool_blocklist", "--limit", "1")).items.map((i) => i["seq"]), [
    14,
  ]);
  assert.equal((await list("--user", app.admin.email.toUpperCase())).items.length, 14);
  assert.equal((await list("--user", app.admin.id)).items.length, 14);
  assert.equal((await list("--user", "nobody@example.com")).items.length, 0);
  assert.deepEqual((await list("--session", "sess_2")).items.map((i) => i["seq"]), [12, 7, 2]);
  assert.deepEqual((await list("--since", "150s")).items.map((i) => i["seq"]), [14, 13, 12]);
  assert.equal((await cli(app, ["infra", "logs", "audit", "--since", "yesterday"])).code, 2);

  await app.ctx.audit.publishEvents(); // a decision's event follows its commit within 20 ms
  const trace = await cli(app, ["infra", "logs", "trace", "show", "trace_7"]);
  const shown = JSON.parse(trace.stdout);
  assert.equal(shown.trace_id, "trace_7");
  assert.equal(shown.decisions.length, 1);
  assert.equal(shown.decisions[0].policy, "tool_blocklist");
  assert.equal(shown.decisions[0].chain[0].policy_id, "secret_scan");
  assert.match(shown.decisions[0].row_hash, /^[0-9a-f]{64}$/);
  assert.deepEqual(shown.events.map((e: { kind: string }) => e.kind), ["governance.decision"]);
  assert.match(app.ctx.metrics.render(), /^audit_queue_depth 0$/m);
});
