import { type BenchServer, runLoadgen } from "./bench_env.ts";
import { ALLOW_MARK, hookBodies } from "./fixtures.ts";
import type { LoadResult, LoadSpec, PassResult } from "./load_types.ts";
import type { BenchOptions, LoadPoint } from "./options.ts";
import type { QuietGate } from "./quiet.ts";

/** One load point against one route of a bench server, summarised as medians of its passes. */
export type Route = "hook" | "floor" | "floor-db";

export const ROUTE_PATHS: Readonly<Record<Route, string>> = {
  hook: "/api/public/hooks/govern",
  floor: "/bench/floor",
  "floor-db": "/bench/floor-db",
};

export interface PointSummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly achievedRps: number;
  readonly errors: number;
  readonly serverCpu: number;
  readonly dbCpu: number | null;
  readonly generatorCpu: number;
  readonly otherCpu: number;
  /** CPU time per successful request (ms): robust to foreign load, unlike latency. */
  readonly serverCpuMsPerRequest: number;
  readonly dbCpuMsPerRequest: number | null;
  readonly rssMaxMiB: number;
}

export interface PointResult {
  readonly route: string;
  readonly db: string;
  readonly point: string;
  readonly passes: readonly PassResult[];
  readonly median: PointSummary;
  readonly totals: LoadResult["totals"];
  readonly quietWaitMs: number;
}

/** 100 Claude Code sessions, each with a ~1 KiB Bash tool_input (see fixtures.ts). */
export const HOOK_BODIES = hookBodies({ inputBytes: 1024, sessions: 100 });

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarizePasses(passes: readonly PassResult[]): PointSummary {
  const m = (f: (p: PassResult) => number) => Math.round(median(passes.map(f)) * 1000) / 1000;
  const perRequest = (
    cores: number,
    p: PassResult,
  ) => (p.achievedRps > 0 ? (cores * 1000) / p.achievedRps : 0);
  return {
    serverCpuMsPerRequest: m((p) => perRequest(p.cpu.server, p)),
    dbCpuMsPerRequest: passes[0]?.cpu.db === null ? null : m((p) => perRequest(p.cpu.db ?? 0, p)),
    p50: m((p) => p.latency.p50),
    p90: m((p) => p.latency.p90),
    p99: m((p) => p.latency.p99),
    max: m((p) => p.latency.max),
    achievedRps: m((p) => p.achievedRps),
    errors: passes.reduce((n, p) => n + p.errors, 0),
    serverCpu: m((p) => p.cpu.server),
    dbCpu: passes[0]?.cpu.db === null ? null : m((p) => p.cpu.db ?? 0),
    generatorCpu: m((p) => p.cpu.generator),
    otherCpu: m((p) => p.cpu.other),
    rssMaxMiB: Math.max(...passes.map((p) => p.serverRssMiB.max)),
  };
}

export function loadSpec(
  server: BenchServer,
  route: Route,
  load: LoadSpec["load"],
): Omit<LoadSpec, "warmupMs" | "measureMs" | "passes"> {
  return {
    url: `${server.url}${ROUTE_PATHS[route]}`,
    method: "POST",
    headers: { authorization: `Bearer ${server.token}` },
    bodies: HOOK_BODIES,
    expect: ALLOW_MARK,
    load,
    serverPid: server.pid,
    ...(server.dbPid === undefined ? {} : { dbPid: server.dbPid }),
  };
}

/** What is measured: a route of the hook suite, or any request spec under its own name. */
export type Subject = Route | { readonly name: string; readonly spec: LoadBase };
type LoadBase = Omit<LoadSpec, "warmupMs" | "measureMs" | "passes">;

export async function measurePoint(
  server: BenchServer,
  subject: Subject,
  point: LoadPoint,
  options: BenchOptions,
  gate: QuietGate,
  passes = point.headline ? options.headlinePasses : 1,
): Promise<PointResult> {
  const quietWaitMs = await gate.wait(options.quietMaxWaitMs);
  const route = typeof subject === "string" ? subject : subject.name;
  const result = await runLoadgen({
    ...(typeof subject === "string"
      ? loadSpec(server, subject, point.load)
      : { ...subject.spec, load: point.load }),
    warmupMs: options.warmupMs,
    measureMs: options.measureMs,
    passes,
  });
  const summary = summarizePasses(result.passes);
  const line = `${server.mode.padEnd(8)} ${route.padEnd(9)} ${point.label.padEnd(7)} ` +
    `${String(summary.achievedRps).padStart(6)} req/s  p50 ${summary.p50} ms  p99 ${summary.p99} ms  ` +
    `errors ${summary.errors}  cpu srv ${summary.serverCpu} db ${
      summary.dbCpu ?? "-"
    } other ${summary.otherCpu}  ` +
    `cpu/req srv ${summary.serverCpuMsPerRequest} db ${summary.dbCpuMsPerRequest ?? "-"} ms`;
  console.error(line);
  return {
    route,
    db: server.mode,
    point: point.label,
    passes: result.passes,
    median: summary,
    totals: result.totals,
    quietWaitMs,
  };
}
