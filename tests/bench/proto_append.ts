/**
 * Not part of `deno task bench`: the audit writer's two append paths side by side. The full path
 * (`appendChained`) is BEGIN, (advisory lock + chain state, pipelined), the INSERT, COMMIT: 4 round
 * trips. The one-round-trip path (`appendAfter`, migration 0008) chains the batch after the head the
 * writer last committed and sends one `sp_audit_append` call that takes the same advisory lock, checks
 * the head has not moved and inserts. One-row batches, one at a time: the regime of a server at
 * ~1,000 decisions/s, where every request pays a whole flush.
 *
 * Usage: deno run -A tests/bench/proto_append.ts [appends per round]
 */
import { appendAfter, appendChained, type ChainState } from "@domain/audit/sequencer.ts";
import type { NewDecisionRecord } from "@domain/audit/mod.ts";
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

export function record(): NewDecisionRecord {
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
    const postmaster = await postmasterPid(pg);
    const signer = { keyId: "proto", sign: () => "unsigned" };
    const deps = { db, signer, clock: systemClock, policy: { ...DEFAULT_CHECKPOINT_POLICY, everyRows: 1e9 } };
    let state: ChainState = (await appendChained(deps, [record()], { dedupe: false })).state;
    const full = async () => {
      state = (await appendChained(deps, [record()], { dedupe: false })).state;
    };
    const oneRoundTrip = async () => {
      const done = await appendAfter(deps, state, [record()]);
      if (!done) throw new Error("the one-round-trip path declined (head moved or checkpoint due)");
      state = done.state;
    };
    for (const [name, append] of [["full", full], ["one-rt", oneRoundTrip]].flatMap((x) => [x, x, x])) {
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
