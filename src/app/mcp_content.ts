import type { ScanOptions } from "@domain/scanner/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { auditedToolName, promptOwnName, resourceOwnName } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import type { TraceId } from "@shared/ids.ts";
import { decide, type Verdict } from "./govern.ts";
import {
  type McpCallDeps,
  type McpCallInput,
  recordExecution,
  resolveCredentials,
  runUpstream,
} from "./mcp_call.ts";
import { mcpEntity } from "./mcp_policy.ts";
import { redactDetected, redactStrings } from "./mcp_redact.ts";
import type { ContentRequest, ContentResult } from "./mcp_types.ts";
import { mayList } from "./mcp_visibility.ts";
import { createKnownSecrets } from "./vault_known.ts";
import { callSignal } from "@shared/call_signal.ts";

/**
 * MCP resources and prompts, proxied to upstreams that declare them (ARCHITECTURE §5).
 * `resources/read` and `prompts/get` are governed exactly like `tools/call`: one decision row
 * (audited name `mcp__<server>__resource:<uri>` / `mcp__<server>__prompt:<name>`; the URI, or the
 * prompt's name and arguments, scanned as the tool input) before the upstream is touched, one execution row,
 * and a redacted result. There is no `isError` result shape for them, so a deny is returned as a
 * reason the edge turns into a JSON-RPC error. Listings write no row and show only what the caller
 * may read (the identity-only stages, as for `tools/list`).
 */
export interface McpContentInput {
  readonly principal: Principal;
  readonly server: McpServerConfig;
  readonly request: ContentRequest;
  readonly sessionId: string;
  readonly traceId: TraceId;
  readonly signal: AbortSignal;
}

export type ContentOutcome =
  | { readonly ok: true; readonly result: ContentResult }
  | { readonly ok: false; readonly reason: string };

/** `resources/list` or `prompts/list`: the upstream's page, filtered for the caller and redacted. */
export async function listContent(deps: McpCallDeps, input: McpContentInput): Promise<ContentResult> {
  const { server, request } = input;
  const resources = request.method === "resources/list";
  const key = resources ? "resources" : "prompts";
  const features = await deps.hub.features(server.name);
  if (features && !(resources ? features.resources : features.prompts)) return { [key]: [] };
  const known = createKnownSecrets();
  const prepared = await resolveCredentials(deps, server, input.principal, known);
  if (prepared.preset) return { [key]: [] };
  let listed: ContentResult;
  try {
    using call = callSignal(input.signal, server.timeout_ms);
    listed = await deps.hub.withConnection(server.name, prepared.env, (connection) => {
      for (const value of connection.injected) known.add(value);
      return connection.content(request, {
        signal: call.signal,
        timeoutMs: server.timeout_ms,
        caller: { principal: input.principal, traceId: input.traceId, sessionId: input.sessionId },
        ...(prepared.headers ? { headers: prepared.headers } : {}),
      });
    });
  } catch (error) {
    if (isAppError(error, "mcp.server_unavailable")) throw error;
    throw new AppError("mcp.upstream_failed", `MCP server ${server.name} failed to list its ${key}`);
  }
  const items = Array.isArray(listed[key]) ? listed[key] as Record<string, unknown>[] : [];
  const visible = await visibleItems(deps, input, items, resources);
  return redactStrings({ ...listed, [key]: visible }, known, deps.egressScan);
}

/** The listed resources (by URI) or prompts (by name) the caller may read. */
async function visibleItems(
  deps: McpCallDeps,
  input: McpContentInput,
  items: readonly Record<string, unknown>[],
  resources: boolean,
): Promise<Record<string, unknown>[]> {
  const visible: Record<string, unknown>[] = [];
  for (const item of items) {
    const id = resources ? item["uri"] : item["name"];
    if (typeof id !== "string") continue;
    const own = resources ? resourceOwnName(id) : promptOwnName(id);
    if (await mayList(deps.policy, input.principal, input.server, own, input.request.method)) {
      visible.push(item);
    }
  }
  return visible;
}

/** `resources/read` or `prompts/get`, governed; a deny is `{ok: false, reason}`. */
export async function governedContent(deps: McpCallDeps, input: McpContentInput): Promise<ContentOutcome> {
  const started = performance.now();
  const { server, request } = input;
  const target = describe(request, deps.egressScan);
  const call: McpCallInput = { ...input, tool: target.own, args: target.input };
  const known = createKnownSecrets();
  const prepared = await resolveCredentials(deps, server, input.principal, known);
  const outcome = await decideContent(deps, input, target, prepared.preset);
  const record = (
    status: "success" | "failed" | "timeout" | "denied",
    error: string | null,
    output?: unknown,
  ) => recordExecution(deps, call, { status, error, output, decisionId: outcome.decisionId, started });
  if (outcome.decision === "deny") {
    record("denied", `denied by ${outcome.policy}`);
    return { ok: false, reason: `[GOVERNANCE] ${outcome.reason ?? outcome.policy}` };
  }
  const features = await deps.hub.features(server.name);
  if (features && !(request.method === "resources/read" ? features.resources : features.prompts)) {
    record("failed", "not offered by the upstream");
    throw new AppError("mcp.tool_not_found", `MCP server ${server.name} offers no ${target.kind}s`);
  }
  const result = await runUpstream(
    deps,
    call,
    { record, known, headers: prepared.headers, env: prepared.env },
    (c, o) => c.content(request, o).then((r) => ({ result: r, failed: false })),
  );
  return { ok: true, result: redactStrings(result, known, deps.egressScan) };
}

function decideContent(deps: McpCallDeps, input: McpContentInput, target: Described, preset?: Verdict) {
  const { server } = input;
  return decide(deps, {
    principal: input.principal,
    target: {
      surface: "mcp",
      event: input.request.method,
      toolName: auditedToolName(server.name, target.own),
      toolInput: target.scanned,
      entity: mcpEntity(deps.policy.rules, server.name, target.own),
    },
    sessionId: input.sessionId,
    traceId: input.traceId,
    targetDetail: { server: server.name, ...target.detail },
  }, preset);
}

interface Described {
  readonly kind: "resource" | "prompt";
  readonly own: string;
  /** What the execution row records as the call's arguments. */
  readonly input: Record<string, unknown>;
  /** Every string the upstream gets: what the chain scans. */
  readonly scanned: Record<string, unknown>;
  readonly detail: Record<string, string>;
}

/**
 * The audited item: the URI or prompt name names the decision and execution rows, so a secret
 * detected in it is redacted there (the raw value is still what the chain scans, and denies).
 */
function describe(request: ContentRequest, scan: ScanOptions): Described {
  switch (request.method) {
    case "resources/read": {
      const { uri } = request.params;
      const shown = redactDetected(uri, scan);
      const input = { uri };
      return {
        kind: "resource",
        own: resourceOwnName(shown),
        input,
        scanned: input,
        detail: { resource: shown },
      };
    }
    case "prompts/get": {
      const shown = redactDetected(request.params.name, scan);
      const input = { ...request.params.arguments };
      const scanned = { name: request.params.name, arguments: input };
      return { kind: "prompt", own: promptOwnName(shown), input, scanned, detail: { prompt: shown } };
    }
    default:
      throw new AppError("request.invalid_body", `${request.method} is not governed content`);
  }
}
