/**
 * Not part of `deno task bench`: the audit paths side by side. The full path (`appendChained`, journal
 * replay's) is BEGIN, (advisory lock + chain state, pipelined), the INSERT, COMMIT: 4 round trips. The
 * writer's path (`appendPlaced`, migration 0013) is one `sp_audit_append_charged` call that takes the
 * same advisory lock and places and hashes the row in the database; `placed+charge` adds a rate-limit
 * charge to the row, as a governed hook call makes it. One-row batches, one at a time: the regime of a
 * server at ~1,000 decisions/s, where every request pays a whole flush.
 *
 * Usage: deno run -A tests/bench/proto_append.ts [appends per round]
 */
import { appendChained, appendPlaced } from "@domain/audit/sequencer.ts";
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
    const postmaster = await postmasterPid(pg);
    const signer = { keyId: "proto", sign: () => "unsigned" };
    const deps = { db, signer, clock: systemClock, policy: { ...DEFAULT_CHECKPOINT_POLICY, everyRows: 1e9 } };
    const full = async () => void await appendChained(deps, [record()], { dedupe: false });
    const placed = async () => void await appendPlaced(db, [{ record: record(), stages: [] }]);
    const charge = { op: "rate" as const, key: "proto", limit: 1e9, window: 60 };
    const charged = async () => void await appendPlaced(db, [{ record: record(), stages: [[charge]] }]);
    const paths = [["full", full], ["placed", placed], ["placed+charge", charged]] as const;
    for (const [name, append] of paths.flatMap((x) => [x, x, x])) {
      const h = createHistogram();
      const from = await markCpu(Deno.pid, postmaster);
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await append();
        h.record(performance.now() - started);
      }
      const to = await markCpu(Deno.pid, postmaster);
      const us = (seconds: number) => Math.round((seconds * 1e6) / n);
      const s = summarize(h);
      console.log(
        `${name.padEnd(13)} p50 ${s.p50} ms  p99 ${s.p99} ms  writer cpu ${
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
