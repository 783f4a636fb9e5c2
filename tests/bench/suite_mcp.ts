import type { PgServer } from "../support/pg_server.ts";
import { type BenchServer, startBenchServer } from "./bench_env.ts";
import { measureOverhead, type OverheadResult } from "./overhead.ts";
import type { BenchOptions } from "./options.ts";
import type { QuietGate } from "./quiet.ts";

/**
 * `mcp` suite: MCP `tools/call` of the builtin `demo` server's `echo` through the governed gateway
 * (`/api/v1/mcp/demo/mcp`: authentication, session row, policy chain, durable audit row, result
 * redaction) versus the same builtin server mounted ungoverned in the bench process
 * (`/bench/mcp-floor`, mcp_floor.ts), both served by the SDK's streamable-HTTP transport with JSON
 * responses. PostgreSQL server database only. Reports "not available yet" when the route is absent.
 */
export type McpResult = OverheadResult;

const PROTOCOL = "2025-11-25";
const MARK = "bench-echo-7f3a";
const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: "echo", arguments: { text: `${MARK} ${"governed tool call payload ".repeat(8)}` } },
});

async function openSession(server: BenchServer): Promise<{ session?: string; note: string }> {
  const headers = {
    authorization: `Bearer ${server.token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const init = await fetch(`${server.url}/api/v1/mcp/demo/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "bench", version: "0" } },
    }),
  });
  const text = await init.text();
  if (init.status === 404 && text.includes("request.not_found")) {
    return { note: "not available yet: POST /api/v1/mcp/demo/mcp answers 404 request.not_found" };
  }
  const session = init.headers.get("mcp-session-id");
  if (init.status !== 200 || !session) {
    return { note: `initialize answered HTTP ${init.status}: ${text.slice(0, 200)}` };
  }
  const ack = await fetch(`${server.url}/api/v1/mcp/demo/mcp`, {
    method: "POST",
    headers: { ...headers, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await ack.body?.cancel();
  return { session, note: "measured" };
}

export async function runMcp(pg: PgServer, options: BenchOptions, gate: QuietGate): Promise<McpResult> {
  // `BENCH_CPU_PROF_DIR=<dir>`: the server writes a V8 CPU profile there (cpuprof_summary.ts reads it).
  const cpuProfDir = Deno.env.get("BENCH_CPU_PROF_DIR");
  await using server = await startBenchServer("postgres", pg, cpuProfDir ? { cpuProfDir } : {});
  const { session, note } = await openSession(server);
  if (!session) {
    console.error(`mcp: ${note}`);
    return { available: false, note, points: [], overhead: null };
  }
  const base = {
    method: "POST" as const,
    bodies: [CALL],
    expect: MARK,
    serverPid: server.pid,
    ...(server.dbPid === undefined ? {} : { dbPid: server.dbPid }),
    load: { kind: "closed" as const, concurrency: 1 },
  };
  const governed = {
    name: "mcp",
    spec: {
      ...base,
      url: `${server.url}/api/v1/mcp/demo/mcp`,
      headers: {
        authorization: `Bearer ${server.token}`,
        accept: "application/json, text/event-stream",
        "mcp-session-id": session,
        "mcp-protocol-version": PROTOCOL,
      },
    },
  };
  const floor = {
    name: "mcp-floor",
    spec: {
      ...base,
      url: `${server.url}/bench/mcp-floor`,
      headers: { accept: "application/json, text/event-stream" },
    },
  };
  return await measureOverhead(server, { governed: governed, baseline: floor }, {
    options,
    gate,
    note: "governed tools/call vs the same builtin server ungoverned",
  });
}
