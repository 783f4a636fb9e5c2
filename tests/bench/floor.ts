import { Hono } from "hono";
import type { AppContext } from "@app/context.ts";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { auditSignatureCheck, loadAuditKey } from "@infra/audit/audit_key.ts";
import { createUpstreamHttp } from "@infra/http/h1_client.ts";

/**
 * The bench server's own routes, mounted beside the product app in the bench process only (the
 * product carries no benchmark routes):
 * - `POST /bench/floor`: a bare Hono handler that parses the same JSON body as the govern hook and
 *   answers a constant allow (the cost of HTTP + JSON on this stack).
 * - `POST /bench/floor-db`: the same plus one `select 1` round trip on the product's pool.
 * - `POST /bench/proxy-floor/:trips`: the llm suite's structural floor: parse the body, make `trips`
 *   sequential `select 1` round trips, forward the body to the fake upstream with `fetch` and relay
 *   its answer (no authentication, governance, audit or cost: the cost of proxying on this stack,
 *   plus that of N bare round trips before dispatch).
 * - `POST /bench/proxy-floor-write`: the same with one committed INSERT of the request body (jsonb, into
 *   a bench-only table) before dispatch instead: the least a governed call needs now that its charges
 *   come from leases, a row durable before the provider is called (no chain, no indexes beyond the key).
 *   `?lean=1`: the INSERT on a lane of its own and the relay through the gateway's HTTP/1.1 client.
 * - `GET /bench/audit-count`: rows in `governance_decisions` (to check audit totals after a run).
 * - `GET /bench/memory`: `Deno.memoryUsage()` of the server (V8 heap vs resident set).
 * - `GET /bench/audit-verify`: recomputes the stored hash chain and checks its signed checkpoints.
 */
export interface FloorExtras {
  /** `POST /bench/mcp-floor`: the builtin `demo` MCP server mounted ungoverned (mcp_floor.ts). */
  readonly mcpFloor?: (request: Request) => Promise<Response>;
  /** The fake LLM upstream (`…/v1`) and its key, for `POST /bench/proxy-floor/:trips`. */
  readonly llmUpstream?: { readonly url: string; readonly key: string };
}

export function floorRoutes(ctx: AppContext, extras: FloorExtras = {}): Hono {
  const app = new Hono();
  const mcpFloor = extras.mcpFloor;
  if (mcpFloor) app.post("/bench/mcp-floor", (c) => mcpFloor(c.req.raw));
  const answer = { hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow" } };
  app.post("/bench/floor", async (c) => {
    await c.req.json();
    return c.json(answer);
  });
  app.post("/bench/floor-db", async (c) => {
    await c.req.json();
    await ctx.db.one("select 1 as ok");
    return c.json(answer);
  });
  const upstream = extras.llmUpstream;
  if (upstream) {
    // `?lean=1` on the write floor: the product's own primitives, a lane of its own for the INSERT
    // and the gateway's HTTP/1.1 client for the relay (the least this stack can do per call).
    const leanHttp = createUpstreamHttp();
    const relay = async (body: string, signal: AbortSignal, lean = false) => {
      const response = await (lean ? leanHttp.fetch : fetch)(`${upstream.url}/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "anthropic-version": "2023-06-01",
          "x-api-key": upstream.key,
        },
        body,
        signal,
      });
      return { json: await response.json(), status: response.status as 200 };
    };
    app.post("/bench/proxy-floor/:trips", async (c) => {
      const body = JSON.stringify(await c.req.json());
      for (let i = Number(c.req.param("trips")); i > 0; i--) await ctx.db.one("select 1 as ok");
      const { json, status } = await relay(body, c.req.raw.signal);
      return c.json(json, status);
    });
    const table = ctx.db.exec(
      "create table if not exists bench_floor_writes (id bigint generated always as identity primary key, " +
        "payload jsonb not null)",
    );
    // `?burn=<µs>&pgburn=<n>` (ab_llm.ts): the same floor made to cost what a governed call costs, to
    // tell the tail that comes with the CPU from the tail that comes with the gateway's structure.
    // `burn` µs of the server's CPU, half before the INSERT and half after; `pgburn` makes the INSERT
    // sum a series of n integers first (5,000 ≈ 0.25 ms of PostgreSQL's CPU on the reference host).
    let lane: ReturnType<typeof ctx.db.lane> | undefined;
    app.post("/bench/proxy-floor-write", async (c) => {
      const body = JSON.stringify(await c.req.json());
      const lean = c.req.query("lean") === "1";
      const db = lean ? (lane ??= ctx.db.lane()) : ctx.db;
      const burnMs = Math.max(0, Number(c.req.query("burn") ?? 0)) / 2000;
      const series = Math.max(0, Math.floor(Number(c.req.query("pgburn") ?? 0)));
      spin(burnMs);
      await table;
      await db.one(
        series > 0
          ? "insert into bench_floor_writes (payload) select $1::jsonb " +
            "from (select sum(g) from generate_series(1, $2::integer) g) s returning id"
          : "insert into bench_floor_writes (payload) values ($1::jsonb) returning id",
        series > 0 ? [body, series] : [body],
      );
      spin(burnMs);
      const { json, status } = await relay(body, c.req.raw.signal, lean);
      return c.json(json, status);
    });
  }
  app.get("/bench/audit-count", async (c) => {
    const row = await ctx.db.one<{ n: number }>("select count(*)::int8 as n from governance_decisions");
    return c.json({ rows: Number(row.n), queueDepth: ctx.audit.depth() });
  });
  app.get("/bench/memory", (c) => c.json(Deno.memoryUsage()));
  app.get("/bench/audit-verify", async (c) => {
    const key = await loadAuditKey(ctx.config.layout);
    const report = await verifyStoredChain(ctx.db, auditSignatureCheck(key.publicKeyPem));
    return c.json(report);
  });
  return app;
}

/** Keeps the thread busy for `ms` milliseconds (a stand-in for a governed call's work). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}
