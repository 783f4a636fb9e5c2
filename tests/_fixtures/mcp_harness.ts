import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type AppContext, assembleAppContext } from "@app/context.ts";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, mintSessionToken } from "@app/setup.ts";
import { setSecret } from "@app/vault_admin.ts";
import { parseSecretName } from "@domain/vault/mod.ts";
import { startHttpServer } from "@entry/http/serve.ts";
import { createJsonLogger } from "@infra/log/json_logger.ts";
import { systemClock } from "@shared/clock.ts";
import { Secret } from "@shared/secret.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { openTestDb } from "../support/db.ts";
import { REPO_ROOT } from "../support/process.ts";
import { createTestHome, loadTestConfig } from "../support/test_app.ts";

/**
 * The MCP gateway under test: a temporary services folder (the repository's governance chain plus
 * the MCP servers a test asks for), a whole app on a real socket, every log line captured (to prove
 * no secret reaches one), and SDK clients that talk streamable HTTP to it.
 */
export const FIXTURE = `${REPO_ROOT}/tests/_fixtures/mcp_stdio_server.ts`;

export interface McpApp extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly url: string;
  readonly home: string;
  readonly state: string;
  readonly services: string;
  readonly adminToken: string;
  readonly logs: string[];
}

/** A stdio server running the fixture with `deno run`; `env` adds declared variables. */
export function fixtureServer(name: string, state: string, extra: string[] = []): string {
  return [
    `name: ${name}`,
    "description: Test fixture",
    "kind: stdio",
    `command: ${JSON.stringify(Deno.execPath())}`,
    "args:",
    ...[
      "run",
      "--quiet",
      "--no-prompt",
      "--cached-only",
      "--config",
      `${REPO_ROOT}/deno.json`,
      "--allow-env",
      "--allow-read",
      `--allow-write=${state}`,
      FIXTURE,
    ].map((a) => `  - ${JSON.stringify(a)}`),
    "env:",
    `  DENO_DIR: ${JSON.stringify(denoDir())}`,
    `  FIXTURE_STATE: ${JSON.stringify(state)}`,
    "  DENO_NO_UPDATE_CHECK: '1'",
    ...extra,
  ].join("\n") + "\n";
}

export interface McpAppOptions {
  /** File name (without .yaml) → YAML text, given the fixture's state directory. */
  readonly servers: (state: string) => Record<string, string>;
  readonly env?: Record<string, string>;
  /** `services/access-control/roles.yaml` text (default: none). */
  readonly roles?: string;
  /** Runs before the server starts (and with it the upstreams), e.g. to store vault secrets. */
  readonly prepare?: (ctx: AppContext) => Promise<void>;
}

export async function openMcpApp(options: McpAppOptions): Promise<McpApp> {
  const home = await createTestHome("sp_mcp_");
  const state = await Deno.makeTempDir({ prefix: "sp_mcp_state_" });
  const services = `${home.home}/services`;
  await Deno.mkdir(`${services}/mcp`, { recursive: true });
  await Deno.mkdir(`${services}/governance`, { recursive: true });
  await Deno.copyFile(`${REPO_ROOT}/services/governance/config.yaml`, `${services}/governance/config.yaml`);
  if (options.roles !== undefined) {
    await Deno.mkdir(`${services}/access-control`, { recursive: true });
    await Deno.writeTextFile(`${services}/access-control/roles.yaml`, options.roles);
  }
  for (const [file, yaml] of Object.entries(options.servers(state))) {
    await Deno.writeTextFile(`${services}/mcp/${file}.yaml`, yaml);
  }
  const logs: string[] = [];
  const log = createJsonLogger({ level: "debug", clock: systemClock, write: (line) => void logs.push(line) });
  const config = await loadTestConfig(home, { SYSTEMPROMPT_SERVICES: services, ...options.env });
  const db = await openTestDb();
  const ctx = await assembleAppContext({ config, db, clock: systemClock, log, build: DEV_BUILD })
    .catch(async (error) => {
      await db.close();
      throw error;
    });
  const { user: admin } = await ensureAdminUser(ctx, DEFAULT_ADMIN_EMAIL);
  const adminToken = await mintSessionToken(ctx, admin, { ttlSeconds: 3600, clientId: "test", kind: "cli" });
  await options.prepare?.(ctx);
  const server = startHttpServer(ctx, { hostname: "127.0.0.1", port: 0 });
  return {
    ctx,
    url: server.url,
    home: home.home,
    state,
    services,
    adminToken,
    logs,
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
      await ctx[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
      await Deno.remove(state, { recursive: true }).catch(() => {});
    },
  };
}

export interface McpClient extends AsyncDisposable {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** The `x-trace-id` the next requests carry (undefined: none). */
  traceId: string | undefined;
}

/** An SDK client on `/api/v1/mcp/<server>/mcp`; `sessionId` resumes an existing session. */
export async function connectMcp(
  baseUrl: string,
  server: string,
  token: string,
  options: { sessionId?: string; connect?: boolean } = {},
): Promise<McpClient> {
  const holder: { traceId: string | undefined } = { traceId: undefined };
  const fetchWithTrace = (url: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${token}`);
    if (holder.traceId) headers.set("x-trace-id", holder.traceId);
    return fetch(url, { ...init, headers });
  };
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/api/v1/mcp/${server}/mcp`), {
    fetch: fetchWithTrace,
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
  });
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  // With a session id the SDK skips `initialize`: it continues that session.
  if (options.connect !== false) await client.connect(transport);
  const result: McpClient = {
    client,
    transport,
    get traceId() {
      return holder.traceId;
    },
    set traceId(value) {
      holder.traceId = value;
    },
    [Symbol.asyncDispose]: async () => {
      await client.close().catch(() => {});
    },
  };
  return result;
}

export async function storeOrgSecret(ctx: AppContext, name: string, value: string): Promise<void> {
  await storeSecret(ctx, "org", name, value);
}

/** `owner`: `org`, `department:<name>`, `user:<email>` or `user:<id>`. */
export async function storeSecret(
  ctx: AppContext,
  owner: string,
  name: string,
  value: string,
): Promise<void> {
  await setSecret({ db: ctx.db, vault: ctx.vault, clock: ctx.clock }, {
    owner,
    name: parseSecretName(name)!,
    value: new Secret(value),
    actor: { kind: "cli" },
  });
}

/** Lines appended by the fixture for each tools/call it received. */
export async function fixtureCalls(state: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(`${state}/calls.log`)).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** The tool names a client sees (the SDK's schema-derived types degrade under strict mode). */
export async function toolNames(mcp: McpClient): Promise<string[]> {
  const listed = await mcp.client.listTools() as { tools: { name: string }[] };
  return listed.tools.map((t) => t.name);
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("");
}

function denoDir(): string {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  const info = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  })
    .outputSync();
  return (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
}
