import { Hono } from "hono";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { HttpEnv } from "../env.ts";

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

function base(externalUrl: string): string {
  return externalUrl.replace(/\/+$/, "");
}
