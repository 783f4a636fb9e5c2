/**
 * `pipeline` suite, child process: the governed decision in process, without HTTP, measured one
 * call at a time (latency, not throughput) for a 1 KiB and a 16 KiB tool argument:
 * - `authenticate`: JWT verification + live identity lookup (cached) for the admin token;
 * - `chain`: `evaluateChain` (every stage, including the rate limiter's SQL round trip);
 * - `decide`: `decide()` = chain + building the record + waiting until the audit row is durable.
 * Per-stage p50/p99 come from the chain entries' own `duration_ms`.
 */
import { authDepsOf, authenticate } from "@app/authenticate.ts";
import { decide, subjectOf } from "@app/govern.ts";
import { evaluateChain, type Target } from "@domain/governance/mod.ts";
import { newTraceId } from "@shared/ids.ts";
import { openBenchContext } from "./bench_context.ts";
import { readInput } from "./stdin_json.ts";
import { bashInput, writeInput } from "./fixtures.ts";
import { createHistogram, type Histogram, type LatencySummary, summarize } from "./hdr.ts";

export interface PipelineInput {
  readonly databaseUrl?: string;
  readonly iterations: number;
  readonly warmup: number;
}

export interface PipelineCase {
  readonly inputBytes: number;
  readonly authenticate: LatencySummary;
  readonly chain: LatencySummary;
  readonly decide: LatencySummary;
  readonly stages: Readonly<Record<string, { p50: number; p99: number }>>;
}

export interface PipelineResult {
  readonly cases: readonly PipelineCase[];
}

const SESSIONS = 100;

async function measure(n: number, fn: (i: number) => Promise<unknown>, h?: Histogram): Promise<void> {
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    h?.record(performance.now() - started);
  }
}

async function runCase(
  bench: Awaited<ReturnType<typeof openBenchContext>>,
  input: PipelineInput,
  bytes: number,
) {
  const { ctx, principal, token } = bench;
  const toolInput = bytes > 4096 ? writeInput(bytes) : bashInput(bytes);
  const target: Target = {
    surface: "hook",
    event: "PreToolUse",
    toolName: bytes > 4096 ? "Write" : "Bash",
    toolInput,
  };
  const session = (i: number) => `bench-session-${i % SESSIONS}`;
  const auth = authDepsOf(ctx);
  const credentials = { authorization: `Bearer ${token}` };
  const deps = { policy: ctx.policy, audit: ctx.audit, clock: ctx.clock, log: ctx.log };
  const stageTimes = new Map<string, Histogram>();
  const chainOnce = async (i: number) => {
    const decision = await evaluateChain(ctx.policy.spec, {
      subject: subjectOf(principal, session(i)),
      target,
      dryRun: false,
    });
    if (decision.decision !== "allow") throw new Error(`bench call denied: ${decision.reason}`);
    return decision;
  };
  const run = {
    authenticate: () => authenticate(auth, credentials, { audiences: ["hook", "api"] }, new Date()),
    chain: async (i: number) => {
      for (const entry of (await chainOnce(i)).chain) {
        const h = stageTimes.get(entry.policy_id) ?? createHistogram();
        h.record(entry.duration_ms);
        stageTimes.set(entry.policy_id, h);
      }
    },
    decide: (i: number) =>
      decide(deps, {
        principal,
        target,
        sessionId: session(i),
        traceId: newTraceId(),
        targetDetail: { cwd: "/bench" },
      }),
  };
  const out: Record<string, LatencySummary> = {};
  let stages: PipelineCase["stages"] = {};
  for (const [name, fn] of Object.entries(run)) {
    await measure(input.warmup, fn);
    stageTimes.clear();
    const h = createHistogram();
    await measure(input.iterations, fn, h);
    out[name] = summarize(h);
    if (name === "chain") {
      stages = Object.fromEntries(
        [...stageTimes].map(([id, sh]) => [id, { p50: sh.percentile(50), p99: sh.percentile(99) }]),
      );
    }
  }
  return { inputBytes: JSON.stringify(toolInput).length, ...out, stages } as PipelineCase;
}

if (import.meta.main) {
  const input = await readInput<PipelineInput>();
  await using bench = await openBenchContext(input.databaseUrl);
  const cases: PipelineCase[] = [];
  for (const bytes of [1024, 16 * 1024]) cases.push(await runCase(bench, input, bytes));
  console.log(JSON.stringify({ cases } satisfies PipelineResult));
}
