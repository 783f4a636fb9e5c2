/**
 * Evidence for a proposal, not part of `deno task bench`: how much would a one-round-trip audit
 * append save against today's sequencer? Today each batch is BEGIN, (advisory lock + chain state,
 * pipelined), the INSERT, COMMIT: 4 round trips. The prototype keeps the chain head in memory and
 * sends one call of a PL/pgSQL function (created here in a scratch database, not a migration) that
 * takes the same advisory lock, checks the head is still the expected one (another replica may
 * have appended: then it changes nothing and the caller re-chains), and runs the same INSERT
 * statement as a static, plan-cached statement. One-row batches, one at a time: the regime of a
 * server at ~1,000 decisions/s, where every request pays a whole flush.
 *
 * Usage: deno run -A tests/bench/proto_append.ts [appends per round]
 */
import insertDecisionsSql from "@sql/queries/audit/insert_decisions.sql" with { type: "text" };
import { appendChained, SEQUENCER_LOCK_KEY } from "@domain/audit/sequencer.ts";
import { chainDecisions, type ChainHead, GENESIS_HASH, type NewDecisionRecord } from "@domain/audit/mod.ts";
import { encodeChained } from "@domain/audit/codec.ts";
import { normalizeDecision } from "@domain/audit/normalize.ts";
import { DEFAULT_CHECKPOINT_POLICY } from "@domain/audit/checkpoint.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { migrate } from "@infra/db/migrate.ts";
import { systemClock } from "@shared/clock.ts";
import { type DecisionId, newTraceId, newUuidV7 } from "@shared/ids.ts";
import { startPgServer } from "../support/pg_server.ts";
import { createDatabase, postmasterPid } from "./bench_env.ts";
import { createHistogram, summarize } from "./hdr.ts";
import { markCpu } from "./proc_stats.ts";

const insert = insertDecisionsSql.replace(/^--.*$/gm, "").replaceAll("$1::jsonb", "p_batch")
  .replace(/::int as events\s*from events e/, "::int into n from events e").trim();
const FUNCTION = `create function proto_append(p_key bigint, p_expected bigint, p_batch jsonb)
returns boolean language plpgsql volatile as $f$
declare cur bigint; n int;
begin
  perform pg_advisory_xact_lock(p_key);
  select coalesce(max(seq), 0) into cur from governance_decisions;
  if cur <> p_expected then return false; end if;
  ${insert};
  return true;
end $f$`;

function record(): NewDecisionRecord {
  const chain = [{ policy_id: "secret_scan", result: "pass", detail: null, duration_ms: 0.02 }];
  return normalizeDecision({
    id: newUuidV7() as DecisionId,
    userId: null,
    sessionId: "bench-session",
    toolName: "Bash",
    agentId: null,
    agentScope: "admin",
    decision: "allow",
    policy: "default_allow",
    reason: null,
    evaluatedRules: { target: { surface: "hook", tool_name: "Bash" }, chain, policy_version: "proto" },
    pluginId: null,
    actorKind: "user",
    actorId: null,
    actChain: [],
    contextId: null,
    taskId: null,
    traceId: newTraceId(),
    createdAt: new Date(),
  });
}

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 3000);
  await using pg = await startPgServer();
  const scratch = await createDatabase(pg);
  const db = openPostgresDb({ url: scratch.url, max: 4 });
  try {
    await migrate(db);
    await db.exec(FUNCTION);
    const postmaster = await postmasterPid(pg);
    const signer = { keyId: "proto", sign: () => "unsigned" };
    const deps = { db, signer, clock: systemClock, policy: { ...DEFAULT_CHECKPOINT_POLICY, everyRows: 1e9 } };
    let head: ChainHead = { seq: 0, rowHash: GENESIS_HASH };
    const today = async () => {
      const rows = await appendChained(deps, [record()], { dedupe: false });
      head = { seq: rows.at(-1)!.seq, rowHash: rows.at(-1)!.rowHash };
    };
    const oneRoundTrip = async () => {
      const rows = chainDecisions([record()], head);
      const ok = await db.one<{ ok: boolean }>("select proto_append($1, $2, $3) as ok", [
        SEQUENCER_LOCK_KEY,
        head.seq,
        JSON.stringify(rows.map(encodeChained)),
      ]);
      if (!ok.ok) throw new Error("the chain head moved (another writer): re-chain and retry");
      head = { seq: rows.at(-1)!.seq, rowHash: rows.at(-1)!.rowHash };
    };
    for (const [name, append] of [["today", today], ["one-rt", oneRoundTrip]].flatMap((x) => [x, x, x])) {
      const h = createHistogram();
      const from = await markCpu(Deno.pid, postmaster);
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await (append as () => Promise<void>)();
        h.record(performance.now() - started);
      }
      const to = await markCpu(Deno.pid, postmaster);
      const us = (seconds: number) => Math.round((seconds * 1e6) / n);
      const s = summarize(h);
      console.log(
        `${String(name).padEnd(7)} p50 ${s.p50} ms  p99 ${s.p99} ms  writer cpu ${
          us(to.server - from.server)
        } µs  ` +
          `db cpu ${us(to.db - from.db)} µs per append`,
      );
    }
  } finally {
    await db.close();
    await scratch.drop();
  }
}
