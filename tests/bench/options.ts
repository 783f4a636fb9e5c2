/**
 * `deno task bench [suite…] [--quick] [--no-pglite] [--warmup=MS] [--measure=MS] [--passes=N] [--render]`
 * (`BENCH_QUICK=1` = `--quick`). The full run measures every point of the issue (warm-up 3 s,
 * 10 s windows, 3 passes at the headline points); `--quick` is a ~1-minute smoke run for CI
 * (short windows, one pass, headline points only) whose output goes to results/quick/.
 */
export const SUITES = ["hook", "pipeline", "audit", "scanner", "mcp", "llm"] as const;
export type Suite = typeof SUITES[number];

export interface LoadPoint {
  readonly label: string;
  readonly load: { kind: "closed"; concurrency: number } | { kind: "open"; rate: number };
  /** Headline points get `headlinePasses` passes, the others one. */
  readonly headline: boolean;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** `--render`: only re-render RESULTS.md from the results files (after editing analysis.md). */
  readonly renderOnly: boolean;
  readonly suites: readonly Suite[];
  readonly pglite: boolean;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly headlinePasses: number;
  /** The points measured for the hook and its floors (PostgreSQL). */
  readonly points: readonly LoadPoint[];
  /**
   * The points measured with embedded PGlite (one pass each; floor-db at the headline ones): its
   * one connection saturates near 200–400 decisions/s here, so its open-loop point is 100 req/s.
   */
  readonly pglitePoints: readonly LoadPoint[];
  readonly perf02: readonly { requests: number; concurrency: number }[];
  readonly pipelineIterations: number;
  readonly auditSustainMs: number;
  readonly auditStall: { rate: number; beforeMs: number; stallMs: number; afterMaxMs: number };
  readonly scannerMs: number;
  /** Longest wait for the machine to be quiet (other tenants < 0.25 cores) before a measurement. */
  readonly quietMaxWaitMs: number;
  readonly resultsDir: string;
}

const closed = (c: number, headline: boolean): LoadPoint => ({
  label: `c=${c}`,
  load: { kind: "closed", concurrency: c },
  headline,
});
const open = (rate: number, headline: boolean): LoadPoint => ({
  label: `${rate}/s`,
  load: { kind: "open", rate },
  headline,
});

export function parseOptions(args: readonly string[], env: Readonly<Record<string, string>>): BenchOptions {
  const flags = new Map<string, string>();
  const suites: Suite[] = [];
  for (const arg of args) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match) flags.set(match[1]!, match[2] ?? "true");
    else if ((SUITES as readonly string[]).includes(arg)) suites.push(arg as Suite);
    else throw new Error(`unknown argument ${arg}; suites: ${SUITES.join(", ")}`);
  }
  const quick = flags.has("quick") || env["BENCH_QUICK"] === "1";
  const num = (name: string, fallback: number) => flags.has(name) ? Number(flags.get(name)) : fallback;
  const points = quick
    ? [closed(50, true), open(1000, true)]
    : [closed(50, true), closed(200, false), open(500, false), open(1000, true), open(2000, false)];
  return {
    quick,
    renderOnly: flags.has("render"),
    suites: suites.length > 0 ? suites : [...SUITES],
    pglite: !flags.has("no-pglite"),
    warmupMs: num("warmup", quick ? 300 : 3000),
    measureMs: num("measure", quick ? 1500 : 10_000),
    headlinePasses: num("passes", quick ? 1 : 3),
    points,
    pglitePoints: quick ? [closed(50, true)] : [closed(50, true), closed(200, false), open(100, true)],
    perf02: [{ requests: 10, concurrency: 5 }, { requests: 500, concurrency: 50 }, {
      requests: 1000,
      concurrency: 100,
    }],
    pipelineIterations: quick ? 300 : 5000,
    auditSustainMs: quick ? 1500 : 10_000,
    auditStall: quick
      ? { rate: 500, beforeMs: 300, stallMs: 1500, afterMaxMs: 30_000 }
      : { rate: 1000, beforeMs: 2000, stallMs: 10_000, afterMaxMs: 60_000 },
    scannerMs: quick ? 500 : 3000,
    quietMaxWaitMs: quick ? 2000 : 20_000,
    resultsDir: quick ? "tests/bench/results/quick" : "tests/bench/results",
  };
}
