import type { PgServer } from "../support/pg_server.ts";
import { REPO_ROOT } from "../support/process.ts";
import { type BenchServer, spawnReady, startBenchServer } from "./bench_env.ts";
import { measureOverhead, type OverheadResult } from "./overhead.ts";
import type { BenchOptions } from "./options.ts";
import type { QuietGate } from "./quiet.ts";

/**
 * `llm` suite: `POST /v1/messages` (Anthropic wire, not streamed) through the gateway (auth, route,
 * governance with the prompt scanned, provider key from the vault, upstream call, usage and cost
 * recorded) versus the same request sent straight to the fake upstream (fake_upstream.ts, its own
 * process). PostgreSQL server database only. Portkey is not measured (not installed here).
 */
export type LlmResult = OverheadResult;

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
  await using server = await startBenchServer("postgres", pg, {
    profileExtra: profile(upstream.ready.url),
    secrets: { bench_upstream_key: KEY },
  });
  const problem = await probe(server);
  if (problem) {
    console.error(`llm: ${problem}`);
    return { available: false, note: problem, points: [], overhead: null };
  }
  const base = {
    method: "POST" as const,
    bodies: [BODY],
    expect: MARK,
    serverPid: server.pid,
    ...(server.dbPid === undefined ? {} : { dbPid: server.dbPid }),
    load: { kind: "closed" as const, concurrency: 1 },
  };
  const headers = { "anthropic-version": "2023-06-01" };
  const gateway = {
    name: "llm",
    spec: {
      ...base,
      url: `${server.url}/v1/messages`,
      headers: { ...headers, authorization: `Bearer ${server.token}` },
    },
  };
  // Straight to the upstream: its process is the one whose CPU and RSS the "srv" columns show.
  const direct = {
    name: "llm-direct",
    spec: {
      ...base,
      serverPid: upstream.ready.pid,
      url: `${upstream.ready.url}/v1/messages`,
      headers: { ...headers, "x-api-key": KEY },
    },
  };
  return await measureOverhead(server, { governed: gateway, baseline: direct }, {
    options,
    gate,
    note: "gateway vs the same fake upstream called directly",
  });
}
