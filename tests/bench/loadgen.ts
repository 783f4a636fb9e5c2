/**
 * The load generator, run as its own process (`deno run -A tests/bench/loadgen.ts < spec.json`) so
 * it never shares an event loop with the server: reads a LoadSpec as JSON on stdin, drives the
 * load, prints a LoadResult as JSON on stdout. See load_types.ts for closed/open-loop semantics.
 */
import type { HttpReply } from "./http_conn.ts";
import { encodeRequest } from "./http_conn.ts";
import { type DriverResult, runClosed, runCount, runOpen, type Target } from "./load_drivers.ts";
import type { LoadResult, LoadSpec } from "./load_types.ts";

const decoder = new TextDecoder();

export function targetOf(spec: LoadSpec): Target {
  const url = new URL(spec.url);
  const bodies = spec.bodies && spec.bodies.length > 0 ? spec.bodies : [undefined];
  const requests = bodies.map((body) =>
    encodeRequest({
      method: spec.method,
      url,
      headers: body === undefined ? spec.headers : { "content-type": "application/json", ...spec.headers },
      ...(body === undefined ? {} : { body }),
    })
  );
  const check = (reply: HttpReply): string | undefined => {
    if (reply.status === 200 && spec.expect === undefined) return undefined;
    const text = decoder.decode(reply.body);
    if (reply.status === 200 && text.includes(spec.expect ?? "")) return undefined;
    return `HTTP ${reply.status}: ${text.slice(0, 200)}`;
  };
  return { url, requests, check };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = targetOf(spec);
  const windows = {
    warmupMs: spec.warmupMs,
    measureMs: spec.measureMs,
    passes: spec.passes,
    serverPid: spec.serverPid,
    dbPid: spec.dbPid,
  };
  let run: DriverResult;
  if (spec.load.kind === "closed" && spec.load.requests !== undefined) {
    run = await runCount(target, spec.load.concurrency, spec.load.requests, windows);
  } else if (spec.load.kind === "closed") {
    run = await runClosed(target, spec.load.concurrency, windows);
  } else {
    run = await runOpen(target, spec.load.rate, spec.load.maxConnections ?? 256, windows);
  }
  const { bodies, headers: _headers, ...rest } = spec;
  const bodyBytes = bodies?.[0] === undefined ? 0 : new TextEncoder().encode(bodies[0]).byteLength;
  return { spec: { ...rest, bodyBytes }, passes: run.passes, totals: run.totals };
}

if (import.meta.main) {
  const input = await new Response(Deno.stdin.readable).text();
  const result = await runLoad(JSON.parse(input) as LoadSpec);
  console.log(JSON.stringify(result));
  Deno.exit(0); // connections still waiting on a stalled server must not keep the process alive
}
