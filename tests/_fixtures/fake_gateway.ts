/**
 * A whole application on a real socket for the gateway suites: a temporary home whose profile
 * carries the test's `gateway`/`providers` YAML, a services directory with its gateway policies and
 * access rules, provider keys stored in the vault (owner `org`), an admin token, and
 * `startHttpServer` on 127.0.0.1:0 so the official SDKs talk to us over HTTP.
 */
import { join } from "node:path";
import { type AppContext, assembleAppContext } from "@app/context.ts";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, mintSessionToken } from "@app/setup.ts";
import { setSecret } from "@app/vault_admin.ts";
import { createUser, issueApiKey, type User } from "@domain/identity/mod.ts";
import { parseSecretName } from "@domain/vault/mod.ts";
import { type RunningServer, startHttpServer } from "@entry/http/serve.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { Secret } from "@shared/secret.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { openTestDb } from "../support/db.ts";
import { createTestHome, loadTestConfig } from "../support/test_app.ts";

export interface GatewayOptions {
  /** YAML appended to the profile (`gateway:` and `providers:` sections). */
  readonly profile: string;
  /** `services/gateway/policies.yaml`. */
  readonly policies?: string;
  /** `services/access-control/roles.yaml`. */
  readonly roles?: string;
  /** Organisation vault secrets (provider keys). */
  readonly secrets?: Readonly<Record<string, string>>;
}

export interface Gateway extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly server: RunningServer;
  /** `http://127.0.0.1:<port>` (the SDKs' base URL is this plus `/v1` for OpenAI). */
  readonly url: string;
  readonly admin: User;
  readonly adminToken: string;
}

export async function openGateway(options: GatewayOptions): Promise<Gateway> {
  const home = await createTestHome("sp_llm_");
  let ctx: AppContext | undefined;
  try {
    await writeHome(home.home, home.layout.profileFile, options);
    const db = await openTestDb();
    ctx = await assembleAppContext({
      config: await loadTestConfig(home),
      db,
      clock: systemClock,
      log: silentLogger,
      build: DEV_BUILD,
    }).catch(async (error) => {
      await db.close();
      throw error;
    });
    const opened = ctx;
    await storeSecrets(opened, options.secrets ?? {});
    const { user: admin } = await ensureAdminUser(opened, DEFAULT_ADMIN_EMAIL);
    const adminToken = await mintSessionToken(opened, admin, {
      ttlSeconds: 3600,
      clientId: "test",
      kind: "cli",
    });
    const server = startHttpServer(opened, { hostname: "127.0.0.1", port: 0 });
    return {
      ctx: opened,
      server,
      url: server.url,
      admin,
      adminToken,
      [Symbol.asyncDispose]: async () => {
        try {
          await server.shutdown();
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

async function writeHome(home: string, profileFile: string, options: GatewayOptions): Promise<void> {
  const profile = await Deno.readTextFile(profileFile);
  await Deno.writeTextFile(profileFile, `${profile}\n${options.profile}\n`);
  const services = join(home, "services");
  await writeFile(join(services, "gateway", "policies.yaml"), options.policies);
  await writeFile(join(services, "access-control", "roles.yaml"), options.roles);
}

async function storeSecrets(ctx: AppContext, secrets: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, value] of Object.entries(secrets)) {
    await setSecret({ db: ctx.db, vault: ctx.vault, clock: ctx.clock }, {
      owner: "org",
      name: parseSecretName(name)!,
      actor: { kind: "cli" },
      value: new Secret(value),
    });
  }
}

async function writeFile(path: string, text: string | undefined): Promise<void> {
  if (text === undefined) return;
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** A user with the given roles and department, and a session JWT for them. */
export async function addUser(
  gw: Gateway,
  email: string,
  options: { roles?: string[]; department?: string | null } = {},
): Promise<{ user: User; token: string }> {
  const deps = { db: gw.ctx.db, clock: gw.ctx.clock, cache: gw.ctx.identityCache };
  const { user } = await createUser(deps, {
    name: email.split("@")[0]!,
    email,
    department: options.department ?? null,
    roles: options.roles ?? ["user"],
    ifNotExists: false,
    actor: { kind: "cli" },
  });
  const token = await mintSessionToken(gw.ctx, user, { ttlSeconds: 3600, clientId: "test", kind: "cli" });
  return { user, token };
}

/** A personal access token (`sp-live-…`) for an existing user. */
export async function addApiKey(gw: Gateway, email: string): Promise<{ key: string; prefix: string }> {
  const deps = { db: gw.ctx.db, clock: gw.ctx.clock, cache: gw.ctx.identityCache };
  const { key, record } = await issueApiKey(deps, {
    ref: email,
    name: "test",
    expiresDays: null,
    actor: { kind: "cli" },
  });
  return { key: key.reveal(), prefix: record.prefix };
}
