import { type Context, Hono } from "hono";
import type { DecideDeps } from "@app/govern.ts";
import { auditScopeDenial, missingScopes } from "@app/mcp_oauth.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { HttpEnv } from "../env.ts";
import { rpcErrorResponse } from "./mcp_rpc.ts";

/**
 * Our MCP servers as OAuth protected resources (RFC 9728, RFC 8707): each server's resource URL is
 * its endpoint under the external URL, and its metadata document names us as the authorization
 * server. Also the CORS answer for browser clients: an `Origin` must be ours or configured.
 */
export function resourceUrl(externalUrl: string, server: string): string {
  return `${base(externalUrl)}/api/v1/mcp/${server}/mcp`;
}

export function resourceMetadataUrl(externalUrl: string, server: string): string {
  return `${base(externalUrl)}/.well-known/oauth-protected-resource/api/v1/mcp/${server}/mcp`;
}

/** Response headers for an allowed origin (none without one); undefined when the origin is foreign. */
export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
  externalUrl: string,
): Record<string, string> | undefined {
  if (origin === undefined) return {};
  const own = new URL(externalUrl).origin;
  if (origin !== own && !allowed.includes(origin) && !allowed.includes("*")) return undefined;
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "POST, DELETE, OPTIONS",
    "access-control-allow-headers":
      "authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id, x-trace-id",
    "access-control-expose-headers": "mcp-session-id, x-trace-id, www-authenticate",
    vary: "Origin",
  };
}

export function protectedResourceRoutes(deps: {
  readonly externalUrl: string;
  readonly server: (name: string) => McpServerConfig | undefined;
}): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/.well-known/oauth-protected-resource/api/v1/mcp/:server/mcp", (c) => {
    const server = deps.server(c.req.param("server"));
    if (!server || !server.enabled) return c.json({ error: "not_found" }, 404);
    return c.json(
      {
        resource: resourceUrl(deps.externalUrl, server.name),
        authorization_servers: [base(deps.externalUrl)],
        bearer_methods_supported: ["header"],
        scopes_supported: server.oauth.scopes,
        resource_name: server.description || server.name,
      },
      200,
      { "cache-control": "max-age=300" },
    );
  });
  return app;
}

/**
 * RFC 6750 §3.1: a token without every scope an `oauth.required` server lists gets 403
 * `insufficient_scope` naming the scopes and the metadata document, and the refusal is audited as
 * a deny. Undefined when the token may proceed.
 */
export async function refuseMissingScopes(
  c: Context<HttpEnv>,
  deps: DecideDeps & { readonly externalUrl: string },
  server: McpServerConfig,
  principal: Principal,
): Promise<Response | undefined> {
  const missing = missingScopes(server, principal);
  if (missing.length === 0) return undefined;
  const request = c.req.method === "POST" ? await peekRequest(c) : {};
  const outcome = await auditScopeDenial(deps, {
    principal,
    server,
    missing,
    method: request.method,
    tool: request.tool,
    sessionId: c.req.header("mcp-session-id"),
    traceId: c.get("traceId"),
  });
  const challenge = [
    `error="insufficient_scope"`,
    `scope="${server.oauth.scopes.join(" ")}"`,
    `resource_metadata="${resourceMetadataUrl(deps.externalUrl, server.name)}"`,
  ];
  return rpcErrorResponse(403, -32600, outcome.reason ?? "insufficient_scope", {
    ...(request.id !== undefined ? { id: request.id } : {}),
    headers: { "www-authenticate": `Bearer ${challenge.join(", ")}` },
  });
}

/** The method, tool and id of a JSON-RPC request, for the audit row (nothing when it is not one). */
async function peekRequest(
  c: Context<HttpEnv>,
): Promise<{ method?: string; tool?: string; id?: string | number }> {
  try {
    const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    const params = body["params"] as Record<string, unknown> | undefined;
    const id = body["id"];
    return {
      ...(typeof body["method"] === "string" ? { method: body["method"] } : {}),
      ...(typeof params?.["name"] === "string" ? { tool: params["name"] } : {}),
      ...(typeof id === "string" || typeof id === "number" ? { id } : {}),
    };
  } catch {
    return {};
  }
}

function base(externalUrl: string): string {
  return externalUrl.replace(/\/+$/, "");
}
