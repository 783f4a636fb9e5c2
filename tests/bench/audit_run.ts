/**
 * `audit` suite, child process: the audit writer alone (the process's real `ctx.audit`).
 * - sustained: `concurrency` appenders each appending its next decision as soon as the last one is
 *   durable, for `sustainMs`: decisions/s persisted with the hash chain, and append latency;
 * - stall (PostgreSQL only): decisions due at a fixed `rate`; after `beforeMs` the postmaster and
 *   every backend get SIGSTOP for `stallMs`, then SIGCONT. Sampled every 100 ms: queue depth,
 *   journal bytes, journaling or not; then the time until the queue is empty and the journal is
 *   replayed, and a chain verification with the row count.
 */
import { subjectOf } from "@app/govern.ts";
import type { NewDecisionRecord } from "@domain/audit/mod.ts";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { type ChainEntry, evaluateChain } from "@domain/governance/mod.ts";
import { auditSignatureCheck, loadAuditKey } from "@infra/audit/audit_key.ts";
import { type DecisionId, newTraceId, newUuidV7, type UserId } from "@shared/ids.ts";
import { type BenchContext, openBenchContext } from "./bench_context.ts";
import { readInput } from "./stdin_json.ts";
import { bashInput } from "./fixtures.ts";
import { createHistogram, type LatencySummary, summarize } from "./hdr.ts";
import { sleep } from "./load_windows.ts";
import { childPids, markCpu } from "./proc_stats.ts";

export interface AuditInput {
  readonly databaseUrl?: string;
  readonly sustainMs: number;
  readonly concurrency: number;
  /** The postmaster (PostgreSQL mode): its tree's CPU is the database's share; it is the one stalled. */
  readonly dbPid?: number;
  readonly stall?: {
    rate: number;
    beforeMs: number;
    stallMs: number;
    afterMaxMs: number;
  };
}

export interface StallResult {
  readonly rate: number;
  readonly stallMs: number;
  readonly maxDepth: number;
  readonly maxJournalBytes: number;
  readonly journaled: number;
  readonly failed: number;
  readonly appendLatency: LatencySummary;
  /** From SIGCONT until the queue was empty and the journal replayed. */
  readonly recoveryMs: number | null;
  readonly timeline: readonly { t: number; depth: number; journalBytes: number; journaling: boolean }[];
}

export interface AuditResult {
  readonly sustained: {
    decisionsPerSecond: number;
    appended: number;
    latency: LatencySummary;
    /** CPU time per decision (ms) of this process (the writer) and of PostgreSQL. */
    cpuMsPerDecision: { process: number; db: number | null };
  };
  readonly stall: StallResult | null;
  /** `rowsPerSecond`: the whole chain read back and recomputed (`infra audit verify`'s work). */
  readonly verify: { ok: boolean; rowsChecked: number; rowsExpected: number; rowsPerSecond?: number };
}

function recordFactory(bench: BenchContext, chain: readonly ChainEntry[]): () => NewDecisionRecord {
  const p = bench.principal;
  return () => {
    const now = new Date();
    return {
      id: newUuidV7(now.getTime()) as DecisionId,
      userId: p.userId as UserId,
      sessionId: "bench-session-audit",
      toolName: "Bash",
      agentId: null,
      agentScope: "admin",
      decision: "allow",
      policy: "default_allow",
      reason: null,
      evaluatedRules: {
        principal: {
          user_id: p.userId,
          email: p.email,
          roles: p.roles,
          scope: p.scope,
          credential: p.credential,
        },
        target: { surface: "hook", event: "PreToolUse", tool_name: "Bash", cwd: "/home/dev/project" },
        chain,
        policy_version: bench.ctx.policy.version,
      },
      pluginId: null,
      actorKind: "user",
      actorId: p.userId,
      actChain: [],
      contextId: null,
      taskId: null,
      traceId: newTraceId(),
      createdAt: now,
    };
  };
}

async function sustained(bench: BenchContext, next: () => NewDecisionRecord, input: AuditInput) {
  const h = createHistogram();
  const end = performance.now() + input.sustainMs;
  const from = await markCpu(Deno.pid, input.dbPid);
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await bench.ctx.audit.append(next());
      h.record(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const to = await markCpu(Deno.pid, input.dbPid);
  const perDecision = (cpuSeconds: number) => Math.round((cpuSeconds * 1e6) / h.count) / 1000;
  return {
    decisionsPerSecond: Math.round(h.count / seconds),
    appended: h.count,
    latency: summarize(h),
    cpuMsPerDecision: {
      process: perDecision(to.server - from.server),
      db: input.dbPid === undefined ? null : perDecision(to.db - from.db),
    },
  };
}

function signalAll(pids: readonly number[], signal: Deno.Signal): void {
  for (const pid of pids) {
    try {
      Deno.kill(pid, signal);
    } catch { /* exited */ }
  }
}

async function stall(
  bench: BenchContext,
  next: () => NewDecisionRecord,
  s: NonNullable<AuditInput["stall"]>,
  postmasterPid: number,
) {
  const audit = bench.ctx.audit;
  const h = createHistogram();
  const pending: Promise<void>[] = [];
  let journaled = 0;
  let failed = 0;
  const timeline: StallResult["timeline"][number][] = [];
  const start = performance.now();
  let resumedAt: number | undefined;
  let recoveredAt: number | undefined;
  let stopped: number[] = [];
  for (let i = 0;;) {
    const now = performance.now() - start;
    if (resumedAt === undefined && stopped.length === 0 && now >= s.beforeMs) {
      stopped = [postmasterPid, ...await childPids(postmasterPid)];
      signalAll(stopped, "SIGSTOP");
    }
    if (resumedAt === undefined && stopped.length > 0 && now >= s.beforeMs + s.stallMs) {
      signalAll(stopped, "SIGCONT");
      resumedAt = now;
    }
    const calm = audit.depth() === 0 && !audit.isJournaling();
    if (resumedAt !== undefined && recoveredAt === undefined && calm) recoveredAt = now;
    if (resumedAt !== undefined && (recoveredAt !== undefined || now > resumedAt + s.afterMaxMs)) break;
    if (timeline.length === 0 || now - timeline.at(-1)!.t >= 100) {
      timeline.push({
        t: Math.round(now),
        depth: audit.depth(),
        journalBytes: audit.journalBytes(),
        journaling: audit.isJournaling(),
      });
    }
    for (const due = Math.floor((now * s.rate) / 1000); i < due; i++) {
      const dueAt = start + (i * 1000) / s.rate;
      pending.push(
        audit.append(next()).then(
          (receipt) => {
            h.record(performance.now() - dueAt);
            if (receipt.durable === "journal") journaled++;
          },
          () => void failed++,
        ),
      );
    }
    await sleep(2);
  }
  await Promise.all(pending);
  return {
    rate: s.rate,
    stallMs: s.stallMs,
    maxDepth: Math.max(...timeline.map((x) => x.depth)),
    maxJournalBytes: Math.max(...timeline.map((x) => x.journalBytes)),
    journaled,
    failed,
    appendLatency: summarize(h),
    recoveryMs: recoveredAt === undefined || resumedAt === undefined
      ? null
      : Math.round(recoveredAt - resumedAt),
    timeline,
  };
}

if (import.meta.main) {
  const input = await readInput<AuditInput>();
  await using bench = await openBenchContext(input.databaseUrl);
  const { chain } = await evaluateChain(bench.ctx.policy.spec, {
    subject: subjectOf(bench.principal, "bench-session-audit"),
    target: { surface: "hook", event: "PreToolUse", toolName: "Bash", toolInput: bashInput(1024) },
    dryRun: false,
  });
  const next = recordFactory(bench, chain);
  const before =
    (await bench.ctx.db.one<{ n: number }>("select count(*)::int8 as n from governance_decisions")).n;
  const sustain = await sustained(bench, next, input);
  const stallResult = input.stall && input.dbPid ? await stall(bench, next, input.stall, input.dbPid) : null;
  const key = await loadAuditKey(bench.ctx.config.layout);
  const verifyStart = performance.now();
  const report = await verifyStoredChain(bench.ctx.db, auditSignatureCheck(key.publicKeyPem));
  const verifyMs = performance.now() - verifyStart;
  const expected = Number(before) + sustain.appended + (stallResult ? stallResult.appendLatency.count : 0);
  const result: AuditResult = {
    sustained: sustain,
    stall: stallResult,
    verify: {
      ok: report.ok,
      rowsChecked: report.rowsChecked,
      rowsExpected: expected,
      rowsPerSecond: Math.round(report.rowsChecked / (verifyMs / 1000)),
    },
  };
  console.log(JSON.stringify(result));
}
