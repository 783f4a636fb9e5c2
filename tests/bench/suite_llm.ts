import type { PgServer } from "../support/pg_server.ts";
import { REPO_ROOT } from "../support/process.ts";
import { type BenchServer, spawnReady, startBenchServer } from "./bench_env.ts";
import type { OverheadResult } from "./overhead.ts";
import { measurePoint, type PointResult, type Subject } from "./measure.ts";
import type { BenchOptions, LoadPoint } from "./options.ts";
import { statementsWanted, withStatementReport } from "./pg_statements.ts";
import type { QuietGate } from "./quiet.ts";

/**
 * `llm` suite: `POST /v1/messages` (Anthropic wire, not streamed) through the gateway (auth, route,
 * governance with the prompt scanned, provider key from the vault, upstream call, usage and cost
 * recorded) and through `npm:@portkey-ai/gateway` (portkey_launch.ts, its own process) versus the
 * same request sent straight to the fake upstream (fake_upstream.ts, its own process). PostgreSQL
 * server database only. If Portkey cannot start, the suite says why and measures the rest.
 */
export interface LlmResult extends OverheadResult {
  /** `npm:@portkey-ai/gateway` on the same fake upstream in the same run (null: not attempted). */
  readonly portkey: {
    readonly measured: boolean;
    readonly note: string;
    /** Portkey minus the direct call at 500 req/s (ms). */
    readonly overhead: { readonly p50: number; readonly p99: number } | null;
  } | null;
  /**
   * `proxy-floor-lean` minus the direct call at 500 req/s (ms): the least a call costs on this host
   * whose row is durable before the provider is called, made with the product's own primitives.
   */
  readonly leanFloor?: { readonly p50: number; readonly p99: number } | null;
}

const KEY = "sk-ant-bench-0123456789abcdef";
const MARK = "bench-llm-5c1e";
const BODY = JSON.stringify({
  model: "claude-bench",
  max_tokens: 64,
  messages: [{ role: "user", content: `${MARK} summarise the release notes of the last sprint in one line` }],
});

function profile(upstream: string): string {
  return `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: bench-upstream, upstream_model: claude-fake }
providers:
  - name: bench-upstream
    wire: anthropic
    endpoint: ${upstream}/v1
    api_key_secret: bench_upstream_key
    models:
      - { id: claude-fake, max_output_tokens: 1024, pricing: { input_per_million: 3, output_per_million: 15 } }
`;
}

/** The suite's request, provider key and profile, for tools that drive the same server (ab_llm.ts). */
export const LLM_BENCH = { key: KEY, body: BODY, profile } as const;

async function probe(server: BenchServer): Promise<string | undefined> {
  const response = await fetch(`${server.url}/v1/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${server.token}`,
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
    },
    body: BODY,
  });
  const text = await response.text();
  if (response.status === 200 && text.includes(MARK)) return undefined;
  return response.status === 404 && text.includes("request.not_found")
    ? "not available yet: POST /v1/messages answers 404 request.not_found (the route is not mounted)"
    : `POST /v1/messages answered HTTP ${response.status}: ${text.slice(0, 200)}`;
}

export async function runLlm(pg: PgServer, options: BenchOptions, gate: QuietGate): Promise<LlmResult> {
  await using upstream = await spawnReady<{ url: string; pid: number }>(
    ["--config", `${REPO_ROOT}/deno.json`, `${REPO_ROOT}/tests/bench/fake_upstream.ts`],
    {},
    REPO_ROOT,
  );
  // BENCH_CPU_PROF_DIR=<dir>: the gateway server writes a V8 CPU profile there (cpuprof_summary.ts).
  const cpuProfDir = Deno.env.get("BENCH_CPU_PROF_DIR");
  await using server = await startBenchServer("postgres", pg, {
    profileExtra: profile(upstream.ready.url),
    secrets: { bench_upstream_key: KEY },
    env: { BENCH_LLM_UPSTREAM: `${upstream.ready.url}/v1`, BENCH_LLM_KEY: KEY },
    ...(cpuProfDir ? { cpuProfDir } : {}),
  });
  const problem = await probe(server);
  if (problem) {
    console.error(`llm: ${problem}`);
    return { available: false, note: problem, points: [], overhead: null, portkey: null };
  }
  await using portkey = await spawnReady<PortkeyReady>(
    ["--config", `${REPO_ROOT}/deno.json`, `${REPO_ROOT}/tests/bench/portkey_launch.ts`],
    {},
    REPO_ROOT,
  );
  const portkeyProblem = "error" in portkey.ready
    ? portkey.ready.error
    : await probeUrl(`${portkey.ready.url}/v1/messages`, portkeyHeaders(upstream.ready.url));
  if (portkeyProblem) console.error(`llm: Portkey not measured: ${portkeyProblem}`);
  const ready = "error" in portkey.ready || portkeyProblem ? undefined : portkey.ready;
  const subjects = llmSubjects(server, upstream.ready, ready);
  return await measureAll(server, subjects, options, gate, portkeyProblem);
}

type PortkeyReady = { url: string; pid: number; spec: string } | { error: string };

function portkeyHeaders(upstream: string): Record<string, string> {
  return {
    "anthropic-version": "2023-06-01",
    "x-api-key": KEY,
    "x-portkey-provider": "anthropic",
    "x-portkey-custom-host": `${upstream}/v1`,
  };
}

async function probeUrl(url: string, headers: Record<string, string>): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: BODY,
    });
    const text = await response.text();
    return response.status === 200 && text.includes(MARK)
      ? undefined
      : `POST /v1/messages answered HTTP ${response.status}: ${text.slice(0, 300)}`;
  } catch (error) {
    return `POST /v1/messages failed: ${error}`;
  }
}

type Named = Exclude<Subject, string>;

interface LlmSubjects {
  readonly gateway: Named;
  readonly direct: Named;
  readonly portkey: Named | undefined;
  /** Our stack proxying with no governance, then with two bare round trips before dispatch. */
  readonly floors: readonly Named[];
}

function llmSubjects(
  server: BenchServer,
  upstream: { url: string; pid: number },
  portkey: { url: string; pid: number } | undefined,
): LlmSubjects {
  const base = {
    method: "POST" as const,
    bodies: [BODY],
    expect: MARK,
    serverPid: server.pid,
    ...(server.dbPid === undefined ? {} : { dbPid: server.dbPid }),
    load: { kind: "closed" as const, concurrency: 1 },
  };
  const headers = { "anthropic-version": "2023-06-01" };
  const spec = (name: string, pid: number, url: string, h: Record<string, string>): Named => ({
    name,
    spec: { ...base, serverPid: pid, url, headers: h },
  });
  return {
    gateway: spec("llm", server.pid, `${server.url}/v1/messages`, {
      ...headers,
      authorization: `Bearer ${server.token}`,
    }),
    // Straight to the upstream: its process is the one whose CPU and RSS the "srv" columns show.
    direct: spec("llm-direct", upstream.pid, `${upstream.url}/v1/messages`, { ...headers, "x-api-key": KEY }),
    portkey: portkey &&
      spec("portkey", portkey.pid, `${portkey.url}/v1/messages`, portkeyHeaders(upstream.url)),
    floors: [
      ...[0, 2].map((trips) =>
        spec(`proxy-floor-${trips}rt`, server.pid, `${server.url}/bench/proxy-floor/${trips}`, headers)
      ),
      spec("proxy-floor-write", server.pid, `${server.url}/bench/proxy-floor-write`, headers),
      spec("proxy-floor-lean", server.pid, `${server.url}/bench/proxy-floor-write?lean=1`, headers),
    ],
  };
}

/** Each point measures the gateway, Portkey and the direct call back to back (same machine state). */
async function measureAll(
  server: BenchServer,
  s: LlmSubjects,
  options: BenchOptions,
  gate: QuietGate,
  portkeyProblem: string | undefined,
): Promise<LlmResult> {
  const points: LoadPoint[] = [
    { label: "500/s", load: { kind: "open", rate: 500 }, headline: true },
    ...(options.quick
      ? []
      : [{ label: "c=50", load: { kind: "closed", concurrency: 50 }, headline: false } as const]),
  ];
  // BENCH_LLM_ROUTES=llm,llm-direct: measure only these rows (an investigation aid, e.g. for a CPU
  // profile of the gateway alone); every row by default.
  const only = Deno.env.get("BENCH_LLM_ROUTES")?.split(",").map((name) => name.trim());
  const results: PointResult[] = [];
  for (const point of points) {
    const floors = point.headline ? s.floors : [];
    for (const subject of [s.gateway, s.portkey, s.direct, ...floors]) {
      if (!subject || (only && !only.includes(subject.name))) continue;
      const measure = () => measurePoint(server, subject, point, options, gate);
      const counted = subject === s.gateway && point.headline && statementsWanted() && server.databaseUrl;
      results.push(await (counted ? withStatementReport(counted, measure) : measure()));
    }
  }
  const at500 = (name: string) => results.find((r) => r.route === name && r.point === "500/s")?.median;
  const over = (name: string) => {
    const g = at500(name);
    const b = at500(s.direct.name);
    return g && b
      ? { p50: Math.round((g.p50 - b.p50) * 1000) / 1000, p99: Math.round((g.p99 - b.p99) * 1000) / 1000 }
      : null;
  };
  return {
    available: true,
    note: "gateway and Portkey vs the same fake upstream called directly",
    points: results,
    overhead: over(s.gateway.name),
    leanFloor: over("proxy-floor-lean"),
    portkey: portkeyProblem
      ? { measured: false, note: `Portkey not measured: ${portkeyProblem}`, overhead: null }
      : { measured: true, note: "npm:@portkey-ai/gateway@1.15.2 (Deno)", overhead: over("portkey") },
  };
}
