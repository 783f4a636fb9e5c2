import type { ScanOptions } from "@domain/scanner/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { auditedToolName, type ExecutionStatus } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { Db } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import { AppError, describeError, isAppError } from "@shared/errors.ts";
import { newUuidV7, type TraceId } from "@shared/ids.ts";
import type { Secret } from "@shared/secret.ts";
import { decide, type DecideDeps, type Verdict } from "./govern.ts";
import type { McpHub } from "./mcp_hub.ts";
import { mcpEntity } from "./mcp_policy.ts";
import { redactDetected, redactToolResult } from "./mcp_redact.ts";
import type { McpSecretSource } from "./mcp_secrets.ts";
import {
  type CallOptions,
  type CallToolResult,
  isTimeout,
  type McpCaller,
  type UpstreamConnection,
} from "./mcp_types.ts";
import { createKnownSecrets, type KnownSecrets } from "./vault_known.ts";
import { callSignal } from "@shared/call_signal.ts";

/**
 * One governed MCP `tools/call` (ARCHITECTURE §5): exactly one decision row, before the upstream is
 * touched; a deny is a tool result with `isError: true` and `[GOVERNANCE] <reason>`; an allowed call
 * has its arguments checked against the tool's schema, runs with the server's deadline and the
 * client's abort signal, and its result is redacted. Every call leaves one `mcp_tool_executions`
 * row with the decision's trace id. An upstream that fails or times out is a thrown AppError (the
 * edge answers a JSON-RPC error).
 */
export interface McpCallDeps extends DecideDeps {
  readonly db: Db;
  readonly hub: McpHub;
  readonly secrets: McpSecretSource;
  readonly metrics: MetricsRegistry;
  /** The deployment's scan options for egress (fingerprint key, `extra_patterns`). */
  readonly egressScan: ScanOptions;
}

export interface McpCallInput {
  readonly principal: Principal;
  readonly server: McpServerConfig;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly sessionId: string;
  readonly traceId: TraceId;
  readonly signal: AbortSignal;
}

/** How stale a catalogue may be before a call re-lists the upstream (to see a rug pull). */
const CALL_CATALOG_MAX_AGE_MS = 30_000;

export async function callGovernedTool(deps: McpCallDeps, input: McpCallInput): Promise<CallToolResult> {
  const started = performance.now();
  const { server, tool } = input;
  const known = createKnownSecrets();
  const prepared = await prepare(deps, input, known);
  const catalog = await deps.hub.catalog(server.name, CALL_CATALOG_MAX_AGE_MS, prepared.env)
    .catch(() => deps.hub.cachedCatalog(server.name));
  const listed = catalog?.tools.find((t) => t.name === tool);
  // A name the upstream does not list is the caller's own text: a secret typed into it names no row.
  const shown = listed ? tool : redactDetected(tool, deps.egressScan);
  const outcome = await decide(deps, {
    principal: input.principal,
    target: {
      surface: "mcp",
      event: "tools/call",
      toolName: auditedToolName(server.name, shown),
      toolInput: input.args,
      entity: mcpEntity(deps.policy.rules, server.name, tool),
    },
    sessionId: input.sessionId,
    traceId: input.traceId,
    targetDetail: { server: server.name, tool: shown },
  }, prepared.preset);
  const record = (status: ExecutionStatus, error: string | null, output?: unknown) =>
    recordExecution(deps, { ...input, tool: shown }, {
      status,
      error,
      output,
      decisionId: outcome.decisionId,
      started,
    });
  if (outcome.decision === "deny") {
    record("denied", `denied by ${outcome.policy}`);
    return toolError(`[GOVERNANCE] ${outcome.reason ?? outcome.policy}`);
  }
  if (catalog && !listed) {
    record("failed", "tool not offered by the upstream");
    return toolError(`tool ${shown} is not offered by MCP server ${server.name} right now`);
  }
  const invalid = listed ? deps.hub.validators.check(listed, input.args) : undefined;
  if (invalid !== undefined) {
    record("failed", "invalid arguments");
    return toolError(`invalid arguments for ${tool}: ${invalid}`);
  }
  const result = await execute(deps, input, { record, known, headers: prepared.headers, env: prepared.env });
  return redactToolResult(result, known, deps.egressScan);
}

export interface Prepared {
  readonly preset: Verdict | undefined;
  readonly headers: Readonly<Record<string, Secret>> | undefined;
  /** The server's env resolved for this caller (picks the stdio child that serves them). */
  readonly env: Readonly<Record<string, Secret>> | undefined;
}

/** Verdicts known before the chain runs: a disabled tool, a credential the vault cannot supply. */
async function prepare(deps: McpCallDeps, input: McpCallInput, known: KnownSecrets): Promise<Prepared> {
  const name = auditedToolName(input.server.name, input.tool);
  if (input.server.tools[input.tool]?.disabled) {
    const preset: Verdict = {
      decision: "deny",
      policy: "invalid_request",
      reason: `tool ${name} is disabled`,
      chain: [],
    };
    return { preset, headers: undefined, env: undefined };
  }
  return await resolveCredentials(deps, input.server, input.principal, known);
}

/** A stdio server's env resolved for the caller (picks their child); undefined when it cannot be. */
export async function callerEnv(
  deps: McpCallDeps,
  server: McpServerConfig,
  principal: Principal,
): Promise<Readonly<Record<string, Secret>> | undefined> {
  if (server.kind !== "stdio") return undefined;
  return (await resolveCredentials(deps, server, principal, createKnownSecrets())).env;
}

/**
 * The server's credentials resolved per call for this caller (every value registered in `known`
 * for redaction); one the vault cannot supply is a `vault` deny verdict.
 */
export async function resolveCredentials(
  deps: McpCallDeps,
  server: McpServerConfig,
  principal: Principal,
  known: KnownSecrets,
): Promise<Prepared> {
  try {
    const env = await deps.secrets.resolveTemplates(server.env, principal, known);
    const headers = await deps.secrets.resolveTemplates(server.headers, principal, known);
    return { preset: undefined, headers, env };
  } catch (error) {
    if (isAppError(error) && error.code.startsWith("vault.")) {
      return {
        preset: { decision: "deny", policy: "vault", reason: error.message, chain: [] },
        headers: undefined,
        env: undefined,
      };
    }
    throw error;
  }
}

export interface Execution {
  readonly record: (status: ExecutionStatus, error: string | null, output?: unknown) => void;
  readonly known: KnownSecrets;
  readonly headers: Readonly<Record<string, Secret>> | undefined;
  readonly env: Readonly<Record<string, Secret>> | undefined;
}

function execute(deps: McpCallDeps, input: McpCallInput, run: Execution): Promise<CallToolResult> {
  return runUpstream(
    deps,
    input,
    run,
    (connection, options) =>
      connection.callTool(input.tool, input.args, options).then((result) => ({
        result,
        failed: result.isError === true,
      })),
  );
}

/**
 * Runs one allowed request on the server's live connection with its deadline and the client's
 * abort signal, records the execution row, and turns an upstream failure into our AppError.
 */
export async function runUpstream<T>(
  deps: McpCallDeps,
  input: McpCallInput,
  run: Execution,
  work: (connection: UpstreamConnection, options: CallOptions) => Promise<{ result: T; failed: boolean }>,
): Promise<T> {
  const { server } = input;
  using call = callSignal(input.signal, server.timeout_ms);
  const caller: McpCaller = {
    principal: input.principal,
    traceId: input.traceId,
    sessionId: input.sessionId,
  };
  try {
    const { result, failed } = await deps.hub.withConnection(server.name, run.env, (connection) => {
      for (const value of connection.injected) run.known.add(value);
      return work(connection, {
        signal: call.signal,
        timeoutMs: server.timeout_ms,
        caller,
        ...(run.headers ? { headers: run.headers } : {}),
      });
    });
    run.record(failed ? "failed" : "success", failed ? "tool reported an error" : null, result);
    return result;
  } catch (error) {
    const timedOut = call.timedOut || isTimeout(error);
    run.record(
      timedOut ? "timeout" : "failed",
      timedOut ? "upstream timed out" : "upstream call failed",
    );
    throw callFailure(deps, input, error, timedOut, run.known);
  }
}

/** The error the client gets (a JSON-RPC error at the edge) and one log line, scrubbed. */
function callFailure(
  deps: McpCallDeps,
  input: McpCallInput,
  error: unknown,
  timedOut: boolean,
  known: KnownSecrets,
): AppError {
  const { server } = input;
  deps.log.warn("mcp.call_failed", {
    server: server.name,
    tool: input.tool,
    trace_id: input.traceId,
    // An upstream's own message may quote what it was given: scrub the credentials it holds.
    error: isAppError(error) ? error.code : known.redactKnown(describeError(error).slice(0, 200)),
  });
  if (timedOut) {
    return new AppError(
      "mcp.upstream_timeout",
      `MCP server ${server.name} did not answer within ${server.timeout_ms} ms`,
    );
  }
  if (isAppError(error, "mcp.server_unavailable")) return error;
  return new AppError("mcp.upstream_failed", `MCP server ${server.name} failed during the call`, {
    cause: error,
  });
}

export function recordExecution(
  deps: McpCallDeps,
  input: McpCallInput,
  r: { status: ExecutionStatus; error: string | null; output?: unknown; decisionId: string; started: number },
): void {
  const durationMs = Math.round((performance.now() - r.started) * 1000) / 1000;
  const bytes = (value: unknown) =>
    value === undefined ? 0 : new TextEncoder().encode(JSON.stringify(value)).length;
  deps.metrics.counter("mcp_tool_calls_total", "MCP tools/call by server and status", {
    server: input.server.name,
    status: r.status,
  });
  deps.metrics.observe("mcp_tool_call_duration_seconds", "MCP tools/call latency (gateway and upstream)", {
    server: input.server.name,
  }, durationMs / 1000);
  // Off the latency path: the recorder group-commits rows and flushes on shutdown.
  deps.hub.executions.record({
    id: newUuidV7(),
    traceId: input.traceId,
    decisionId: r.decisionId,
    server: input.server.name,
    tool: input.tool,
    userId: input.principal.userId,
    sessionId: input.sessionId,
    status: r.status,
    durationMs,
    inputBytes: bytes(input.args),
    outputBytes: bytes(r.output),
    error: r.error,
    createdAt: deps.clock.now(),
  });
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
