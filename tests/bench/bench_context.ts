import { type AppContext, createAppContext } from "@app/context.ts";
import { authDepsOf, authenticate } from "@app/authenticate.ts";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, mintSessionToken } from "@app/setup.ts";
import { seedAccessRules } from "@domain/governance/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { resolveHome } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { createJsonLogger } from "@infra/log/json_logger.ts";
import { systemClock } from "@shared/clock.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { type BenchHome, createBenchHome } from "./bench_home.ts";

/**
 * The in-process suites' application: the product's AppContext (as the server builds it) on a
 * bench home, against `databaseUrl` or, without one, embedded PGlite in the home; plus the admin
 * principal and token the HTTP suites use.
 */
export interface BenchContext extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly home: BenchHome;
  readonly token: string;
  readonly principal: Principal;
}

export async function openBenchContext(databaseUrl: string | undefined): Promise<BenchContext> {
  const home = await createBenchHome();
  const env: Record<string, string> = { SYSTEMPROMPT_HOME: home.home, SYSTEMPROMPT_SERVICES: home.services };
  if (databaseUrl) env["DATABASE_URL"] = databaseUrl;
  const layout = resolveHome({ env, cwd: home.home });
  const config = await loadConfig({ layout, env });
  const log = createJsonLogger({ level: "error", clock: systemClock });
  const ctx = await createAppContext({ config, clock: systemClock, log, build: DEV_BUILD, migrate: true });
  await seedAccessRules(ctx.db, ctx.policy.rules, ctx.policy.version);
  const { user } = await ensureAdminUser(ctx, DEFAULT_ADMIN_EMAIL);
  const token = await mintSessionToken(ctx, user, { ttlSeconds: 3600, clientId: "bench", kind: "cli" });
  const verdict = await authenticate(authDepsOf(ctx), { authorization: `Bearer ${token}` }, {
    audiences: ["hook", "api"],
  }, new Date());
  if (!verdict.ok) throw new Error(`bench token rejected: ${verdict.reason}`);
  return {
    ctx,
    home,
    token,
    principal: verdict.principal,
    [Symbol.asyncDispose]: async () => {
      await ctx[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}
