import type { Hono } from "hono";
import { type AppContext, assembleAppContext } from "@app/context.ts";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, mintSessionToken } from "@app/setup.ts";
import type { User } from "@domain/identity/mod.ts";
import type { Config } from "@infra/config/config.ts";
import { type HomeLayout, resolveHome } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { scaffoldHome } from "@infra/config/scaffold.ts";
import { createHttpApp } from "@entry/http/app.ts";
import type { HttpEnv } from "@entry/http/env.ts";
import { type Clock, systemClock } from "@shared/clock.ts";
import { type Logger, silentLogger } from "@shared/logger.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { openTestDb } from "./db.ts";

/**
 * Test homes and a whole in-process application, without touching the user's home: a temporary
 * `SYSTEMPROMPT_HOME` scaffolded like `admin setup` does (profile, secrets 0600, one RSA key), its
 * Config loaded from an explicit environment (never the process's), and an AppContext around a
 * fresh migrated test database. Everything is removed or closed on dispose.
 */
export interface TestHome extends AsyncDisposable {
  readonly home: string;
  readonly layout: HomeLayout;
}

export async function createTestHome(prefix = "sp_home_"): Promise<TestHome> {
  const home = await Deno.makeTempDir({ prefix });
  try {
    const layout = resolveHome({ env: { SYSTEMPROMPT_HOME: home }, cwd: home });
    await scaffoldHome({ layout, servicesPath: "services", now: new Date() });
    return { home, layout, [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }) };
  } catch (error) {
    await Deno.remove(home, { recursive: true }).catch(() => {});
    throw error;
  }
}

export function loadTestConfig(home: TestHome, env: Record<string, string> = {}): Promise<Config> {
  return loadConfig({ layout: home.layout, env: { SYSTEMPROMPT_HOME: home.home, ...env } });
}

export interface TestApp extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly app: Hono<HttpEnv>;
  readonly home: string;
  readonly admin: User;
  readonly adminToken: string;
}

export interface TestAppOptions {
  readonly clock?: Clock;
  /** Receives every log line of the app (default: none kept). */
  readonly log?: Logger;
  readonly env?: Record<string, string>;
}

export async function openTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const home = await createTestHome("sp_app_");
  let ctx: AppContext | undefined;
  try {
    const config = await loadTestConfig(home, options.env);
    const db = await openTestDb();
    ctx = await assembleAppContext({
      config,
      db,
      clock: options.clock ?? systemClock,
      log: options.log ?? silentLogger,
      build: DEV_BUILD,
    }).catch(async (error) => {
      await db.close();
      throw error;
    });
    const { user: admin } = await ensureAdminUser(ctx, DEFAULT_ADMIN_EMAIL);
    const adminToken = await mintSessionToken(ctx, admin, {
      ttlSeconds: 3600,
      clientId: "test",
      kind: "cli",
    });
    const opened = ctx;
    return {
      ctx: opened,
      app: createHttpApp(opened),
      home: home.home,
      admin,
      adminToken,
      [Symbol.asyncDispose]: async () => {
        try {
          await opened[Symbol.asyncDispose]();
        } finally {
          await home[Symbol.asyncDispose]();
        }
      },
    };
  } catch (error) {
    await ctx?.[Symbol.asyncDispose]();
    await home[Symbol.asyncDispose]();
    throw error;
  }
}
