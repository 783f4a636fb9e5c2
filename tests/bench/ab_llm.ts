/**
 * Not part of `deno task bench`: an interleaved A/B of routes of the llm suite's bench server. Quick
 * runs measured one after the other differ by ±0.15 ms at p50 and ±0.5 ms at p99 on a shared host, more
 * than the changes worth measuring; here the variants share every moment of one run instead. Requests
 * fall due at a fixed rate (an open loop over pooled keep-alive connections, timed from their send)
 * and go to the variants in turn, each into its own histogram, pass by pass.
 *
 *   deno run -A tests/bench/ab_llm.ts [--rate=500] [--seconds=10] [--passes=3] [--warmup=3] <variant>...
 *
 * A variant is `llm` (the gateway's `POST /v1/messages`, as the suite sends it) or a path of the bench
 * server (`/bench/proxy-floor-write`, `/bench/proxy-floor/0`, a query string included), sent the same
 * body with the same headers. The rate is the total: two variants at 500 req/s get 250 each.
 */
import { startPgServer } from "../support/pg_server.ts";
import { REPO_ROOT } from "../support/process.ts";
import { spawnReady, startBenchServer } from "./bench_env.ts";
import { createHistogram, type Histogram, summarize } from "./hdr.ts";
import { encodeRequest, type HttpConn, openConn } from "./http_conn.ts";
import { sleep } from "./load_windows.ts";
import { LLM_BENCH } from "./suite_llm.ts";

interface Args {
  readonly rate: number;
  readonly seconds: number;
  readonly passes: number;
  readonly warmup: number;
  readonly variants: readonly string[];
}

function parseArgs(argv: readonly string[]): Args {
  const flag = (name: string, fallback: number) => {
    const hit = argv.find((a) => a.startsWith(`--${name}=`));
    return hit ? Number(hit.slice(name.length + 3)) : fallback;
  };
  const variants = argv.filter((a) => !a.startsWith("--"));
  if (variants.length === 0) throw new Error("usage: ab_llm.ts [--rate=500] [--seconds=10] <variant>...");
  return {
    rate: flag("rate", 500),
    seconds: flag("seconds", 10),
    passes: flag("passes", 3),
    warmup: flag("warmup", 3),
    variants,
  };
}

/** Sends request i to variant i mod k at `rate` per second until `until`; records into `into` when given. */
async function drive(
  base: URL,
  requests: readonly Uint8Array[],
  rate: number,
  until: number,
  into: readonly Histogram[] | undefined,
  pool: HttpConn[],
): Promise<number> {
  const start = performance.now();
  const interval = 1000 / rate;
  let errors = 0;
  let inFlight = 0;
  const send = async (index: number) => {
    inFlight++;
    const conn = pool.pop() ?? await openConn(base);
    const sent = performance.now();
    try {
      const reply = await conn.exchange(requests[index % requests.length]!);
      if (into) into[index % requests.length]!.record(performance.now() - sent);
      if (reply.status !== 200) errors++;
      pool.push(conn);
    } catch {
      errors++;
      conn.close();
    }
    inFlight--;
  };
  for (let i = 0; performance.now() < until;) {
    const due = Math.floor((performance.now() - start) / interval) + 1;
    for (; i < due; i++) void send(i);
    await sleep(1);
  }
  while (inFlight > 0) await sleep(2);
  return errors;
}

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  await using pg = await startPgServer();
  await using upstream = await spawnReady<{ url: string; pid: number }>(
    ["--config", `${REPO_ROOT}/deno.json`, `${REPO_ROOT}/tests/bench/fake_upstream.ts`],
    {},
    REPO_ROOT,
  );
  await using server = await startBenchServer("postgres", pg, {
    profileExtra: LLM_BENCH.profile(upstream.ready.url),
    secrets: { bench_upstream_key: LLM_BENCH.key },
    env: { BENCH_LLM_UPSTREAM: `${upstream.ready.url}/v1`, BENCH_LLM_KEY: LLM_BENCH.key },
  });
  const base = new URL(server.url);
  const headers = { "anthropic-version": "2023-06-01", "content-type": "application/json" };
  const requests = args.variants.map((variant) =>
    encodeRequest({
      method: "POST",
      url: new URL(variant === "llm" ? "/v1/messages" : variant, base),
      headers: variant === "llm" ? { ...headers, authorization: `Bearer ${server.token}` } : headers,
      body: LLM_BENCH.body,
    })
  );
  const pool: HttpConn[] = [];
  await drive(base, requests, args.rate, performance.now() + args.warmup * 1000, undefined, pool);
  for (let pass = 1; pass <= args.passes; pass++) {
    const histograms = args.variants.map(() => createHistogram());
    const errors = await drive(
      base,
      requests,
      args.rate,
      performance.now() + args.seconds * 1000,
      histograms,
      pool,
    );
    args.variants.forEach((variant, i) => {
      const s = summarize(histograms[i]!);
      console.log(
        `pass ${pass}  ${variant.padEnd(40)} n ${s.count}  p50 ${s.p50.toFixed(3)}  p90 ${
          s.p90.toFixed(3)
        }  ` +
          `p99 ${s.p99.toFixed(3)}  max ${s.max.toFixed(3)}`,
      );
    });
    if (errors > 0) console.log(`pass ${pass}: ${errors} errors`);
  }
  for (const conn of pool) conn.close();
}
