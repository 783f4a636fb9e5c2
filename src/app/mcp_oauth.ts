import type { Principal } from "@domain/identity/mod.ts";
import { auditedToolName } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { TraceId } from "@shared/ids.ts";
import { decide, type DecideDeps, type Outcome } from "./govern.ts";

/**
 * OAuth scopes at an MCP server that requires OAuth (issue 5 item 7, RFC 6750 §3.1): the token must
 * carry every scope the server lists in `oauth.scopes`. Scopes only narrow: a token holding them
 * still gets no more than its owner's roles allow. A PAT carries no scopes (it is not an OAuth
 * grant), so it is refused wherever scopes are listed; a server without `oauth.required` or with
 * no scopes listed checks none.
 */
export function missingScopes(server: McpServerConfig, principal: Principal): string[] {
  if (!server.oauth.required) return [];
  const granted = new Set(principal.grantedScopes);
  return server.oauth.scopes.filter((scope) => !granted.has(scope));
}

export interface ScopeDenial {
  readonly principal: Principal;
  readonly server: McpServerConfig;
  readonly missing: readonly string[];
  /** The JSON-RPC method refused (`tools/call`, …), when the request named one. */
  readonly method: string | undefined;
  /** `params.name` of a `tools/call`. */
  readonly tool: string | undefined;
  readonly sessionId: string | undefined;
  readonly traceId: TraceId;
}

/** The refused request as one deny row (policy `oauth_scope`), like any governed deny. */
export async function auditScopeDenial(deps: DecideDeps, d: ScopeDenial): Promise<Outcome> {
  const reason = `token lacks required OAuth scope(s): ${d.missing.join(" ")}`;
  return await decide(deps, {
    principal: d.principal,
    target: {
      surface: "mcp",
      event: d.method ?? "request",
      toolName: d.method === "tools/call" && d.tool ? auditedToolName(d.server.name, d.tool) : "",
    },
    sessionId: d.sessionId,
    traceId: d.traceId,
    targetDetail: { server: d.server.name, missing_scopes: d.missing },
  }, { decision: "deny", policy: "oauth_scope", reason, chain: [] });
}
