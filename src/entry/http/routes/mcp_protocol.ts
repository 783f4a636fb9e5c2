import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  LATEST_PROTOCOL_VERSION,
  ListToolsRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import { callerEnv, callGovernedTool, type McpCallDeps } from "@app/mcp_call.ts";
import type { UpstreamFeatures } from "@app/mcp_types.ts";
import { visibleTools } from "@app/mcp_visibility.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import { describeError, isAppError } from "@shared/errors.ts";
import type { TraceId } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";
import { registerContentHandlers } from "./mcp_content_handlers.ts";
import { RpcFailure, rpcFailureFor } from "./mcp_rpc.ts";

/**
 * The MCP protocol as one of our servers speaks it to a client: an SDK `Server` built for one HTTP
 * request (the SDK keeps initialisation state in memory; ours lives in PostgreSQL), answering
 * `initialize`, `ping`, `tools/list` (filtered for the caller) and `tools/call` (governed), plus
 * resources and prompts when the upstream offers them (`mcp_content_handlers.ts`). `initialize`
 * declares what the upstream declares; later requests are served whatever was negotiated.
 * Server-to-client requests are not offered.
 */
export interface RequestScope {
  readonly principal: Principal;
  readonly server: McpServerConfig;
  /** The MCP session this request belongs to (audit column and rate-limit key). */
  readonly sessionId: string;
  readonly traceId: TraceId;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

export interface ProtocolDeps extends McpCallDeps {
  readonly version: string;
  /**
   * One JSON Schema validator for every per-request `Server`: the SDK's default builds a new Ajv
   * instance per `Server`, which was half the CPU of building one (profiled, issue 5 overhead).
   */
  readonly schemaValidator: jsonSchemaValidator;
}

export function createProtocolServer(
  deps: ProtocolDeps,
  scope: RequestScope,
  features: UpstreamFeatures,
): Server {
  const { server } = scope;
  const protocol = new Server(
    { name: `systemprompt-${server.name}`, version: deps.version },
    {
      capabilities: {
        tools: { listChanged: false },
        ...(features.resources ? { resources: {} } : {}),
        ...(features.prompts ? { prompts: {} } : {}),
      },
      ...(server.description ? { instructions: server.description } : {}),
      jsonSchemaValidator: deps.schemaValidator,
    },
  );
  const guarded = <T>(work: () => Promise<T>) => guard(deps.log, scope.traceId, work);
  protocol.setRequestHandler(ListToolsRequestSchema, () =>
    guarded(async () => {
      const catalog = await deps.hub.catalog(server.name, 0, await callerEnv(deps, server, scope.principal));
      return { tools: await visibleTools(deps.policy, scope.principal, server, catalog) };
    }));
  // Parameter types spelled out: the SDK's schema-derived inference gives up under strict mode.
  protocol.setRequestHandler(
    CallToolRequestSchema,
    (request: CallToolRequest, extra: { signal: AbortSignal }) =>
      guarded(() =>
        callGovernedTool(deps, {
          principal: scope.principal,
          server,
          tool: request.params.name,
          args: request.params.arguments ?? {},
          sessionId: scope.sessionId,
          traceId: scope.traceId,
          signal: AbortSignal.any([extra.signal, scope.signal]),
        })
      ),
  );
  registerContentHandlers(protocol, deps, scope, features, guarded);
  return protocol;
}

/** The version `initialize` settles on, as the SDK server computes it. */
export function negotiatedVersion(requested: unknown): string {
  return typeof requested === "string" && SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : LATEST_PROTOCOL_VERSION;
}

/** Handler failures as JSON-RPC errors with client-safe messages; unexpected ones are logged. */
export async function guard<T>(log: Logger, traceId: TraceId, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RpcFailure) throw error;
    if (!isAppError(error) || error.code === "internal.unexpected") {
      log.error("mcp.request_failed", { trace_id: traceId, error: describeError(error) });
    }
    throw rpcFailureFor(error);
  }
}
