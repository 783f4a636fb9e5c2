import type { PgServer } from "../support/pg_server.ts";
import type { AuditResult } from "./audit_run.ts";
import { createDatabase, type DbMode, postmasterPid, runScript } from "./bench_env.ts";
import type { BenchOptions } from "./options.ts";
import type { PipelineResult } from "./pipeline_run.ts";
import { childPids } from "./proc_stats.ts";
import type { QuietGate } from "./quiet.ts";
import type { ScannerResult } from "./scanner_run.ts";

/** The in-process suites (`pipeline`, `audit`, `scanner`), each in its own child process. */
export interface ModeOf<T> {
  readonly db: DbMode;
  readonly result: T;
}

async function perMode<T>(
  pg: PgServer,
  options: BenchOptions,
  run: (databaseUrl: string | undefined, mode: DbMode) => Promise<T>,
): Promise<ModeOf<T>[]> {
  const out: ModeOf<T>[] = [];
  const database = await createDatabase(pg);
  try {
    out.push({ db: "postgres", result: await run(database.url, "postgres") });
  } finally {
    await database.drop();
  }
  // The quick smoke run measures the embedded database in the hook suite only.
  if (options.pglite && !options.quick) out.push({ db: "pglite", result: await run(undefined, "pglite") });
  return out;
}

export async function runPipeline(pg: PgServer, options: BenchOptions, gate: QuietGate) {
  return await perMode(pg, options, async (databaseUrl, mode) => {
    await gate.wait(options.quietMaxWaitMs);
    const result = await runScript<PipelineResult>("pipeline_run.ts", {
      ...(databaseUrl ? { databaseUrl } : {}),
      iterations: mode === "pglite" ? Math.ceil(options.pipelineIterations / 2) : options.pipelineIterations,
      warmup: Math.min(500, options.pipelineIterations / 5),
    });
    for (const c of result.cases) {
      console.error(
        `${mode.padEnd(8)} pipeline ${c.inputBytes} B: chain p50 ${c.chain.p50} p99 ${c.chain.p99} ms; ` +
          `decide p50 ${c.decide.p50} p99 ${c.decide.p99} ms; auth p50 ${c.authenticate.p50} ms`,
      );
    }
    return result;
  });
}

export async function runAudit(pg: PgServer, options: BenchOptions, gate: QuietGate) {
  const postmaster = await postmasterPid(pg);
  return await perMode(pg, options, async (databaseUrl, mode) => {
    await gate.wait(options.quietMaxWaitMs);
    try {
      const result = await runScript<AuditResult>("audit_run.ts", {
        ...(databaseUrl ? { databaseUrl } : {}),
        sustainMs: options.auditSustainMs,
        concurrency: 256,
        ...(mode === "postgres" ? { dbPid: postmaster, stall: options.auditStall } : {}),
      });
      const s = result.stall;
      console.error(
        `${mode.padEnd(8)} audit: ${result.sustained.decisionsPerSecond} decisions/s sustained ` +
          `(cpu/decision writer ${result.sustained.cpuMsPerDecision.process} db ${result.sustained.cpuMsPerDecision.db} ms)` +
          (s ? `; stall ${s.stallMs} ms: max depth ${s.maxDepth}, recovery ${s.recoveryMs} ms` : "") +
          `; verify ${result.verify.ok} (${result.verify.rowsChecked}/${result.verify.rowsExpected}, ` +
          `${result.verify.rowsPerSecond} rows/s)`,
      );
      return result;
    } finally {
      // Never leave the server stopped, whatever happened in the child.
      for (const pid of [postmaster, ...await childPids(postmaster)]) {
        try {
          Deno.kill(pid, "SIGCONT");
        } catch { /* exited */ }
      }
    }
  });
}

export interface ScannerSuiteResult {
  readonly throughput: ScannerResult;
}

const pct = (n: number) => n.toFixed(3);

/** In-process and end-to-end scores side by side (they must agree: the child fails otherwise). */
function printScores(r: ScannerResult): void {
  const { inProcess: a, endToEnd: b } = r.e2e;
  console.error(
    `scanner  corpus scores        in-process                 end-to-end (hook, ${r.e2e.db}, ${r.e2e.items} Write calls, ${r.e2e.seconds} s)`,
  );
  for (const [label, x, y] of [["pos+neg", a.main, b.main], ["evasions", a.evasions, b.evasions]] as const) {
    console.error(
      `scanner  ${label.padEnd(9)} P/R/F1  ${pct(x.precision)} ${pct(x.recall)} ${
        pct(x.f1)
      } (TP ${x.tp} FN ${x.fn} FP ${x.fp})` +
        `   ${pct(y.precision)} ${pct(y.recall)} ${pct(y.f1)} (TP ${y.tp} FN ${y.fn} FP ${y.fp})`,
    );
  }
  console.error(`scanner  verdicts agree item by item: ${r.e2e.disagreements.length === 0 ? "yes" : "NO"}`);
}

export async function runScanner(
  pg: PgServer,
  options: BenchOptions,
  gate: QuietGate,
): Promise<ScannerSuiteResult> {
  await gate.wait(options.quietMaxWaitMs);
  const database = await createDatabase(pg);
  try {
    const throughput = await runScript<ScannerResult>("scanner_run.ts", {
      ms: options.scannerMs,
      databaseUrl: database.url,
    });
    for (const t of throughput.throughput) console.error(`scanner  ${t.name}: ${t.mibPerSecond} MiB/s`);
    for (const l of throughput.latency) {
      console.error(`scanner  ${l.name} scanJson: p50 ${l.p50Us} µs, p99 ${l.p99Us} µs`);
    }
    printScores(throughput);
    return { throughput };
  } finally {
    await database.drop();
  }
}
