import assert from "node:assert/strict";
import { decide, type GovernedCall } from "@app/govern.ts";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import type { ChainSpec, Stage } from "@domain/governance/mod.ts";
import { createSqlRateLimiter } from "@domain/governance/rate_limiter_sql.ts";
import { createRateLimit } from "@domain/governance/stages/rate_limit.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { auditSignatureCheck } from "@infra/audit/audit_key.ts";
import type { Db } from "@infra/db/db.ts";
import { systemClock } from "@shared/clock.ts";
import { newTraceId, type SessionId, type UserId } from "@shared/ids.ts";
import { silentLogger } from "@shared/logger.ts";
import { openTestWriter, unpluggableDb } from "./support/audit.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

const principal: Principal = {
  userId: "0192f0c8-0000-7000-8000-000000000001" as UserId,
  email: "ada@example.com",
  roles: ["user"],
  scope: "user",
  credential: "api_key",
  audiences: [],
  grantedScopes: [],
  pluginId: null,
  sessionId: "sess-charged" as SessionId,
  clientId: null,
  department: null,
  agentId: null,
  actChain: [],
};

const call = (): GovernedCall => ({
  principal,
  target: { surface: "hook", event: "PreToolUse", toolName: "Read" },
  traceId: newTraceId(),
});

/** Counts every statement the database sees. */
function countingStatements(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const note = (sql: string) =>
    statements.push(sql.includes("sp_audit_append_charged") ? "charged-append" : sql);
  return {
    statements,
    db: {
      ...db,
      one: (sql, params) => (note(sql), db.one(sql, params)),
      many: (sql, params) => (note(sql), db.many(sql, params)),
      query: (sql, params) => (note(sql), db.query(sql, params)),
      maybeOne: (sql, params) => (note(sql), db.maybeOne(sql, params)),
      tx: (fn, options) => (note("tx"), db.tx(fn, options)),
    },
  };
}

function spec(db: Db, calls: number, before: Stage[] = []): ChainSpec {
  const rateLimit = createRateLimit(createSqlRateLimiter(db), { calls, windowSeconds: 60 });
  return { enabled: true, stages: [...before, rateLimit], disabled: new Set() };
}

const policy = (s: ChainSpec) => ({ spec: s, version: "test", rules: [] });

Deno.test(`charged decisions (${mode}): an allowed call costs one round trip, its charge made with its row`, async () => {
  await using raw = await openTestDb();
  const counted = countingStatements(raw);
  await using w = await openTestWriter(counted.db, { checkpointTickMs: 0 });
  const deps = {
    policy: policy(spec(counted.db, 5)),
    audit: w.writer,
    clock: systemClock,
    log: silentLogger,
  };
  assert.equal((await decide(deps, call())).decision, "allow"); // the writer also reads the last checkpoint once
  counted.statements.length = 0;
  const outcome = await decide(deps, call());
  assert.equal(outcome.decision, "allow");
  assert.deepEqual(counted.statements, ["charged-append"]);
  const hits = await raw.one<{ n: number }>("select sum(hits)::int as n from rate_limit_hits");
  assert.equal(hits.n, 2);
  const row = await raw.one<{ detail: string }>(
    `select e->>'detail' as detail from governance_decisions d, jsonb_array_elements(d.evaluated_rules->'chain') e
     where d.id = $1 and e->>'policy_id' = 'rate_limit'`,
    [outcome.decisionId],
  );
  assert.equal(row.detail, "charged with the decision; at most 5 in 60s");
});

Deno.test(`charged decisions (${mode}): a refused charge is its stage's deny, and the chain has no gap`, async () => {
  await using db = await openTestDb();
  await using w = await openTestWriter(db, { checkpointTickMs: 0 });
  const deps = { policy: policy(spec(db, 3)), audit: w.writer, clock: systemClock, log: silentLogger };
  const outcomes = await Promise.all(Array.from({ length: 8 }, () => decide(deps, call())));
  assert.equal(outcomes.filter((o) => o.decision === "allow").length, 3);
  const denies = outcomes.filter((o) => o.decision === "deny");
  assert.equal(denies.length, 5);
  for (const d of denies) {
    assert.equal(d.policy, "rate_limit");
    assert.match(d.reason ?? "", /^rate limit exceeded: 3 calls per 60s; retry after \d+ms$/);
    assert.deepEqual(d.chain.map((e) => [e.result, e.detail]), [["fail", "3/3 in 60s"]]);
  }
  const rows = await db.many<{ seq: number; decision: string }>(
    "select seq::int, decision from governance_decisions order by seq",
  );
  assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(rows.filter((r) => r.decision === "deny").length, 5);
  const report = await verifyStoredChain(db, auditSignatureCheck(w.key.publicKeyPem));
  assert.equal(report.ok, true);
});

Deno.test(`charged decisions (${mode}): an earlier stage's deny charges nothing; a later deny keeps earlier charges`, async () => {
  await using db = await openTestDb();
  await using w = await openTestWriter(db, { checkpointTickMs: 0 });
  const denyAll: Stage = { id: "tool_blocklist", evaluate: () => ({ result: "fail", reason: "blocked" }) };
  const first = {
    policy: policy(spec(db, 5, [denyAll])),
    audit: w.writer,
    clock: systemClock,
    log: silentLogger,
  };
  const denied = await decide(first, call());
  assert.deepEqual([denied.decision, denied.policy], ["deny", "tool_blocklist"]);
  assert.deepEqual(denied.chain.map((e) => e.result), ["fail", "skip"]);
  const none = await db.one<{ n: number }>("select count(*)::int as n from rate_limit_hits");
  assert.equal(none.n, 0);
  // A stage after the charging one denies: the first deny in file order is the later stage's only
  // if the charge passes, so the chain runs the classic way and the charge stays made.
  const rateLimit = createRateLimit(createSqlRateLimiter(db), { calls: 5, windowSeconds: 60 });
  const after = { enabled: true, stages: [rateLimit, denyAll], disabled: new Set<never>() };
  const late = await decide({ ...first, policy: policy(after) }, call());
  assert.deepEqual([late.decision, late.policy], ["deny", "tool_blocklist"]);
  assert.deepEqual(late.chain.map((e) => [e.result, e.detail]), [["pass", "1/5 in 60s"], [
    "fail",
    "blocked",
  ]]);
});

Deno.test(`charged decisions (${mode}): charges that cannot be confirmed deny with policy_error, recorded`, async () => {
  await using raw = await openTestDb();
  const plug = unpluggableDb(raw);
  await using w = await openTestWriter(plug.db, { checkpointTickMs: 0 });
  const deps = { policy: policy(spec(plug.db, 5)), audit: w.writer, clock: systemClock, log: silentLogger };
  plug.setDown(true);
  const outcome = await decide(deps, call());
  assert.deepEqual([outcome.decision, outcome.policy], ["deny", "policy_error"]);
  assert.equal(outcome.reason, "policy stage rate_limit failed; denied");
  assert.match(outcome.chain[0]!.detail ?? "", /^stage error: /);
  assert.ok(w.writer.isJournaling());
  // While the journal holds lines, a charged call is refused at once and its deny is journaled too.
  const second = await decide(deps, call());
  assert.equal(second.policy, "policy_error");
  plug.setDown(false);
  for (let i = 0; i < 200 && w.writer.isJournaling(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(w.writer.isJournaling(), false);
  const rows = await raw.many<{ id: string; policy: string }>(
    "select id, policy from governance_decisions order by seq",
  );
  assert.deepEqual(rows.map((r) => r.id), [outcome.decisionId, second.decisionId]);
  assert.ok(rows.every((r) => r.policy === "policy_error"));
  const none = await raw.one<{ n: number }>("select count(*)::int as n from rate_limit_hits");
  assert.equal(none.n, 0);
  assert.equal((await decide(deps, call())).decision, "allow");
});
