/**
 * The bench server process: the product's HTTP app exactly as `infra services serve` builds it
 * (same context, same routes, same pool), plus the floor routes of floor.ts on one `Deno.serve`
 * listener. Started by the orchestrator with SYSTEMPROMPT_HOME / SYSTEMPROMPT_SERVICES /
 * DATABASE_URL (absent: embedded PGlite); prints one JSON line `{url, token, pid}` once it serves,
 * and shuts down cleanly (pending audit rows made durable) on SIGTERM.
 */
import { authDepsOf, authenticate } from "@app/authenticate.ts";
import { createAppContext } from "@app/context.ts";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, mintSessionToken } from "@app/setup.ts";
import { setSecret } from "@app/vault_admin.ts";
import { seedAccessRules } from "@domain/governance/mod.ts";
import { parseSecretName } from "@domain/vault/mod.ts";
import { Secret } from "@shared/secret.ts";
import { resolveHome } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { createJsonLogger } from "@infra/log/json_logger.ts";
import { startIdleMemory } from "@infra/runtime/idle_memory.ts";
import { createHttpApp } from "@entry/http/app.ts";
import { systemClock } from "@shared/clock.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { floorRoutes } from "./floor.ts";
import { mcpFloorHandler } from "./mcp_floor.ts";

const env = Deno.env.toObject();
const picked = Object.fromEntries(
  ["SYSTEMPROMPT_HOME", "SYSTEMPROMPT_SERVICES", "DATABASE_URL"].flatMap((k) => env[k] ? [[k, env[k]]] : []),
);
const layout = resolveHome({ env: picked, cwd: Deno.cwd() });
const config = await loadConfig({ layout, env: picked });
const log = createJsonLogger({ level: "warn", clock: systemClock });
const ctx = await createAppContext({ config, clock: systemClock, log, build: DEV_BUILD, migrate: true });
await seedAccessRules(ctx.db, ctx.policy.rules, ctx.policy.version);
for (
  const [name, value] of Object.entries(JSON.parse(env["BENCH_SECRETS"] ?? "{}") as Record<string, string>)
) {
  const secretName = parseSecretName(name);
  if (!secretName) throw new Error(`bad secret name ${name}`);
  const deps = { db: ctx.db, vault: ctx.vault, clock: ctx.clock };
  await setSecret(deps, { owner: "org", name: secretName, actor: { kind: "cli" }, value: new Secret(value) });
}
const { user } = await ensureAdminUser(ctx, DEFAULT_ADMIN_EMAIL);
const token = await mintSessionToken(ctx, user, { ttlSeconds: 6 * 3600, clientId: "bench", kind: "cli" });

const verdict = await authenticate(authDepsOf(ctx), { authorization: `Bearer ${token}` }, {
  audiences: ["mcp"],
}, new Date());
if (!verdict.ok) throw new Error(`bench token rejected: ${verdict.reason}`);
const product = createHttpApp(ctx);
const llmUpstream = env["BENCH_LLM_UPSTREAM"];
const floor = floorRoutes(ctx, {
  mcpFloor: mcpFloorHandler(ctx.clock, verdict.principal),
  ...(llmUpstream ? { llmUpstream: { url: llmUpstream, key: env["BENCH_LLM_KEY"] ?? "" } } : {}),
});
const idleMemory = startIdleMemory({ log: ctx.log });
const server = Deno.serve(
  { hostname: "127.0.0.1", port: Number(env["BENCH_PORT"] ?? 0), onListen: () => {} },
  (request, info) => {
    idleMemory.touch();
    return request.url.includes("/bench/") ? floor.fetch(request) : product.fetch(request, info);
  },
);
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}`, token, pid: Deno.pid }));

await new Promise<void>((resolve) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, resolve);
});
await server.shutdown();
await ctx[Symbol.asyncDispose]();
Deno.exit(0);
