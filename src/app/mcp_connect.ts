import { AsyncLocalStorage } from "node:async_hooks";
import { isAbsolute, join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import { AppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import type { Secret } from "@shared/secret.ts";
import type { McpSecretSource } from "./mcp_secrets.ts";
import { openRotatingLog } from "./mcp_stderr_log.ts";
import { DenoStdioTransport } from "./mcp_stdio_transport.ts";
import {
  asCallToolResult,
  asTools,
  type BuiltinCatalog,
  type ContentRequest,
  type ContentResult,
  type Tool,
  type UpstreamConnection,
} from "./mcp_types.ts";
import { createKnownSecrets } from "./vault_known.ts";

/**
 * Opens one connection to an upstream: a builtin is called in-process; a stdio child and a remote
 * streamable-HTTP server are SDK `Client`s. Credentials come from the vault: a child's env is
 * resolved (for the organisation) when it starts; an HTTP upstream's headers are resolved for the
 * caller on every call (for the organisation on initialise, list and ping). The MCP client's own
 * credential is never forwarded (no token passthrough).
 */
export interface ConnectDeps {
  readonly builtins: () => BuiltinCatalog;
  readonly secrets: McpSecretSource;
  readonly log: Logger;
  readonly logsDir: string;
  readonly servicesDir: string;
  readonly version: string;
  /** The upstream said its tool list changed: drop the cached catalogue. */
  readonly onListChanged: () => void;
}

const ORG = { userId: null, department: null } as const;
const MAX_PAGES = 50;

/** `env`: a stdio child's environment already resolved for one owner (default: the organisation's). */
export async function connectUpstream(
  server: McpServerConfig,
  deps: ConnectDeps,
  timeoutMs: number,
  env?: Readonly<Record<string, Secret>>,
): Promise<UpstreamConnection> {
  switch (server.kind) {
    case "builtin":
      return builtinConnection(server.name, deps.builtins());
    case "stdio":
      return await stdioConnection(server, deps, timeoutMs, env);
    case "http":
      return await httpConnection(server, deps, timeoutMs);
    default: {
      const never: never = server.kind;
      return never;
    }
  }
}

function builtinConnection(name: string, builtins: BuiltinCatalog): UpstreamConnection {
  const builtin = builtins.get(name);
  if (!builtin) throw new AppError("mcp.server_unavailable", `builtin MCP server ${name} is not installed`);
  return {
    listTools: () => Promise.resolve(builtin.listTools()),
    callTool: (tool, args, o) => builtin.call(tool, args, o.caller, o.signal),
    content: () => Promise.reject(new AppError("mcp.server_unavailable", `${name} offers no resources`)),
    features: { resources: false, prompts: false },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
    ended: new Promise<void>(() => {}),
    injected: [],
  };
}

async function stdioConnection(
  server: McpServerConfig,
  deps: ConnectDeps,
  timeoutMs: number,
  ownerEnv: Readonly<Record<string, Secret>> | undefined,
): Promise<UpstreamConnection> {
  const known = createKnownSecrets();
  const env = ownerEnv ?? await deps.secrets.resolveTemplates(server.env, ORG, known);
  const fromVault = Object.entries(env).filter(([key]) => server.env[key]?.startsWith("secret:"));
  for (const [, value] of ownerEnv ? fromVault : []) known.add(value);
  const stderr = openRotatingLog(join(deps.logsDir, "mcp", `${server.name}.log`), { log: deps.log });
  const transport = new DenoStdioTransport({
    command: server.command ?? "",
    args: server.args,
    cwd: server.cwd === undefined || isAbsolute(server.cwd)
      ? server.cwd
      : resolve(deps.servicesDir, server.cwd),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.reveal()])),
    onStderrLine: (line) => stderr.write(known.redactKnown(line)),
  });
  return await sdkConnection(transport, deps, timeoutMs, {
    cleanup: () => stderr.close(),
    // env values are literals or whole-value `secret:<name>` references (the schema says so).
    injected: fromVault.map(([, v]) => v),
    perCall: (call) => call(),
  });
}

async function httpConnection(
  server: McpServerConfig,
  deps: ConnectDeps,
  timeoutMs: number,
): Promise<UpstreamConnection> {
  // The caller's headers travel with the call through the SDK client to this fetch.
  const callHeaders = new AsyncLocalStorage<Readonly<Record<string, Secret>>>();
  const withCredentials = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    const resolved = callHeaders.getStore() ??
      await deps.secrets.resolveTemplates(server.headers, ORG, createKnownSecrets());
    for (const [name, value] of Object.entries(resolved)) headers.set(name, value.reveal());
    return await fetch(url, { ...init, headers });
  };
  const transport = new StreamableHTTPClientTransport(new URL(server.url ?? ""), { fetch: withCredentials });
  return await sdkConnection(transport, deps, timeoutMs, {
    cleanup: () => Promise.resolve(),
    injected: [],
    perCall: (call, headers) => headers ? callHeaders.run(headers, call) : call(),
  });
}

interface ConnectionExtras {
  readonly cleanup: () => Promise<void>;
  readonly injected: readonly Secret[];
  readonly perCall: <T>(call: () => Promise<T>, headers?: Readonly<Record<string, Secret>>) => Promise<T>;
}

async function sdkConnection(
  transport: Transport,
  deps: ConnectDeps,
  timeoutMs: number,
  extras: ConnectionExtras,
): Promise<UpstreamConnection> {
  const client = new Client({ name: "systemprompt-gateway", version: deps.version }, { capabilities: {} });
  const ended = new Promise<void>((resolve) => (client.onclose = resolve));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => deps.onListChanged());
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (error) {
    await client.close().catch(() => {});
    await extras.cleanup();
    throw error;
  }
  return {
    listTools: (signal) => listAllTools(client, signal, timeoutMs),
    callTool: (name, args, o) =>
      extras.perCall(
        async () =>
          asCallToolResult(
            await client.callTool({ name, arguments: args }, undefined, {
              signal: o.signal,
              timeout: o.timeoutMs,
            }),
          ),
        o.headers,
      ),
    content: (request, o) =>
      extras.perCall(
        () => contentRequest(client, request, { signal: o.signal, timeout: o.timeoutMs }),
        o.headers,
      ),
    features: {
      resources: client.getServerCapabilities()?.resources !== undefined,
      prompts: client.getServerCapabilities()?.prompts !== undefined,
    },
    ping: (signal) => client.ping({ signal, timeout: Math.min(timeoutMs, 10_000) }).then(() => {}),
    close: async () => {
      await client.close().catch(() => {});
      await extras.cleanup();
    },
    ended,
    injected: extras.injected,
  };
}

/** One resources/prompts request through the SDK client (which checks the result's shape). */
async function contentRequest(
  client: Client,
  request: ContentRequest,
  options: { signal: AbortSignal; timeout: number },
): Promise<ContentResult> {
  const result: unknown = await (() => {
    switch (request.method) {
      case "resources/list":
        return client.listResources(request.params, options);
      case "resources/read":
        return client.readResource(request.params, options);
      case "prompts/list":
        return client.listPrompts(request.params, options);
      case "prompts/get":
        return client.getPrompt(request.params, options);
    }
  })();
  return result !== null && typeof result === "object" ? result as ContentResult : {};
}

/** Every page of an upstream's tools/list (bounded), keeping well-formed entries. */
async function listAllTools(client: Client, signal: AbortSignal, timeoutMs: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await client.listTools(cursor ? { cursor } : {}, { signal, timeout: timeoutMs });
    tools.push(...asTools(listed.tools));
    cursor = typeof listed.nextCursor === "string" ? listed.nextCursor : undefined;
    if (!cursor) break;
  }
  return tools;
}
