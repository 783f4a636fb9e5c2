/**
 * Summarises a bench server's `--trace-gc-nvp` output (kept with `BENCH_STDOUT`): the first busy
 * stretch's allocation and promotion per call, and each major GC with its pause. The stretch runs
 * from the first scavenge to the first quiet gap (default 3 s) once it has allocated something
 * worth measuring, which in `deno task bench llm --quick` is the gateway's warm-up and measured
 * window (the server idles while Portkey and the direct calls are measured).
 *
 *   BENCH_V8_FLAGS=--v8-flags=--max-semi-space-size=4,--trace-gc-nvp BENCH_STDOUT=/tmp/trace.txt \
 *     deno task bench llm --quick --no-pglite --warmup=2000 --measure=10000
 *   deno run -A tests/bench/gctrace_summary.ts /tmp/trace.txt 6001
 *
 * (6,001 = 500 calls/s × 12 s plus the probe.) Figures include the server's start-up, a constant
 * for a given build, so compare runs, not absolute values.
 */
export interface GcEvent {
  /** Milliseconds since the isolate started. */
  readonly t: number;
  /** `s` for a scavenge, anything else for a mark-compact. */
  readonly gc: string;
  readonly pause: number;
  readonly allocated: number;
  readonly promoted: number;
  readonly reduceMemory: boolean;
}

export interface StretchSummary {
  readonly endMs: number;
  readonly scavenges: number;
  readonly allocatedBytes: number;
  readonly promotedBytes: number;
  readonly majors: readonly { readonly t: number; readonly pause: number }[];
}

/** V8 prints `[pid:isolate:0]  <ms> ms: GC: {json}`; anything else is skipped. */
export function parseGcTrace(text: string): GcEvent[] {
  const events: GcEvent[] = [];
  for (const match of text.matchAll(/\s(\d+) ms: GC: (\{[^\n]*?\})(?=\s*$|\[)/gm)) {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(match[2]!);
    } catch {
      continue; // a line cut by interleaved output
    }
    events.push({
      t: Number(match[1]),
      gc: String(fields["gc"] ?? ""),
      pause: Number(fields["pause"] ?? 0),
      allocated: Number(fields["allocated"] ?? 0),
      promoted: Number(fields["promoted"] ?? 0),
      reduceMemory: fields["reduce_memory"] === true,
    });
  }
  return events;
}

export function firstStretch(events: readonly GcEvent[], gapMs = 3000, minBytes = 50e6): StretchSummary {
  let allocated = 0;
  let promoted = 0;
  let scavenges = 0;
  let last: number | undefined;
  const majors: { t: number; pause: number }[] = [];
  for (const e of events) {
    if (last !== undefined && e.t - last > gapMs && allocated > minBytes) break;
    last = e.t;
    allocated += e.allocated; // since the previous collection of either kind
    promoted += e.promoted;
    if (e.gc === "s") scavenges++;
    else if (!e.reduceMemory) majors.push({ t: e.t, pause: e.pause });
  }
  return { endMs: last ?? 0, scavenges, allocatedBytes: allocated, promotedBytes: promoted, majors };
}

if (import.meta.main) {
  const [file, calls] = Deno.args;
  if (!file || !calls) throw new Error("usage: gctrace_summary.ts <trace.txt> <calls in the stretch>");
  const s = firstStretch(parseGcTrace(await Deno.readTextFile(file)));
  const per = (bytes: number) => (bytes / Number(calls) / 1000).toFixed(1);
  console.log(`first stretch: until ${(s.endMs / 1000).toFixed(1)} s, ${s.scavenges} scavenges`);
  console.log(`allocated ${(s.allocatedBytes / 1e6).toFixed(1)} MB = ${per(s.allocatedBytes)} KB per call`);
  console.log(`promoted ${(s.promotedBytes / 1e6).toFixed(1)} MB = ${per(s.promotedBytes)} KB per call`);
  for (const m of s.majors) console.log(`major GC at ${(m.t / 1000).toFixed(1)} s, pause ${m.pause} ms`);
}
