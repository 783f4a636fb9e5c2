import { createHistogram, type Histogram, summarize } from "./hdr.ts";
import type { PassResult } from "./load_types.ts";
import { cpuBetween, type CpuMark, markCpu, rssMiB } from "./proc_stats.ts";

/**
 * The measurement windows of one load run: a warm-up, then `passes` back-to-back measured windows.
 * Each request is attributed to the window it was due in (open loop) or started in (closed loop);
 * warm-up requests are not recorded. A sampler marks CPU at each window boundary and samples the
 * server's RSS every 250 ms.
 */
export interface Windows {
  readonly start: number;
  /** When no request may be due/started any more. */
  readonly end: number;
  /** -1 in the warm-up, k in pass k, `passes` after the end. */
  windowOf(t: number): number;
  /** `replied` is false when no HTTP reply came back (a connection error, a request never sent). */
  record(window: number, ms: number, error?: string, replied?: boolean): void;
  /** Counts a request as due/started in its window. */
  count(window: number): void;
  /** Waits for the last boundary and returns each pass's figures. */
  finish(): Promise<PassResult[]>;
  /** Replies (and successful ones) over the whole run, warm-up included: each is one server decision. */
  readonly totals: { replies: number; ok: number };
}

interface Tally {
  readonly histogram: Histogram;
  sent: number;
  completed: number;
  errors: number;
  readonly samples: Set<string>;
  rssMax: number;
  rssSum: number;
  rssN: number;
}

export interface WindowOptions {
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly passes: number;
  readonly serverPid: number;
  readonly dbPid: number | undefined;
}

export function openWindows(options: WindowOptions): Windows {
  const start = performance.now();
  const measuredFrom = start + options.warmupMs;
  const end = measuredFrom + options.passes * options.measureMs;
  const tallies: Tally[] = Array.from({ length: options.passes }, () => ({
    histogram: createHistogram(),
    sent: 0,
    completed: 0,
    errors: 0,
    samples: new Set<string>(),
    rssMax: 0,
    rssSum: 0,
    rssN: 0,
  }));
  const windowOf = (t: number) =>
    t < measuredFrom ? -1 : Math.min(options.passes, Math.floor((t - measuredFrom) / options.measureMs));
  const marks = sampleBoundaries(options, measuredFrom, tallies, windowOf);
  const totals = { replies: 0, ok: 0 };
  return {
    start,
    totals,
    end,
    windowOf,
    count(window) {
      const tally = tallies[window];
      if (tally) tally.sent++;
    },
    record(window, ms, error, replied = true) {
      if (replied) totals.replies++;
      if (error === undefined) totals.ok++;
      const tally = tallies[window];
      if (!tally) return;
      tally.histogram.record(ms);
      tally.completed++;
      if (error !== undefined) {
        tally.errors++;
        if (tally.samples.size < 3) tally.samples.add(error);
      }
    },
    async finish() {
      const boundaries = await marks;
      return tallies.map((tally, k) => passResult(tally, boundaries[k]!, boundaries[k + 1]!, options));
    },
  };
}

async function sampleBoundaries(
  options: WindowOptions,
  measuredFrom: number,
  tallies: Tally[],
  windowOf: (t: number) => number,
): Promise<CpuMark[]> {
  const marks: CpuMark[] = [];
  for (let k = 0; k <= options.passes; k++) {
    const boundary = measuredFrom + k * options.measureMs;
    while (performance.now() < boundary - 1) {
      const window = windowOf(performance.now());
      await sleep(Math.min(250, boundary - performance.now()));
      const tally = tallies[window];
      if (tally) {
        const rss = await rssMiB(options.serverPid);
        tally.rssMax = Math.max(tally.rssMax, rss);
        tally.rssSum += rss;
        tally.rssN++;
      }
    }
    marks.push(await markCpu(options.serverPid, options.dbPid));
  }
  return marks;
}

function passResult(tally: Tally, from: CpuMark, to: CpuMark, options: WindowOptions): PassResult {
  const seconds = options.measureMs / 1000;
  return {
    latency: summarize(tally.histogram),
    sent: tally.sent,
    completed: tally.completed,
    errors: tally.errors,
    errorSamples: [...tally.samples],
    seconds,
    achievedRps: Math.round((tally.completed - tally.errors) / seconds),
    cpu: cpuBetween(from, to, options.dbPid !== undefined),
    serverRssMiB: {
      max: Math.round(tally.rssMax),
      mean: Math.round(tally.rssN === 0 ? 0 : tally.rssSum / tally.rssN),
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
