/**
 * `deno task bench [suite…] [--quick]`: runs the benchmark suites (ARCHITECTURE §12, issue 9)
 * against a real PostgreSQL 18 server started here (and embedded PGlite beside it), writes one
 * JSON file per suite under tests/bench/results/ and renders tests/bench/RESULTS.md from them
 * (`--quick`: results/quick/ and results/quick/RESULTS.md). Exit 1 when a suite could not run;
 * missed targets are reported, not failed.
 */
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { startPgServer } from "../support/pg_server.ts";
import { REPO_ROOT } from "../support/process.ts";
import { type BenchOptions, parseOptions, type Suite } from "./options.ts";
import { createQuietGate, type QuietGate } from "./quiet.ts";
import { renderResults } from "./report.ts";
import { readResults, type RunInfo } from "./report_types.ts";
import { runHookMode } from "./suite_hook.ts";
import { runAudit, runPipeline, runScanner } from "./suite_inproc.ts";
import { runLlm } from "./suite_llm.ts";
import { runMcp } from "./suite_mcp.ts";
import { statementsWanted } from "./pg_statements.ts";
import type { PgServer } from "../support/pg_server.ts";

const TIME_LIMIT_MS = 19 * 60_000;

async function machineInfo(pg: PgServer): Promise<RunInfo["machine"]> {
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  await using db = openPostgresDb({ url: pg.urlFor("postgres"), max: 1 });
  const version = await db.one<{ server_version: string }>("show server_version");
  return {
    nproc: navigator.hardwareConcurrency,
    memoryMiB: Math.round(Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1024),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    postgres: version.server_version,
  };
}

async function runSuite(
  suite: Suite,
  pg: PgServer,
  options: BenchOptions,
  gate: QuietGate,
): Promise<unknown> {
  switch (suite) {
    case "hook": {
      const modes = [await runHookMode("postgres", pg, options, gate)];
      if (options.pglite) modes.push(await runHookMode("pglite", undefined, options, gate));
      return { modes };
    }
    case "pipeline":
      return await runPipeline(pg, options, gate);
    case "audit":
      return await runAudit(pg, options, gate);
    case "scanner":
      return await runScanner(pg, options, gate);
    case "mcp":
      return await runMcp(pg, options, gate);
    case "llm":
      return await runLlm(pg, options, gate);
    default: {
      const never: never = suite;
      return never;
    }
  }
}

interface RunState {
  readonly started: number;
  readonly command: string;
  readonly measured: Record<string, { at: string; command: string }>;
}

/** Runs the suites in order within the time budget; returns how many failed. */
async function runSuites(
  state: RunState,
  pg: PgServer,
  options: BenchOptions,
  gate: QuietGate,
  dir: string,
): Promise<number> {
  let failures = 0;
  for (const suite of options.suites) {
    const elapsed = performance.now() - state.started;
    if (elapsed > TIME_LIMIT_MS) {
      console.error(`${suite}: skipped, the run is past its ${TIME_LIMIT_MS / 60_000}-minute budget`);
      continue;
    }
    console.error(`== ${suite} (${Math.round(elapsed / 1000)} s into the run)`);
    try {
      const result = await runSuite(suite, pg, options, gate);
      await Deno.writeTextFile(`${dir}/${suite}.json`, `${JSON.stringify(result, null, 1)}\n`);
      state.measured[suite] = { at: new Date().toISOString(), command: state.command };
    } catch (error) {
      failures++;
      console.error(`${suite}: FAILED: ${error instanceof Error ? error.stack ?? error.message : error}`);
    }
  }
  return failures;
}

async function main(): Promise<number> {
  const options = parseOptions(Deno.args, Deno.env.toObject());
  const dir = `${REPO_ROOT}/${options.resultsDir}`;
  await Deno.mkdir(dir, { recursive: true });
  if (options.renderOnly) return await render(dir, options);
  const state: RunState = {
    started: performance.now(),
    command: `deno task bench ${Deno.args.join(" ")}`.trim(),
    measured: { ...(await readResults(dir)).run?.measured },
  };
  const startedAt = new Date().toISOString();
  const gate = createQuietGate(options.quick ? 5_000 : 240_000);
  await using pg = await startPgServer({ statements: statementsWanted() });
  const machine = await machineInfo(pg);
  const failures = await runSuites(state, pg, options, gate, dir);
  const run: RunInfo = {
    machine,
    startedAt,
    durationSeconds: Math.round((performance.now() - state.started) / 1000),
    command: state.command,
    quick: options.quick,
    suites: options.suites,
    quietWaitedMs: gate.waitedMs,
    measured: state.measured,
    settings: {
      warmupMs: options.warmupMs,
      measureMs: options.measureMs,
      headlinePasses: options.headlinePasses,
    },
  };
  await Deno.writeTextFile(`${dir}/run.json`, `${JSON.stringify(run, null, 1)}\n`);
  await render(dir, options);
  console.error(`${run.durationSeconds} s, ${failures} suite failure(s)`);
  return failures === 0 ? 0 : 1;
}

/** RESULTS.md from the results files (and analysis.md), formatted like every Markdown file here. */
async function render(dir: string, options: BenchOptions): Promise<number> {
  const analysis = await Deno.readTextFile(`${REPO_ROOT}/tests/bench/analysis.md`).catch(() => undefined);
  const markdown = renderResults(await readResults(dir), options.quick ? undefined : analysis);
  const target = options.quick ? `${dir}/RESULTS.md` : `${REPO_ROOT}/tests/bench/RESULTS.md`;
  await Deno.writeTextFile(target, markdown);
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", target], cwd: REPO_ROOT }).output();
  console.error(`wrote ${target}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
