import type { PgServer } from "../support/pg_server.ts";
import { type BenchServer, type DbMode, runLoadgen, startBenchServer } from "./bench_env.ts";
import type { PassResult } from "./load_types.ts";
import { sleep } from "./load_windows.ts";
import { loadSpec, measurePoint, type PointResult, type Route } from "./measure.ts";
import type { BenchOptions } from "./options.ts";
import { rssMiB } from "./proc_stats.ts";
import type { QuietGate } from "./quiet.ts";

/**
 * `hook` suite: `POST /api/public/hooks/govern` with full governance (admin JWT, ~1 KiB Bash
 * tool_input, every stage, rate limit raised so all allow, every decision audited) against the
 * floors in the same server process and the same run, at every load point; then the original's
 * PERF-02 workload (10@5, 500@50, 1,000@100) with the audit row totals checked, and a chain
 * verification. PostgreSQL first (the production configuration), then embedded PGlite.
 */
export interface Perf02Result {
  readonly requests: number;
  readonly concurrency: number;
  readonly pass: PassResult;
  readonly rowsAdded: number;
  readonly ok: boolean;
}

export interface HookModeResult {
  readonly db: DbMode;
  readonly idleRssMiB: number;
  readonly idleRssAfterMiB: number;
  readonly points: readonly PointResult[];
  readonly perf02: readonly Perf02Result[];
  readonly audit: {
    readonly rowsAdded: number;
    readonly hookReplies: number;
    readonly allAudited: boolean;
    readonly verify: { ok: boolean; rowsChecked: number };
  };
}

export interface HookResult {
  readonly modes: readonly HookModeResult[];
}

async function auditRows(server: BenchServer): Promise<number> {
  const body = await (await fetch(`${server.url}/bench/audit-count`)).json() as { rows: number };
  return body.rows;
}

async function perf02(server: BenchServer, options: BenchOptions): Promise<Perf02Result[]> {
  const out: Perf02Result[] = [];
  for (const { requests, concurrency } of options.perf02) {
    const before = await auditRows(server);
    const result = await runLoadgen({
      ...loadSpec(server, "hook", { kind: "closed", concurrency, requests }),
      warmupMs: 0,
      measureMs: 0,
      passes: 1,
    });
    const rowsAdded = (await auditRows(server)) - before;
    const pass = result.passes[0]!;
    out.push({ requests, concurrency, pass, rowsAdded, ok: rowsAdded === requests && pass.errors === 0 });
    console.error(
      `${server.mode.padEnd(8)} PERF-02 ${requests}@${concurrency}: ${pass.achievedRps} req/s, ` +
        `p50 ${pass.latency.p50} ms, p99 ${pass.latency.p99} ms, errors ${pass.errors}, audit rows +${rowsAdded}`,
    );
  }
  return out;
}

export async function runHookMode(
  mode: DbMode,
  pg: PgServer | undefined,
  options: BenchOptions,
  gate: QuietGate,
): Promise<HookModeResult> {
  // BENCH_CPU_PROF_DIR=<dir>: the server writes a V8 CPU profile there (cpuprof_summary.ts reads it).
  const cpuProfDir = Deno.env.get("BENCH_CPU_PROF_DIR");
  await using server = await startBenchServer(mode, pg, cpuProfDir ? { cpuProfDir } : {});
  await sleep(2000);
  const idleRssMiB = Math.round(await rssMiB(server.pid));
  const rowsBefore = await auditRows(server);
  const points: PointResult[] = [];
  // Embedded PGlite: fewer points, one pass each, floor-db at the headline points only.
  const pointList = mode === "postgres" ? options.points : options.pglitePoints;
  // BENCH_HOOK_ROUTES=hook: measure only these routes (an investigation aid, e.g. for a CPU profile of
  // the hook alone); every route by default.
  const only = Deno.env.get("BENCH_HOOK_ROUTES")?.split(",").map((name) => name.trim());
  for (const point of pointList) {
    const routes: Route[] = mode === "postgres"
      ? ["hook", "floor-db", "floor"]
      : point.headline
      ? ["hook", "floor-db"]
      : ["hook"];
    for (const route of routes.filter((r) => !only || only.includes(r))) {
      const passes = mode === "postgres" && point.headline ? options.headlinePasses : 1;
      points.push(await measurePoint(server, route, point, options, gate, passes));
    }
  }
  const perf = await perf02(server, options);
  const hookReplies = points.filter((p) => p.route === "hook").reduce((n, p) => n + p.totals.replies, 0) +
    perf.reduce((n, p) => n + p.requests, 0);
  const rowsAdded = (await auditRows(server)) - rowsBefore;
  await sleep(3000);
  const idleRssAfterMiB = Math.round(await rssMiB(server.pid)); // before the verification reads the chain
  const verify = await (await fetch(`${server.url}/bench/audit-verify`)).json() as {
    ok: boolean;
    rowsChecked: number;
  };
  return {
    db: mode,
    idleRssMiB,
    idleRssAfterMiB,
    points,
    perf02: perf,
    audit: {
      rowsAdded,
      hookReplies,
      allAudited: rowsAdded === hookReplies,
      verify: { ok: verify.ok, rowsChecked: verify.rowsChecked },
    },
  };
}
