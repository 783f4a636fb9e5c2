import type { BenchServer } from "./bench_env.ts";
import { measurePoint, type PointResult, type Subject } from "./measure.ts";
import type { BenchOptions, LoadPoint } from "./options.ts";
import type { QuietGate } from "./quiet.ts";

/** A governed surface measured against its baseline in the same run, and the difference at 500 req/s. */
export interface OverheadResult {
  readonly available: boolean;
  readonly note: string;
  readonly points: readonly PointResult[];
  /** Governed minus baseline at 500 req/s (ms). */
  readonly overhead: { readonly p50: number; readonly p99: number } | null;
}

type Named = Exclude<Subject, string>;

export async function measureOverhead(
  server: BenchServer,
  subjects: { readonly governed: Named; readonly baseline: Named },
  run: { readonly options: BenchOptions; readonly gate: QuietGate; readonly note: string },
): Promise<OverheadResult> {
  const points: LoadPoint[] = [
    { label: "500/s", load: { kind: "open", rate: 500 }, headline: true },
    ...(run.options.quick
      ? []
      : [{ label: "c=50", load: { kind: "closed", concurrency: 50 }, headline: false } as const]),
  ];
  const results: PointResult[] = [];
  for (const point of points) {
    for (const subject of [subjects.governed, subjects.baseline]) {
      results.push(await measurePoint(server, subject, point, run.options, run.gate));
    }
  }
  const at500 = (name: string) => results.find((r) => r.route === name && r.point === "500/s")?.median;
  const g = at500(subjects.governed.name);
  const b = at500(subjects.baseline.name);
  const overhead = g && b
    ? { p50: Math.round((g.p50 - b.p50) * 1000) / 1000, p99: Math.round((g.p99 - b.p99) * 1000) / 1000 }
    : null;
  return { available: true, note: run.note, points: results, overhead };
}
