import type { LatencySummary } from "./hdr.ts";
import type { CpuWindow } from "./proc_stats.ts";

/** What the orchestrator asks the load generator (a separate process) to do, as JSON on stdin. */
export interface LoadSpec {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Readonly<Record<string, string>>;
  /** Request bodies, sent in rotation (one request per body, round-robin). */
  readonly bodies?: readonly string[];
  /** A reply counts as a success only with status 200 and this text in its body. */
  readonly expect?: string;
  readonly load: ClosedLoad | OpenLoad;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly passes: number;
  /** Processes whose resources are sampled: the server and (for PostgreSQL) the postmaster. */
  readonly serverPid: number;
  readonly dbPid?: number;
}

/** Closed loop: `concurrency` connections, each sending its next request when the last answered. */
export interface ClosedLoad {
  readonly kind: "closed";
  readonly concurrency: number;
  /** Send exactly this many requests in total (no warm-up, one pass), as `hey -n N -c C` does. */
  readonly requests?: number;
}

/**
 * Open loop: requests are due at a fixed rate whatever the server does (coordinated-omission
 * correction): a request that finds every connection busy waiting for the server queues in the
 * generator and its latency runs from its due time, so a stalled server cannot hide its queue by
 * slowing the generator down. A request that finds a free connection is sent at once and timed
 * from that send: the 1-ms timer's own lateness belongs to the generator, not to the server.
 */
export interface OpenLoad {
  readonly kind: "open";
  readonly rate: number;
  /** Connections opened at most (requests queue in the generator beyond that); default 256. */
  readonly maxConnections?: number;
}

export interface PassResult {
  readonly latency: LatencySummary;
  /** Requests due (open loop) or started (closed loop) in the window. */
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly seconds: number;
  /** Successful replies per second. */
  readonly achievedRps: number;
  readonly cpu: CpuWindow;
  readonly serverRssMiB: { readonly max: number; readonly mean: number };
}

/** The whole run, warm-up included: every reply is one decision the server made (and audited). */
export interface LoadTotals {
  readonly replies: number;
  readonly ok: number;
}

export interface LoadResult {
  readonly spec: Omit<LoadSpec, "bodies" | "headers"> & { readonly bodyBytes: number };
  readonly passes: readonly PassResult[];
  readonly totals: LoadTotals;
}
