import { createHistogram, summarize } from "./hdr.ts";
import { type HttpConn, type HttpReply, openConn } from "./http_conn.ts";
import type { LoadTotals, PassResult } from "./load_types.ts";
import { openWindows, sleep, type WindowOptions } from "./load_windows.ts";
import { cpuBetween, markCpu } from "./proc_stats.ts";

/** Closed- and open-loop drivers over pre-encoded requests (see load_types.ts for the semantics). */
export interface Target {
  readonly url: URL;
  readonly requests: readonly Uint8Array[];
  /** An error text for a reply that is not a success, else undefined. */
  readonly check: (reply: HttpReply) => string | undefined;
}

const DRAIN_LIMIT_MS = 15_000;

export interface DriverResult {
  readonly passes: PassResult[];
  readonly totals: LoadTotals;
}

export async function runClosed(
  target: Target,
  concurrency: number,
  w: WindowOptions,
): Promise<DriverResult> {
  const conns = await Promise.all(Array.from({ length: concurrency }, () => openConn(target.url)));
  const windows = openWindows(w);
  const worker = async (index: number) => {
    let conn: HttpConn | undefined = conns[index]!;
    for (let i = index;; i += concurrency) {
      const started = performance.now();
      if (started >= windows.end) break;
      const window = windows.windowOf(started);
      windows.count(window);
      try {
        conn ??= await openConn(target.url);
        const reply = await conn.exchange(target.requests[i % target.requests.length]!);
        windows.record(window, performance.now() - started, target.check(reply));
      } catch (error) {
        windows.record(window, performance.now() - started, describe(error), false);
        conn?.close();
        conn = undefined;
      }
    }
    conn?.close();
  };
  await Promise.all(conns.map((_, i) => worker(i)));
  return { passes: await windows.finish(), totals: windows.totals };
}

/** `hey -n requests -c concurrency`: a fixed number of requests, no warm-up, one pass. */
export async function runCount(
  target: Target,
  concurrency: number,
  requests: number,
  pids: Pick<WindowOptions, "serverPid" | "dbPid">,
): Promise<DriverResult> {
  const histogram = createHistogram();
  let replies = 0;
  const samples = new Set<string>();
  let next = 0;
  let errors = 0;
  const conns = await Promise.all(Array.from({ length: concurrency }, () => openConn(target.url)));
  const from = await markCpu(pids.serverPid, pids.dbPid);
  const worker = async (conn: HttpConn) => {
    for (let i = next++; i < requests; i = next++) {
      const started = performance.now();
      const error = await conn.exchange(target.requests[i % target.requests.length]!).then(
        (reply) => (replies++, target.check(reply)),
        (e) => describe(e),
      );
      histogram.record(performance.now() - started);
      if (error !== undefined) {
        errors++;
        if (samples.size < 3) samples.add(error);
      }
    }
    conn.close();
  };
  await Promise.all(conns.map(worker));
  const to = await markCpu(pids.serverPid, pids.dbPid);
  const seconds = (to.at - from.at) / 1000;
  const pass = {
    latency: summarize(histogram),
    sent: requests,
    completed: histogram.count,
    errors,
    errorSamples: [...samples],
    seconds: Math.round(seconds * 1000) / 1000,
    achievedRps: Math.round((histogram.count - errors) / seconds),
    cpu: cpuBetween(from, to, pids.dbPid !== undefined),
    serverRssMiB: { max: 0, mean: 0 },
  };
  return { passes: [pass], totals: { replies, ok: histogram.count - errors } };
}

/**
 * Requests fall due every 1/rate s from the start; each takes an idle connection, opens a new one
 * (up to `maxConnections`) or waits in the generator's queue. Latency runs from the due time.
 */
export async function runOpen(
  target: Target,
  rate: number,
  maxConnections: number,
  w: WindowOptions,
): Promise<DriverResult> {
  const idle: HttpConn[] = await Promise.all(
    Array.from({ length: Math.min(maxConnections, 16) }, () => openConn(target.url)),
  );
  let open = idle.length;
  const queue: number[] = [];
  let queueHead = 0;
  let inFlight = 0;
  let sentIndex = 0;
  const windows = openWindows(w);
  const interval = 1000 / rate;

  // `from` is where the latency starts: the send time when a connection was free at dispatch (the
  // tick's own lateness is the generator's, not the server's), the due time for a request that had
  // to queue because every connection was still waiting for the server.
  const serve = async (conn: HttpConn | undefined, due: number, from: number) => {
    inFlight++;
    for (let current: number | undefined = due, origin = from; current !== undefined;) {
      const window = windows.windowOf(current);
      try {
        conn ??= await openConn(target.url);
        const reply = await conn.exchange(target.requests[sentIndex++ % target.requests.length]!);
        windows.record(window, performance.now() - origin, target.check(reply));
      } catch (error) {
        windows.record(window, performance.now() - origin, describe(error), false);
        conn?.close();
        conn = undefined;
      }
      current = queueHead < queue.length ? queue[queueHead++] : undefined;
      origin = current ?? 0;
    }
    if (conn) idle.push(conn);
    else open--;
    inFlight--;
  };

  const dispatch = (due: number) => {
    windows.count(windows.windowOf(due));
    const conn = idle.pop();
    if (conn) return void serve(conn, due, performance.now());
    if (open < maxConnections) {
      open++;
      return void serve(undefined, due, performance.now());
    }
    queue.push(due);
  };

  for (let i = 0;;) {
    const now = performance.now();
    if (now >= windows.end) break;
    const due = Math.min(
      Math.floor((now - windows.start) / interval) + 1,
      Math.ceil((windows.end - windows.start) / interval),
    );
    for (; i < due; i++) dispatch(windows.start + i * interval);
    await sleep(1);
  }
  const drainBy = performance.now() + DRAIN_LIMIT_MS;
  while ((inFlight > 0 || queueHead < queue.length) && performance.now() < drainBy) await sleep(5);
  for (; queueHead < queue.length; queueHead++) {
    const due = queue[queueHead]!;
    windows.record(windows.windowOf(due), performance.now() - due, "unfinished at the drain limit", false);
  }
  const passes = await windows.finish();
  for (const conn of idle) conn.close();
  return { passes, totals: windows.totals };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
